"""Declared ranges of uncertain parameters: declared beside the default, listed by path."""

from __future__ import annotations

import pytest
from pydantic import NonNegativeFloat

from sim.scenario.base import Model, ShareByLocale
from sim.scenario.dynamics import Dynamics
from sim.scenario.ranges import ranged, uncertainties


class _Inner(Model):
    rate: NonNegativeFloat = ranged(0.2, (0.1, 0.4), "a rate")
    plain: float = 1.0
    by_locale: ShareByLocale = ranged(ShareByLocale(urban=0.1, town=0.2, rural=0.3),
                                      {"urban": (0.0, 0.2), "town": (0.1, 0.3), "rural": (0.2, 0.5)}, "per locale")


class _Outer(Model):
    inner: _Inner = _Inner()
    scale: float = ranged(100.0, (10.0, 1000.0), "orders of magnitude", log=True)


def test_paths_defaults_and_bounds_are_listed_in_declaration_order():
    got = [(u.path, u.default, u.low, u.high, u.log) for u in uncertainties(_Outer, "x")]
    assert got == [("x.inner.rate", 0.2, 0.1, 0.4, False),
                   ("x.inner.by_locale.urban", 0.1, 0.0, 0.2, False),
                   ("x.inner.by_locale.town", 0.2, 0.1, 0.3, False),
                   ("x.inner.by_locale.rural", 0.3, 0.2, 0.5, False),
                   ("x.scale", 100.0, 10.0, 1000.0, True)]


def test_defaults_come_from_an_instance_when_given():
    got = {u.path: u.default for u in uncertainties(_Outer, "", _Outer(inner=_Inner(rate=0.3)))}
    assert got["inner.rate"] == 0.3


def test_range_is_in_the_json_schema():
    schema = _Inner.model_json_schema()
    assert schema["properties"]["rate"]["range"] == [0.1, 0.4]


def test_inverted_range_is_refused():
    with pytest.raises(ValueError):
        ranged(1.0, (2.0, 1.0), "bad")


def test_every_dynamics_default_lies_in_its_declared_range():
    found = uncertainties(Dynamics, "dynamics")
    assert len(found) >= 20
    outside = [u.path for u in found if not u.low <= u.default <= u.high]
    assert not outside, outside
