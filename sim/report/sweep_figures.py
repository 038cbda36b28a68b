"""Figures of the sweep page: each outcome against each swept parameter, a heatmap when two
parameters form a full grid, sensitivity indices with their intervals, parallel coordinates over
runs, the goal-seek answers and how often each plan is best.

Read from the sweep folder's tables (contract in :mod:`sim.report.folder`): ``design`` (point,
scenario, one column per parameter by dotted path), ``outcomes`` (one row per run and outcome),
``outcome_summary`` (mean and 95 % interval per point and outcome), and the optional
``sensitivity``, ``goal_seek`` and ``robustness``.  An outcome is named
``<metric>/<level>/<entity>@<year>`` or ``<metric>@<year>`` (region level); the year is ``final``, a
simulated year, or a calendar year from 1900 on.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
from plotly.subplots import make_subplots

from ..metrics.frame import REGION
from .load import SweepData
from .panel import Control, Panel, base_layout, figure_of, view_key
from .series import colour
from .text import entity_label, format_interval, format_value, metric_label, metric_unit

CALENDAR_FROM = 1900
"""An outcome's year from this on is a calendar year (``@2030``), below it a simulated year (``@3``)."""
OUTCOME = re.compile(r"^(?P<metric>[^/@]+)(/(?P<level>[^/@]+)/(?P<entity>[^@]+))?@(?P<year>\w+)$")
INDEX_LABEL = {"S1": "一阶指数 first-order S1", "ST": "总效应指数 total-order ST",
               "mu_star": "μ* 平均绝对效应 mean |elementary effect|", "sigma": "σ 效应离散 spread of effects"}
METHOD_LABEL = {"sobol": "Sobol 方差分解 / Sobol variance decomposition", "morris": "Morris 筛选 / Morris screening"}


def outcome_parts(name: str) -> tuple[str, str, str, str] | None:
    """(metric, level, entity, year) of an outcome name (``metric@year`` is at region level), or
    None if it does not follow the pattern."""
    m = OUTCOME.match(name)
    return None if m is None else (m["metric"], m["level"] or "region", m["entity"] or REGION, m["year"])


def outcome_label(name: str) -> str:
    """Bilingual label of an outcome: the metric's catalogue label, the entity and the year."""
    parts = outcome_parts(name)
    if parts is None:
        return name
    metric, level, entity, year = parts
    if year == "final":
        when = "末年 final year"
    elif year.isdigit() and int(year) >= CALENDAR_FROM:
        when = f"{year}年 in {year}"
    else:
        when = f"第{year}年 year {year}"
    where = "" if level == "region" else f" — {entity_label(level, entity)}"
    return f"{metric_label(metric)}{where}, {when}"


def outcome_unit(name: str) -> str:
    parts = outcome_parts(name)
    return "" if parts is None else metric_unit(parts[0])


def _outcome_control(outcomes: list[str]) -> Control:
    return Control("outcome", "结果 outcome", [(o, outcome_label(o)) for o in outcomes], outcomes[0])


def _grid(n: int) -> tuple[int, int]:
    cols = min(3, n)
    return math.ceil(n / cols), cols


def _axes(i: int) -> tuple[str, str]:
    return ("x", "y") if i == 0 else (f"x{i + 1}", f"y{i + 1}")


def outcome_panel(sweep: SweepData) -> Panel:
    """Each outcome's mean (with 95 % interval) at every design point against each parameter; one
    subplot per parameter, one colour per scenario; a dropdown picks the outcome."""
    params = sweep.parameters
    summary = sweep.outcome_summary.merge(sweep.design, on=["point", "scenario"], how="left")
    outcomes = list(dict.fromkeys(summary["outcome"]))
    scenarios = list(dict.fromkeys(summary["scenario"]))
    rows, cols = _grid(len(params))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=params, horizontal_spacing=0.07,
                        vertical_spacing=0.5 / rows)
    views = {}
    for outcome in outcomes:
        unit = outcome_unit(outcome)
        data = []
        for i, p in enumerate(params):
            for k, name in enumerate(scenarios):
                d = summary[(summary["outcome"] == outcome) & (summary["scenario"] == name)].sort_values(p)
                xa, ya = _axes(i)
                data.append({"type": "scatter", "mode": "markers", "x": d[p].to_numpy(), "y": d["mean"].to_numpy(float),
                             "name": name, "legendgroup": name, "showlegend": i == 0, "xaxis": xa, "yaxis": ya,
                             "marker": {"color": colour(k), "size": 7},
                             "error_y": {"type": "data", "array": (d["ci_high"] - d["mean"]).to_numpy(float),
                                         "arrayminus": (d["mean"] - d["ci_low"]).to_numpy(float), "thickness": 1},
                             "hovertext": [f"{name} · {p} = {v}: {format_value(m, unit)} {format_interval(lo, hi, unit)}"
                                           for v, m, lo, hi in zip(d[p], d["mean"], d["ci_low"], d["ci_high"])],
                             "hoverinfo": "text"})
        views[outcome] = {"data": data, "layout": {"title": {"text": outcome_label(outcome)}}}
    fig.update_layout(**base_layout(height=300 * rows + 80))
    return Panel("outcome_vs_parameter", "结果与参数 / outcome against each parameter",
                 figure_of(views[outcomes[0]], fig.to_plotly_json()["layout"]), (_outcome_control(outcomes),), views,
                 "每点为一个设计点的重复均值及95%区间 / each dot is a design point's mean over replicates with its "
                 "95 % interval.")


def grid_pair(design: pd.DataFrame, params: list[str]) -> tuple[str, str] | None:
    """The first two numeric parameters whose values form a full grid (every combination present)."""
    numeric = [p for p in params if pd.api.types.is_numeric_dtype(design[p])]
    for i, a in enumerate(numeric):
        for b in numeric[i + 1:]:
            na, nb = design[a].nunique(), design[b].nunique()
            if na >= 2 and nb >= 2 and len(design[[a, b]].drop_duplicates()) == na * nb:
                return a, b
    return None


def heatmap_panel(sweep: SweepData) -> Panel | None:
    """Mean outcome over a two-parameter grid (averaged over other parameters and scenarios' points
    of the first scenario); None when no two parameters form a full grid."""
    pair = grid_pair(sweep.design, sweep.parameters)
    if pair is None:
        return None
    a, b = pair
    summary = sweep.outcome_summary.merge(sweep.design, on=["point", "scenario"], how="left")
    first = summary["scenario"].iloc[0]
    outcomes = list(dict.fromkeys(summary["outcome"]))
    views = {}
    for outcome in outcomes:
        d = summary[(summary["outcome"] == outcome) & (summary["scenario"] == first)]
        z = d.groupby([b, a])["mean"].mean().unstack(a)
        views[outcome] = {"data": [{"type": "heatmap", "x": z.columns.to_numpy(), "y": z.index.to_numpy(),
                                    "z": z.to_numpy(float), "colorscale": "Viridis",
                                    "colorbar": {"title": {"text": outcome_unit(outcome)}},
                                    "hovertemplate": f"{a} = %{{x}}<br>{b} = %{{y}}<br>%{{z:.4g}}<extra></extra>"}],
                          "layout": {"title": {"text": f"{outcome_label(outcome)} — {first}"}}}
    layout = base_layout(height=480, xaxis={"title": {"text": a}}, yaxis={"title": {"text": b}})
    return Panel("heatmap", "双参数网格 / two-parameter grid", figure_of(views[outcomes[0]], layout),
                 (_outcome_control(outcomes),), views, "格内为设计点的重复均值 / each cell is the mean over replicates.")


def sensitivity_panel(sweep: SweepData) -> Panel | None:
    """Sensitivity indices per parameter with their 95 % intervals, one subplot per method; None
    without a sensitivity table.  When the table has indices per scenario, a dropdown picks it."""
    s = sweep.sensitivity
    if s is None or s.empty:
        return None
    if "scenario" not in s.columns:
        s = s.assign(scenario="")
    outcomes = list(dict.fromkeys(s["outcome"]))
    scenarios = list(dict.fromkeys(s["scenario"]))
    methods = list(dict.fromkeys(s["method"]))
    fig = make_subplots(rows=1, cols=len(methods), subplot_titles=[METHOD_LABEL.get(m, m) for m in methods])
    views = {}
    for (outcome, scenario), of in s.groupby(["outcome", "scenario"], sort=False):
        data = []
        for i, method in enumerate(methods):
            d = of[of["method"] == method]
            xa, ya = _axes(i)
            for k, index in enumerate(dict.fromkeys(d["index"])):
                e = d[d["index"] == index]
                data.append({"type": "bar", "x": e["parameter"].to_numpy(), "y": e["value"].to_numpy(float),
                             "name": INDEX_LABEL.get(index, index), "xaxis": xa, "yaxis": ya,
                             "marker": {"color": colour(k + 2 * i)},
                             "error_y": {"type": "data", "array": e["conf"].to_numpy(float), "thickness": 1}})
        title = outcome_label(outcome) + (f" — {scenario}" if scenario else "")
        views[view_key(outcome, scenario)] = {"data": data, "layout": {"title": {"text": title}}}
    fig.update_layout(**base_layout(height=440, barmode="group"))
    controls = (_outcome_control(outcomes),
                Control("scenario", "情景 scenario", [(n, n or "—") for n in scenarios], scenarios[0]))
    start = views.get(view_key(outcomes[0], scenarios[0])) or next(iter(views.values()))
    return Panel("sensitivity", "敏感性指数 / sensitivity indices", figure_of(start, fig.to_plotly_json()["layout"]),
                 controls, views,
                 "误差线为95%区间半宽 / error bars are the half-widths of the 95 % intervals.")


def _codes(values: pd.Series) -> dict:
    """A parallel-coordinates dimension of a parameter: numbers as they are, text as coded ticks."""
    if pd.api.types.is_numeric_dtype(values):
        return {"values": values.to_numpy(float)}
    cats = sorted(values.astype(str).unique())
    return {"values": values.astype(str).map({c: i for i, c in enumerate(cats)}).to_numpy(float),
            "tickvals": list(range(len(cats))), "ticktext": cats}


def parcoords_panel(sweep: SweepData) -> Panel:
    """Parallel coordinates over runs: every swept parameter and the chosen outcome, coloured by it."""
    runs = sweep.outcomes.merge(sweep.design, on=["point", "scenario"], how="left")
    outcomes = list(dict.fromkeys(runs["outcome"]))
    several = runs["scenario"].nunique() > 1
    views = {}
    for outcome in outcomes:
        d = runs[runs["outcome"] == outcome]
        dims = [{"label": p, **_codes(d[p])} for p in sweep.parameters]
        if several:
            dims.insert(0, {"label": "情景 scenario", **_codes(d["scenario"])})
        dims.append({"label": outcome_label(outcome)[:40], "values": d["value"].to_numpy(float)})
        views[outcome] = {"data": [{"type": "parcoords", "dimensions": dims,
                                    "line": {"color": d["value"].to_numpy(float), "colorscale": "Viridis",
                                             "showscale": True}}],
                          "layout": {"title": {"text": outcome_label(outcome)}}}
    return Panel("parcoords", "平行坐标（每次运行） / parallel coordinates over runs",
                 figure_of(views[outcomes[0]], base_layout(height=480, margin={"l": 120, "r": 120, "t": 100, "b": 40})),
                 (_outcome_control(outcomes),), views,
                 "每条线为一次运行；拖动坐标轴可筛选 / each line is one run; drag along an axis to filter.")


def goal_seek_sentences(sweep: SweepData) -> list[tuple[bool, str]]:
    """(found, sentence) per goal-seek row: the parameter value that reaches the target."""
    g = sweep.goal_seek
    if g is None:
        return []
    out = []
    for r in g.to_dict("records"):
        label, unit = outcome_label(r["outcome"]), outcome_unit(r["outcome"])
        target = format_value(r["target"], unit) if isinstance(r["target"], (int, float)) else str(r["target"])
        share = f"{r['share_required'] * 100:.0f}"
        plan = f"{r['scenario']}: " if r.get("scenario") else ""
        ask = (f"{plan}{label} — 目标 target {target}，第{r['year']}年 year {r['year']}，"
               f"至少 at least {share} % 的运行 of runs")
        held = f"（其他参数 others held: {r['given']}）" if r.get("given") else ""
        if r["found"]:
            bounds = (f" [{r['ci_low']:.4g}, {r['ci_high']:.4g}]"
                      if all(isinstance(r[k], (int, float)) and math.isfinite(r[k]) for k in ("ci_low", "ci_high")) else "")
            out.append((True, f"{ask} → {r['parameter']} = {r['value']:.4g}{bounds}{held}"))
        else:
            out.append((False, f"{ask} → {r['parameter']}: 扫描范围内未找到 / not found within the swept range{held}"))
    return out


def robustness_panel(sweep: SweepData) -> Panel | None:
    """Share of runs in which each plan is best, per outcome; None without a robustness table."""
    r = sweep.robustness
    if r is None or r.empty:
        return None
    outcomes = list(dict.fromkeys(r["outcome"]))
    data = [{"type": "bar", "name": name, "x": [outcome_label(o) for o in d["outcome"]], "y": d["share_best"].to_numpy(float),
             "marker": {"color": colour(k)}} for k, (name, d) in enumerate(r.groupby("scenario", sort=False))]
    layout = base_layout(height=420, barmode="group", yaxis={"tickformat": ".0%", "range": [0, 1],
                                                              "title": {"text": "最优占比 share of runs best"}})
    return Panel("robustness", "稳健性 / how often each plan is best",
                 figure_of({"data": data}, layout), (), {},
                 f"{len(outcomes)} 项结果 outcomes; 各方案在多少比例的运行中最优 / share of runs in which each plan is best.")


def design_summary(sweep: SweepData) -> list[tuple[str, str]]:
    """(parameter, range or values) of each swept parameter, for the page's header."""
    out = []
    for p in sweep.parameters:
        v = sweep.design[p]
        if pd.api.types.is_numeric_dtype(v):
            out.append((p, f"{np.nanmin(v):.4g} – {np.nanmax(v):.4g} ({v.nunique()} 个值 values)"))
        else:
            out.append((p, ", ".join(sorted(v.astype(str).unique()))))
    return out
