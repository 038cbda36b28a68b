"""Translate pydantic validation errors into located, bilingual :class:`~sim.errors.Problem` s.

pydantic reports an error location as a tuple that may contain union tags (``'open_campus'``) that
are not keys of the data; we walk the data to recover the real YAML path, look its line up in the
:class:`~sim.yamlsource.Locations`, and for unknown keys suggest the nearest known field name.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, dotted
from ..yamlsource import Locations


def _unwrap(tp: Any) -> Any:
    """Strip Annotated wrappers."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _members(tp: Any) -> list[Any]:
    """The members of a (possibly optional, possibly nested) union, Annotated wrappers stripped."""
    tp = _unwrap(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(tp) for m in _members(a)]
    return [tp]


TAGS = ("action", "mode")
"""Fields that tag the members of the language's discriminated unions (policies, groups)."""


def _tagged(member: Any, tag: str) -> bool:
    if not (isinstance(member, type) and issubclass(member, BaseModel)):
        return False
    fields = (member.model_fields.get(key) for key in TAGS)
    return any(f is not None and tag in typing.get_args(_unwrap(f.annotation)) for f in fields)


def known_fields(root: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model found by following ``loc`` (pydantic's) from ``root``."""
    tp: Any = root
    for part in loc:
        options = _members(tp)
        if isinstance(part, str):
            tagged = [m for m in options if _tagged(m, part)]
            if tagged:
                tp = tagged[0]
                continue
            models = [m for m in options if isinstance(m, type) and issubclass(m, BaseModel)]
            dicts = [m for m in options if typing.get_origin(m) is dict]
            if models and part in models[0].model_fields:
                tp = models[0].model_fields[part].annotation
            elif dicts:
                tp = typing.get_args(dicts[0])[1]
            else:
                return []
        else:
            seqs = [m for m in options if typing.get_origin(m) in (list, tuple)]
            if not seqs:
                return []
            tp = typing.get_args(seqs[0])[0]
    models = [m for m in _members(tp) if isinstance(m, type) and issubclass(m, BaseModel)]
    return list(models[0].model_fields) if models else []


def data_path(data: Any, loc: tuple, keys_may_be_absent: bool = True) -> tuple:
    """The part of pydantic's ``loc`` that names real keys and indices of ``data``; the last part
    of ``loc`` is kept even when absent from ``data`` (a missing or unknown key) if
    ``keys_may_be_absent``, else dropped (a union's tag)."""
    out: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif keys_may_be_absent and isinstance(node, dict) and isinstance(part, str) and loc and part == loc[-1]:
            out.append(part)  # a missing or unknown key: name it, locate it at its parent
            node = None
        # otherwise: a union tag or a validator's pseudo-location; skip it
    return tuple(out)


CHINESE = {
    "greater_than": "超出允许范围", "greater_than_equal": "超出允许范围", "less_than": "超出允许范围",
    "less_than_equal": "超出允许范围", "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "float_parsing": "应为数值", "float_type": "应为数值", "finite_number": "应为有限数值", "literal_error": "应为所列值之一",
    "string_type": "应为文本", "string_too_long": "文本过长", "string_too_short": "文本过短", "too_long": "条目过多",
    "too_short": "条目过少", "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "union_tag_invalid": "未知的类型", "string_pattern_mismatch": "格式不符",
    "rollout_mode": "推进计划的模式须为所列之一",
}
"""Chinese beside pydantic's English messages for the common kinds of error (bilingual output)."""


def _follow(node: Any, at: tuple) -> Any:
    """The value at ``at`` inside ``node`` (keys and indices), or None when it is not there."""
    for part in at:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def problems_from_validation(
    exc: ValidationError, data: Any, locs: Locations, default_file: str, root: type[BaseModel],
    loc_prefix: tuple = (),
) -> list[Problem]:
    """One Problem per pydantic error, located in the YAML (or CSV) the data came from."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"]) + tuple((err.get("ctx") or {}).get("at", ()))  # a model check naming its key
        kind = err["type"]
        path = data_path(data, loc, keys_may_be_absent=kind in ("missing", "extra_forbidden"))
        if kind == "rollout_mode" and isinstance(_follow(data, path), dict) and "mode" in _follow(data, path):
            loc, path = loc + ("mode",), path + ("mode",)  # name the key whose value is refused
            err = {**err, "input": _follow(data, path)}
        file, line = locs.find(loc_prefix + path, default_file)
        msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        hint = ""
        if kind == "missing":
            expected, found = f"required key '{loc[-1]}' / 必填项", "nothing / 缺失"
        elif kind == "extra_forbidden":
            candidates = known_fields(root, loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), candidates, n=1, cutoff=0.6)
            expected = "a known key / 已知字段" + (f" ({', '.join(candidates)})" if 0 < len(candidates) <= 12 else "")
            found = f"unknown key '{loc[-1]}' / 未知字段"
            hint = f"did you mean '{close[0]}'? / 是否应为 '{close[0]}'" if close else ""
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            expected, found = "a mapping (key: value) / 映射", f"{type(err['input']).__name__} {_show(err['input'])}"
        elif kind == "list_type":
            expected, found = "a list (- item) / 列表", f"{type(err['input']).__name__} {_show(err['input'])}"
        else:
            expected, found = msg + (f" / {CHINESE[kind]}" if kind in CHINESE else ""), _show(err.get("input"))
            if kind == "value_error":
                found = ""
            elif "at" in (err.get("ctx") or {}):
                found = _show(_follow(err.get("input"), err["ctx"]["at"]))
        problems.append(Problem(file, dotted(loc_prefix + path), line, expected, found, hint))
    return list(dict.fromkeys(problems))  # a scalar shorthand's three locales fail alike: say it once
