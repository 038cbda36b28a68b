"""Problems found in a user's input, reported as the product's own messages.

Every check that can fail because of what a planner wrote (YAML syntax, types, references between
campuses and groups, CSV columns) reports a :class:`Problem`: the file, the YAML path, the line,
what was expected and what was found.  The command line prints them all and exits with code 2;
it never shows a traceback for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the source allows."""

    file: str
    path: str
    line: int | None
    expected: str
    found: str = ""
    hint: str = ""

    def render(self) -> str:
        """One human-readable line (plus optional hint) in the form ``file:line: path: ...``."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        path = self.path or "(文档根 / document root)"
        text = f"{where}: {path}: 应为 / expected {self.expected}"
        if self.found:
            text += f"; 实际 / found {self.found}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class ScenarioError(Exception):
    """Raised with every problem found in a scenario, so that all are reported at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))


def display_path(path: Path | str) -> str:
    """A path as the user would recognise it: relative to the working directory when possible."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def dotted(path: tuple) -> str:
    """Render a YAML path such as ``('groups', 0, 'hub')`` as ``groups[0].hub``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
