"""Atomic file writes: write to a temporary file in the target folder, then rename over the target.

A reader (or a resumed batch) therefore sees either the old file or the complete new one, never a
half-written file, even if the process is killed mid-write.  A kill can leave the temporary file
behind; its name (``.<target>.<random>`` + :data:`TMP_SUFFIX`) is ours alone, so
:func:`clean_temporaries` removes such leftovers when a command takes its output folder again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

TMP_SUFFIX = ".edugroup-tmp"
"""Suffix of the temporary files of atomic writes."""


def write_atomic(path: Path | str, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` to produce the content, then move it to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def clean_temporaries(folder: Path | str, depth: int = 2) -> list[Path]:
    """Remove the temporary files of interrupted atomic writes in ``folder`` and its sub-folders
    down to ``depth`` levels; return what was removed.  Call it only while no other process writes
    the folder (an output folder's lock, :mod:`sim.outfolder`)."""
    removed = []
    level = [Path(folder)]
    for _ in range(depth + 1):
        below = []
        for here in level:
            try:
                entries = list(os.scandir(here))
            except OSError:
                continue
            for entry in entries:
                if entry.is_file(follow_symlinks=False) and entry.name.startswith(".") and entry.name.endswith(TMP_SUFFIX):
                    Path(entry.path).unlink(missing_ok=True)
                    removed.append(Path(entry.path))
                elif entry.is_dir(follow_symlinks=False):
                    below.append(Path(entry.path))
        level = below
    return removed
