"""Cost metrics of one run, in yuan per school year: allowances paid, teacher posts, construction
of teaching floor area (new classrooms and new campuses), and the grouping modes' own costs.

A grouping mode's yearly costs (exchange allowances, a group's running cost …) arrive as
campus-year columns ``cost_<item>_yuan`` (:class:`sim.modes.base.GroupingMode` ``costs``); their sum
is ``group_cost_yuan`` and part of ``cost_yuan``.  A run without such columns (no mode that costs
anything) has no ``group_cost_yuan`` row and the same costs as before modes existed.

Unit costs come from the scenario's ``costs`` section (:class:`sim.scenario.models.Costs`).  The
cost of a plan *relative to the reference plan*, and the cost per unit of gap closed, are
comparisons (:mod:`sim.compare`): they need the reference scenario on the same seeds.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..scenario.models import Costs
from .frame import Block, Groups, Levels, finish, wanted

MONTHS_PAID = 12
"""Allowance months per year (乡村教师生活补助 is paid monthly, all year)."""

MODE_COST = re.compile(r"cost_\w+_yuan")
"""Campus-year columns holding a grouping mode's yearly cost of an item (the engine's naming)."""


def mode_cost_columns(cy: pd.DataFrame) -> list[str]:
    """The campus-year columns of ``cy`` that hold grouping modes' costs, in table order."""
    return [c for c in cy.columns if MODE_COST.fullmatch(str(c))]


def cost_blocks(cy: pd.DataFrame, costs: Costs, levels: Levels = None) -> list[Block]:
    """Yearly costs at region level (and allowances by locale of post; only at ``levels`` when given)."""
    is_open = cy["open"].to_numpy()
    teachers = cy["teachers"].to_numpy()
    allowance = cy["allowance_yuan"].to_numpy(float) * teachers * MONTHS_PAID * is_open
    out = []
    if wanted(levels, "region"):
        g = Groups.by(cy["year"])
        region = {"allowance_cost_yuan": g.sum(allowance), "teacher_posts": g.sum(teachers * is_open),
                  "classrooms_added": g.sum(cy["classrooms_added"]),
                  "construction_cost_yuan": g.sum(np.maximum(cy["floor_area_added_m2"].to_numpy(float), 0)
                                                  * costs.construction_yuan_per_m2)}
        region["posts_cost_yuan"] = region["teacher_posts"] * costs.teacher_yuan_per_year
        region["cost_yuan"] = (region["allowance_cost_yuan"] + region["posts_cost_yuan"]
                               + region["construction_cost_yuan"])
        modes = mode_cost_columns(cy)
        if modes:
            region["group_cost_yuan"] = g.sum(cy[modes].to_numpy(float).sum(axis=1))
            region["cost_yuan"] = region["cost_yuan"] + region["group_cost_yuan"]
        region["cumulative_cost_yuan"] = np.cumsum(region["cost_yuan"])
        out.append(Block.region(g.keys[0], region))
    if wanted(levels, "locale"):
        g = Groups.by(cy["year"], cy["locale"])
        out.append(Block("locale", g.keys[0], g.keys[1], {"allowance_cost_yuan": g.sum(allowance)}))
    return out


def cost_metrics(cy: pd.DataFrame, costs: Costs, levels: Levels = None) -> pd.DataFrame:
    """The cost metrics of one run as a tidy table (year, level, entity, metric, value): the rows of
    :func:`cost_blocks`."""
    return finish(cost_blocks(cy, costs, levels))
