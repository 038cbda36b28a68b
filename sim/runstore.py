"""Finished runs of a batch kept on disk as they arrive, so that a killed batch resumes where it stopped.

A run is stored under ``<folder>/<key>/``: its tables as ``<name>.parquet`` (or, for a run that
raised, ``error.txt`` with the error), each written atomically, then a ``done`` marker written last.
A folder without ``done`` is a run killed while being written: it counts as not run, and is cleared
before the run is stored again (temporary files included).  The key is a hash of everything that
determines the run's result (:func:`run_key`), so a stored run is reused only by an identical run.

A failed run is kept too: the same scenario, seed and code fail the same way, so rerunning the batch
does not retry it; a change of code (a new fingerprint) does.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .atomic import write_atomic, write_text_atomic

DONE = "done"
ERROR = "error.txt"


@dataclass(frozen=True)
class Failure:
    """A run that raised: the error's type and message."""

    error: str

    @classmethod
    def of(cls, exc: BaseException) -> "Failure":
        return cls(f"{type(exc).__name__}: {exc}")


Result = dict[str, pd.DataFrame] | Failure
"""What a run leaves: its tables by name, or the failure."""


def run_key(*parts: object) -> str:
    """A short stable hash of ``parts`` (resolved-scenario digest, seed, years, code fingerprint, ...)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode())
    return digest.hexdigest()[:24]


class RunStore:
    """Stored runs under ``folder`` (None: nothing is stored or reused)."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def has(self, key: str) -> bool:
        """Whether run ``key`` has finished (its ``done`` marker exists)."""
        return self.folder is not None and (self.folder / key / DONE).exists()

    def load(self, key: str) -> Result | None:
        """The stored result of run ``key``, or None if it has not finished."""
        if not self.has(key):
            return None
        run_dir = self.folder / key
        if (run_dir / ERROR).exists():
            return Failure((run_dir / ERROR).read_text(encoding="utf-8"))
        return {p.stem: pd.read_parquet(p) for p in sorted(run_dir.glob("*.parquet"))}

    def save(self, key: str, result: Result) -> None:
        """Store run ``key``'s result atomically; the ``done`` marker goes last."""
        if self.folder is None:
            return
        run_dir = self.folder / key
        if run_dir.exists():  # left by a run killed while being written
            shutil.rmtree(run_dir)
        if isinstance(result, Failure):
            write_text_atomic(run_dir / ERROR, result.error)
        else:
            for name, df in result.items():
                write_atomic(run_dir / f"{name}.parquet", lambda tmp, df=df: df.to_parquet(tmp, index=False))
        write_text_atomic(run_dir / DONE, "")

    def finished(self) -> int:
        """Number of finished runs stored."""
        return 0 if self.folder is None or not self.folder.exists() else sum(1 for _ in self.folder.glob(f"*/{DONE}"))
