"""Base types of the scenario language: the frozen, strict model base, per-locale values, and the
names and ids that may end up in file names.

Rules that hold for every field of every model, so that a parameter added later obeys them
without a per-field list:

* numbers are finite (``.nan`` and ``.inf`` are refused) and no larger in magnitude than
  :data:`MAX_MAGNITUDE`; fields state tighter, documented bounds of their own;
* ``true``/``false`` is not read as the number 1/0 (pydantic's lax mode would), except where a
  field is a yes/no field;
* text holds no control characters (terminal escapes such as ``\\x1b[2J``, bidirectional overrides).
"""

from __future__ import annotations

import math
import re
import typing
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model, field_validator, model_validator
from pydantic_core import PydanticCustomError

MAX_MAGNITUDE = 1e12
"""Largest absolute value of any number in a scenario.  Bounds the arithmetic (no product of two
inputs overflows), whatever a field's own bounds; fields declare tighter ranges of their own."""

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters refused in any text: C0/C1 controls other than tab and newline (terminal escapes),
and the bidirectional marks and overrides that make text display differently from what it is."""

_SAFE_CHARS = r"A-Za-z0-9\u3400-\u4dbf\u4e00-\u9fff"
NAME_MAX_CHARS = 64
"""Longest scenario name or id, characters (64 Chinese characters are 192 bytes in UTF-8, well
within the 255-byte file-name limit once a run folder adds its suffixes)."""

SAFE_NAME = re.compile(rf"^[{_SAFE_CHARS}](?:[{_SAFE_CHARS}_\-.]*[{_SAFE_CHARS}_\-])?$")
"""A name or id that is safe as a file or folder name on Linux, macOS and Windows: letters, digits
and Chinese characters, with ``_ - .`` inside; it cannot be ``.``/``..``, hold a path separator,
start with a dash or end with a dot."""

WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?$", re.IGNORECASE)
"""Device names Windows refuses as file names (outputs are opened on bureau PCs)."""


def _safe_name(value: str) -> str:
    if not SAFE_NAME.match(value) or WINDOWS_RESERVED.match(value):
        raise PydanticCustomError(
            "safe_name",
            "a name of letters, digits or Chinese characters, with _ - . inside, at most {n} characters, "
            "usable as a file name / 名称只能含字母、数字、汉字及中间的 _ - .",
            {"n": NAME_MAX_CHARS})
    return value


Ident = Annotated[str, Field(min_length=1, max_length=NAME_MAX_CHARS), AfterValidator(_safe_name)]
"""An id (campus, group, cell, district): unique within its kind and safe in a file name."""

SafeName = Annotated[str, Field(min_length=1, max_length=NAME_MAX_CHARS), AfterValidator(_safe_name)]
"""A scenario name: it names the scenario's output folder and files."""

Text = Annotated[str, Field(max_length=300)]
"""Free text shown to people (titles, display names): one short line or two."""

Share = Annotated[float, Field(ge=0.0, le=1.0)]


def safe_name(text: str, fallback: str = "scenario") -> str:
    """``text`` made into a :data:`SafeName` (unsafe characters become ``_``, cut to the length
    limit), for names derived from a file name rather than written by the planner."""
    name = re.sub(rf"[^{_SAFE_CHARS}_\-.]", "_", text)[:NAME_MAX_CHARS]
    name = name.lstrip("_-.").rstrip(".")
    if not name or WINDOWS_RESERVED.match(name):
        name = f"{fallback}_{name}".rstrip("_.")[:NAME_MAX_CHARS]
    return name


def _members(annotation: Any) -> list[Any]:
    """Every type named inside ``annotation`` (through Annotated, unions and containers)."""
    out, todo = [], [annotation]
    while todo:
        tp = todo.pop()
        out.append(tp)
        if typing.get_origin(tp) is typing.Annotated:
            todo.append(typing.get_args(tp)[0])
        else:
            todo.extend(a for a in typing.get_args(tp) if not isinstance(a, (str, int, float)))
    return out


_ADMITS: dict[tuple[type, str], tuple[bool, bool]] = {}


def _admits(model: type[BaseModel], name: str) -> tuple[bool, bool]:
    """(whether field ``name`` takes yes/no values or anything, whether it holds models of its own)."""
    if (model, name) not in _ADMITS:
        _ADMITS[model, name] = _admitted(model.model_fields[name].annotation)
    return _ADMITS[model, name]


def _admitted(annotation: Any) -> tuple[bool, bool]:
    members = _members(annotation)
    loose = any(m is bool or m is Any or m is typing.Any for m in members)
    nested = any(isinstance(m, type) and issubclass(m, BaseModel) for m in members)
    return loose, nested


def _leaves(value: Any, at: tuple = ()):
    """``(path, scalar)`` for the scalars inside plain lists, tuples and dicts (keys included, at
    their mapping's path), depth first."""
    todo = [(at, value)]
    while todo:
        here, v = todo.pop()
        if isinstance(v, dict):
            todo.extend((here, k) for k in v)
            todo.extend((here + (k,), x) for k, x in v.items())
        elif isinstance(v, (list, tuple)):
            todo.extend((here + (i,), x) for i, x in enumerate(v))
        else:
            yield here, v


class Model(BaseModel):
    """Base of every scenario model: frozen, unknown keys rejected, numbers finite, text clean."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _plain_input(cls, data: Any) -> Any:
        """Refuse yes/no for numbers and control characters in text, in the raw input.  (A model
        validator, not a field one: pydantic forbids field validators on a union's tag field.)
        The error's ``at`` names the offending key, so the message points at its line."""
        if not isinstance(data, dict):
            return data
        for name, value in data.items():
            if not isinstance(name, str) or name not in cls.model_fields:
                continue
            loose, nested = _admits(cls, name)
            if nested:
                continue  # the models inside check their own fields
            for at, leaf in _leaves(value, (name,)):
                if isinstance(leaf, bool) and not loose:
                    raise PydanticCustomError(
                        "bool_number", "a number or text, not true/false / 应为数值或文本，而非 true/false",
                        {"at": at})
                if isinstance(leaf, str) and CONTROL.search(leaf):
                    raise PydanticCustomError(
                        "control_character", "text without control characters / 文本不得含控制字符 (found {c})",
                        {"c": repr(CONTROL.search(leaf).group()), "at": at})
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _sane_magnitude(cls, value: Any) -> Any:
        """Refuse any number larger in magnitude than :data:`MAX_MAGNITUDE` (after parsing)."""
        if isinstance(value, BaseModel):
            return value
        for _, leaf in _leaves(value):
            if isinstance(leaf, (int, float)) and not isinstance(leaf, bool) and not math.isfinite(leaf):
                raise PydanticCustomError("finite_number", "a finite number / 有限数值")
            if isinstance(leaf, (int, float)) and not isinstance(leaf, bool) and abs(leaf) > MAX_MAGNITUDE:
                raise PydanticCustomError("magnitude", "a number no larger than {m} in magnitude / 数值过大",
                                          {"m": f"{MAX_MAGNITUDE:g}"})
        return value


class ByLocale(Model):
    """A value that may differ by locale; a single number in the YAML means the same everywhere."""

    urban: float
    town: float
    rural: float

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"urban": value, "town": value, "rural": value}
        return value

    def of(self, locale: str) -> float:
        return float(getattr(self, locale))

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):  # noqa: ANN001 (pydantic hook)
        """Advertise the scalar shorthand in the JSON Schema too."""
        schema = handler(core_schema)
        return {"anyOf": [{"type": "number", **_bounds(schema)}, schema]}


def _bounds(schema: dict) -> dict:
    """The bounds shared by the three locales of a per-locale schema, for its scalar shorthand."""
    props = schema.get("properties", {})
    keys = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
    shared = [{k: v for k, v in props.get(loc, {}).items() if k in keys} for loc in ("urban", "town", "rural")]
    return shared[0] if shared and all(s == shared[0] for s in shared) else {}


class ShareByLocale(ByLocale):
    """A share in [0, 1] that may differ by locale."""

    urban: Share
    town: Share
    rural: Share


def by_locale(name: str, doc: str, module: str, **bounds: float) -> type[ByLocale]:
    """A :class:`ByLocale` whose three values obey ``bounds`` (``ge``, ``gt``, ``le``, ``lt``), to
    be bound to ``name`` in ``module`` (so that it pickles, for worker processes)."""
    value = Annotated[float, Field(**bounds)]
    return create_model(name, __base__=ByLocale, __doc__=doc, __module__=module,
                        urban=(value, ...), town=(value, ...), rural=(value, ...))
