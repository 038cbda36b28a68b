"""A scenario's ``rollout`` turned into groups: the coverage plan's pairings, year by year.

The plan pairs campuses by the rule of :func:`pair_by_rule` (strongest
ungrouped campus first, each taking its weakest ungrouped neighbours of a shared stage), drawn up at
the start from the campuses' reputation and positions, as a bureau publishes its list of groups for
the coming years.  Each pairing becomes an ordinary group of the plan's ``mode`` (default
``mingxiao_ruoxiao``; ``xuequ`` districts and ``jiaolianti`` consortia are paired by the same rule)
whose ``start_year`` is the year it forms, so the engine, the network and the metrics treat planned groups
exactly like groups written out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..stages import OVERLAP
from .mingxiao import CoveragePlan
from .models import STAGES, Campus, Group, RolloutBase, make_group




@dataclass(frozen=True)
class Pairing:
    """Groups a coverage plan forms in one year."""

    hubs: np.ndarray     # (k,) int64 hub campuses, in the order formed (strongest first)
    hub_of: np.ndarray   # (n,) int64 per campus: its new hub if it joins as a member, −1 otherwise


def coverage(grouped: np.ndarray, is_open: np.ndarray) -> float:
    """Share of open campuses that are in a group (hub or member); 0 with no open campus."""
    is_open = np.asarray(is_open, bool)
    n_open = int(is_open.sum())
    return float((np.asarray(grouped, bool) & is_open).sum()) / n_open if n_open else 0.0


def pair_by_rule(strength: np.ndarray, stage: np.ndarray, x_km: np.ndarray, y_km: np.ndarray,
                 is_open: np.ndarray, grouped: np.ndarray, plan: CoveragePlan, year: int) -> Pairing:
    """The groups a coverage plan forms in simulated ``year`` (deterministic).

    Nothing before ``plan.start_year`` or once ``plan.target_coverage`` of open campuses are grouped.
    Otherwise open ungrouped campuses are taken as hubs in order of ``strength`` (reputation), the
    strongest first (ties by index).  Each hub takes, among the open ungrouped campuses that teach
    a grade it teaches, lie within ``plan.max_km`` of it and are at least ``plan.min_gap`` weaker,
    the ``plan.members_per_hub`` weakest (ties by distance, then index); a hub with none forms no
    group.  Groups form until ``plan.new_groups_per_year`` have formed this year or coverage
    reaches the target.  No campus joins two groups: a hub or member taken leaves the pool.
    """
    strength = np.asarray(strength, np.float64)
    stage = np.asarray(stage, np.int64)
    xy = np.column_stack([np.asarray(x_km, np.float64), np.asarray(y_km, np.float64)])
    is_open = np.asarray(is_open, bool)
    free = is_open & ~np.asarray(grouped, bool)
    hub_of = np.full(len(strength), -1, np.int64)
    hubs: list[int] = []
    n_open, n_grouped = int(is_open.sum()), int((np.asarray(grouped, bool) & is_open).sum())
    if year < plan.start_year or n_open == 0:
        return Pairing(np.zeros(0, np.int64), hub_of)
    for h in np.lexsort((np.arange(len(strength)), -strength)):
        if len(hubs) >= plan.new_groups_per_year or n_grouped >= plan.target_coverage * n_open:
            break
        if not free[h]:
            continue
        km = np.hypot(*(xy - xy[h]).T)
        ok = free & OVERLAP[stage[h], stage] & (km <= plan.max_km) & (strength <= strength[h] - plan.min_gap)
        ok[h] = False
        cand = np.flatnonzero(ok)
        if len(cand) == 0:
            continue
        take = cand[np.lexsort((cand, km[cand], strength[cand]))[:plan.members_per_hub]]
        hub_of[take] = h
        free[take] = free[h] = False
        hubs.append(int(h))
        n_grouped += 1 + len(take)
    return Pairing(np.array(hubs, np.int64), hub_of)


def rollout_groups(plan: RolloutBase, campuses: list[Campus], given: list[Group], years: int) -> list[Group]:
    """The groups ``plan`` forms over ``years`` simulated years, among the public ``campuses`` (those open
    at the start: a campus opened later by a policy is not in the list; private ones join no group and
    the coverage target counts public campuses) and outside the ``given`` groups.
    Each is a group of ``plan.mode`` with ``plan.params``; ids are ``plan<year>_<hub id>``."""
    ids = [c.id for c in campuses]
    grouped = np.isin(ids, [cid for g in given for cid in ([g.hub] if g.hub else []) + list(g.members)])
    public = np.array([c.sector == "public" for c in campuses], dtype=bool)
    strength = np.array([c.reputation for c in campuses], dtype=float)
    stage = np.array([STAGES.index(c.stage) for c in campuses])
    x = np.array([c.x_km for c in campuses], dtype=float)
    y = np.array([c.y_km for c in campuses], dtype=float)
    is_open = public  # private campuses join no group, nor count in the coverage of public ones
    params = plan.params.model_dump(mode="json")
    out = []
    for year in range(1, years + 1):
        pairing = pair_by_rule(strength, stage, x, y, is_open, grouped, plan, year)
        for hub in pairing.hubs.tolist():
            members = np.flatnonzero(pairing.hub_of == hub)
            out.append(make_group(id=f"plan{year}_{ids[hub]}", mode=plan.mode, hub=ids[hub],
                                  members=[ids[m] for m in members], start_year=year, params=params))
            grouped[members] = grouped[hub] = True
    return out
