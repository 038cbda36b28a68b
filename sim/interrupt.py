"""Ctrl-C and SIGTERM as one exception the command line can report in its own words.

Python turns Ctrl-C into ``KeyboardInterrupt``, which click reports as an English-only "Aborted!"
with exit code 1, and SIGTERM kills the process outright, leaving no chance to stop worker
processes.  Inside :func:`signals_interrupt`, both raise :class:`Interrupted` instead (a
``BaseException`` that click lets through), so that batches stop their workers on the way out and
:func:`sim.cli.main` prints the bilingual message and exits with the shell's conventional code:
130 after Ctrl-C (SIGINT), 143 after SIGTERM.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The process received ``signum`` (SIGINT or SIGTERM) and should stop."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal number: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


_held: list[int] = []
"""Signals received inside :func:`deferred` (the main thread's), raised when it ends."""
_depth = 0


def _raise(signum: int, frame: object) -> None:
    if _depth:
        _held.append(signum)
        return
    raise Interrupted(signum)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold :class:`Interrupted` back until the block ends.

    An exception raised by a signal handler lands wherever the main thread happens to be: inside
    ``concurrent.futures.wait`` it can leave a future's lock acquired (its waiter installs locks
    one by one), and the pool's shutdown then waits for that lock forever.  Code that waits on a
    pool runs in this block (with a short timeout, so a held signal is acted on promptly)."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _held:
            signum = _held[0]
            _held.clear()
            raise Interrupted(signum)


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """While inside, SIGINT and SIGTERM raise :class:`Interrupted` (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
