"""Run the command line in isolation, under a time and a memory cap, as a planner's shell would.

:func:`run_forked` forks the test process (so the package is already imported: milliseconds per
case), sends the child's stdout and stderr to files, caps its address space and its time, calls
:func:`sim.cli.main` and reports the exit code, the output, and whether the cap stopped it.
:func:`run_process` starts ``python run_sim.py`` as a new process with the same caps, for the
cases that need a real process (signals, special files opened by a fresh interpreter).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMORY_CAP = 1536 * 2**20
"""Address space a case may add to what the test process already maps, bytes (1.5 GiB)."""
TIME_CAP = 60
"""Seconds a case may take."""


@dataclass
class Outcome:
    """How a command ended: exit code (None if a cap or a signal stopped it), stdout, stderr."""

    code: int | None
    out: str
    err: str
    stopped: str = ""

    @property
    def text(self) -> str:
        return self.out + self.err


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def run_forked(args: list[str], cwd: Path, time_cap: int = TIME_CAP, memory_cap: int = MEMORY_CAP) -> Outcome:
    """``run_sim.py args`` in a forked child running in ``cwd``."""
    from sim.cli import main
    import sim.briefing, sim.comparison, sim.engine, sim.runner, sim.summary  # noqa: F401,E401 - imported once, not per child

    limit = _mapped_bytes() + memory_cap
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 70
            try:
                os.chdir(cwd)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdout = os.fdopen(1, "w", encoding="utf-8", closefd=False)
                sys.stderr = os.fdopen(2, "w", encoding="utf-8", closefd=False)
                os.environ["COLUMNS"] = "100"
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
                signal.signal(signal.SIGALRM, signal.SIG_DFL)
                signal.alarm(time_cap)
                try:
                    main(args)
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                except BaseException as exc:  # noqa: BLE001 - report anything that escaped main()
                    sys.stderr.write(f"ESCAPED {type(exc).__name__}: {exc}\n")
                    code = 71
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if os.WIFSIGNALED(status):
        sig = signal.Signals(os.WTERMSIG(status)).name
        return Outcome(None, stdout, stderr, "time cap" if sig == "SIGALRM" else sig)
    return Outcome(os.WEXITSTATUS(status), stdout, stderr)


def _caps(memory: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return apply


def run_process(args: list[str], cwd: Path, time_cap: int = TIME_CAP, memory: int = 3 * 2**30,
                stdin: int | None = subprocess.DEVNULL) -> Outcome:
    """``python run_sim.py args`` as a new process in ``cwd``, capped at ``memory`` bytes of address
    space and ``time_cap`` seconds (then killed)."""
    env = {**os.environ, "COLUMNS": "100"}
    try:
        done = subprocess.run([sys.executable, str(ROOT / "run_sim.py"), *args], cwd=cwd, capture_output=True,
                              timeout=time_cap, preexec_fn=_caps(memory), env=env, stdin=stdin)
    except subprocess.TimeoutExpired as exc:
        text = lambda b: (b or b"").decode("utf-8", "replace")  # noqa: E731
        return Outcome(None, text(exc.stdout), text(exc.stderr), "time cap")
    code = done.returncode
    return Outcome(code if code >= 0 else None, done.stdout.decode("utf-8", "replace"),
                   done.stderr.decode("utf-8", "replace"), "" if code >= 0 else signal.Signals(-code).name)

