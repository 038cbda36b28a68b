"""Teacher metrics of one run: workforce, vacancies, hiring and exits by locale, skill distribution
by locale, and teacher exchange (交流轮岗) by direction with its backbone share.

Read from ``campus_year`` (teachers, vacancies, mean and SD of skill per campus) and ``flows``
(teacher flows).  Exchange rows are the ``exchange`` flows (campus → campus) and their
``exchange_backbone`` subset, written by the grouping modes that rotate teachers; a run without
exchange reports zero exchanges.  Counts are zeros where nothing happened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scenario.models import LOCALES
from .frame import finish, melt, melt_region
from .migration import locale_pairs

EXIT_FLOWS = {"attrition": "attrition", "retirements": "retirement", "hires": "hire"}
"""Metric key → teacher flow it counts."""


def _skill(cy: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Teachers, vacancies and pooled mean/SD of skill from per-campus means and SDs (ddof 0)."""
    t = cy["teachers"].astype(float)
    mean = cy["mean_teacher_skill"].fillna(0.0)
    d = pd.DataFrame({"teachers": t, "vacancies": cy["vacancies"], "s1": t * mean,
                      "s2": t * (cy["sd_teacher_skill"].fillna(0.0) ** 2 + mean ** 2)})
    g = d.groupby([cy[k] for k in by]).sum()
    n = g["teachers"].where(g["teachers"] > 0)
    g["teacher_skill_mean"] = g["s1"] / n
    g["teacher_skill_sd"] = np.sqrt(np.maximum(g["s2"] / n - g["teacher_skill_mean"] ** 2, 0.0))
    return g


def _locale_of_flow(f: pd.DataFrame) -> pd.Series:
    """Locale of the campus end of a teacher flow (the destination of hires, the origin of exits)."""
    return f["destination_locale"].where(f["origin_locale"] == "", f["origin_locale"])


def teacher_metrics(cy: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Teacher metrics per year at region and locale level, and exchanges by locale pair."""
    years = np.sort(cy["year"].unique())
    teach = flows[flows["kind"] == "teacher"]
    by_locale = pd.MultiIndex.from_product([years, LOCALES], names=["year", "locale"])
    locale = _skill(cy, ["year", "locale"]).reindex(by_locale)
    locale[["teachers", "vacancies"]] = locale[["teachers", "vacancies"]].fillna(0)
    region = _skill(cy, ["year"]).reindex(years).rename_axis("year")
    for key, flow in EXIT_FLOWS.items():
        f = teach[teach["flow"] == flow]
        locale[key] = f.groupby([f["year"], _locale_of_flow(f).rename("locale")])["count"].sum().reindex(
            by_locale, fill_value=0)
        region[key] = f.groupby("year")["count"].sum().reindex(years, fill_value=0)
    for frame in (locale, region):
        frame["attrition_rate"] = frame["attrition"] / frame["teachers"].where(frame["teachers"] > 0)
    exchange = teach[teach["flow"] == "exchange"]
    backbone = teach[teach["flow"] == "exchange_backbone"].groupby("year")["count"].sum()
    region["exchanges"] = exchange.groupby("year")["count"].sum().reindex(years, fill_value=0)
    region["exchange_backbone_share"] = backbone.reindex(years, fill_value=0) / region["exchanges"].replace(0, np.nan)
    region["exchange_rate"] = region["exchanges"] / region["teachers"].where(region["teachers"] > 0)
    keys = ["teachers", "vacancies", "teacher_skill_mean", "teacher_skill_sd", *EXIT_FLOWS, "attrition_rate"]
    return finish([
        melt_region(region[keys + ["exchanges", "exchange_backbone_share", "exchange_rate"]]),
        melt(locale[keys], "locale"),
        locale_pairs(years, {"exchanges": exchange}),
    ])
