"""Property: no mutation of a valid scenario makes the CLI crash; it validates (0) or exits 2.

Two kinds of mutation: structural (delete a key or item, replace a value with junk of another
type, rename a key) on the parsed data, and textual (drop a line, insert a character) on the YAML.
"""

from __future__ import annotations

import copy
import io

from conftest import SMALL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sim.yamlsource import load_yaml

JUNK = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                 st.text(max_size=8), st.lists(st.integers(-5, 5), max_size=3),
                 st.dictionaries(st.text(min_size=1, max_size=5), st.integers(), max_size=2))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _dump(data) -> str:
    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, buf)
    return buf.getvalue()


def assert_handled(result) -> None:
    """Exit code 0 or 2, never a traceback; an error message names the file."""
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "small.yaml" in result.stderr  # the message names the file


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=st.data())
def test_structural_mutations_never_crash(tmp_path, run_cli, data):
    base, _ = load_yaml_text(tmp_path, SMALL)
    doc = copy.deepcopy(base)
    path = data.draw(st.sampled_from(list(_paths(doc))[1:]))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    op = data.draw(st.sampled_from(["delete", "replace", "rename"]))
    if op == "delete":
        del parent[path[-1]]
    elif op == "replace":
        parent[path[-1]] = data.draw(JUNK)
    elif isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=10))] = parent.pop(path[-1])
    f = tmp_path / "small.yaml"
    f.write_text(_dump(doc), encoding="utf-8")
    assert_handled(run_cli("validate", f))


@SETTINGS
@given(line=st.integers(0, SMALL.count("\n")), char=st.sampled_from(list("-:[]{}#&*!|>'\"%@` \t\x00é中")),
       drop=st.booleans(), col=st.integers(0, 40))
def test_textual_mutations_never_crash(tmp_path, run_cli, line, char, drop, col):
    lines = SMALL.splitlines()
    if drop:
        del lines[min(line, len(lines) - 1)]
    else:
        target = lines[min(line, len(lines) - 1)]
        lines[min(line, len(lines) - 1)] = target[:col] + char + target[col:]
    f = tmp_path / "small.yaml"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_handled(run_cli("validate", f))


def load_yaml_text(tmp_path, text):
    f = tmp_path / "base.yaml"
    f.write_text(text, encoding="utf-8")
    return load_yaml(f)
