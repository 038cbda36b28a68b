"""Load a scenario YAML into a :class:`ResolvedScenario`, or report every problem with its location.

Steps: read YAML with line numbers, follow ``extends``, apply ``--set`` overrides, validate against
the pydantic models, run the checks that span several parts (references between campuses, groups
and policies), then resolve: read a campus CSV or synthesise the region, fill campus defaults and
place residential cells.  Any problem raises :class:`~sim.errors.ScenarioError`.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from pydantic import ValidationError

from ..errors import Problem, ScenarioError, display_path
from ..yamlsource import Locations
from .advisories import beyond_horizon, outside_ranges, suspicious
from .base import safe_name
from .campus_csv import read_campus_csv
from .checks import check_coordinates, check_references
from .feasibility import check_runnable, check_size
from .merge import apply_overrides, load_with_extends
from .models import Scenario
from .resolve import resolve_region
from .resolved import ResolvedScenario
from .rollout import rollout_groups
from .synthetic import synthesise_region
from .validation_errors import problems_from_validation


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> ResolvedScenario:
    """Read, validate and resolve the scenario at ``path`` with ``--set`` style ``overrides``."""
    path = Path(path)
    shown = display_path(path)
    data, locs = load_with_extends(path)
    data = apply_overrides(copy.deepcopy(data), locs, list(overrides))
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, data, locs, shown, Scenario)) from None
    return resolve(scn, data, locs, path)


def resolve(scn: Scenario, data: dict, locs: Locations, path: Path) -> ResolvedScenario:
    """Turn a validated :class:`Scenario` into a :class:`ResolvedScenario`."""
    shown = display_path(path)
    digest = hashlib.sha256()
    digest.update(scn.model_dump_json().encode())
    if scn.region.synthetic is not None:
        check_size(scn, None, locs, shown)
        try:
            campuses, cells = synthesise_region(scn.region.synthetic, scn.teachers, scn.demography,
                                                scn.simulation.start_year)
        except (ValueError, ArithmeticError) as exc:  # a pydantic ValidationError too
            file, line = locs.find(("region", "synthetic"), shown)
            raise ScenarioError([Problem(file, "region.synthetic", line, "figures a region can be built from / 可生成的地区参数",
                                         str(exc).splitlines()[0])]) from None
    elif scn.region.campuses_csv is not None:
        csv_path = (path.parent / scn.region.campuses_csv)
        file, line = locs.find(("region", "campuses_csv"), shown)
        campuses, raw = read_campus_csv(csv_path, referrer=(file, line))
        digest.update(raw)
        cells = None
    else:
        campuses, cells = list(scn.region.campuses), None
    check_references(scn, campuses, locs, shown)
    if scn.region.synthetic is None:
        check_size(scn, campuses, locs, shown)
    if scn.demography.cells is not None:
        cells = list(scn.demography.cells)
    check_coordinates(campuses, cells, scn.policies, locs, shown)
    try:
        campuses, cells, policies = resolve_region(campuses, cells, scn)
    except ValidationError as exc:  # a derived figure (children of a cell) beyond its bounds
        raise ScenarioError([Problem(shown, "region", locs.find(("region",), shown)[1],
                                     "figures a region can be built from / 可生成的地区参数",
                                     str(exc).splitlines()[0])]) from None
    check_runnable(campuses, cells, policies, locs, shown)
    name = scn.name or safe_name(path.stem)
    warnings = (outside_ranges(scn, locs, shown) + beyond_horizon(policies, scn.simulation.years, locs, shown)
                + suspicious(campuses, policies, locs, shown))
    return ResolvedScenario(
        name=name,
        title=scn.title or name,
        source=shown,
        digest=digest.hexdigest(),
        simulation=scn.simulation,
        campuses=tuple(campuses),
        cells=tuple(cells),
        demography=scn.demography,
        teachers=scn.teachers,
        travel=scn.travel,
        dynamics=scn.dynamics,
        groups=tuple(scn.groups) + tuple(rollout_groups(scn.rollout, campuses, scn.groups, scn.simulation.years)
                                         if scn.rollout else ()),
        policies=tuple(policies),
        costs=scn.costs,
        data=json.loads(json.dumps(data, default=str)),
        start_from_cells=scn.region.synthetic is not None,
        warnings=tuple(warnings),
    )
