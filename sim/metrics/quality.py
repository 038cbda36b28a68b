"""Achievement-quality metrics of one simulation run: gaps, dispersion and inequality.

The planner's questions are "填谷" (do weak and rural campuses catch up?) and "固峰" (do the
strong hub campuses hold their level?). This module answers them from the ``campus_year`` table
with: the enrolment-weighted coefficient of variation of campus mean scores (the official
差异系数 formula, 教督〔2017〕6号), the urban–rural achievement gap, the pupil-level Theil T index
with its exact between/within decompositions by campus, locale and group, mean achievement by
locale and campus, the hub–member gap of each group and each hub's change since the first year.

Achievement is stored in SD units (z, mean ≈ 0). The CV and the Theil index need a positive
ratio scale, so they are computed on a PISA-style scale score x = 500 + 100·z; the engine
records Σ x·ln x per campus (``score_xlnx``) so the pupil-level Theil index is exact without
pupil rows. Only open campuses with pupils count. Output is tidy: ``year, level, entity, metric,
value``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..stages import SCALE_MEAN, SCALE_SD
from .frame import Block, Groups, Levels, finish, wanted


@dataclass(frozen=True)
class _Campuses:
    """Open campuses with pupils, in ``campus_year`` order: pupils ``n``, mean achievement ``z``,
    scale-score sum ``sx`` and Σx ln x ``sxl``, and their year, campus, locale, group ("" outside a
    group) and role."""

    year: np.ndarray
    campus: np.ndarray
    locale: np.ndarray
    group: np.ndarray
    role: np.ndarray
    n: np.ndarray
    z: np.ndarray
    sx: np.ndarray
    nz: np.ndarray
    sxl: np.ndarray

    @classmethod
    def of(cls, cy: pd.DataFrame) -> _Campuses:
        keep = cy["open"].to_numpy(bool) & (cy["enrolment"].to_numpy() > 0)
        n = cy["enrolment"].to_numpy(float)[keep]
        z = cy["mean_achievement"].to_numpy(float)[keep]
        group = cy["group"].to_numpy(object)[keep]
        group = np.where(pd.isna(group), "", group).astype(str).astype(object)
        return cls(cy["year"].to_numpy(np.int64)[keep], cy["campus"].to_numpy(object)[keep],
                   cy["locale"].to_numpy(object)[keep], group, cy["role"].to_numpy(object)[keep],
                   n, z, n * (SCALE_MEAN + SCALE_SD * z), n * z, cy["score_xlnx"].to_numpy(float)[keep])


def theil_parts(c: _Campuses, years: Groups, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Between and within components of the Theil T index for the partition ``key``, per year of
    ``years`` (the campuses grouped by year).

    With class g holding N_g pupils of mean score μ_g and own Theil index T_g, and s_g = N_g μ_g /
    (N μ) its share of all score points: between = Σ s_g ln(μ_g/μ), within = Σ s_g T_g; the two
    sum exactly to the total T = Σx ln x / (N μ) − ln μ.
    """
    g = Groups.by(c.year, key)
    n, sx, sxl = g.sum(c.n), g.sum(c.sx), g.sum(c.sxl)
    by_year = Groups(np.searchsorted(years.keys[0], g.keys[0]), years.keys)  # the classes of each year
    total_sx = by_year.sum(sx)
    mu = total_sx / by_year.sum(n)
    year = by_year.codes
    with np.errstate(divide="ignore", invalid="ignore"):
        mu_g = sx / n
        share = sx / total_sx[year]
        log_ratio = np.log(mu_g) - np.log(mu[year])
        t_g = sxl / sx - np.log(mu_g)
        return by_year.sum(share * log_ratio), by_year.sum(share * t_g)


def region_metrics(c: _Campuses) -> Block:
    """Per year: CV of campus mean scores, urban+town − rural gap, Theil index and its decompositions."""
    years = Groups.by(c.year)
    n, sx, sxl = years.sum(c.n), years.sum(c.sx), years.sum(c.sxl)
    mu = sx / n
    rural = c.locale == "rural"
    with np.errstate(divide="ignore", invalid="ignore"):
        x = SCALE_MEAN + SCALE_SD * c.z
        cv = np.sqrt(years.sum(c.n * (x - mu[years.codes]) ** 2) / n) / mu
        side_z = [np.where(years.count(side) > 0, years.sum(c.nz, side) / years.sum(c.n, side), np.nan)
                  for side in (~rural, rural)]
        values = {"achievement_cv": cv, "achievement_gap_rural": side_z[0] - side_z[1],
                  "theil": sxl / sx - np.log(mu)}
    for name, key in (("campus", c.campus), ("locale", c.locale), ("group", c.group)):  # "" pools the independents
        values[f"theil_between_{name}"], values[f"theil_within_{name}"] = theil_parts(c, years, key)
    return Block.region(years.keys[0], values)


def locale_metrics(c: _Campuses) -> Block:
    """Pupil-weighted mean achievement (z) of each locale."""
    g = Groups.by(c.year, c.locale)
    return Block("locale", g.keys[0], g.keys[1], {"mean_achievement": g.sum(c.nz) / g.sum(c.n)})


def group_metrics(c: _Campuses) -> Block:
    """Hub z minus pupil-weighted member z of each group that has both with pupils that year."""
    grouped = (c.group != "") & ((c.role == "hub") | (c.role == "member"))
    g = Groups.by(c.year[grouped], c.group[grouped])
    role, nz, n = c.role[grouped], c.nz[grouped], c.n[grouped]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = {r: np.where(g.count(role == r) > 0, g.sum(nz, role == r) / g.sum(n, role == r), np.nan)
             for r in ("hub", "member")}
    gap = z["hub"] - z["member"]
    both = ~np.isnan(gap)
    return Block("group", g.keys[0][both], g.keys[1][both], {"hub_member_gap": gap[both]})


def pooled_group_gap(c: _Campuses) -> Block:
    """Region rows: all hubs' pupils' mean z minus all members' pupils' mean z, in the years with
    both (no rows in a run without groups)."""
    grouped = (c.group != "") & ((c.role == "hub") | (c.role == "member"))
    years = Groups.by(c.year[grouped])
    role, nz, n = c.role[grouped], c.nz[grouped], c.n[grouped]
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = years.sum(nz, role == "hub") / years.sum(n, role == "hub") \
            - years.sum(nz, role == "member") / years.sum(n, role == "member")
    both = np.isfinite(gap)
    return Block.region(years.keys[0][both], {"hub_member_gap": gap[both]})


def campus_metrics(c: _Campuses, first_year: int) -> list[Block]:
    """Each campus's z, and for hubs their change in z since ``first_year`` (固峰)."""
    base = c.year == first_year
    at = pd.Index(c.campus[base]).get_indexer(c.campus)  # each row's campus among the first year's
    hubs = (c.role == "hub") & (at >= 0)  # hubs with a base
    return [Block("campus", c.year, c.campus, {"mean_achievement": c.z}),
            Block("campus", c.year[hubs], c.campus[hubs], {"hub_change": c.z[hubs] - c.z[base][at[hubs]]})]


def quality_blocks(cy: pd.DataFrame, levels: Levels = None) -> list[Block]:
    """All achievement-quality metrics of one run (only at ``levels`` when given), as blocks of rows."""
    c = _Campuses.of(cy)
    if len(c.n) == 0:
        return []
    out = []
    if wanted(levels, "region"):
        out += [region_metrics(c), pooled_group_gap(c)]
    if wanted(levels, "locale"):
        out.append(locale_metrics(c))
    if wanted(levels, "group"):
        out.append(group_metrics(c))
    if wanted(levels, "campus"):
        out += campus_metrics(c, int(cy["year"].min()))
    return out


def quality_metrics(cy: pd.DataFrame, levels: Levels = None) -> pd.DataFrame:
    """The achievement-quality metrics of one run as a tidy table (year, level, entity, metric,
    value): the rows of :func:`quality_blocks`."""
    return finish(quality_blocks(cy, levels))
