"""Bilingual words of the result pages (中文 first, English beside): metric labels from the
catalogue, labels of levels and entities, and numbers formatted by their unit.

Metric labels are never typed here: they come from :mod:`sim.metrics.catalogue`.
"""

from __future__ import annotations

import math

from ..labels import LOCALE_LABEL, ROLE_LABEL, STAGE_LABEL
from ..metrics.catalogue import CATALOGUE
from ..metrics.frame import REGION

LEVEL_LABEL = {
    "region": "全区 region", "stage": "学段 stage", "locale": "城乡 locale",
    "stage_locale": "学段×城乡 stage × locale", "locale_pair": "城乡流向 locale pair", "group": "集团 group",
    "campus": "校区 campus", "campus_stage": "学校学段 school stage part",
}
REGION_LABEL = "全区 whole region"
YEAR_LABEL = "模拟年 simulated year"
ALL_YEARS_LABEL = "全部年份 all years"
PERCENT_UNITS = ("share", "flag (1/0)")
"""Catalogue units shown as percentages."""


def metric_label(key: str) -> str:
    """The catalogue's bilingual label of metric ``key`` (the key itself if it is not catalogued)."""
    return CATALOGUE[key].label if key in CATALOGUE else key


def split_label(label: str) -> tuple[str, str]:
    """('中文', 'English') halves of a catalogue label written as '中文 / English'."""
    zh, sep, en = label.partition(" / ")
    return (zh, en) if sep else (label, label)


def metric_unit(key: str) -> str:
    """The catalogue's unit of metric ``key`` ('' if it is not catalogued)."""
    return CATALOGUE[key].unit if key in CATALOGUE else ""


def entity_label(level: str, entity: str) -> str:
    """Bilingual name of an entity at a level: a stage, a locale, a stage × locale cell, a locale
    pair (origin → destination); group and campus ids are shown as they are."""
    if level == "region" or entity == REGION:
        return REGION_LABEL
    if level == "stage":
        return STAGE_LABEL.get(entity, entity)
    if level == "locale":
        return LOCALE_LABEL.get(entity, entity)
    if level == "stage_locale":
        stage, _, locale = entity.partition("/")
        return f"{STAGE_LABEL.get(stage, stage)} · {LOCALE_LABEL.get(locale, locale)}"
    if level == "locale_pair":
        origin, _, destination = entity.partition("→")
        return f"{LOCALE_LABEL.get(origin, origin)} → {LOCALE_LABEL.get(destination, destination)}"
    return ROLE_LABEL.get(entity, entity) if level == "role" else entity


def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def _number(x: float, unit: str, signed: bool) -> tuple[str, str]:
    """(number, suffix) of a value by its catalogue unit (see :func:`format_value`)."""
    sign = "+" if signed else ""
    if unit in PERCENT_UNITS:
        return f"{x * 100:{sign},.1f}", " %"
    if unit.startswith("yuan"):
        return f"{x / 1e4:{sign},.1f}", " 万元"
    if unit in ("ratio", "SD", "index"):
        return f"{x:{sign}.3f}", ""
    return f"{x:{sign},.1f}", ""


def format_value(x, unit: str, signed: bool = False) -> str:
    """A number as a planner reads it, by its catalogue unit: shares and flags in %, yuan in 万元
    (10k yuan), ratios, SD and indices to three decimals, counts to one; '–' if missing."""
    if not _finite(x):
        return "–"
    number, suffix = _number(x, unit, signed)
    return number + suffix


def format_interval(low, high, unit: str, signed: bool = False) -> str:
    """'[low, high]' with the unit once at the end, like :func:`format_value` ('' when either end
    is missing)."""
    if not (_finite(low) and _finite(high)):
        return ""
    (lo, suffix), (hi, _) = _number(low, unit, signed), _number(high, unit, signed)
    return f"[{lo}, {hi}]{suffix}"


def axis_format(unit: str) -> dict:
    """Plotly axis settings of a unit: shares and flags as percentages, the rest plain; the unit
    is the axis title."""
    return {"tickformat": ".0%" if unit in PERCENT_UNITS else "", "title": {"text": f"单位 unit: {unit}"}}
