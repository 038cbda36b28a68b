"""Scenario discovery: the region of the swept parameters where a plan fails, found with PRIM
(the ``prim`` package: the Patient Rule Induction Method of the EMA Workbench, Friedman & Fisher 1999).

A case of interest is a run (design point and replicate) in which ``scenario`` does not beat
``versus`` on the outcome, or in which the outcome misses ``target``.  PRIM peels the parameter space
down to boxes where such cases are dense; each box is reported by the parameters it restricts
(``prim_boxes.parquet``: question, outcome, box, parameter, low, high, coverage, density, mass,
cases, runs; ``coverage`` is the share of all cases of interest inside the box, ``density`` the
share of cases among the runs inside it, ``mass`` the share of runs inside it).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import prim

from .goalseek import meets
from .spec import Discovery

BOX_COLUMNS = ["question", "outcome", "box", "parameter", "low", "high", "coverage", "density", "mass", "cases", "runs"]
MAX_BOXES = 3
"""Boxes sought per question (PRIM's later boxes explain fewer and fewer cases)."""


def cases(item: Discovery, outcomes: pd.DataFrame, design: pd.DataFrame, better: str | None
          ) -> tuple[str, pd.DataFrame, np.ndarray]:
    """The question in words, the swept values of each run and whether each run is a case of interest."""
    mine = outcomes[outcomes["outcome"] == item.outcome]
    if item.target is not None:
        runs = mine.groupby(["point", "replicate"])["value"].first().dropna()
        question = f"{item.outcome} misses {item.target} / 未达目标"
        y = ~meets(runs, item.target).to_numpy()
    else:
        wide = mine.pivot_table(index=["point", "replicate"], columns="scenario", values="value", aggfunc="first")
        runs = wide[[item.scenario, item.versus]].dropna()
        a, b = runs[item.scenario].to_numpy(float), runs[item.versus].to_numpy(float)
        question = f"{item.scenario} does not beat {item.versus} on {item.outcome} / 未优于"
        y = a >= b if better == "lower" else a <= b
    x = design.set_index("point").loc[runs.index.get_level_values("point")].reset_index(drop=True)
    return question, x, y


def boxes(item: Discovery, outcomes: pd.DataFrame, design: pd.DataFrame, better: str | None) -> tuple[pd.DataFrame, str]:
    """PRIM boxes for one discovery question, and a note when there are none."""
    question, x, y = cases(item, outcomes, design, better)
    x = x[[c for c in x.columns if x[c].nunique() > 1]]
    if x.empty or y.all() or not y.any():
        return pd.DataFrame(columns=BOX_COLUMNS), f"{question}: {int(y.sum())} of {len(y)} runs, no box / 无可划分区域"
    logging.getLogger("prim").setLevel(logging.ERROR)
    finder = prim.Prim(x, y.astype(float), threshold=0.5, threshold_type=">")
    rows = []
    for number in range(1, MAX_BOXES + 1):
        try:
            box = finder.find_box()
        except prim.PrimError:
            break
        if box is None:
            break
        stats = box.stats
        for parameter, limit in box.limits.iterrows():
            rows.append({"question": question, "outcome": item.outcome, "box": number, "parameter": parameter,
                         "low": limit["min"], "high": limit["max"], "coverage": float(stats["coverage"]),
                         "density": float(stats["density"]), "mass": float(stats["mass"]),
                         "cases": int(y.sum()), "runs": len(y)})
    return pd.DataFrame(rows, columns=BOX_COLUMNS), ""
