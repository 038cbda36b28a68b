"""Grouping modes (集团化办学模式): the seam through which a mode changes a run.

The engine (:mod:`sim.engine`) knows no mode by name: at each calendar event it calls the hooks of
:class:`~sim.modes.base.GroupingMode` on the mode object of every mode present in the scenario,
for that mode's groups that have formed (:class:`~sim.modes.base.Context`).  The ``baseline`` mode
keeps every hook's no-op default.

Recipe for a new mode ``xyz`` — one module plus its typed parameters, no edit of the engine:

1. its parameters: a pydantic model (subclass of :class:`sim.scenario.base.Model`, every field
   with unit, default and source) in ``sim/scenario/xyz.py``, and one line
   ``"xyz": XyzParams`` in :data:`sim.scenario.mode_params.MODE_PARAMS` (with its bilingual label in
   ``MODE_LABELS``).  Groups are a discriminated union on ``mode`` built from that dict, so a
   scenario's ``groups[i].params`` are validated by ``XyzParams``: located errors, "did you mean",
   and ``run_sim.py schema`` document it;
2. its behaviour: ``sim/modes/xyz.py`` with a subclass of ``GroupingMode`` whose ``name = "xyz"``,
   decorated with ``@register``, overriding the hooks it needs (each receives the ``Context``:
   run state, compiled network, the groups and their params, year, seed).  Every module of this
   package is imported with it, so registering is all it takes.

A mode named in the language but not registered here is refused by ``run`` (and flagged by
``validate``) with a located bilingual message (:func:`check_supported`), never run as if it did
nothing.  A test may register a mode of its own (``register``/``unregister``) and build its groups
with :func:`sim.scenario.models.group_model`.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..errors import Problem, ScenarioError
from ..scenario.mode_params import MODE_LABELS
from .base import REGISTRY, Context, GroupingMode, Moves, register, unregister

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "Context", "GroupingMode", "Moves", "check_supported", "mode_class", "register", "unregister"]


def mode_class(name: str) -> type[GroupingMode]:
    """The registered mode ``name`` (KeyError if none: :func:`check_supported` first)."""
    return REGISTRY[name]


def check_supported(scn) -> None:  # noqa: ANN001 (a ResolvedScenario; imported lazily by callers)
    """Refuse a scenario with a group whose mode the engine cannot simulate yet (not registered)."""
    pending = [i for i, g in enumerate(scn.groups) if g.mode not in REGISTRY]
    if pending:
        g = scn.groups[pending[0]]
        label = MODE_LABELS.get(g.mode, g.mode)
        raise ScenarioError([Problem(
            scn.source, f"groups[{pending[0]}].mode", None,
            "a grouping mode the engine simulates / 引擎可运行的办学模式: " + ", ".join(sorted(REGISTRY)),
            f"mode {g.mode} ({label}) in group '{g.id}' is not implemented yet / 该模式尚未实现"
            f" ({len(pending)} group(s))")])
