"""Teacher metrics of one run: workforce, vacancies and substitutes, hiring and exits by locale,
skill distribution by locale, senior and backbone stocks, the teacher value added pupils experience,
moves within the county (调剂, 选调进城) and teacher exchange (交流轮岗) by direction with its
backbone share.

Read from ``campus_year`` (teachers, vacancies, mean and SD of skill per campus, senior and
backbone counts, pupil-weighted mean and SD of the value added of pupils' class teachers) and
``flows`` (teacher flows).  Exchange rows are the ``exchange`` flows (campus → campus) and their
``exchange_backbone`` subset, written by the grouping modes that rotate teachers; a run without
exchange reports zero exchanges.  Counts are zeros where nothing happened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scenario.models import LOCALES
from .frame import Block, Groups, Levels, codes_in, finish, ratio, wanted
from .migration import FlowTable

CAMPUS_FLOWS = {"attrition": "attrition", "retirements": "retirement", "hires": "hire", "substitutes": "substitute",
                "senior_promotions": "senior_title", "first_promotions": "first_title",
                "backbone_designations": "backbone"}
"""Metric key → teacher flow into or out of a campus (or one of its stocks) that it counts."""

MOVE_FLOWS = {"reallocations": "reallocation", "town_selections": "town_selection"}
"""Metric key → teacher flow between campuses (by locale pair) that it counts."""

STOCKS = {"senior_teachers": "teachers_senior", "backbone_teachers": "teachers_backbone"}
"""Metric key → campus_year count of teachers it sums."""


def _skill(cy: pd.DataFrame, g: Groups) -> dict[str, np.ndarray]:
    """Per group of campuses: teachers, vacancies, senior and backbone stocks, and pooled mean/SD of
    skill from per-campus means and SDs (ddof 0)."""
    t = cy["teachers"].to_numpy(float)
    mean, sd = (cy[column].to_numpy(float) for column in ("mean_teacher_skill", "sd_teacher_skill"))
    mean, sd = np.where(np.isnan(mean), 0.0, mean), np.where(np.isnan(sd), 0.0, sd)  # a campus without teachers
    out = {"teachers": g.sum(t), "vacancies": g.sum(cy["vacancies"]),
           **{key: g.sum(cy[column]) for key, column in STOCKS.items()}}
    out["teacher_skill_mean"] = ratio(g.sum(t * mean), out["teachers"])
    out["teacher_skill_sd"] = np.sqrt(np.maximum(ratio(g.sum(t * (sd ** 2 + mean ** 2)), out["teachers"])
                                                 - out["teacher_skill_mean"] ** 2, 0.0))
    return out


def _value_added(cy: pd.DataFrame, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pupil_value_added`'s ``sd`` and ``within_share`` in each of ``years`` (missing in a year
    without pupils)."""
    pupils = cy["enrolment"].to_numpy() > 0
    g = Groups.over([np.where(pupils, codes_in(cy["year"], years), -1)], [years])
    n = cy["enrolment"].to_numpy(float)
    m, s = cy["class_skill_mean"].to_numpy(float), cy["class_skill_sd"].to_numpy(float)
    total_n = g.sum(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = g.sum(n * m) / total_n
        total = np.maximum(g.sum(n * (s ** 2 + m ** 2)) / total_n - mu ** 2, 0.0)
        within = g.sum(n * s ** 2) / total_n
    return np.sqrt(total), ratio(within, total)


def pupil_value_added(cy: pd.DataFrame) -> pd.DataFrame:
    """The pupil-experienced spread of teacher value added, per year: one row per year with ``sd`` (SD
    over pupils of the value added of their class's teachers, pupil SD per year) and
    ``within_share`` (the share of its variance within campuses).

    Pure function of a run's ``campus_year``: campus c with ``n_c`` pupils, pupil-weighted mean
    ``m_c`` (``class_skill_mean``) and SD ``s_c`` (``class_skill_sd``) gives, with N = Σn_c and
    μ = Σn_c m_c / N, total variance Σn_c (s_c² + m_c²) / N − μ² and within-campus variance
    Σn_c s_c² / N (the between-campus part is the rest).  Campuses without pupils are left out.
    """
    years = np.unique(cy.loc[cy["enrolment"] > 0, "year"].to_numpy(np.int64))
    sd, within_share = _value_added(cy, years)
    return pd.DataFrame({"sd": sd, "within_share": within_share}, index=pd.Index(years, name="year"))


def teacher_blocks(cy: pd.DataFrame, flows: pd.DataFrame, levels: Levels = None) -> list[Block]:
    """Teacher metrics per year at region and locale level, and exchanges by locale pair (only at
    ``levels`` when given)."""
    by_year = Groups.by(cy["year"])
    years = by_year.keys[0]
    f = FlowTable(flows, years)
    campus_flows = {key: f.rows("teacher", (flow,)) for key, flow in CAMPUS_FLOWS.items()}
    moves = {key: f.rows("teacher", (flow,)) for key, flow in MOVE_FLOWS.items()}
    exchange = f.rows("teacher", ("exchange",))
    keys = ["teachers", "vacancies", "teacher_skill_mean", "teacher_skill_sd", *STOCKS, *CAMPUS_FLOWS, "attrition_rate"]
    out = []
    if wanted(levels, "region"):
        region = _skill(cy, by_year)
        region.update({key: f.by_year(rows) for key, rows in campus_flows.items()})
        region["attrition_rate"] = ratio(region["attrition"], region["teachers"])
        region["pupil_teacher_va_sd"], region["pupil_teacher_va_within_share"] = _value_added(cy, years)
        region.update({key: f.by_year(rows) for key, rows in moves.items()})
        exchanges = region["exchanges"] = f.by_year(exchange)
        region["exchange_backbone_share"] = ratio(f.by_year(f.rows("teacher", ("exchange_backbone",))), exchanges)
        region["exchange_rate"] = ratio(exchanges, region["teachers"])
        out.append(Block.region(years, {key: region[key] for key in [
            *keys, "pupil_teacher_va_sd", "pupil_teacher_va_within_share", *MOVE_FLOWS, "exchanges",
            "exchange_backbone_share", "exchange_rate"]}))
    if wanted(levels, "locale"):
        g = Groups.over([by_year.codes, codes_in(cy["locale"], LOCALES)], [years, LOCALES])
        locale = _skill(cy, g)
        # the locale of the campus end of a teacher flow: the destination of hires, the origin of exits
        outside = len(LOCALES)
        at = Groups.over([f.year, np.where(f.origin == outside, f.destination, f.origin)], [years, LOCALES])
        locale.update({key: at.sum(f.count, rows) for key, rows in campus_flows.items()})
        locale["attrition_rate"] = ratio(locale["attrition"], locale["teachers"])
        out.append(Block("locale", g.keys[0], g.keys[1], {key: locale[key] for key in keys}))
    if wanted(levels, "locale_pair"):
        out.append(f.pairs({**moves, "exchanges": exchange}))
    return out


def teacher_metrics(cy: pd.DataFrame, flows: pd.DataFrame, levels: Levels = None) -> pd.DataFrame:
    """The teacher metrics of one run as a tidy table (year, level, entity, metric, value): the rows of
    :func:`teacher_blocks`."""
    return finish(teacher_blocks(cy, flows, levels))

