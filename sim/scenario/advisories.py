"""Warnings about settings that are legal but probably not what the planner meant: each one is a
located :class:`~sim.errors.Problem` that ``validate``, ``run`` and ``compare`` print as a warning
(注意 / warning) without stopping.

* a behavioural parameter outside the plausible range it declares (:mod:`sim.scenario.ranges`):
  generic, so every parameter added later with a declared range is covered;
* a policy dated after the last simulated year (it never takes effect in this run);
* a campus enrolling more than :data:`~sim.scenario.limits.SUSPICIOUS_CROWDING` times its capacity;
* settings that change nothing: ``pupils``/``teachers`` of a campus opened by a policy (it opens
  empty and fills by 分流 and choice), classrooms added to a campus that is closed by then, and
  adding zero classrooms.
"""

from __future__ import annotations

from ..errors import Problem, dotted
from ..yamlsource import Locations
from .limits import SUSPICIOUS_CROWDING
from .models import AddClassrooms, Campus, CloseCampus, OpenCampus, Policy, Scenario
from .ranges import uncertainties


def _at(locs: Locations, file: str, path: tuple, expected: str, found: str, hint: str = "") -> Problem:
    where, line = locs.find(path, file)
    return Problem(where, dotted(path), line, expected, found, hint)


def _path(dotted_path: str) -> tuple:
    return tuple(dotted_path.split("."))


def outside_ranges(scn: Scenario, locs: Locations, file: str) -> list[Problem]:
    """Parameters set outside their declared plausible range."""
    out = []
    for u in uncertainties(instance=scn):
        if not u.low <= u.default <= u.high:
            out.append(_at(locs, file, _path(u.path), f"a value in the plausible range [{u.low:g}, {u.high:g}] / 合理范围",
                           f"{u.default:g}", "legal, but outside what the evidence supports / 合法但超出证据支持的范围"))
    return out


def beyond_horizon(policies: list[Policy] | tuple[Policy, ...], years: int, locs: Locations, file: str
                   ) -> list[Problem]:
    """Policies dated after the last simulated year ``years``."""
    return [_at(locs, file, ("policies", i, "year"), f"a year within the {years} simulated / 模拟年限内",
                f"year {p.year}", "this run never reaches it / 本次运行不会执行")
            for i, p in enumerate(policies) if p.year > years]


def suspicious(campuses: list[Campus], policies: list[Policy], locs: Locations, file: str) -> list[Problem]:
    """Crowding beyond belief and settings that change nothing."""
    out = []
    for i, c in enumerate(campuses):
        if c.capacity and c.pupils > SUSPICIOUS_CROWDING * c.capacity:
            out.append(_at(locs, file, ("region", "campuses", i, "pupils"),
                           f"at most {SUSPICIOUS_CROWDING:g}× the capacity / 不超过学位数的 {SUSPICIOUS_CROWDING:g} 倍",
                           f"{c.pupils} pupils for {c.capacity} seats"))
    closed: dict[str, int] = {}
    for i, p in sorted(enumerate(policies), key=lambda ip: ip[1].year):
        if isinstance(p, OpenCampus):
            for key in ("pupils", "teachers"):
                if getattr(p.campus, key):
                    out.append(_at(locs, file, ("policies", i, "campus", key),
                                   "nothing: a new campus opens empty and fills by 分流 and choice / 新校区开办时为空",
                                   f"{key}: {getattr(p.campus, key)} (ignored / 不起作用)"))
        elif isinstance(p, CloseCampus):
            closed.setdefault(p.campus, p.year)
        elif isinstance(p, AddClassrooms):
            if p.classrooms == 0:
                out.append(_at(locs, file, ("policies", i, "classrooms"), "a number of classrooms other than 0 / 非零",
                               "0 (changes nothing / 不起作用)"))
            elif p.campus in closed and closed[p.campus] <= p.year:
                out.append(_at(locs, file, ("policies", i, "campus"), "a campus still open / 开办中的校区",
                               f"'{p.campus}' closed in year {closed[p.campus]} (changes nothing / 不起作用)"))
    return out
