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
from .campus_csv import read_campus_csv
from .checks import check_references
from .merge import apply_overrides, load_with_extends
from .models import Scenario
from .resolve import resolve_region
from .resolved import ResolvedScenario
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
        try:
            campuses, cells = synthesise_region(scn.region.synthetic, scn.teachers, scn.demography,
                                                scn.simulation.start_year)
        except ValueError as exc:
            file, line = locs.find(("region", "synthetic"), shown)
            raise ScenarioError([Problem(file, "region.synthetic", line, "figures a region can be built from / 可生成的地区参数",
                                         str(exc))]) from None
    elif scn.region.campuses_csv is not None:
        csv_path = (path.parent / scn.region.campuses_csv)
        file, line = locs.find(("region", "campuses_csv"), shown)
        campuses = read_campus_csv(csv_path, referrer=(file, line))
        digest.update(csv_path.read_bytes())
        cells = None
    else:
        campuses, cells = list(scn.region.campuses), None
    check_references(scn, campuses, locs, shown)
    if scn.demography.cells is not None:
        cells = list(scn.demography.cells)
    campuses, cells, policies = resolve_region(campuses, cells, scn)
    name = scn.name or path.stem
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
        groups=tuple(scn.groups),
        policies=tuple(policies),
        costs=scn.costs,
        data=json.loads(json.dumps(data, default=str)),
    )
