"""Output folders a bureau can trust: written only inside, by one command at a time, and marked
complete only when everything in them belongs together.

A command that writes results (``run``, ``compare``, ``network``, sweeps) opens its folder with
:func:`open_for_writing` before any simulation starts, which

1. creates the folder and proves it writable (a read-only folder, an ``--out`` that is a file or a
   name the file system refuses is a located error, exit 2, before minutes of computing);
2. takes a lock (``.lock``, an OS file lock released even when the process is killed), so a second
   command writing into the same folder is refused instead of mixing its tables with the first's;
3. removes the completion marker of an earlier command (the folder is incomplete from now on),
   and the temporary files a killed command left (:func:`sim.atomic.clean_temporaries`).

Every path the command writes is made with :meth:`OutputFolder.child`, which resolves it and
refuses one that would land outside the folder.  When everything is written, :meth:`OutputFolder.finish`
writes the marker ``complete.json`` last and atomically: the command, the date, the code version
and every file the folder holds with its size and SHA-256.  Files an earlier command listed and
this one did not rewrite are removed then, so the folder never mixes two commands' results.

Readers call :func:`check_complete` (one function, for the ``report`` pages, sweeps, scripts): it
returns the marker, or raises :class:`IncompleteFolder` saying why the folder cannot be trusted
(never finished, being written, a listed file missing or changed).  A command that adds files
derived from a complete folder (the result pages) opens it with :func:`open_for_adding`: the folder
must be complete, keeps its marker while the new files are written, and the marker then lists them
too.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from .atomic import clean_temporaries, write_text_atomic
from .errors import Problem, ScenarioError

MARKER = "complete.json"
"""Name of the completion marker in a finished output folder."""

LOCK = ".lock"
"""Name of the lock file held while a command writes the folder."""

FORMAT = "edugroup-sim output folder"
VERSION = 1

MAX_FOLDER_NAME_BYTES = 180
"""Longest default folder name, UTF-8 bytes (file systems allow 255)."""


class OutputFolderError(ScenarioError):
    """The output folder cannot be written (reported like bad input: located, exit code 2)."""


class IncompleteFolder(Exception):
    """A folder that readers must not trust; ``reason`` says why, bilingually."""

    def __init__(self, folder: Path, reason: str):
        self.folder, self.reason = Path(folder), reason
        super().__init__(f"{folder}: {reason}")


def _problem(folder: Path, expected: str, found: str, hint: str = "") -> OutputFolderError:
    return OutputFolderError([Problem("--out", str(folder), None, expected, found, hint)])


def default_folder(kind: str, names: list[str], when: _dt.datetime | None = None) -> Path:
    """``outputs/<kind>_<names joined by _vs_>_<date-time>``, with the names cut (and a short hash
    added) when they would make the folder name too long for the file system."""
    stamp = f"{(when or _dt.datetime.now()):%Y%m%d-%H%M%S}"
    joined = "_vs_".join(names)
    budget = MAX_FOLDER_NAME_BYTES - len(kind.encode()) - len(stamp) - 2
    if len(joined.encode()) > budget:
        tag = hashlib.sha256(joined.encode()).hexdigest()[:8]
        cut = joined.encode()[: budget - len(tag) - 1].decode("utf-8", errors="ignore").rstrip("_-.")
        joined = f"{cut}_{tag}"
    return Path("outputs") / f"{kind}_{joined}_{stamp}"


@dataclass
class OutputFolder:
    """A folder being written by one command (see the module docstring)."""

    root: Path
    command: str
    lock: FileLock
    previous: list[str] = field(default_factory=list)
    """Files the folder's earlier marker listed."""
    adding: bool = False
    """Whether this command adds to a complete folder (keeps what is listed) or replaces its content."""

    def child(self, *parts: str) -> Path:
        """``root/parts...`` resolved; refuses a path that lands outside the folder."""
        path = self.root.joinpath(*parts).resolve()
        if path != self.root and self.root not in path.parents:
            raise _problem(self.root, "a path inside the output folder / 输出目录内的路径",
                           f"{'/'.join(parts)} resolves to {path} / 指向目录之外")
        return path

    def finish(self, files: list[Path], extra: dict | None = None) -> Path:
        """Write the completion marker listing ``files`` (last, atomically) and release the lock.
        Replacing: files an earlier command listed that this one did not rewrite are removed.
        Adding: the files already listed stay listed."""
        kept = {rel for rel in self.previous if (self.root / rel).is_file()} if self.adding else set()
        listed = sorted({self._relative(f) for f in files} | kept)
        for old in set(self.previous) - set(listed):
            (self.root / old).unlink(missing_ok=True)
        doc = {"format": FORMAT, "version": VERSION, "command": self.command,
               "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
               **(extra or {}),
               "files": [{"path": rel, "bytes": (self.root / rel).stat().st_size, "sha256": _sha256(self.root / rel)}
                         for rel in listed]}
        path = write_text_atomic(self.root / MARKER, json.dumps(doc, ensure_ascii=False, indent=2))
        self.close()
        return path

    def close(self) -> None:
        """Release the lock (the folder stays incomplete unless :meth:`finish` ran)."""
        self.lock.release()

    def _relative(self, path: Path) -> str:
        resolved = Path(path).resolve()
        if self.root not in resolved.parents:
            raise ValueError(f"{path} is not inside {self.root}")
        return resolved.relative_to(self.root).as_posix()

    def __enter__(self) -> "OutputFolder":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.lock.is_locked:
            self.lock.release()


def open_for_writing(folder: Path, command: str, subfolders: tuple[str, ...] = (), replace: bool = True
                     ) -> OutputFolder:
    """Create, check, lock and clear ``folder`` for ``command`` (see the module docstring).
    ``subfolders`` are the folders below it the command will write (cleaned of temporaries too).
    ``replace=False`` keeps the files an earlier command listed (the network maps of other
    scenarios in a shared folder) and lists them again with the new ones."""
    root = Path(folder)
    try:
        root.mkdir(parents=True, exist_ok=True)
        root = root.resolve()
        fd, probe = tempfile.mkstemp(dir=root, prefix=".write-test-")
        os.close(fd)
        os.unlink(probe)
    except FileExistsError:
        raise _problem(root, "a folder / 目录", "a file of that name / 同名文件已存在") from None
    except NotADirectoryError:
        raise _problem(root, "a folder / 目录", "a path through a file / 路径中有文件") from None
    except PermissionError:
        raise _problem(root, "a folder you may write to / 可写目录", "permission denied / 无写权限",
                       "choose another folder with --out / 用 --out 另选目录") from None
    except OSError as exc:
        raise _problem(root, "a folder that can be created and written / 可创建、可写的目录",
                       exc.strerror or str(exc)) from None
    lock = _lock(root)
    try:
        previous = _listed(root)
        (root / MARKER).unlink(missing_ok=True)
        for sub in subfolders:
            (root / sub / MARKER).unlink(missing_ok=True)
        clean_temporaries(root, depth=2)
    except OSError as exc:
        lock.release()
        raise _problem(root, "a folder whose files can be replaced / 可替换其中文件的目录", exc.strerror or str(exc)) from None
    return OutputFolder(root, command, lock, previous, adding=not replace)


def open_for_adding(folder: Path, command: str) -> OutputFolder:
    """Lock the complete ``folder`` to add files derived from it (``command``, e.g. ``report``);
    raise :class:`IncompleteFolder` if it is not complete, :class:`OutputFolderError` if another
    command is writing it.  Its marker stays until :meth:`OutputFolder.finish` lists the new files
    beside the old ones."""
    root = Path(folder).resolve()
    check_complete(root)
    return OutputFolder(root, command, _lock(root), _listed(root), adding=True)


def _lock(root: Path) -> FileLock:
    """The folder's lock, taken now or refused (another command holds it)."""
    lock = FileLock(root / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise _problem(root, "a folder no other command is writing / 无其他命令正在写入的目录",
                       "another run, compare, sweep or report is writing it now / 另一命令正在写入",
                       "wait for it, or choose another folder with --out / 等其结束或另选目录") from None
    except OSError as exc:
        raise _problem(root, "a folder you may write to / 可写目录", exc.strerror or str(exc)) from None
    return lock


def _listed(root: Path) -> list[str]:
    """Files the folder's marker lists (none when there is no readable marker)."""
    try:
        doc = json.loads((root / MARKER).read_text(encoding="utf-8"))
        return [f["path"] for f in doc["files"] if _safe_relative(f["path"])]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _safe_relative(rel: object) -> bool:
    """A marker entry that names a file inside the folder (never ``..`` or an absolute path)."""
    return isinstance(rel, str) and bool(rel) and not rel.startswith("/") and ".." not in re.split(r"[\\/]", rel)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_complete(folder: Path | str, verify: bool = False) -> dict:
    """The completion marker of ``folder`` if the folder can be trusted; else raise
    :class:`IncompleteFolder` with the reason.

    Checks: the marker exists and is well formed; no command is writing the folder now; every file
    it lists exists with the listed size (and, with ``verify``, the listed SHA-256).  A sub-folder
    of a completed folder (one scenario of a comparison) is complete when its parent's marker lists
    files in it; the parent's marker is returned, with ``"part"`` naming the sub-folder.
    """
    folder = Path(folder)
    marker = folder / MARKER
    if not marker.is_file() and (folder.parent / MARKER).is_file():
        return _check_part(folder, verify)
    if not marker.is_file():
        if (folder / LOCK).exists() and _locked(folder / LOCK):
            raise IncompleteFolder(folder, "正在写入 / being written by a command now")
        if not folder.is_dir():
            raise IncompleteFolder(folder, "不是目录 / not a folder")
        raise IncompleteFolder(folder, f"没有完成标记 {MARKER}：运行未完成或被中断 / no {MARKER}: the command that "
                                       "wrote it did not finish (interrupted?); rerun it with the same --out")
    try:
        doc = json.loads(marker.read_text(encoding="utf-8"))
        files = doc["files"]
        if doc.get("format") != FORMAT or not all(_safe_relative(f["path"]) for f in files):
            raise ValueError(doc.get("format"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IncompleteFolder(folder, f"完成标记无法读取 / unreadable {MARKER}: {exc}") from None
    for f in files:
        path = folder / f["path"]
        if not path.is_file():
            raise IncompleteFolder(folder, f"缺少文件 / missing file {f['path']}")
        if path.stat().st_size != f["bytes"] or (verify and _sha256(path) != f["sha256"]):
            raise IncompleteFolder(folder, f"文件在完成后被改动 / {f['path']} changed after the folder was completed")
    return doc


def _check_part(folder: Path, verify: bool) -> dict:
    """A sub-folder of a folder with a marker: complete when the parent is and lists files in it."""
    doc = check_complete(folder.parent, verify)
    prefix = folder.name + "/"
    if not any(f["path"].startswith(prefix) for f in doc["files"]):
        raise IncompleteFolder(folder, f"上级目录的完成标记未列出此目录 / the parent's {MARKER} lists nothing in this folder")
    return {**doc, "part": folder.name}


def _locked(lock_path: Path) -> bool:
    """Whether another process holds the folder's lock (a stale lock file of a killed process is not held)."""
    probe = FileLock(lock_path, timeout=0)
    try:
        probe.acquire()
    except Timeout:
        return True
    except OSError:
        return False
    probe.release()
    return False
