"""Compose scenario data: ``extends`` chains (deep merge) and ``--set dotted.path=value`` overrides.

Merging rule: mappings merge key by key, recursively; anything else (lists, scalars) in the child
replaces the parent's value wholesale.  So a child scenario that lists ``groups`` or ``policies``
states all of them.  Locations follow the value that won, so errors point at the right file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError, display_path
from ..yamlsource import Locations, load_yaml, parse_yaml

SET_FILE = "--set"

MAX_EXTENDS = 16
"""Longest ``extends`` chain (a scenario over a scenario over ...): real chains are one or two long."""


def _merge(base: Any, top: Any, path: tuple, locs: Locations, top_locs: Locations) -> Any:
    if isinstance(base, dict) and isinstance(top, dict):
        out = dict(base)
        for key, value in top.items():
            sub = path + (key,)
            if key in out:
                out[key] = _merge(out[key], value, sub, locs, top_locs)
            else:
                out[key] = value
                _copy_locs(sub, locs, top_locs)
        return out
    locs.drop_under(path)
    _copy_locs(path, locs, top_locs)
    return top


def _copy_locs(path: tuple, locs: Locations, src: Locations) -> None:
    n = len(path)
    for key, where in src.lines.items():
        if key[:n] == path:
            locs.lines[key] = where


def load_with_extends(path: Path, _chain: tuple[Path, ...] = ()) -> tuple[dict, Locations]:
    """Load ``path`` and, recursively, the scenario it ``extends``; return merged data and locations."""
    path = path.resolve()
    if path in _chain:
        cycle = " -> ".join(display_path(p) for p in _chain + (path,))
        raise ScenarioError([Problem(display_path(_chain[-1]), "extends", None,
                                     "an extends chain without cycles / 继承不能成环", cycle)])
    data, locs = load_yaml(path)
    shown = display_path(path)
    parent = data.get("extends")
    if parent is None:
        return data, locs
    file, line = locs.find(("extends",), shown)
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError([Problem(file, "extends", line, "a relative path to another YAML / 另一个情景文件的路径",
                                     repr(parent))])
    parent_path = (path.parent / parent).resolve()
    if not parent_path.exists():
        raise ScenarioError([Problem(file, "extends", line, "an existing scenario file / 存在的情景文件",
                                     f"{parent} (not found / 未找到)")])
    if len(_chain) + 1 >= MAX_EXTENDS:
        raise ScenarioError([Problem(file, "extends", line,
                                     f"an extends chain at most {MAX_EXTENDS} files long / 继承链不超过 {MAX_EXTENDS} 层",
                                     "a longer chain / 继承链过长")])
    base, base_locs = load_with_extends(parent_path, _chain + (path,))
    merged = _merge(base, {k: v for k, v in data.items() if k != "extends"}, (), base_locs, locs)
    merged["extends"] = parent
    base_locs.lines[("extends",)] = (file, line)
    return merged, base_locs


_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+|\*)\]")
EVERY = "*"
"""A path segment standing for every element of a list: ``groups[*].params.exchange.share`` sets the
key in every group (one sweep parameter for all groups of a plan)."""


def parse_set_path(text: str) -> tuple:
    """``groups[0].hub`` or ``groups.0.hub`` -> ``('groups', 0, 'hub')``; ``groups[*].hub`` ->
    ``('groups', '*', 'hub')`` (every element)."""
    parts: list = []
    pos = 0
    for m in _SEGMENT.finditer(text):
        if m.start() != pos and text[pos:m.start()] != ".":
            raise ValueError(text)
        name, index = m.groups()
        if index == EVERY:
            parts.append(EVERY)
        else:
            parts.append(int(index) if index is not None else (int(name) if name.isdigit() else name))
        pos = m.end()
    if pos != len(text) or not parts:
        raise ValueError(text)
    return tuple(parts)


def apply_overrides(data: dict, locs: Locations, overrides: list[str]) -> dict:
    """Apply ``--set path=value`` strings (values parsed as YAML scalars or flow collections, by
    the same bounded reader as the files)."""
    problems, parsed = [], []
    for item in overrides:
        key, sep, raw = item.partition("=")
        try:
            if not sep:
                raise ValueError(item)
            path = parse_set_path(key.strip())
        except ValueError:
            problems.append(Problem(SET_FILE, item, None, "dotted.path=value, e.g. simulation.years=5 / 形如 路径=值",
                                    repr(item)))
            continue
        try:
            parsed.append((key, path, parse_yaml(raw, SET_FILE)[0] if raw.strip() else None))
        except ScenarioError as exc:
            problems.extend(Problem(SET_FILE, key, None, p.expected, p.found or repr(raw), p.hint) for p in exc.problems)
    problems += _set_all(data, locs, parsed)
    if problems:
        raise ScenarioError(problems)
    return data


def set_values(data: dict, locs: Locations, values: dict[str, object]) -> dict:
    """Apply plain values by ``--set`` path (a sweep's design points: no YAML text to read), with
    the same checks and line bookkeeping as :func:`apply_overrides`."""
    problems = _set_all(data, locs, [(key, parse_set_path(key), value) for key, value in values.items()])
    if problems:
        raise ScenarioError(problems)
    return data


def _set_all(data: dict, locs: Locations, items: list[tuple[str, tuple, object]]) -> list[Problem]:
    """Write each (key as written, path, value) into ``data``; the problems of paths that lead nowhere.
    A ``[*]`` segment writes into every element of the list there (none: a problem)."""
    problems = []
    expanded = []
    for key, path, value in items:
        paths = _every(data, path)
        if not paths:
            problems.append(Problem(SET_FILE, key, None, "a list with elements at [*] / [*] 处应为非空列表", repr(key)))
        expanded += [(key, p, value) for p in paths]
    for key, path, value in expanded:
        node: Any = data
        created: list[tuple] = []
        for i, part in enumerate(path[:-1]):
            nxt = path[i + 1]
            if isinstance(node, dict):
                if part not in node or node[part] is None:
                    node[part] = [] if isinstance(nxt, int) else {}
                    created.append(path[: i + 1])
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                node = None
                break
        last = path[-1]
        if isinstance(node, dict) and isinstance(last, str):
            node[last] = value
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            node[last] = value
        else:
            problems.append(Problem(SET_FILE, key, None, "a path into the scenario's mappings and lists / 有效路径",
                                    repr(key)))
            continue
        locs.drop_under(path)
        for made in created + [path]:  # keys the override made are the override's, not the file's
            locs.lines[made] = (SET_FILE, None)
    return problems


def _every(data: Any, path: tuple) -> list[tuple]:
    """The concrete paths of ``path``: each ``[*]`` replaced by every index of the list found there
    (no path when it is not a non-empty list)."""
    if EVERY not in path:
        return [path]
    i = path.index(EVERY)
    node: Any = data
    for part in path[:i]:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return []
    if not isinstance(node, list):
        return []
    return [p for k in range(len(node)) for p in _every(data, path[:i] + (k,) + path[i + 1:])]
