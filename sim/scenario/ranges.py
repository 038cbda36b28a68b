"""Declared plausible ranges of uncertain parameters, readable by code (sweeps, robustness, docs).

A parameter whose value is uncertain declares its range where it is declared, beside its default
and source::

    flight_rate: Share = ranged(0.02, (0.01, 0.05), "进城率 / …; default 0.02 (…)")

The range sits in the field's JSON Schema as ``"range": [low, high]`` (editors show it), and
:func:`uncertainties` walks the scenario models and lists every such parameter with its dotted
path, so a sweep can vary "all declared uncertain parameters" without a hand-kept list (the EMA
Workbench's uncertainties, declared with the model).  A per-locale parameter (:class:`ByLocale`)
declares one range per locale and is listed once per locale (``….attrition.rural``).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from .base import ByLocale

RANGE_KEY = "range"
"""Key of the range in a field's ``json_schema_extra``."""

Bounds = tuple[float, float]


def ranged(default: Any, bounds: Bounds | dict[str, Bounds], description: str, *, log: bool = False) -> Any:
    """A pydantic ``Field`` with ``default``, ``description`` and a declared plausible range.

    ``bounds`` is ``(low, high)``, or for a :class:`ByLocale` field a mapping locale → ``(low, high)``.
    ``log``: the range spans orders of magnitude and is better sampled on a log scale.
    """
    if isinstance(bounds, dict):
        declared: Any = {k: [float(lo), float(hi)] for k, (lo, hi) in bounds.items()}
        pairs = list(bounds.values())
    else:
        declared = [float(bounds[0]), float(bounds[1])]
        pairs = [bounds]
    if any(not lo <= hi for lo, hi in pairs):
        raise ValueError(f"range low must not exceed high: {bounds}")
    extra = {RANGE_KEY: declared, **({"range_scale": "log"} if log else {})}
    return Field(default, description=description, json_schema_extra=extra)


@dataclass(frozen=True)
class Uncertainty:
    """One uncertain parameter: dotted path from the scenario root, its model default, its declared
    plausible range, whether it is best sampled on a log scale, and its description (unit, source)."""

    path: str
    default: float
    low: float
    high: float
    log: bool
    description: str


def _model_class(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model class of a field annotation, if it is one (not a list, union or scalar)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) is typing.Annotated:
        return _model_class(typing.get_args(annotation)[0])
    return None


def uncertainties(model: type[BaseModel] | None = None, prefix: str = "", instance: BaseModel | None = None
                  ) -> list[Uncertainty]:
    """Every parameter with a declared range under ``model`` (default: the whole scenario language),
    in declaration order.  Paths are dotted from ``prefix`` (e.g. ``dynamics.migration.flight_rate``);
    defaults are read from ``instance`` when given, else from the models' own defaults."""
    if model is None:
        from .models import Scenario

        model, prefix = Scenario, ""
    out: list[Uncertainty] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        if instance is not None:
            default = getattr(instance, name)
        else:
            default = None if info.is_required() else info.get_default(call_default_factory=True)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        declared = extra.get(RANGE_KEY)
        log = extra.get("range_scale") == "log"
        text = info.description or ""
        if isinstance(declared, dict):
            for key, (lo, hi) in declared.items():
                value = default.of(key) if isinstance(default, ByLocale) else float("nan")
                out.append(Uncertainty(f"{path}.{key}", value, lo, hi, log, text))
        elif declared is not None:
            out.append(Uncertainty(path, float(default), declared[0], declared[1], log, text))
        sub = _model_class(info.annotation)
        if sub is not None and not issubclass(sub, ByLocale):
            out += uncertainties(sub, path, default if isinstance(default, BaseModel) else None)
    return out
