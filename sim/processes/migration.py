"""Household moves at the start of a school year: rural families moving to a town for school
(进城读书) and families of rural origin moving back (回流).

Only the household's decision is made here; the engine applies it (sets the pupil's cell and the
RELOCATED flag) and places the pupil at a school of its new home in the same grade (a transfer by
the zoned rule).  Each pupil decides alone: siblings are not modelled, so two children of one
family may split.

Flight.  A pupil living in a rural cell moves to the nearest non-rural (urban or town) cell with
yearly probability

    p = min(0.5, (flight_rate · exp(gap_elasticity · gap) + 0.5 · urbanisation_drift_pp / 100)
                 · exp(β z − β² / 2)),

    gap = max(0, rep[catchment(part, destination)] − rep[catchment(part, home)]),

so families move more where the town school is better than the village one, on top of a share of
the general urbanisation drift (half the yearly rise of the urban share: pupils' families are a
younger, more mobile part of the rural population than average; no estimate).  ``z`` is the
family's SES relative to its cell's mean, in SDs within the cell, and ``β`` is ``ses_selection``:
better-off families move first, while the factor ``exp(β z − β²/2)`` averages 1 over the cell, so
the cell's overall rate is unchanged.  The cap keeps a single year from emptying a village.

Backflow.  A pupil whose family lives away from its cell of origin (RELOCATED flag, in a non-rural
cell; :func:`origin_pool` gives town pupils of rural origin at the start) returns to its origin
cell with probability

    q = min(0.5, backflow_rate · exp(gap_elasticity · (rep_home − rep_here)))  if rep_home ≥ rep_here − 0.05
    q = 0                                                                        otherwise,

where rep_home and rep_here are the reputations of the catchment campuses (for the pupil's part)
of the origin cell and of the current cell: families come back only once the village school is
about as good as the town one (Huanggang saw 6,692 pupils return after a year of 教联体).

Pre-school children move with their families at the cell's flight probability
(:func:`migrate_children`), so later cohorts enter school where their families now live.

One uniform draw per pupil, keyed by (seed, "migration", year, id, slot 0), decides both (the two
groups are disjoint: movers live in rural cells, returners do not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree
from scipy.stats import binom

from .. import rng
from ..network import CompiledNetwork
from ..scenario.dynamics import Migration
from ..state import RELOCATED, SES_SD_IN_CELL

RURAL = 2
"""Locale code of rural cells and campuses (``models.LOCALES`` order: urban, town, rural)."""

MAX_YEARLY_PROBABILITY = 0.5
"""Cap on a pupil's yearly probability of moving or returning."""

DRIFT_SHARE = 0.5
"""Share of the urbanisation drift (percentage points a year) that applies to school families."""

AS_GOOD_MARGIN = 0.05
"""The home campus counts as about as good as the current one within this many SD of reputation."""


@dataclass(frozen=True)
class Moves:
    """The household decisions of a year (arrays aligned with the pupils)."""

    new_cell: np.ndarray       # int32 cell after the move (the old cell when not moving)
    moved_to_town: np.ndarray  # bool: moved from a rural cell to a non-rural one this year
    returned: np.ndarray       # bool: relocated pupil moved back to its origin cell this year


def nearest_town_cell(net: CompiledNetwork) -> np.ndarray:
    """For each cell, the nearest non-rural cell (int32; -1 everywhere if there is none)."""
    town = np.flatnonzero(net.cell_locale != RURAL)
    if len(town) == 0:
        return np.full(net.n_cells, -1, dtype=np.int32)
    xy = np.column_stack([net.cell_x_km, net.cell_y_km])
    _, j = cKDTree(xy[town]).query(xy)
    return town[j].astype(np.int32)


def _flight(cell: np.ndarray, part: np.ndarray, reputation: np.ndarray, net: CompiledNetwork, params: Migration,
            urbanisation_drift_pp: float) -> tuple[np.ndarray, np.ndarray]:
    """(destination cell, yearly flight probability) of families in ``cell`` looking at ``part``;
    probability 0 outside rural cells (equation in the module docstring).  Both depend on the cell
    and part only: they are computed once per (part, cell) and then looked up per family."""
    town = nearest_town_cell(net)
    rural = (net.cell_locale == RURAL) & (town >= 0)
    dest = np.where(rural, town, np.arange(net.n_cells, dtype=np.int64))
    gap = np.maximum(0.0, reputation[net.catchment[:, dest]] - reputation[net.catchment])  # (part, cell)
    p = params.flight_rate * np.exp(params.gap_elasticity * gap) + DRIFT_SHARE * urbanisation_drift_pp / 100.0
    p = np.where(rural, np.clip(p, 0.0, MAX_YEARLY_PROBABILITY), 0.0)
    return dest[cell], p[part, cell]


def migrate(*, cell: np.ndarray, origin_cell: np.ndarray, flags: np.ndarray, grade: np.ndarray, ids: np.ndarray,
            ses: np.ndarray, reputation: np.ndarray, net: CompiledNetwork, params: Migration,
            urbanisation_drift_pp: float, cell_ses: np.ndarray, seed: int, year: int) -> Moves:
    """This year's moves (equations in the module docstring).

    Arguments are keyword-only: several are int arrays of the same length, and a positional
    mix-up (a locale code for a cell, a campus for a grade) would run silently.

    ``cell``: current home cell; ``origin_cell``: the family's cell of origin; ``flags``: student
    flag bits; ``grade``: 1–9, which picks the stage part (grades 7–9 look at junior catchments);
    ``ses``: family SES; ``cell_ses``: mean SES per cell; ``reputation``: per campus.
    """
    cell = np.asarray(cell, dtype=np.int64)
    origin_cell = np.asarray(origin_cell, dtype=np.int64)
    part = (np.asarray(grade) >= 7).astype(np.int64)
    reputation = np.asarray(reputation, dtype=np.float64)

    draw = rng.uniform(seed, "migration", year, ids, slot=0)
    dest, p = _flight(cell, part, reputation, net, params, urbanisation_drift_pp)
    beta = params.ses_selection
    z = (np.asarray(ses, np.float64) - np.asarray(cell_ses, np.float64)[cell]) / SES_SD_IN_CELL
    moved = draw < np.minimum(p * np.exp(beta * z - beta ** 2 / 2), MAX_YEARLY_PROBABILITY)

    away = np.flatnonzero(((np.asarray(flags) & RELOCATED) != 0) & (cell != origin_cell)
                          & (net.cell_locale[cell] != RURAL))  # only these can return

    def rep(cells: np.ndarray) -> np.ndarray:
        return reputation[net.catchment[part[away], cells[away]]]

    edge = rep(origin_cell) - rep(cell)
    q = np.where(edge >= -AS_GOOD_MARGIN, params.backflow_rate * np.exp(params.gap_elasticity * edge), 0.0)
    returned = np.zeros(len(cell), dtype=bool)
    returned[away] = draw[away] < np.minimum(q, MAX_YEARLY_PROBABILITY)

    new_cell = np.where(moved, dest, np.where(returned, origin_cell, cell)).astype(np.int32)
    return Moves(new_cell=new_cell, moved_to_town=moved, returned=returned)


def origin_pool(cell: np.ndarray, ids: np.ndarray, net: CompiledNetwork, rural_children: np.ndarray,
                share: float, seed: int) -> np.ndarray:
    """Cell of origin of pupils present at the start: a village cell for ``share`` of the pupils
    living in non-rural cells (families who moved to town before the start, the pool that may flow
    back), their own cell for everyone else.

    Who is of rural origin, and from which village, are keyed draws (seed, "migration", 0, id,
    slots 2 and 3).  The village is drawn in proportion to ``rural_children`` (children per cell,
    0 for non-rural cells) among the villages whose nearest town cell is the pupil's cell, or among
    all villages when none is.
    """
    cell = np.asarray(cell, dtype=np.int64)
    origin = cell.copy()
    weight = np.where(net.cell_locale == RURAL, np.asarray(rural_children, dtype=float), 0.0)
    if weight.sum() <= 0 or share <= 0:
        return origin.astype(np.int32)
    rows = np.flatnonzero((net.cell_locale[cell] != RURAL)
                          & (rng.uniform(seed, "migration", 0, ids, slot=2) < share))
    # villages grouped by the town cell they move to (one segment each), then one segment of all
    # villages for town cells that no village moves to; cumulative weights normalised within each
    # segment and offset by the segment's number, so one searchsorted draws every pupil's village
    villages = np.flatnonzero(weight > 0)
    town = nearest_town_cell(net)[villages]
    order = np.argsort(town, kind="stable")
    members = np.r_[villages[order], villages]
    segment = np.r_[town[order], np.full(len(villages), net.n_cells)]
    starts = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
    seg_id = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(segment)]))
    cum = np.cumsum(weight[members])
    cum -= np.repeat(np.r_[0.0, cum[starts[1:] - 1]], np.diff(np.r_[starts, len(segment)]))
    total = np.repeat(cum[np.r_[starts[1:], len(segment)] - 1], np.diff(np.r_[starts, len(segment)]))
    keys = seg_id + cum / total
    of_town = np.full(net.n_cells + 1, len(starts) - 1)  # default: the segment of all villages
    of_town[segment[starts[:-1]]] = np.arange(len(starts) - 1)
    s = of_town[cell[rows]]
    u = rng.uniform(seed, "migration", 0, ids[rows], slot=3)
    pick = np.searchsorted(keys, s + u, side="right")
    origin[rows] = members[np.minimum(pick, len(members) - 1)]
    return origin.astype(np.int32)


@dataclass(frozen=True)
class ChildMoves:
    """Pre-school children after the year's moves: the new ``children`` table (cells × ages), and
    per cell how many left (``movers``) for which cell (``dest``)."""

    children: np.ndarray
    movers: np.ndarray
    dest: np.ndarray


def migrate_children(children: np.ndarray, ages: np.ndarray, reputation: np.ndarray, net: CompiledNetwork,
                     params: Migration, urbanisation_drift_pp: float, seed: int, year: int) -> ChildMoves:
    """Move pre-school children with their families (cells × ages table in, :class:`ChildMoves` out).

    Future pupils must follow the flight too, or a village would keep sending the same cohorts
    to its school however many families had left.  For each cell and each age column in ``ages``
    (the cohorts not yet at school, and the age-0 column that seeds cohorts born later) the number
    moving to the nearest town cell is Binomial(children, p) with p the cell's flight probability
    for the primary part, drawn by inverse CDF from a uniform keyed by (seed, "migration", year,
    cell × 16 + age, slot 1): a higher p never moves fewer children on the same seed (common
    random numbers).  Pre-school children do not flow back (backflow is a pupils' decision).
    """
    children = np.asarray(children, dtype=np.int64).copy()
    cells = np.arange(len(children))
    dest, p = _flight(cells, np.zeros(len(cells), np.int64), np.asarray(reputation, dtype=np.float64), net,
                      params, urbanisation_drift_pp)
    ages = np.asarray(ages, dtype=np.int64)
    n = children[:, ages]
    u = rng.uniform(seed, "migration", year, cells[:, None] * 16 + ages[None, :], slot=1)
    movers = binom.ppf(u, n, p[:, None]).astype(np.int64)
    children[:, ages] -= movers
    np.add.at(children, (np.repeat(dest, len(ages)), np.tile(ages, len(cells))), movers.ravel())
    return ChildMoves(children, movers.sum(axis=1), dest)
