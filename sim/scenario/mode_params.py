"""The typed parameters of each grouping mode: the one list that makes a mode part of the language.

A group's ``params`` are validated by the model its ``mode`` names here, so a misspelt parameter
is a located error with a "did you mean", and ``run_sim.py schema`` documents every mode's
parameters.  Adding a mode to the scenario language is one line in :data:`MODE_PARAMS` (its name
and parameter model, declared in its own module ``sim/scenario/<mode>.py``); the mode's behaviour
is a class registered in :mod:`sim.modes`.  A mode named here but not registered there is refused
by ``run`` with a located message (:func:`sim.modes.check_supported`), never run as if inert.
"""

from __future__ import annotations

from .base import Model
from .jiaolianti import JiaoliantiParams
from .mingxiao import MingxiaoParams
from .xuequ import XuequParams


class NoParams(Model):
    """A mode without parameters: ``params`` must be empty (any key is refused as unknown)."""


MODE_PARAMS: dict[str, type[Model]] = {
    "baseline": NoParams,             # 不分组: a comparison set of campuses, no mechanisms
    "mingxiao_ruoxiao": MingxiaoParams,  # 名校+弱校 (托管, 结对, 名校+新校)
    "xuequ": XuequParams,             # 学区制
    "jiaolianti": JiaoliantiParams,   # 教联体
}
"""Mode name → the pydantic model of its ``params`` (the discriminated union of groups is built
from this dict, in this order)."""

MODE_LABELS: dict[str, str] = {
    "baseline": "不分组 / baseline", "mingxiao_ruoxiao": "名校+弱校 / strong school + weak schools",
    "xuequ": "学区制 / school district", "jiaolianti": "教联体 / fused consortium",
}
"""Bilingual name of each mode of :data:`MODE_PARAMS` (messages and pages)."""
