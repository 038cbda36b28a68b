"""Cost metrics of one run, in yuan per school year: allowances paid, teacher posts, and
construction of teaching floor area (new classrooms and new campuses).

Unit costs come from the scenario's ``costs`` section (:class:`sim.scenario.models.Costs`).  The
cost of a plan *relative to the reference plan*, and the cost per unit of gap closed, are
comparisons (:mod:`sim.compare`): they need the reference scenario on the same seeds.
"""

from __future__ import annotations

import pandas as pd

from ..scenario.models import Costs
from .frame import finish, melt, melt_region

MONTHS_PAID = 12
"""Allowance months per year (乡村教师生活补助 is paid monthly, all year)."""


def cost_metrics(cy: pd.DataFrame, costs: Costs) -> pd.DataFrame:
    """Yearly costs at region level (and allowances by locale of post)."""
    allowance = cy["allowance_yuan"] * cy["teachers"] * MONTHS_PAID * cy["open"]
    d = pd.DataFrame({
        "year": cy["year"], "locale": cy["locale"],
        "allowance_cost_yuan": allowance,
        "teacher_posts": cy["teachers"] * cy["open"],
        "classrooms_added": cy["classrooms_added"],
        "construction_cost_yuan": cy["floor_area_added_m2"].clip(lower=0) * costs.construction_yuan_per_m2,
    })
    region = d.drop(columns="locale").groupby("year").sum()
    region["posts_cost_yuan"] = region["teacher_posts"] * costs.teacher_yuan_per_year
    region["cost_yuan"] = region[["allowance_cost_yuan", "posts_cost_yuan", "construction_cost_yuan"]].sum(axis=1)
    region["cumulative_cost_yuan"] = region["cost_yuan"].cumsum()
    locale = d.groupby(["year", "locale"])[["allowance_cost_yuan"]].sum()
    return finish([melt_region(region), melt(locale, "locale")])
