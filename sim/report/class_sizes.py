"""Class-size histograms by locale with the standard (45 primary / 50 junior), 大班额 (56) and
超大班额 (66) lines, one year at a time.

Class sizes are exact from ``grade_year``: a campus-grade's n pupils in k classes make n mod k
classes of ⌈n/k⌉ and the rest of ⌊n/k⌋ (the rule the class-size metrics use), on open campuses.
Heights are classes per run (mean over replicates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from plotly.subplots import make_subplots

from ..labels import LOCALE_LABEL
from ..scenario.models import LOCALES
from ..stages import LARGE_CLASS, STANDARD_CLASS_SIZE, SUPER_LARGE_CLASS
from .panel import Control, Panel, base_layout
from .text import YEAR_LABEL

LINES = ((STANDARD_CLASS_SIZE["primary"], f"≤{STANDARD_CLASS_SIZE['primary']}"),
         (STANDARD_CLASS_SIZE["junior"], f"≤{STANDARD_CLASS_SIZE['junior']}"),
         (LARGE_CLASS, f"{LARGE_CLASS}+"), (SUPER_LARGE_CLASS, f"{SUPER_LARGE_CLASS}+"))
"""Lines drawn, with their short labels (the note under the title says what each is)."""


def class_size_distribution(grade_year: pd.DataFrame, campus_year: pd.DataFrame, replicates: int) -> pd.DataFrame:
    """Classes of each size per year and locale, per run (mean over ``replicates``): columns year,
    locale, size, classes."""
    keys = campus_year[["replicate", "year", "campus", "locale", "open"]]
    g = grade_year.merge(keys, on=["replicate", "year", "campus"], how="inner", validate="many_to_one")
    g = g[g["open"].astype(bool) & (g["classes"] > 0)]
    q, r = np.divmod(g["pupils"].to_numpy(np.int64), g["classes"].to_numpy(np.int64))
    parts = pd.DataFrame({"year": np.concatenate([g["year"], g["year"]]),
                          "locale": np.concatenate([g["locale"], g["locale"]]),
                          "size": np.concatenate([q + 1, q]),
                          "classes": np.concatenate([r, g["classes"].to_numpy(np.int64) - r])})
    parts = parts[parts["classes"] > 0]
    out = parts.groupby(["year", "locale", "size"], as_index=False)["classes"].sum()
    out["classes"] = out["classes"] / replicates
    return out


def _boundary(size: int) -> float:
    """x of the line between the last class size inside a band and the first outside it."""
    return size - 0.5 if size >= LARGE_CLASS else size + 0.5


def _line(size: int, subplot: int) -> dict:
    axis = "" if subplot == 0 else str(subplot + 1)
    return {"type": "line", "xref": f"x{axis}", "yref": f"y{axis} domain", "x0": _boundary(size), "x1": _boundary(size),
            "y0": 0, "y1": 1, "line": {"dash": "dash", "width": 1, "color": "#c0392b" if size >= LARGE_CLASS else "#777"}}


def _line_label(size: int, label: str) -> dict:
    """The line's label above the first subplot."""
    return {"xref": "x", "yref": "y domain", "x": _boundary(size), "y": 1.0, "text": label, "showarrow": False,
            "textangle": -90, "xanchor": "right", "yanchor": "top", "font": {"size": 10, "color": "#555"}}


def class_size_panel(grade_year: pd.DataFrame, campus_year: pd.DataFrame, replicates: int) -> Panel:
    """Histograms per locale with a year dropdown (last year first)."""
    dist = class_size_distribution(grade_year, campus_year, replicates)
    years = sorted(campus_year["year"].unique().tolist())
    locales = [lo for lo in LOCALES if (campus_year["locale"] == lo).any()]
    views = {}
    for year in years:
        d = dist[dist["year"] == year]
        parts = [d[d["locale"] == lo] for lo in locales]
        views[str(year)] = {"traces": list(range(len(locales))),
                            "restyle": {"x": [p["size"].to_numpy() for p in parts],
                                        "y": [p["classes"].to_numpy() for p in parts]}}
    start = views[str(years[-1])]["restyle"]
    fig = make_subplots(rows=1, cols=len(locales), shared_yaxes=True,
                        subplot_titles=[LOCALE_LABEL[lo] for lo in locales], horizontal_spacing=0.04)
    for i, lo in enumerate(locales):
        fig.add_bar(x=start["x"][i], y=start["y"][i], name=LOCALE_LABEL[lo], row=1, col=i + 1, showlegend=False,
                    marker_color="#4c78a8",
                    hovertemplate="班额 class size %{x}: %{y:,.1f} 个班 classes<extra>" + LOCALE_LABEL[lo] + "</extra>")
    fig.update_layout(shapes=[_line(size, i) for size, _ in LINES for i in range(len(locales))],
                      annotations=list(fig.layout.annotations) + [_line_label(size, label) for size, label in LINES])
    fig.update_xaxes(title_text="班额 class size, pupils", range=[0, max(80, int(dist["size"].max()) + 2 if len(dist) else 80)])
    fig.update_yaxes(title_text="班级数（每次运行）classes per run", row=1, col=1)
    fig.update_layout(**base_layout(height=440, bargap=0.05, title={"text": "班额分布 / class sizes"}))
    controls = (Control("year", YEAR_LABEL, [(str(y), f"第{y}年 year {y}") for y in years], str(years[-1])),)
    return Panel("class_sizes", "班额分布 / class sizes by locale", fig, controls, views,
                 f"灰色虚线：标准班额（小学{STANDARD_CLASS_SIZE['primary']}人、初中{STANDARD_CLASS_SIZE['junior']}人）；"
                 f"红色虚线：大班额{LARGE_CLASS}人、超大班额{SUPER_LARGE_CLASS}人；班级数为重复均值 / grey dashed lines: "
                 f"standard size ({STANDARD_CLASS_SIZE['primary']} primary, {STANDARD_CLASS_SIZE['junior']} junior); red: "
                 f"{LARGE_CLASS}+ (大班额) and {SUPER_LARGE_CLASS}+ (超大班额); classes are means over replicates.")
