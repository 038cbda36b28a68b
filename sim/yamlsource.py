"""Read a YAML file into plain Python data while remembering the line of every key and item.

ruamel.yaml's round-trip loader keeps line numbers on the mappings and sequences it builds and
refuses duplicate keys; this module turns its output into plain dicts, lists and scalars (so that
the rest of the package never sees ruamel types) plus a :class:`Locations` map from YAML path to
``(file, line)``.  Every way a file can be unreadable (missing, not UTF-8, empty, bad syntax,
duplicate keys) becomes a :class:`~sim.errors.Problem` instead of an exception from the library.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Problem, ScenarioError, display_path

Path_ = tuple  # a YAML path: keys (str) and list indices (int)


@dataclass
class Locations:
    """Where each YAML path was written: ``path -> (file, line)`` with 1-based lines."""

    lines: dict[Path_, tuple[str, int]] = field(default_factory=dict)

    def find(self, path: Path_, default_file: str) -> tuple[str, int | None]:
        """The location of ``path``, or of its nearest written ancestor."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return default_file, None
            path = path[:-1]

    def drop_under(self, path: Path_) -> None:
        """Forget every location at or below ``path`` (its value was replaced wholesale)."""
        n = len(path)
        for key in [k for k in self.lines if k[:n] == tuple(path)]:
            del self.lines[key]


def _plain(node: Any, path: Path_, file: str, locs: Locations) -> Any:
    """Convert ruamel nodes to plain Python, recording the line of each key and item."""
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            sub = path + (key if isinstance(key, (str, int)) else str(key),)
            try:
                line = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                line = None
            if line is not None:
                locs.lines[sub] = (file, line)
            out[sub[-1]] = _plain(value, sub, file, locs)
        return out
    if isinstance(node, CommentedSeq):
        out = []
        for i, value in enumerate(node):
            sub = path + (i,)
            try:
                locs.lines[sub] = (file, node.lc.item(i)[0] + 1)
            except (KeyError, TypeError, AttributeError, IndexError):
                pass
            out.append(_plain(value, sub, file, locs))
        return out
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, (_dt.date, _dt.datetime)):
        return node.isoformat()
    if isinstance(node, str):
        return str(node)
    return node


def read_text(path: Path) -> str:
    """The file's text, or a :class:`ScenarioError` for a missing, unreadable or non-UTF-8 file."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem(shown, "", None, "an existing file / 存在的文件", "no such file / 文件不存在")])
    except IsADirectoryError:
        raise ScenarioError([Problem(shown, "", None, "a file / 文件", "a directory / 目录")])
    except OSError as exc:
        raise ScenarioError([Problem(shown, "", None, "a readable file / 可读文件", exc.strerror or str(exc))])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            [Problem(shown, "", line, "UTF-8 text / UTF-8 编码文本",
                     f"byte 0x{raw[exc.start]:02x} that is not UTF-8 (GBK?) / 非 UTF-8 字节",
                     "请另存为 UTF-8 / save the file as UTF-8")]
        )


def load_yaml(path: Path) -> tuple[Any, Locations]:
    """Parse ``path`` into plain data and its :class:`Locations`; raise ScenarioError if unreadable."""
    shown = display_path(path)
    text = read_text(path)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise ScenarioError([Problem(shown, "", None, "a YAML mapping / YAML 映射", "an empty file / 空文件")])
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        node = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        raise ScenarioError([Problem(shown, "", mark.line + 1 if mark else None,
                                     "each key once per mapping / 每个键只出现一次",
                                     (exc.problem or "a duplicate key").replace("found ", ""))])
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ScenarioError([Problem(shown, "", mark.line + 1 if mark else None,
                                     "valid YAML syntax / 合法的 YAML 语法",
                                     " ".join(filter(None, [exc.problem, exc.context])) or "a syntax error")])
    except YAMLError as exc:  # errors without a position
        raise ScenarioError([Problem(shown, "", None, "valid YAML / 合法的 YAML", str(exc).splitlines()[0])])
    locs = Locations()
    data = _plain(node, (), shown, locs)
    return data, locs
