"""One figure of a page with its controls (dropdowns, a year slider) and the views they pick.

A :class:`Panel` is a Plotly figure plus precomputed *views*: for every combination of its
controls' values, either the figure's traces and a layout patch (``{"data": [...], "layout":
{...}}``, drawn with ``Plotly.react``) or an update of some traces (``{"restyle": {...}, "traces":
[...]}``, drawn with ``Plotly.restyle``).  A view's key is the controls' values joined by ``|``, in
the controls' order.  Large figures can split their updates instead (:class:`Update`): each keyed by
only the controls it depends on (the map's marker sizes by year alone, its colours by year and
colour), so that nothing is stored twice.  The page's small script (templates/panels.js) looks up
the views of the controls' current values; nothing is computed in the browser and nothing is
fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from .network_map import FONT_FAMILY

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


@dataclass(frozen=True)
class Control:
    """A dropdown (``kind='select'``) or slider (``kind='range'``) over ``options`` (value,
    bilingual label).  A control that ``depends_on`` earlier controls offers only the values
    ``allowed[<their values joined by |>]``; ``groups`` puts options under headings (value →
    heading)."""

    name: str
    label: str
    options: list[tuple[str, str]]
    value: str
    kind: str = "select"
    depends_on: tuple[str, ...] = ()
    allowed: dict[str, list[str]] | None = None
    groups: dict[str, str] | None = None

    @property
    def index(self) -> int:
        """Position of the initial value among the options (a slider's start)."""
        return [v for v, _ in self.options].index(self.value)

    def grouped_options(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Options under their headings, in order of first appearance ('' = no heading)."""
        out: dict[str, list[tuple[str, str]]] = {}
        for value, label in self.options:
            out.setdefault((self.groups or {}).get(value, ""), []).append((value, label))
        return list(out.items())


@dataclass(frozen=True)
class Update:
    """Restyle views keyed by the values of ``controls`` only (a subset of the panel's, in order)."""

    controls: tuple[str, ...]
    views: dict[str, dict]


@dataclass(frozen=True)
class Panel:
    """A figure of a page: ``id`` (also the DOM id), bilingual ``title`` and ``note``, the initial
    ``figure``, its ``controls``, the ``views`` they select and any partial ``updates`` (module
    docstring)."""

    id: str
    title: str
    figure: go.Figure
    controls: tuple[Control, ...] = ()
    views: dict[str, dict] = field(default_factory=dict)
    note: str = ""
    updates: tuple[Update, ...] = ()

    def payload(self) -> Markup:
        """The figure, controls and views as JSON safe inside a ``<script>`` element."""
        doc = {"figure": self.figure.to_plotly_json(), "config": PLOTLY_CONFIG, "views": self.views,
               "updates": [{"controls": list(u.controls), "views": u.views} for u in self.updates],
               "controls": [{"name": c.name, "kind": c.kind, "options": c.options, "depends_on": list(c.depends_on),
                             "allowed": c.allowed or {}} for c in self.controls]}
        text = pio.to_json(doc, validate=False, remove_uids=True)
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def view_key(*values: object) -> str:
    """Key of the view shown when the controls hold ``values`` (in the controls' order)."""
    return "|".join(str(v) for v in values)


def base_layout(**extra) -> dict:
    """Layout every figure starts from: CJK font stack, white template, legend on top."""
    return {"template": "plotly_white", "font": {"family": FONT_FAMILY, "size": 13},
            "margin": {"l": 60, "r": 20, "t": 50, "b": 50}, "hovermode": "closest",
            "legend": {"orientation": "h", "y": -0.18}, **extra}


def figure_of(view: dict, layout: dict) -> go.Figure:
    """The figure a ``{"data", "layout"}`` view draws over ``layout`` (a shallow merge, as the page's
    script merges it)."""
    return go.Figure(data=view["data"], layout={**layout, **view.get("layout", {})})
