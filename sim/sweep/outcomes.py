"""Outcomes of a sweep: named values of one run, read from its metrics.

Syntax of an outcome name: ``metric/level/entity@year``

* ``metric``: a key of the metric catalogue (``python run_sim.py metrics``), e.g. ``cv_mean``;
* ``level`` and ``entity``: where it is measured, e.g. ``stage/junior``, ``locale/rural``,
  ``region/all``, ``campus/C01``; ``metric@year`` alone means ``metric/region/all@year``;
* ``year``: ``final`` (the last simulated year), a simulated year ``1``–``50``, or a calendar
  school year (``2030``: the year starting in September 2030, from the scenario's ``start_year``).

Examples: ``cv_mean/stage/junior@final`` (junior 差异系数 in the last year),
``attrition_rate/locale/rural@5``, ``achievement_gap_rural@2030``.

A sweep computes only the metric families and levels its outcomes need (:func:`outcome_values`); a
value the metric does not have in that run (an undefined 差异系数, say) is NaN.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from ..metrics.catalogue import CATALOGUE, COMPARISON_ONLY
from ..metrics.compute import metric_blocks
from ..metrics.frame import REGION
from ..scenario.models import Costs

FINAL = "final"
_NAME = re.compile(r"^(?P<metric>[a-z0-9_]+)(/(?P<level>[a-z_]+)/(?P<entity>[^@]+))?@(?P<year>final|\d{1,4})$")
CALENDAR_FROM = 1900
"""Years from this on are calendar years; below it, simulated years."""


@dataclass(frozen=True)
class OutcomeRef:
    """A parsed outcome name; ``year`` is the simulated year (1 = the first), None for the final year."""

    name: str
    metric: str
    level: str
    entity: str
    year: int | None

    @property
    def family(self) -> str:
        """The metric family that computes it."""
        return CATALOGUE[self.metric].family

    def year_in(self, years: int) -> int:
        """The simulated year this outcome reads in a run of ``years`` years."""
        return years if self.year is None else self.year


def parse_outcome(name: str, start_year: int, years: int) -> OutcomeRef:
    """Parse ``name`` (module docstring) for runs of ``years`` years from ``start_year``; raise
    ValueError with a bilingual explanation when it is not a measurable outcome."""
    m = _NAME.match(name.strip())
    if not m:
        raise ValueError("metric/level/entity@year, e.g. cv_mean/stage/junior@final / 形如 指标/层级/对象@年份")
    metric, level, entity, when = m["metric"], m["level"] or "region", m["entity"] or REGION, m["year"]
    if metric not in CATALOGUE or metric in COMPARISON_ONLY:
        raise ValueError(f"a metric of the catalogue (run_sim.py metrics), not {metric!r} / 指标目录中的指标")
    if level not in CATALOGUE[metric].levels:
        raise ValueError(f"a level of {metric}: {', '.join(CATALOGUE[metric].levels)} / 该指标的层级")
    year = None if when == FINAL else int(when)
    if year is not None and year >= CALENDAR_FROM:
        year = year - start_year + 1
    if year is not None and not 1 <= year <= years:
        raise ValueError(f"a year within the {years} simulated years ({start_year}–{start_year + years - 1}) or final"
                         " / 模拟期内的年份")
    return OutcomeRef(name.strip(), metric, level, entity, year)


def outcome_values(frames: dict[str, pd.DataFrame], costs: Costs, refs: list[OutcomeRef],
                   years: int) -> dict[str, float]:
    """The value of every outcome in ``refs`` from one run's tables (NaN where the metric has no row),
    computing only the metric families and levels they need."""
    only: dict[str, set[str]] = {}
    for ref in refs:
        only.setdefault(ref.family, set()).add(ref.level)
    blocks = metric_blocks(frames, costs, only)
    out = {}
    for ref in refs:
        found = (block.value(ref.metric, ref.entity, ref.year_in(years)) for block in blocks
                 if block.level == ref.level)
        out[ref.name] = next((v for v in found if not math.isnan(v)), math.nan)
    return out
