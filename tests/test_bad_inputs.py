"""The bad-input corpus: odd, broken and hostile inputs, each of which must end either in exit code
2 with a located message (``file:line: yaml.path: 应为 / expected ...``) or in a legitimate run
(exit 0, a complete output folder) — never an internal error, a traceback or a hang.

Every case runs ``validate`` and then ``run`` (so the two agree) in a forked child under a time and
a memory cap (:mod:`isolation`); a few run as real processes (special files, bombs) in
``test_hostile_files_as_processes``.  Categories: types, NaN/inf, huge and negative values,
bombs and depth, traversal names, special files, CSV faults, ``--set`` faults, contradictory
policies, impossible regions.
"""

from __future__ import annotations

import copy
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from isolation import Outcome, run_forked, run_process
from sim.errors import dotted
from sim.outfolder import check_complete
from sim.yamlsource import parse_yaml

BASE = """\
name: base
title: 语料基线 / corpus base
simulation:
  years: 2
  replicates: 1
  seed: 3
region:
  campuses:
    - {id: A, stage: primary, locale: urban, x_km: 0, y_km: 0, classrooms: 20, pupils: 800, quality: 0.2}
    - {id: B, stage: primary, locale: rural, x_km: 9, y_km: 4, classrooms: 6, pupils: 120}
    - {id: C, stage: junior, locale: town, x_km: 5, y_km: -3, classrooms: 10, pupils: 420}
    - {id: D, stage: nine_year, locale: rural, x_km: -7, y_km: 6, classrooms: 9, pupils: 260}
policies:
  - {action: add_classrooms, year: 2, campus: A, classrooms: 2}
"""

SYNTH = """\
name: synth
simulation: {years: 2, replicates: 1, seed: 2}
region:
  synthetic:
    seed: 3
    campuses:
      primary: {urban: 2, town: 1, rural: 2}
      junior: {urban: 1, town: 1, rural: 0}
      nine_year: {urban: 0, town: 0, rural: 1}
    pupils: {primary: 1500, junior: 700}
    towns: 2
    villages: 4
"""

CSV_YAML = "name: csvbase\nsimulation: {years: 2, replicates: 1}\nregion:\n  campuses_csv: campuses.csv\n"
CSV_OK = ("id,stage,locale,x_km,y_km,classrooms,pupils\nA,primary,urban,0,0,20,800\nB,primary,rural,9,4,6,120\n"
          "C,junior,town,5,-3,10,420\n")

DOC = r"\(文档根 / document root\): "
"""How a message names the whole document as its YAML path."""

SPECIAL = object()
"""Placeholder content: the case makes the file itself (a pipe, a link, a directory)."""


@dataclass
class Case:
    """One input: files to write, extra ``--set`` options, and the outcome expected.

    ``expect`` is ``"ok"`` (validate and run succeed, the output folder is complete) or
    ``"error"`` (exit 2 from both, every message located); ``where`` is a regex the message must
    match (e.g. ``case.yaml:9: region.campuses[0].pupils``).
    """

    id: str
    files: dict[str, object]
    sets: list[str] = field(default_factory=list)
    expect: str = "error"
    where: str = ""
    scenario: str = "case.yaml"


def _dump(data) -> str:
    buf = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.dump(data, buf)
    return buf.getvalue()


def _edited(base: str, path: tuple, value, delete: bool = False) -> tuple[str, int | None]:
    """``base`` with the value at ``path`` replaced (or deleted), and the line where it is written."""
    data = YAML(typ="rt").load(base)
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, CommentedMap()) if isinstance(node, dict) else node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = copy.deepcopy(value)
    text = _dump(data)
    _, locs = parse_yaml(text, "case.yaml")
    return text, locs.find(path, "case.yaml")[1]


def field_case(cid: str, path: tuple, value, expect: str = "error", base: str = BASE, where: str | None = None
               ) -> Case:
    """A case that puts ``value`` at ``path`` of ``base`` in the file: a message is located at its
    line (``where`` replaces the path, or with ``{at}`` standing for ``case.yaml:line``, the regex)."""
    text, line = _edited(base, path, value)
    at = rf"case\.yaml:{line}"
    if where is None:
        where = "" if expect == "ok" else rf"{at}: {re.escape(dotted(path))}"
    elif "{at}" in where:
        where = where.replace("{at}", at)
    else:
        where = rf"{at}: {where}"
    return Case(cid, {"case.yaml": text}, [], expect, where)


def set_case(cid: str, path: tuple, text: str) -> Case:
    """A case that sets ``path`` to the YAML ``text`` with ``--set``: a message is located at --set."""
    return Case(cid, {"case.yaml": BASE}, [f"{dotted(path)}={text}"], "error", rf"--set: {re.escape(dotted(path))}")


C0 = ("region", "campuses", 0)
NAN, INF = float("nan"), float("inf")

CASES: list[Case] = []

# -- types ---------------------------------------------------------------------------------------
for i, (path, value) in enumerate([
    (("simulation", "years"), "ten"), (("simulation", "years"), [3]), (("simulation", "years"), {"a": 1}),
    (("simulation", "years"), True), (("simulation", "years"), 3.5), (C0 + ("classrooms",), "six"),
    (C0 + ("classrooms",), 1.5), (C0 + ("classrooms",), None), (C0 + ("x_km",), "east"), (C0 + ("x_km",), [1, 2]),
    (C0 + ("x_km",), True), (C0 + ("stage",), 5), (C0 + ("stage",), "senior"), (C0 + ("locale",), "city"),
    (C0 + ("pupils",), True), (C0 + ("pupils",), "many"), (C0 + ("quality",), "good"), (("name",), 42),
    (("title",), ["a"]), (("policies",), "none"), (("region",), []), (("simulation",), 3),
    (C0 + ("teaching_point",), "maybe"), (C0 + ("id",), None), (("policies", 0, "campus"), ["A"]),
]):
    CASES.append(field_case(f"type-{i:02d}-{dotted(path)}", path, value))
CASES.append(field_case("type-speed-string", ("travel", "speed_kmh"), "fast"))
CASES.append(field_case("type-births-list", ("demography", "births"), [1, 2]))
CASES.append(Case("type-bool-children", {"case.yaml": BASE + "demography:\n  cells:\n    - {id: K, locale: urban, x_km: 0, "
                                                             "y_km: 0, children: [5,5,5,5,5,5,5,5,5,5,5,5,5,5,true]}\n"},
                  where=r"case\.yaml:17: demography\.cells\[0\]\.children\[14\]"))
CASES.append(set_case("type-pupils-true-set", C0 + ("pupils",), "true"))
CASES.append(field_case("type-string-number-ok", ("simulation", "years"), "2", expect="ok"))

# -- NaN and infinity ----------------------------------------------------------------------------
for i, (path, value) in enumerate([
    (C0 + ("x_km",), NAN), (C0 + ("y_km",), INF), (C0 + ("quality",), NAN), (C0 + ("reputation",), -INF),
    (C0 + ("floor_area_m2",), INF), (("costs", "teacher_yuan_per_year"), INF),
    (("teachers", "pupils_per_teacher", "primary"), NAN), (("travel", "circuity"), INF),
    (("dynamics", "learning", "noise_sd"), NAN), (("dynamics", "reputation", "lag"), NAN),
    (("demography", "births", 2020), NAN), (("demography", "births_trend"), INF), (("travel", "speed_kmh"), NAN),
]):
    CASES.append(field_case(f"nan-{i:02d}-{dotted(path)}", path, value))
CASES.append(field_case("nan-crowding", ("region", "synthetic", "crowding", "urban"), INF, base=SYNTH))
CASES.append(set_case("nan-set-quality", C0 + ("quality",), ".nan"))
CASES.append(Case("nan-set-text", {"case.yaml": BASE}, ["region.campuses[0].x_km=1e400"], where=r"--set: region\.campuses\[0\]\.x_km"))
CASES.append(Case("nan-cell-ses", {"case.yaml": BASE + "demography:\n  cells:\n    - {id: K, locale: urban, x_km: 0, y_km: 0, "
                                                      "children: [5,5,5,5,5,5,5,5,5,5,5,5,5,5,5], ses: .nan}\n"},
                  where=r"case\.yaml:17: demography\.cells\[0\]\.ses"))

# -- huge and negative values --------------------------------------------------------------------
for i, (path, value) in enumerate([
    (C0 + ("pupils",), 10**12), (C0 + ("pupils",), -5), (C0 + ("classrooms",), 10**6), (C0 + ("capacity",), -1),
    (C0 + ("teachers",), 10**9), (C0 + ("x_km",), 1e9), (C0 + ("quality",), 100), (("simulation", "years"), 1000),
    (("simulation", "replicates"), 0), (("simulation", "seed"), -1), (("simulation", "seed"), 2**70),
    (("simulation", "start_year"), 1800), (("teachers", "pupils_per_teacher", "primary"), 0),
    (("teachers", "pupils_per_teacher", "junior"), -3), (("teachers", "min_per_class"), 1000),
    (("travel", "choice_set"), 0), (("travel", "neighbours"), 10**6), (("policies", 0, "classrooms"), 10**9),
    (("costs", "construction_yuan_per_m2"), -1), (("dynamics", "migration", "flight_rate"), 2),
    (("dynamics", "teachers", "retirement_age_men"), 200), (("demography", "births_trend"), 5),
    (("travel", "speed_kmh"), 0), (("travel", "speed_kmh"), -5), (("travel", "speed_kmh"), 1e12),
    (("demography", "births", 2030), 1e30),
]):
    CASES.append(field_case(f"huge-{i:02d}-{dotted(path)}", path, value))
for i, (path, value) in enumerate([(("pupils", "primary"), 10**12), (("campuses", "primary", "rural"), 10**7),
                                   (("villages",), 10**8), (("towns",), -3), (("county_radius_km",), 0),
                                   (("crowding",), 0), (("crowding",), -1), (("districts",), -1)]):
    CASES.append(field_case(f"huge-synth-{i}-{dotted(path)}", ("region", "synthetic", *path), value, base=SYNTH))
CASES.append(Case("huge-allowance", {"case.yaml": BASE.replace(
    "  - {action: add_classrooms, year: 2, campus: A, classrooms: 2}",
    "  - {action: set_allowance, year: 1, yuan_per_month: {rural: -5}}")}, where=r"case\.yaml:14: policies\[0\]"))
CASES.append(field_case("huge-dynamics-legal", ("dynamics", "learning", "noise_sd"), 1.5, expect="ok",
                        where=r"warning: {at}: dynamics\.learning\.noise_sd"))
CASES.append(field_case("huge-dynamics-refused", ("dynamics", "learning", "noise_sd"), 50.0,
                        where=r"{at}: dynamics\.learning\.noise_sd"))

# -- bombs and depth -----------------------------------------------------------------------------
LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")) + "name: bomb\n"
CASES += [
    Case("bomb-billion-laughs", {"case.yaml": LAUGHS}, where=rf"case\.yaml: {DOC}"),
    Case("bomb-recursive-alias", {"case.yaml": "name: r\nregion: &r {campuses: [*r]}\n"}, where=r"case\.yaml"),
    Case("depth-flow-300", {"case.yaml": "name: d\nx: " + "[" * 300 + "]" * 300 + "\n"}, where=r"case\.yaml:2"),
    Case("depth-block-300", {"case.yaml": "name: d\n" + "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v: 1\n"},
         where=r"case\.yaml:\d+"),
    Case("bomb-merge-keys", {"case.yaml": "base: &b {x: 1}\n" + "".join(f"k{i}: &k{i} {{<<: *{'b' if i == 0 else f'k{i-1}'}, y{i}: 2}}\n"
                                                                            for i in range(40)) + "name: m\n"},
         where=r"case\.yaml:\d+: k0"),
    Case("bomb-set-value", {"case.yaml": BASE}, ["name=[&a [x,x,x,x,x,x,x,x,x], " + ", ".join(
        f"&{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")) + "]"], where=r"--set: name"),
    Case("size-5mb", {"case.yaml": "name: big\n" + "# padding\n" * 600_000}, where=rf"case\.yaml: {DOC}.*MiB"),
    Case("size-one-line", {"case.yaml": "name: " + "x" * (5 * 2**20) + "\n"}, where=rf"case\.yaml: {DOC}.*MiB"),
    Case("extends-chain-40", {**{f"c{i}.yaml": f"extends: c{i + 1}.yaml\n" for i in range(40)}, "c40.yaml": BASE},
         scenario="c0.yaml", where=r"c\d+\.yaml:1: extends: .*at most"),
    Case("extends-cycle", {"case.yaml": "extends: other.yaml\nname: x\n", "other.yaml": "extends: case.yaml\n"},
         where=r"\.yaml: extends: .*cycles"),
    Case("extends-self", {"case.yaml": "extends: case.yaml\nname: x\n"}, where=r"case\.yaml: extends"),
    Case("extends-number", {"case.yaml": "extends: 5\nname: x\n"}, where=r"case\.yaml:1: extends"),
    Case("extends-ok", {"case.yaml": "extends: parent.yaml\nname: child\n", "parent.yaml": BASE}, expect="ok"),
]

# -- names used in paths -------------------------------------------------------------------------
for i, name in enumerate(["../../x", "/tmp/abs", "a/b", "..", ".", "CON", "nul.txt", "x" * 65, "has space",
                          "-rf", "..\\\\x", "", "名字\u202e", "tab\there"]):
    CASES.append(field_case(f"name-{i:02d}", ("name",), name, where=r"name"))
CASES.append(set_case("name-set-traversal", ("name",), "../../../escape"))
CASES.append(field_case("name-title-escape", ("title",), "\x1b[2J\x1b[31mred", where=r"title"))
CASES.append(field_case("name-campus-id", C0 + ("id",), "../x"))
CASES.append(field_case("name-campus-name-control", C0 + ("name",), "a\x07bell"))
CASES.append(field_case("name-chinese-ok", ("name",), "县城新建初中方案", expect="ok"))
CASES.append(Case("name-from-odd-file-stem-ok", {"县 方案 (v2) #1.yaml": BASE.replace("name: base\n", "")},
                  expect="ok", scenario="县 方案 (v2) #1.yaml"))
CASES.append(Case("name-group-id", {"case.yaml": BASE + "groups:\n  - {id: a/b, mode: baseline}\n"},
                  where=r"case\.yaml:16: groups\[0\]\.id"))

# -- special and unreadable files ----------------------------------------------------------------
CASES += [
    Case("file-missing", {}, where=rf"case\.yaml: {DOC}.*no such file"),
    Case("file-directory", {"case.yaml": SPECIAL}, where=rf"case\.yaml: {DOC}.*director"),
    Case("file-empty", {"case.yaml": ""}, where=rf"case\.yaml: {DOC}.*empty"),
    Case("file-comments-only", {"case.yaml": "# nothing\n# here\n"}, where=rf"case\.yaml: {DOC}.*empty"),
    Case("file-binary", {"case.yaml": bytes(range(256)) * 4}, where=rf"case\.yaml:\d+: {DOC}.*UTF-8"),
    Case("file-gbk", {"case.yaml": "name: 示例\n".encode("gbk")}, where=rf"case\.yaml:1: {DOC}.*UTF-8"),
    Case("file-utf16", {"case.yaml": BASE.encode("utf-16")}, where=rf"case\.yaml:1: {DOC}.*UTF-8"),
    Case("file-bom-ok", {"case.yaml": b"\xef\xbb\xbf" + BASE.encode()}, expect="ok"),
    Case("file-crlf-ok", {"case.yaml": BASE.replace("\n", "\r\n").encode()}, expect="ok"),
    Case("file-scalar-top", {"case.yaml": "just text\n"}, where=rf"case\.yaml:1: {DOC}.*mapping"),
    Case("file-list-top", {"case.yaml": "- a\n- b\n"}, where=rf"case\.yaml:1: {DOC}.*mapping"),
    Case("file-two-documents", {"case.yaml": BASE + "---\nname: two\n"}, where=rf"case\.yaml:\d+: {DOC}.*YAML"),
    Case("file-fullwidth-colon", {"case.yaml": BASE.replace("  years: 2", "  years： 2")}, where=rf"case\.yaml:\d+: {DOC}.*全角"),
    Case("file-tab-indent", {"case.yaml": BASE.replace("  years: 2", "\tyears: 2")}, where=rf"case\.yaml:\d+: {DOC}.*tab"),
    Case("file-duplicate-key", {"case.yaml": BASE.replace("  seed: 3", "  seed: 3\n  seed: 4")}, where=rf"case\.yaml:\d+: {DOC}.*once"),
    Case("file-extends-missing", {"case.yaml": "extends: nowhere.yaml\nname: x\n"}, where=r"case\.yaml:1: extends"),
    Case("file-extends-directory", {"case.yaml": "extends: sub\nname: x\n", "sub": SPECIAL}, where=rf"sub: {DOC}.*director"),
]

# -- campus CSV ----------------------------------------------------------------------------------
for cid, csv_text, where in [
    ("csv-missing-column", "id,stage,x_km,y_km,classrooms\nA,primary,0,0,12\n", r"campuses\.csv:1: locale"),
    ("csv-unknown-column", CSV_OK.replace("pupils", "pupil"), r"campuses\.csv:1: pupil: .*did you mean"),
    ("csv-duplicate-column", CSV_OK.replace("classrooms,pupils", "classrooms,classrooms"), r"campuses\.csv:1: classrooms: .*once"),
    ("csv-short-row", CSV_OK + "D,junior,rural,1\n", rf"campuses\.csv:5: {DOC}.*7 values"),
    ("csv-long-row", CSV_OK + "D,junior,rural,1,1,5,50,9\n", rf"campuses\.csv:5: {DOC}.*7 values"),
    ("csv-blank-lines", CSV_OK.replace("\nB,", "\n\n\n\nB,").replace("C,junior,town", "C,junior,twn"),
     r"campuses\.csv:7: locale"),
    ("csv-multiline-quoted", CSV_OK.replace("A,primary", '"A\nA",primary').replace("C,junior,town", "C,junior,twn"),
     r"campuses\.csv:(5|1): (locale|id)"),
    ("csv-bad-value-line", CSV_OK.replace("B,primary,rural,9,4,6,120", "B,primary,rural,9,4,six,120"), r"campuses\.csv:3: classrooms"),
    ("csv-nan", CSV_OK.replace("0,0,20", "nan,0,20"), r"campuses\.csv:2: x_km"),
    ("csv-inf-text", CSV_OK.replace("0,0,20", "1e400,0,20"), r"campuses\.csv:2: x_km"),
    ("csv-true-pupils", CSV_OK.replace(",800", ",true"), r"campuses\.csv:2: pupils"),
    ("csv-duplicate-id", CSV_OK.replace("B,primary", "A,primary"), r"campuses\.csv:3: id: .*first on line 2"),
    ("csv-header-only", CSV_OK.splitlines()[0] + "\n", rf"campuses\.csv:1: {DOC}.*at least one"),
    ("csv-empty", "", rf"campuses\.csv:1: {DOC}.*empty"),
    ("csv-nul-byte", CSV_OK.replace("urban", "ur\0ban"), r"campuses\.csv:2: "),
    ("csv-huge-field", CSV_OK.replace("A,primary", "A" * 200_000 + ",primary"), r"campuses\.csv:2: "),
    ("csv-control-name", CSV_OK.replace("pupils\n", "pupils,name\n").replace(",800\n", ",800,\x1b[2J\n")
     .replace(",120\n", ",120,b\n").replace(",420\n", ",420,c\n"), r"campuses\.csv:2: name"),
    ("csv-bad-utf8", CSV_OK.encode() + b"D,junior,rural,1,1,5,\xff\n", rf"campuses\.csv:5: {DOC}.*UTF-8"),
]:
    CASES.append(Case(cid, {"case.yaml": CSV_YAML, "campuses.csv": csv_text}, where=where))
CASES.append(Case("csv-ok", {"case.yaml": CSV_YAML, "campuses.csv": CSV_OK.replace("\n", "\r\n")}, expect="ok"))
CASES.append(Case("csv-missing-file", {"case.yaml": CSV_YAML}, where=r"case\.yaml:4: region\.campuses_csv"))
CASES.append(Case("csv-is-directory", {"case.yaml": CSV_YAML, "campuses.csv": SPECIAL}, where=rf"campuses\.csv: {DOC}.*director"))

# -- --set faults --------------------------------------------------------------------------------
for i, (item, where) in enumerate([
    ("simulation.years", r"--set: simulation\.years: .*path=value"), ("=5", r"--set: =5"), ("a..b=1", r"--set: a\.\.b=1"),
    ("[0]=1", r"--set: \[0\]: "), ("nosuch=1", r"--set: nosuch: .*unknown key"),
    ("simulation.yaers=1", r"--set: simulation\.yaers: .*did you mean 'years'"),
    ("foo.bar.baz=1", r"--set: foo: .*unknown key"), ("policies[9].year=1", r"--set: policies\[9\]\.year"),
    ("simulation.years.x=1", r"--set: simulation\.years\.x"), ("region=5", r"--set: region: .*mapping"),
    ("simulation.years=[1,", r"--set: simulation\.years: .*YAML"), ("simulation.years=0", r"--set: simulation\.years"),
    ("region.campuses[0]=null", r"--set: region\.campuses\[0\]"), ("name=" + "[" * 100 + "]" * 100, r"--set: name"),
    ("title=\x1b]0;pwned\x07", r"--set: title"),
]):
    CASES.append(Case(f"set-{i:02d}", {"case.yaml": BASE}, [item], where=where))
CASES.append(Case("set-ok", {"case.yaml": BASE}, ["teachers.pupils_per_teacher.primary=16"], expect="ok"))

# -- contradictory policies ----------------------------------------------------------------------
POLICY = "  - {action: add_classrooms, year: 2, campus: A, classrooms: 2}\n"


def policies(*lines: str) -> dict[str, str]:
    return {"case.yaml": BASE.replace(POLICY, "".join(f"  - {line}\n" for line in lines))}


OPEN_E = "{action: open_campus, year: 3, campus: {id: E, stage: junior, locale: urban, x_km: 1, y_km: 1, classrooms: 8}}"
CASES += [
    Case("policy-close-twice", policies("{action: close_campus, year: 2, campus: B}", "{action: close_campus, year: 3, campus: B}"),
         where=r"case\.yaml:15: policies\[1\]\.campus: .*open in year 3"),
    Case("policy-close-before-open", policies(OPEN_E, "{action: close_campus, year: 2, campus: E}"),
         where=r"case\.yaml:15: policies\[1\]\.campus: .*opens only in year 3"),
    Case("policy-close-unknown", policies("{action: close_campus, year: 2, campus: Z}"), where=r"case\.yaml:14: policies\[0\]\.campus"),
    Case("policy-remove-too-many", policies("{action: add_classrooms, year: 2, campus: B, classrooms: -7}"),
         where=r"case\.yaml:14: policies\[0\]\.classrooms"),
    Case("policy-remove-all", policies("{action: add_classrooms, year: 2, campus: B, classrooms: -6}"),
         where=r"case\.yaml:14: policies\[0\]\.classrooms"),
    Case("policy-two-allowances", policies("{action: set_allowance, year: 2, yuan_per_month: {rural: 300}}",
                                           "{action: set_allowance, year: 2, yuan_per_month: {rural: 500}}"),
         where=r"case\.yaml:15: policies\[1\]: .*one set_allowance"),
    Case("policy-year-0", policies("{action: close_campus, year: 0, campus: B}"), where=r"case\.yaml:14: policies\[0\]\.year"),
    Case("policy-year-1000", policies("{action: close_campus, year: 1000, campus: B}"), where=r"case\.yaml:14: policies\[0\]\.year"),
    Case("policy-open-existing-id", policies(OPEN_E.replace("id: E", "id: A")), where=r"case\.yaml:14: policies\[0\]\.campus\.id"),
    Case("policy-close-all-junior", policies("{action: close_campus, year: 2, campus: C}", "{action: close_campus, year: 2, campus: D}"),
         where=r"case\.yaml:15: policies\[1\]: .*grades 7–9"),
    Case("policy-close-all-primary", policies(*[f"{{action: close_campus, year: 2, campus: {c}}}" for c in "ABD"]),
         where=r"case\.yaml:16: policies\[2\]: .*grades 1–6"),
    Case("policy-close-all-later-than-run", policies("{action: close_campus, year: 5, campus: C}",
                                                     "{action: close_campus, year: 5, campus: D}"),
         where=r"case\.yaml:15: policies\[1\]: .*grades 7–9"),
    Case("policy-form-unknown-group", policies("{action: form_group, year: 2, group: g9}"), where=r"case\.yaml:14: policies\[0\]\.group"),
    Case("policy-unknown-action", policies("{action: demolish, year: 2, campus: A}"), where=r"case\.yaml:14: policies\[0\]"),
    Case("policy-tiers-descending", policies("{action: set_allowance, year: 1, tiers: [{from_km: 10, yuan_per_month: 1}, "
                                             "{from_km: 5, yuan_per_month: 2}]}"), where=r"case\.yaml:14: policies\[0\]"),
    Case("policy-after-horizon-ok", policies("{action: add_classrooms, year: 9, campus: A, classrooms: 2}"), expect="ok",
         where=r"warning: case\.yaml:14: policies\[0\]\.year"),
    Case("policy-add-zero-ok", policies("{action: add_classrooms, year: 2, campus: A, classrooms: 0}"), expect="ok",
         where=r"warning: case\.yaml:14: policies\[0\]\.classrooms"),
    Case("policy-build-on-closed-ok", policies("{action: close_campus, year: 2, campus: B}",
                                               "{action: add_classrooms, year: 2, campus: B, classrooms: 3}"),
         expect="ok", where=r"warning: case\.yaml:15: policies\[1\]\.campus"),
    Case("policy-open-and-close-ok", policies(OPEN_E.replace("year: 3", "year: 1"), "{action: close_campus, year: 2, campus: C}"),
         expect="ok"),
]

# -- impossible regions --------------------------------------------------------------------------
ONE = "    - {id: A, stage: primary, locale: urban, x_km: 0, y_km: 0, classrooms: 20, pupils: 800, quality: 0.2}\n"


def region(*campuses: str) -> dict[str, str]:
    head, _, tail = BASE.partition("  campuses:\n")
    return {"case.yaml": head + "  campuses:\n" + "".join(f"    - {c}\n" for c in campuses)
            + "policies: []\n"}


CASES += [
    Case("region-no-campuses", {"case.yaml": BASE.split("  campuses:")[0] + "  campuses: []\npolicies: []\n"},
         where=r"case\.yaml:7: region: .*(pupils|grades)"),
    Case("region-primary-only", region("{id: A, stage: primary, locale: urban, x_km: 0, y_km: 0, classrooms: 20}"),
         where=r"case\.yaml:7: region: .*grades 7–9"),
    Case("region-junior-only", region("{id: C, stage: junior, locale: town, x_km: 0, y_km: 0, classrooms: 10}"),
         where=r"case\.yaml:7: region: .*grades 1–6"),
    Case("region-nine-year-only-ok", region("{id: N, stage: nine_year, locale: town, x_km: 0, y_km: 0, classrooms: 18}"),
         expect="ok"),
    Case("region-pupils-no-classrooms", {"case.yaml": BASE.replace("classrooms: 6, pupils: 120", "classrooms: 0, pupils: 120")},
         where=r"case\.yaml:10: region\.campuses\[1\]\.classrooms"),
    Case("region-nobody", region("{id: A, stage: primary, locale: urban, x_km: 0, y_km: 0, classrooms: 5, pupils: 0}",
                                 "{id: C, stage: junior, locale: urban, x_km: 1, y_km: 0, classrooms: 5, pupils: 0}"),
         where=r"case\.yaml:7: region: .*some pupils"),
    Case("region-same-place-ok", region("{id: A, stage: primary, locale: urban, x_km: 0, y_km: 0, classrooms: 5, pupils: 100}",
                                        "{id: C, stage: junior, locale: urban, x_km: 0, y_km: 0, classrooms: 5, pupils: 100}"),
         expect="ok"),
    Case("region-mixed-coordinates", region("{id: A, stage: primary, locale: urban, x_km: 0, y_km: 0, classrooms: 5}",
                                            "{id: C, stage: junior, locale: urban, lon: 110, lat: 39.8, classrooms: 5}"),
         where=r"case\.yaml:10: region\.campuses\[1\]: .*one coordinate system"),
    Case("region-two-sources", {"case.yaml": BASE.replace("region:\n", "region:\n  campuses_csv: x.csv\n")},
         where=r"case\.yaml:7: region: .*exactly one"),
    Case("region-missing", {"case.yaml": "name: x\n"}, where=r"case\.yaml: region: .*required"),
    Case("region-cells-empty", {"case.yaml": BASE + "demography: {cells: []}\n"}, where=r"case\.yaml:15: demography\.cells"),
    Case("region-births-empty", {"case.yaml": BASE + "demography: {births: {}}\n"}, where=r"case\.yaml:15: demography\.births"),
    Case("region-births-blowup", {"case.yaml": BASE + "demography: {births_trend: 0.5}\n"}, ["simulation.years=40"],
         where=r"case\.yaml:15: demography: .*births"),
    Case("region-synth-stage-missing", {"case.yaml": SYNTH.replace("junior: {urban: 1, town: 1, rural: 0}", "junior: {}")
                                        .replace("nine_year: {urban: 0, town: 0, rural: 1}", "nine_year: {}")},
         where=r"case\.yaml:4: region\.synthetic: .*junior"),
    Case("region-synth-huge", {"case.yaml": SYNTH.replace("primary: {urban: 2, town: 1, rural: 2}",
                                                          "primary: {urban: 20000, town: 20000, rural: 20000}")},
         where=r"case\.yaml:\d+: region\.synthetic\.campuses: .*at most"),
    Case("region-synth-one-district", {"case.yaml": SYNTH.replace("primary: {urban: 2, town: 1, rural: 2}",
                                                                  "primary: {urban: 400, town: 200, rural: 200}")
                                       .replace("villages: 4", "villages: 4\n    districts: 1")},
         where=r"case\.yaml:\d+: region\.synthetic\.districts: .*per district"),
    Case("region-district-too-big", {"case.yaml": BASE.split("  campuses:")[0] + "  campuses:\n" + "".join(
        f"    - {{id: P{i}, stage: nine_year, locale: rural, x_km: {i % 50}, y_km: {i // 50}, classrooms: 1, pupils: 0, "
        f"district: D}}\n" for i in range(501)) + "policies: []\n"}, where=r"case\.yaml:7: region: .*per district"),
    Case("region-cells-lonlat-campuses-xy", {"case.yaml": BASE + "demography:\n  cells:\n    - {id: K, locale: urban, lon: 110, "
                                              "lat: 39, children: [5,5,5,5,5,5,5,5,5,5,5,5,5,5,5]}\n"},
         where=r"case\.yaml:17: demography\.cells\[0\]: .*one coordinate system"),
    Case("region-synth-ok", {"case.yaml": SYNTH}, expect="ok"),
    Case("region-crowded-ok", {"case.yaml": BASE.replace("classrooms: 6, pupils: 120", "classrooms: 1, pupils: 500")},
         expect="ok", where=r"warning: case\.yaml:10: region\.campuses\[1\]\.pupils"),
]

ERROR_LINE = re.compile(r"^  (?:注意 / warning: )?(?:run/compare .*?: )?(\S.*?)(?::(\d+))?: (\S*|\(文档根 / document root\)): 应为 / expected ",
                        re.M)


def _write(tmp: Path, case: Case) -> None:
    for name, content in case.files.items():
        path = tmp / name
        if content is SPECIAL:
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _handled(outcome: Outcome) -> None:
    """No cap hit, no crash: exit 0 or 2, no internal error, no traceback."""
    assert not outcome.stopped, f"stopped by {outcome.stopped}: {outcome.err[-2000:]}"
    assert outcome.code in (0, 2), outcome.text[-3000:]
    for sign in ("Traceback", "内部错误", "internal error", "ESCAPED"):
        assert sign not in outcome.text, outcome.text[-3000:]


def _located(err: str) -> None:
    """Every problem line names its source and a YAML path (``file[:line]: path: 应为 / expected``)."""
    problems = [ln for ln in err.splitlines() if "应为 / expected" in ln]
    assert problems, err
    assert all(ERROR_LINE.match(ln) for ln in problems), err


def test_corpus_is_large_and_varied():
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)
    kinds = {c.id.split("-")[0] for c in CASES}
    assert kinds >= {"type", "nan", "huge", "bomb", "depth", "name", "file", "csv", "set", "policy", "region"}
    assert sum(c.expect == "ok" for c in CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path):
    _write(tmp_path, case)
    validated = run_forked(["validate", case.scenario, *[a for s in case.sets for a in ("--set", s)]], tmp_path)
    _handled(validated)
    ran = run_forked(["run", case.scenario, "--workers", "1", "--out", "out",
                      *[a for s in case.sets for a in ("--set", s)]], tmp_path)
    _handled(ran)
    if case.expect == "ok":
        assert validated.code == 0 and ran.code == 0, ran.text[-3000:]
        check_complete(tmp_path / "out")
    else:
        assert validated.code == 2 and ran.code == 2, (validated.text[-2000:], ran.text[-2000:])
        _located(validated.err)
        _located(ran.err)
        assert not (tmp_path / "out").exists()  # refused before anything was written
    if case.where:
        assert re.search(case.where, validated.err), validated.err[-3000:]


HOSTILE = ["pipe", "dev-zero", "link-to-dev-zero", "laughs", "nesting", "big", "csv-pipe", "synthetic-millions"]


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_files_as_processes(kind: str, tmp_path: Path):
    """Special files and bombs opened by a fresh interpreter, killed after 60 s or past 3 GiB."""
    target = tmp_path / "case.yaml"
    if kind == "pipe":
        os.mkfifo(target)
    elif kind == "dev-zero":
        target = Path("/dev/zero")
    elif kind == "link-to-dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "laughs":
        target.write_text(LAUGHS)
    elif kind == "nesting":
        target.write_text("name: d\nx: " + "[" * 5000 + "]" * 5000 + "\n")
    elif kind == "big":
        target.write_text("name: big\nregion:\n  campuses:\n" + "    - {id: A, stage: primary}\n" * 400_000)
    elif kind == "csv-pipe":
        os.mkfifo(tmp_path / "campuses.csv")
        target.write_text(CSV_YAML)
    elif kind == "synthetic-millions":
        target.write_text(SYNTH.replace("villages: 4", "villages: 10000000"))
    outcome = run_process(["run", str(target), "--workers", "1", "--out", str(tmp_path / "out")], tmp_path)
    _handled(outcome)
    assert outcome.code == 2
    _located(outcome.err)


def test_caps_stop_a_runaway_case(tmp_path, monkeypatch):
    """The harness itself can fail a case: memory past the cap and time past the cap are caught."""
    import sim.cli

    monkeypatch.setattr(sim.cli, "main", lambda args: bytearray(4 * 2**30))
    hog = run_forked(["validate"], tmp_path)
    assert hog.code == 71 and "MemoryError" in hog.err
    monkeypatch.setattr(sim.cli, "main", lambda args: __import__("time").sleep(30))
    slow = run_forked(["validate"], tmp_path, time_cap=1)
    assert slow.code is None and slow.stopped == "time cap"
    for outcome in (hog, slow):
        with pytest.raises(AssertionError):
            _handled(outcome)
