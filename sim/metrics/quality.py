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

import numpy as np
import pandas as pd

from ..stages import SCALE_MEAN, SCALE_SD
from .frame import finish, melt, melt_region

def _pupils(cy: pd.DataFrame) -> pd.DataFrame:
    """Open campuses with pupils, with weights ``n``, scale score ``x``, score sum ``sx`` and Σx ln x ``sxl``."""
    c = cy.loc[cy["open"].astype(bool) & (cy["enrolment"] > 0)].copy()
    c["n"] = c["enrolment"].astype(float)
    c["z"] = c["mean_achievement"].astype(float)
    c["x"] = SCALE_MEAN + SCALE_SD * c["z"]
    c["sx"] = c["n"] * c["x"]
    c["nz"] = c["n"] * c["z"]
    c["sxl"] = c["score_xlnx"].astype(float)
    c["group"] = c["group"].fillna("").astype(str)
    return c


def theil_parts(c: pd.DataFrame, key: str) -> pd.DataFrame:
    """Between and within components of the Theil T index for the partition ``key``, by year.

    With class g holding N_g pupils of mean score μ_g and own Theil index T_g, and s_g = N_g μ_g /
    (N μ) its share of all score points: between = Σ s_g ln(μ_g/μ), within = Σ s_g T_g; the two
    sum exactly to the total T = Σx ln x / (N μ) − ln μ.
    """
    g = c.groupby(["year", key], sort=False)[["n", "sx", "sxl"]].sum()
    total = g.groupby(level="year").sum()
    mu = total["sx"] / total["n"]
    mu_g = g["sx"] / g["n"]
    share = g["sx"] / total["sx"].reindex(g.index, level="year")
    log_ratio = np.log(mu_g) - np.log(mu.reindex(g.index, level="year"))
    t_g = g["sxl"] / g["sx"] - np.log(mu_g)
    return pd.DataFrame({"between": (share * log_ratio).groupby(level="year").sum(),
                         "within": (share * t_g).groupby(level="year").sum()})


def region_metrics(c: pd.DataFrame) -> pd.DataFrame:
    """Per year: CV of campus mean scores, urban+town − rural gap, Theil index and its decompositions."""
    by_year = c.groupby("year")
    n, sx, sxl = by_year["n"].sum(), by_year["sx"].sum(), by_year["sxl"].sum()
    mu = sx / n
    dev = c["n"] * (c["x"] - mu.reindex(c["year"]).to_numpy()) ** 2
    cv = np.sqrt(dev.groupby(c["year"]).sum() / n) / mu
    rural = c["locale"].eq("rural")
    side = c.groupby(["year", rural])[["nz", "n"]].sum()
    side_z = (side["nz"] / side["n"]).unstack().reindex(columns=[False, True])
    wide = pd.DataFrame({"achievement_cv": cv,
                         "achievement_gap_rural": side_z[False] - side_z[True],
                         "theil": sxl / sx - np.log(mu)})
    c = c.assign(group_class=c["group"])  # "" pools every campus outside a group into one class
    for name, key in (("campus", "campus"), ("locale", "locale"), ("group", "group_class")):
        parts = theil_parts(c, key)
        wide[f"theil_between_{name}"] = parts["between"]
        wide[f"theil_within_{name}"] = parts["within"]
    return melt_region(wide)


def locale_metrics(c: pd.DataFrame) -> pd.DataFrame:
    """Pupil-weighted mean achievement (z) of each locale."""
    g = c.groupby(["year", "locale"])[["nz", "n"]].sum()
    return melt(pd.DataFrame({"mean_achievement": g["nz"] / g["n"]}), "locale")


def group_metrics(c: pd.DataFrame) -> pd.DataFrame:
    """Hub z minus pupil-weighted member z of each group that has both with pupils that year."""
    grouped = c.loc[c["group"].ne("") & c["role"].isin(["hub", "member"])]
    g = grouped.groupby(["year", "group", "role"])[["nz", "n"]].sum()
    z = (g["nz"] / g["n"]).unstack("role").reindex(columns=["hub", "member"]).astype(float)
    gap = (z["hub"] - z["member"]).dropna()
    return melt(pd.DataFrame({"hub_member_gap": gap}), "group")


def campus_metrics(c: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """Each campus's z, and for hubs their change in z since ``first_year`` (固峰)."""
    z = c.set_index(["year", "campus"])["z"]
    out = [melt(pd.DataFrame({"mean_achievement": z}), "campus")]
    base = c.loc[c["year"].eq(first_year), ["campus", "z"]].rename(columns={"z": "z0"})
    hubs = c.loc[c["role"].eq("hub"), ["year", "campus", "z"]].merge(base, on="campus")  # hubs with a base
    change = (hubs["z"] - hubs["z0"]).set_axis(pd.MultiIndex.from_frame(hubs[["year", "campus"]]))
    out.append(melt(pd.DataFrame({"hub_change": change}), "campus"))
    return pd.concat(out, ignore_index=True)


def quality_metrics(cy: pd.DataFrame) -> pd.DataFrame:
    """All achievement-quality metrics of one run as a tidy table (year, level, entity, metric, value)."""
    c = _pupils(cy)
    if c.empty:
        return finish([])
    return finish([region_metrics(c), locale_metrics(c), group_metrics(c),
                    campus_metrics(c, int(cy["year"].min()))])
