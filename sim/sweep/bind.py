"""Bind a sweep file to its base scenarios: expand "all declared uncertain parameters", draw the
design, apply every point's values to every base scenario through the ``--set`` path and validate
the result like any scenario, and check outcomes and questions against the scenarios.

Every problem is reported with the sweep file's line (a swept value that a scenario refuses names
the parameter, the value and the point), all at once, before anything runs.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from pydantic import ValidationError

from ..errors import Problem, ScenarioError, display_path, dotted
from ..scenario.base import ByLocale
from ..scenario.loader import load_scenario
from ..scenario.merge import EVERY, SET_FILE, apply_overrides, load_with_extends, parse_set_path, set_values
from ..scenario.models import LOCALES, Scenario
from ..scenario.ranges import uncertainties
from ..scenario.resolved import ResolvedScenario
from ..scenario.validation_errors import problems_from_validation
from ..yamlsource import Locations
from .design import Factor, build_design
from .outcomes import OutcomeRef, parse_outcome
from .plan import Plan
from .spec import Parameter, Sweep, Uncertain
from .tasks import PointScenario

STAGES = ("primary", "junior")


class _Problems:
    """Problems found so far, each located in the sweep file."""

    def __init__(self, shown: str, locs: Locations):
        self.shown, self.locs, self.items = shown, locs, []

    def add(self, path: tuple, expected: str, found: str = "") -> None:
        file, line = self.locs.find(path, self.shown)
        problem = Problem(file, dotted(path), line, expected, found)
        if problem not in self.items:
            self.items.append(problem)

    def raise_any(self) -> None:
        if self.items:
            raise ScenarioError(self.items)


def _factors(spec: Sweep, problems: _Problems) -> list[Factor]:
    factors: list[Factor] = []
    for i, p in enumerate(spec.parameters):
        if isinstance(p, Parameter):
            if p.kind == "range":
                found = [Factor(p.path, p.min, p.max, p.scale == "log", p.steps)]
            else:
                found = [Factor(p.path, values=tuple(p.values if p.values is not None else p.categories))]
        else:
            found = _uncertain(p)
            if not found:
                problems.add(("parameters", i, "uncertain"), "'all' or a path prefix with declared uncertain parameters "
                             "(run_sim.py schema lists their ranges) / 含有声明范围参数的路径前缀", repr(p.uncertain))
        for f in found:
            if any(f.path == g.path for g in factors):
                problems.add(("parameters", i), "each parameter once / 每个参数只出现一次", f.path)
            else:
                factors.append(f)
    return factors


def _uncertain(p: Uncertain) -> list[Factor]:
    """Factors of every declared uncertain parameter under ``p.uncertain``, with their declared ranges."""
    prefix = p.uncertain
    return [Factor(u.path, u.low, u.high, u.log) for u in uncertainties()
            if u.low < u.high and (prefix == "all" or u.path == prefix or u.path.startswith(prefix + "."))]


def _entities(level: str, scn: ResolvedScenario) -> set[str] | None:
    """The entities an outcome may name at ``level`` in ``scn``."""
    campuses = [c.id for c in scn.campuses]
    return {
        "region": {"all"}, "stage": set(STAGES), "locale": set(LOCALES),
        "stage_locale": {f"{s}/{loc}" for s in STAGES for loc in LOCALES},
        "locale_pair": {f"{a}→{b}" for a in LOCALES for b in LOCALES},
        "campus": set(campuses), "group": {g.id for g in scn.groups},
        "campus_stage": {f"{c}/{s}" for c in campuses for s in STAGES},
    }.get(level)


def _outcomes(spec: Sweep, base: ResolvedScenario, years: int, problems: _Problems) -> tuple[OutcomeRef, ...]:
    where: dict[str, tuple] = {}
    for i, o in enumerate(spec.outcomes):
        where.setdefault(o if isinstance(o, str) else o.outcome, ("outcomes", i))
    for i, g in enumerate(spec.goals):
        where.setdefault(g.outcome, ("goals", i, "outcome"))
    for i, d in enumerate(spec.discovery):
        where.setdefault(d.outcome, ("discovery", i, "outcome"))
    refs = []
    for o in spec.outcome_list():
        try:
            ref = parse_outcome(o.outcome, base.simulation.start_year, years)
        except ValueError as exc:
            problems.add(where[o.outcome], str(exc), repr(o.outcome))
            continue
        known = _entities(ref.level, base)
        if known is not None and ref.entity not in known:
            problems.add(where[o.outcome], f"an entity of level {ref.level} / 该层级的对象"
                         + (f" ({', '.join(sorted(known))})" if len(known) <= 12 else ""), repr(ref.entity))
        refs.append(ref)
    return tuple(refs)


def _questions(spec: Sweep, factors: list[Factor], names: list[str], problems: _Problems) -> None:
    swept = [f.path for f in factors]
    better = {o.outcome: o.better for o in spec.outcome_list()}
    for i, g in enumerate(spec.goals):
        if g.parameter is None and len(swept) != 1:
            problems.add(("goals", i), "a parameter: to seek (the sweep varies several) / 指定求解的参数", ", ".join(swept))
        elif g.parameter is not None and g.parameter not in swept:
            problems.add(("goals", i, "parameter"), "one of the swept parameters / 扫描参数之一", repr(g.parameter))
    for i, d in enumerate(spec.discovery):
        for key in ("scenario", "versus"):
            value = getattr(d, key)
            if value is not None and value not in names:
                problems.add(("discovery", i, key), f"a base scenario's name ({', '.join(names)}) / 基准情景名", repr(value))
        if d.scenario is not None and better.get(d.outcome) is None:
            problems.add(("discovery", i, "outcome"), "an outcome listed with better: lower|higher / 须注明结果方向",
                         repr(d.outcome))


def _fresh(value: object) -> object:
    """A plain (JSON) copy of a swept value: Python scalars for numpy ones, and a new object each
    point so that one point's overrides never reach into another's data."""
    return json.loads(json.dumps(value))


def _at(model: object, parts: tuple) -> object:
    for part in parts:
        model = model[part] if isinstance(part, int) else getattr(model, part, None)
        if model is None:
            return None
    return model


def _locale_fills(base: Scenario, factors: list[Factor]) -> dict[str, object]:
    """Overrides writing out in full every per-locale value one locale of which is swept (so that
    ``attrition.rural`` can vary while urban and town keep the base's values)."""
    out = {}
    for f in factors:
        parent = parse_set_path(f.path)[:-1]
        value = _at(base, parent) if parent and EVERY not in parent else None  # no per-locale values in lists
        if isinstance(value, ByLocale):
            out['.'.join(map(str, parent))] = value.model_dump()
    return out


def _points(spec: Sweep, plan_values: list[dict], factors: list[Factor], base_path: Path, name: str,
            base: ResolvedScenario, problems: _Problems) -> dict[int, tuple[PointScenario, str]]:
    """Each point's scenario for the base at ``base_path``, validated, with its digest."""
    data, locs = load_with_extends(base_path)
    data = apply_overrides(copy.deepcopy(data), locs, list(spec.set))
    fills = _locale_fills(Scenario.model_validate(data), factors)
    index = {f.path: k for k, f in enumerate(spec.parameters) if isinstance(f, Parameter)}
    out, reported = {}, set()
    for point, values in enumerate(plan_values):
        point_locs = copy.deepcopy(locs)
        overrides = {path: _fresh(v) for path, v in {**fills, **values}.items()}
        try:
            point_data = set_values(copy.deepcopy(data), point_locs, overrides)
            model = Scenario.model_validate(point_data)
        except ScenarioError as exc:
            bad = exc.problems
        except ValidationError as exc:
            bad = problems_from_validation(exc, point_data, point_locs, SET_FILE, Scenario)
        else:
            digest = hashlib.sha256((base.digest + model.model_dump_json()).encode()).hexdigest()
            out[point] = (PointScenario(model, point_data, point_locs, base_path), digest)
            continue
        for p in bad:  # the first point at which each parameter is refused is enough
            path = next((f.path for f in factors if p.path == f.path or p.path.startswith(f.path + ".")), None)
            where = ("parameters", index[path]) if path in index else ("parameters",) if path else ("set",)
            if (where, p.expected) in reported:
                continue
            reported.add((where, p.expected))
            found = f"{values.get(path)!r} at point {point} of {name} / 第 {point} 点" if path else p.found
            problems.add(where, f"{p.path}: {p.expected}", found)
    return out


def bind(spec: Sweep, locs: Locations, path: Path) -> Plan:
    """The :class:`Plan` of the sweep file at ``path`` (already validated as ``spec``)."""
    shown = display_path(path)
    problems = _Problems(shown, locs)
    paths = [(path.parent / s) for s in spec.scenarios]
    missing = [i for i, p in enumerate(paths) if not p.is_file()]
    for i in missing:
        problems.add(("scenarios", i), "an existing scenario file, relative to the sweep file / 存在的情景文件",
                     spec.scenarios[i])
    problems.raise_any()
    bases = [load_scenario(p, list(spec.set)) for p in paths]
    names = [b.name for b in bases]
    if len(set(names)) < len(names):
        problems.add(("scenarios",), "scenarios with different names / 情景名不能重复", ", ".join(names))
    first = bases[0]
    years = spec.years or first.simulation.years
    factors = _factors(spec, problems)
    refs = _outcomes(spec, first, years, problems)
    _questions(spec, factors, names, problems)
    problems.raise_any()
    try:
        design = build_design(factors, spec.design.method, spec.design.size, spec.design.levels, spec.design.seed)
    except ValueError as exc:
        problems.add(("design",), str(exc))
        problems.raise_any()
    plan = Plan(spec.name, spec.title or spec.name, names, factors, design, spec.replicates, years,
                first.simulation.seed if spec.seed is None else spec.seed, spec.outcome_list(), refs,
                list(spec.goals), list(spec.discovery), inputs={}, start_year=first.simulation.start_year,
                source=shown)
    values = [plan.values(p) for p in range(design.points)]
    for base_path, base in zip(paths, bases):
        for point, (scenario, digest) in _points(spec, values, factors, base_path, base.name, base, problems).items():
            plan.inputs[point, base.name] = scenario
            plan.digests[point, base.name] = digest
    problems.raise_any()
    return plan
