"""Read a YAML file into plain Python data while remembering the line of every key and item.

ruamel.yaml's round-trip loader keeps line numbers on the mappings and sequences it builds and
refuses duplicate keys; this module turns its output into plain dicts, lists and scalars (so that
the rest of the package never sees ruamel types) plus a :class:`Locations` map from YAML path to
``(file, line)``.  Every way a file can be unreadable (missing, not a regular file, too large, not
UTF-8, empty, bad syntax, duplicate keys, nested too deep, aliases that expand without bound)
becomes a :class:`~sim.errors.Problem` instead of an exception from the library.

Scenario files travel between bureaus by e-mail and USB stick, so the reader is bounded: it reads
regular files only (never blocks on a named pipe or reads ``/dev/zero`` forever), at most
:data:`MAX_YAML_BYTES`, nested at most :data:`MAX_YAML_DEPTH` deep, expanding to at most
:data:`MAX_YAML_NODES` values once aliases are followed.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean

from .errors import Problem, ScenarioError, display_path

Path_ = tuple  # a YAML path: keys (str) and list indices (int)

MAX_YAML_BYTES = 4 * 2**20
"""Largest scenario YAML, bytes (4 MiB: parsing takes seconds per MiB; the shipped scenarios are a
few kB, and large regions belong in a campus CSV)."""

MAX_YAML_DEPTH = 32
"""Deepest nesting of mappings and lists in a YAML (a scenario needs 6)."""

MAX_YAML_NODES = 2_000_000
"""Most values a YAML may hold once its aliases (``*anchor``) are followed: a few hundred bytes of
nested aliases can otherwise expand to gigabytes (the "billion laughs")."""

_KINDS = ((stat.S_ISDIR, "a directory / 目录"), (stat.S_ISFIFO, "a named pipe / 命名管道"),
          (stat.S_ISCHR, "a device / 设备文件"), (stat.S_ISBLK, "a device / 设备文件"),
          (stat.S_ISSOCK, "a socket / 套接字"))


@dataclass
class Locations:
    """Where each YAML path was written: ``path -> (file, line)`` with 1-based lines."""

    lines: dict[Path_, tuple[str, int | None]] = field(default_factory=dict)

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


def _children(node: Any) -> list[Any]:
    if isinstance(node, CommentedMap):
        return list(node.values())
    if isinstance(node, CommentedSeq):
        return list(node)
    return []


def _check_expansion(node: Any, shown: str) -> None:
    """Refuse a document whose aliases loop or expand it past :data:`MAX_YAML_NODES` values or
    :data:`MAX_YAML_DEPTH` levels, before converting it.  ruamel shares an aliased node instead of
    copying it, so a few bytes of nested aliases make a small graph of a huge tree: sizes and depths
    are computed once per distinct node (iteratively: an alias chain may be long)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(node, False)]
    open_: set[int] = set()
    while stack:
        here, done = stack.pop()
        key = id(here)
        if done:
            kids = _children(here)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            open_.discard(key)
            if size[key] > MAX_YAML_NODES:
                raise ScenarioError([Problem(shown, "", None,
                                             f"at most {MAX_YAML_NODES:,} values once aliases are followed / 展开后不超过此数",
                                             "aliases (*name) that expand to more / 别名展开过多")])
            if depth[key] > MAX_YAML_DEPTH + 1:
                raise ScenarioError([Problem(shown, "", None, f"nesting at most {MAX_YAML_DEPTH} deep / 嵌套不超过 {MAX_YAML_DEPTH} 层",
                                             "deeper nesting through aliases / 别名嵌套过深")])
            continue
        if key in size:
            continue
        if key in open_:
            raise ScenarioError([Problem(shown, "", None, "aliases that do not contain themselves / 别名不能自引用",
                                         "an alias inside its own anchor / 自引用的别名")])
        open_.add(key)
        stack.append((here, True))
        stack.extend((k, False) for k in _children(here) if id(k) not in size)


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
    if isinstance(node, (bool, ScalarBoolean)) or node is None:  # an anchored true is a ScalarBoolean, an int
        return None if node is None else bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, (_dt.date, _dt.datetime)):
        return node.isoformat()
    if isinstance(node, str):
        return str(node)
    return node


def read_bytes(path: Path, limit: int) -> bytes:
    """The content of the regular file ``path`` (at most ``limit`` bytes), or a ScenarioError.

    The file is opened without blocking and checked to be a regular file before anything is read,
    so a named pipe, a device such as ``/dev/zero`` or a directory is refused at once.
    """
    shown = display_path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ScenarioError([Problem(shown, "", None, "an existing file / 存在的文件", "no such file / 文件不存在")])
    except IsADirectoryError:
        raise ScenarioError([Problem(shown, "", None, "a file / 文件", "a directory / 目录")])
    except OSError as exc:
        raise ScenarioError([Problem(shown, "", None, "a readable file / 可读文件", exc.strerror or str(exc))])
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), "a special file / 特殊文件")
        raise ScenarioError([Problem(shown, "", None, "a regular file / 普通文件", kind)])
    with os.fdopen(fd, "rb") as f:
        try:
            raw = f.read(limit + 1)
        except OSError as exc:
            raise ScenarioError([Problem(shown, "", None, "a readable file / 可读文件", exc.strerror or str(exc))])
    if len(raw) > limit:
        raise ScenarioError([Problem(shown, "", None, f"a file of at most {limit / 2**20:g} MiB / 文件不超过此大小",
                                     "a larger file / 文件过大")])
    return raw


def decode(raw: bytes, shown: str) -> str:
    """UTF-8 text of ``raw`` (a byte-order mark is dropped), or a located ScenarioError."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            [Problem(shown, "", line, "UTF-8 text / UTF-8 编码文本",
                     f"byte 0x{raw[exc.start]:02x} that is not UTF-8 (GBK?) / 非 UTF-8 字节",
                     "请另存为 UTF-8 / save the file as UTF-8")]
        )


def read_text(path: Path, limit: int = MAX_YAML_BYTES) -> str:
    """The file's text, or a :class:`ScenarioError` for a missing, special, too large, unreadable
    or non-UTF-8 file."""
    return decode(read_bytes(path, limit), display_path(path))


_FULL_WIDTH = {"：": ":", "，": ",", "［": "[", "］": "]", "｛": "{", "｝": "}", "\u3000": "space"}
"""Full-width characters a Chinese input method types where YAML needs the ASCII one."""


def syntax_hint(text: str, upto_line: int | None) -> str:
    """A hint for a YAML syntax error: a full-width ``：`` (or ``，``, brackets, the ideographic
    space) outside quotes and comments, or a tab in the indentation, on a line up to the error."""
    lines = text.splitlines()[: upto_line or None]
    for no, line in reversed(list(enumerate(lines, start=1))):
        bare = re.sub(r"'[^']*'|\"[^\"]*\"", "", line).split("#")[0]
        if line[: len(line) - len(line.lstrip(" \t"))].count("\t"):
            return f"第{no}行用了制表符缩进，请用空格 / line {no} is indented with a tab: indent with spaces"
        if "\u3000" in bare[: len(bare) - len(bare.lstrip(" \u3000"))]:
            return f"第{no}行用了全角空格缩进 / line {no} is indented with a full-width space: use ASCII spaces"
        for wide, ascii_ in _FULL_WIDTH.items():
            if wide in bare and not (wide == "：" and ":" in bare):
                return (f"第{no}行有全角字符 '{wide}'，YAML 需要半角 '{ascii_}' / line {no} has a full-width '{wide}' "
                        f"where YAML needs '{ascii_}'")
    return ""


def parse_yaml(text: str, shown: str) -> tuple[Any, Locations]:
    """Parse YAML ``text`` (named ``shown`` in messages) into plain data and its Locations."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.max_depth = MAX_YAML_DEPTH
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a reused anchor is legal YAML; say nothing on stderr
            node = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        raise ScenarioError([Problem(shown, "", mark.line + 1 if mark else None,
                                     "each key once per mapping / 每个键只出现一次",
                                     (exc.problem or "a duplicate key").replace("found ", ""))])
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(filter(None, [exc.problem, exc.context])) or "a syntax error"
        if "maximum depth" in problem:
            expected, problem = f"nesting at most {MAX_YAML_DEPTH} deep / 嵌套不超过 {MAX_YAML_DEPTH} 层", "deeper nesting / 嵌套过深"
        else:
            expected = "valid YAML syntax / 合法的 YAML 语法"
        raise ScenarioError([Problem(shown, "", line, expected, problem, syntax_hint(text, line))])
    except YAMLError as exc:  # errors without a position
        raise ScenarioError([Problem(shown, "", None, "valid YAML / 合法的 YAML", str(exc).splitlines()[0])])
    except RecursionError:  # belt and braces: max_depth stops nesting long before this
        raise ScenarioError([Problem(shown, "", None, f"nesting at most {MAX_YAML_DEPTH} deep / 嵌套不超过 {MAX_YAML_DEPTH} 层",
                                     "deeper nesting / 嵌套过深")])
    _check_expansion(node, shown)
    locs = Locations()
    return _plain(node, (), shown, locs), locs


def load_yaml(path: Path) -> tuple[Any, Locations]:
    """Parse ``path`` into plain data and its :class:`Locations`; raise ScenarioError if unreadable."""
    shown = display_path(path)
    text = read_text(path)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise ScenarioError([Problem(shown, "", None, "a YAML mapping / YAML 映射", "an empty file / 空文件")])
    data, locs = parse_yaml(text, shown)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(shown, "", 1, "a mapping at the top (simulation:, region: ...) / 顶层应为映射",
                                     f"a {type(data).__name__}", syntax_hint(text, None))])
    return data, locs
