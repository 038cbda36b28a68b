"""The sweep file: what to vary, how to sample it, how often to run each point and what to measure.

A sweep file is YAML, read and validated like a scenario (every problem with file, YAML path and
line; exit code 2).  Paths of scenarios are relative to the sweep file.  Example::

    name: allowance
    scenarios: [../county_rural_allowance.yaml]      # base scenarios; the first is the reference
    set: ["policies[0].tiers=[{from_km: 0, yuan_per_month: 500}]"]   # fixed --set overrides
    parameters:
      - {path: policies[0].tiers[0].yuan_per_month, values: [0, 400, 800, 1200]}
      - {path: dynamics.teachers.allowance_halving_yuan, min: 400, max: 3000, steps: 4, scale: log}
      - {uncertain: dynamics.migration}              # every declared uncertain parameter under a path
    design: {method: grid}                           # grid | random | latin | sobol | morris
    replicates: 5
    outcomes: [cv_mean/stage/junior@final, {outcome: attrition_rate/locale/rural@5, better: lower}]
    goals: [{outcome: attrition_rate/locale/rural@5, target: "<= 0.07",
             parameter: policies[0].tiers[0].yuan_per_month}]

Outcome names: ``metric/level/entity@year`` (see :mod:`sim.sweep.outcomes`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Field, ValidationError, field_validator, model_validator

from ..errors import ScenarioError, display_path
from ..scenario.base import Ident, Model, Share
from ..scenario.merge import parse_set_path
from ..scenario.validation_errors import problems_from_validation
from ..yamlsource import Locations, load_yaml

Scalar = Union[bool, int, float, str]
TARGET = re.compile(r"^\s*(<=|>=|<|>)\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*$")
"""A target: a comparison and a number, e.g. ``<= 0.45``."""


def _check_path(text: str) -> str:
    try:
        parse_set_path(text)
    except ValueError:
        raise ValueError("a dotted path into the scenario, e.g. dynamics.migration.flight_rate / 情景中的参数路径") from None
    return text


ScenarioPath = Annotated[str, Field(min_length=1, description="参数路径 / dotted path into the scenario, as in --set")]
"""A parameter's path, e.g. ``dynamics.migration.flight_rate`` or ``policies[0].tiers[0].yuan_per_month``."""


class Parameter(Model):
    """One swept parameter: listed ``values``, a range ``min``–``max`` (``steps`` values on a grid,
    sampled otherwise; ``scale: log`` samples the logarithm), or ``categories`` (e.g. a mode)."""

    path: ScenarioPath
    values: list[Scalar] | None = Field(None, min_length=1, description="取值 / the values to try")
    min: float | None = Field(None, description="下限 / low end of the range")
    max: float | None = Field(None, description="上限 / high end of the range")
    steps: int | None = Field(None, ge=2, le=1000, description="网格点数 / values of the range on a grid")
    scale: Literal["linear", "log"] = Field("linear", description="尺度 / sample the range linearly or on a log scale")
    categories: list[Scalar] | None = Field(None, min_length=1, description="类别 / unordered choices, e.g. modes")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        return _check_path(value)

    @model_validator(mode="after")
    def _one_kind(self) -> "Parameter":
        ranged = self.min is not None or self.max is not None
        if sum([self.values is not None, ranged, self.categories is not None]) != 1:
            raise ValueError("exactly one of values, min/max or categories / 三者择一：values、min/max、categories")
        if ranged:
            if self.min is None or self.max is None or not self.min < self.max:
                raise ValueError("min < max / 下限须小于上限")
            if self.scale == "log" and self.min <= 0:
                raise ValueError("min > 0 on a log scale / 对数尺度下限须为正")
        elif self.steps is not None or self.scale != "linear":
            raise ValueError("steps and scale only with min/max / steps、scale 仅用于 min/max")
        else:
            listed = self.values if self.values is not None else self.categories
            kinds = {"number" if isinstance(v, (int, float)) and not isinstance(v, bool) else type(v).__name__
                     for v in listed}
            if len(kinds) > 1:
                raise ValueError("values of one kind: all numbers, all text or all true/false / 取值类型须一致")
        return self

    @property
    def kind(self) -> str:
        """``values``, ``range`` or ``categories``."""
        return "values" if self.values is not None else "categories" if self.categories is not None else "range"


class Uncertain(Model):
    """Every declared uncertain parameter (its declared range) whose path starts with ``uncertain``
    (``all`` for every one)."""

    uncertain: str = Field(min_length=1, description="参数路径前缀或 all / 'all' or a path prefix, e.g. dynamics.teachers")


class DesignSpec(Model):
    """How points are drawn (SALib): ``grid`` (every combination), ``random``, ``latin`` (Latin
    hypercube) or ``sobol`` (Saltelli's scheme: ``size`` × (parameters + 2) points, for Sobol
    indices), or ``morris`` (``size`` trajectories of parameters + 1 points, on ``levels`` levels)."""

    method: Literal["grid", "random", "latin", "sobol", "morris"] = "grid"
    size: int | None = Field(None, ge=1, le=1_000_000, description="样本量 / points (random, latin), base sample (sobol, a power of 2) or trajectories (morris)")
    levels: int = Field(4, ge=2, le=20, description="Morris 水平数 / Morris grid levels")
    seed: int = Field(1, ge=0, description="抽样种子 / seed of the design's random draws")

    @model_validator(mode="after")
    def _sized(self) -> "DesignSpec":
        if self.method != "grid" and self.size is None:
            raise ValueError(f"a size for the {self.method} design / {self.method} 设计须给出 size")
        if self.method == "sobol" and self.size & (self.size - 1):
            raise ValueError("size a power of 2 for sobol (e.g. 64, 128) / sobol 的 size 须为 2 的幂")
        return self


class Outcome(Model):
    """An outcome, and whether lower or higher is better (needed for robustness and for discovery
    between scenarios)."""

    outcome: str = Field(min_length=1, description="结果 / metric/level/entity@year")
    better: Literal["lower", "higher"] | None = Field(None, description="越低越好或越高越好 / lower or higher is better")


def _check_target(text: str) -> str:
    if not TARGET.match(text):
        raise ValueError("a comparison and a number, e.g. '<= 0.45' / 比较符与数值")
    return text


class Goal(Model):
    """Goal-seek: the smallest (or largest) value of ``parameter`` for which ``outcome`` meets
    ``target`` in at least ``share`` of the runs."""

    outcome: str = Field(min_length=1, description="结果 / metric/level/entity@year")
    target: str = Field(description="目标 / e.g. '<= 0.45'")
    parameter: str | None = Field(None, description="参数路径 / swept parameter to seek on (default: the only one)")
    share: Share = Field(0.8, description="达标比例 / share of runs that must meet the target; default 0.8")
    seek: Literal["smallest", "largest"] = Field("smallest", description="求最小或最大值 / seek the smallest or largest value")

    @field_validator("target")
    @classmethod
    def _target(cls, value: str) -> str:
        return _check_target(value)


class Discovery(Model):
    """Scenario discovery (PRIM): the region of the swept parameters where ``scenario`` does not
    beat ``versus`` on ``outcome`` (direction from the outcome's ``better``), or where ``outcome``
    misses ``target``."""

    outcome: str = Field(min_length=1)
    scenario: str | None = None
    versus: str | None = None
    target: str | None = None

    @model_validator(mode="after")
    def _question(self) -> "Discovery":
        if (self.target is None) == (self.scenario is None or self.versus is None):
            raise ValueError("either target, or scenario and versus / 给出 target，或 scenario 与 versus")
        if self.target is not None:
            _check_target(self.target)
        return self


class Sweep(Model):
    """A sweep file (module docstring)."""

    name: Ident
    title: str | None = None
    scenarios: list[str] = Field(min_length=1, description="基准情景 / base scenario files, relative to the sweep file")
    set: list[str] = Field(default_factory=list, description="固定覆盖 / --set overrides applied to every base scenario")
    parameters: list[Parameter | Uncertain] = Field(min_length=1)
    design: DesignSpec = DesignSpec()
    replicates: int = Field(1, ge=1, le=10_000, description="每点重复 / replicates per point, on common random numbers")
    years: int | None = Field(None, ge=1, le=50, description="模拟年数 / simulated years (default: the first scenario's)")
    seed: int | None = Field(None, ge=0, description="基础种子 / base seed (default: the first scenario's)")
    outcomes: list[Outcome | str] = Field(min_length=1)
    goals: list[Goal] = Field(default_factory=list)
    discovery: list[Discovery] = Field(default_factory=list)

    def outcome_list(self) -> list[Outcome]:
        """Every outcome the sweep measures: those listed, then those only named by goals or discovery."""
        listed = [o if isinstance(o, Outcome) else Outcome(outcome=o) for o in self.outcomes]
        seen = {o.outcome for o in listed}
        for extra in [g.outcome for g in self.goals] + [d.outcome for d in self.discovery]:
            if extra not in seen:
                listed.append(Outcome(outcome=extra))
                seen.add(extra)
        return listed


def load_sweep(path: Path, **overrides: int | None) -> tuple[Sweep, Locations]:
    """Read and validate the sweep file at ``path``; raise ScenarioError with every problem.
    ``overrides`` (``replicates``, ``years``, ``size`` of the design) replace the file's values when given."""
    shown = display_path(path)
    data, locs = load_yaml(path)
    if isinstance(data, dict):
        for key, value in overrides.items():
            if value is not None:
                target = data.setdefault("design", {}) if key == "size" else data
                if isinstance(target, dict):
                    target[key] = value
                    locs.lines[("design", key) if key == "size" else (key,)] = ("--" + key, None)
    try:
        return Sweep.model_validate(data), locs
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, data, locs, shown, Sweep)) from None
