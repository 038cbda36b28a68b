"""Rules that hold for every number and text of the scenario language, including parameters added
later: walked from the JSON Schema (so a new field is covered without editing this test) and
checked on a model defined here, as a new parameter block would be."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from sim.scenario.base import MAX_MAGNITUDE, Model, ShareByLocale
from sim.scenario.models import Scenario
from sim.scenario.ranges import RANGE_KEY

LOWER = ("minimum", "exclusiveMinimum")
UPPER = ("maximum", "exclusiveMaximum")


def _numbers(schema: dict, defs: dict, path: str = "", seen: frozenset = frozenset()):
    """(dotted path, schema) of every number or integer in ``schema``, references followed."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        yield from _numbers(defs[name], defs, path, seen | {name})
        return
    kinds = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if schema.get("type") in ("number", "integer"):
        yield path, schema
    for sub in kinds:
        yield from _numbers({**sub, **{k: v for k, v in schema.items() if k in (RANGE_KEY,)}}, defs, path, seen)
    for key, sub in schema.get("properties", {}).items():
        yield from _numbers(sub, defs, f"{path}.{key}" if path else key, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _numbers(schema[key], defs, f"{path}[]", seen)


def test_every_number_is_bounded_below_and_above_or_declares_its_range():
    schema = Scenario.model_json_schema()
    found = list(_numbers(schema, schema.get("$defs", {})))
    assert len(found) > 80
    unbounded = [p for p, s in found if not any(k in s for k in LOWER)]
    assert not unbounded, unbounded
    # a hard upper bound, or a behavioural parameter's declared plausible range (values beyond it are
    # legal, warned about, and capped by the language-wide magnitude rule)
    open_above = [p for p, s in found if not any(k in s for k in UPPER) and RANGE_KEY not in s
                  and not p.startswith("dynamics.")]
    assert not open_above, open_above


class NewBlock(Model):
    """A parameter block as a later issue might add it, with no bounds of its own."""

    rate: float = 0.0
    count: int = 0
    label: str = ""
    by_locale: ShareByLocale = ShareByLocale(urban=0, town=0, rural=0)
    table: dict[int, float] = {}
    extra: dict[str, Any] = {}


@pytest.mark.parametrize("data,kind", [
    ({"rate": float("nan")}, "finite_number"),
    ({"rate": float("inf")}, "finite_number"),
    ({"rate": "1e400"}, "finite_number"),
    ({"rate": MAX_MAGNITUDE * 10}, "magnitude"),
    ({"count": 10**13}, "magnitude"),
    ({"table": {2020: float("nan")}}, "finite_number"),
    ({"table": {2020: 1e300}}, "magnitude"),
    ({"rate": True}, "bool_number"),
    ({"count": False}, "bool_number"),
    ({"table": {2020: True}}, "bool_number"),
    ({"label": "\x1b[2J"}, "control_character"),
    ({"label": "safe\u202eexe.txt"}, "control_character"),
    ({"extra": {"note": "\x07"}}, "control_character"),
    ({"by_locale": {"urban": float("nan"), "town": 0, "rural": 0}}, "finite_number"),
])
def test_generic_rules_cover_a_new_block(data, kind):
    with pytest.raises(ValidationError) as info:
        NewBlock.model_validate(data)
    assert kind in {e["type"] for e in info.value.errors()}


def test_generic_rules_leave_good_values_alone():
    block = NewBlock.model_validate({"rate": 0.5, "count": 3, "label": "县城 / county\ttown\nline two",
                                     "table": {2020: 1.5}, "extra": {"flag": True, "x": [1, 2]}})
    assert block.rate == 0.5 and block.extra["flag"] is True
