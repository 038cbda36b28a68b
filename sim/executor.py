"""Where a batch's runs execute: one interface over this process, local worker processes
(:mod:`concurrent.futures`) and a Dask distributed cluster (a ``LocalCluster`` or an existing
scheduler by address).

Replicates, comparisons and sweeps all go through :func:`open_executor`; an executor's
:meth:`~Executor.results` yields ``(index, value, error)`` for each submitted item as it finishes, in
whatever order the runs end, so the caller can store each run the moment it arrives.

Worker processes never outlive the command that started them:

* local workers are started with the ``spawn`` method as direct children of the command, ignore
  Ctrl-C (the command handles it and stops them), and ask the kernel to kill them when their parent
  dies (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` through :mod:`ctypes`; on systems without it a
  daemon thread watches the parent's pid and exits when the worker has been orphaned).  So a
  ``kill -9`` of the command leaves no worker behind;
* Dask's own worker processes watch their parent through a pipe and exit when it goes away; a
  ``LocalCluster`` is closed when the batch ends or is interrupted;
* on an interruption (Ctrl-C, SIGTERM) the local workers are killed at once rather than waited for.

A local worker that dies (killed, out of memory) breaks the pool: the executor raises
:class:`WorkerDied`, whose message tells the planner that finished runs are kept and that rerunning
the same command resumes.  A Dask cluster survives a lost worker by itself: the scheduler reruns
that worker's runs on the others; a run that keeps killing workers ends as :class:`WorkerDied` (a
failed run in a sweep, which goes on; the end of a ``run`` or ``compare``, asking to rerun).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .interrupt import deferred

PR_SET_PDEATHSIG = 1
"""``prctl`` option: signal this process when its parent dies (linux/prctl.h)."""
PARENT_POLL_S = 0.5
"""How often a worker without ``prctl`` checks that its parent is alive, seconds."""

RESUME_HINT = "已完成的运行已保存，请用同一命令重新运行以续算 / finished runs are kept: rerun the same command to resume"


class WorkerDied(RuntimeError):
    """A worker process died (killed or out of memory) before its runs finished: not a bug of the
    model; the finished runs are stored and the same command resumes the batch."""

    def __init__(self, detail: str = ""):
        super().__init__(f"工作进程意外退出 / a worker process died{f' ({detail})' if detail else ''}; {RESUME_HINT}")


CONNECT_TIMEOUT_S = 10
"""How long to try to reach an existing Dask scheduler, seconds."""

WAIT_SLICE_S = 0.25
"""Longest wait for a local run to finish before a held Ctrl-C or SIGTERM is acted on, seconds."""


class SchedulerUnreachable(OSError):
    """No Dask scheduler answers at the address given (a problem with the command line, not a bug)."""

    def __init__(self, address: str, exc: BaseException):
        super().__init__(f"无法连接 Dask 调度器 / cannot reach a Dask scheduler at {address!r} "
                         f"({type(exc).__name__}: {exc}); 请检查地址 / check the address, or use --dask local")


def die_with_parent(parent: int) -> None:
    """Make this process end when process ``parent`` (its parent) ends, however that ends."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _watch_parent(parent: int) -> None:
    """Exit this process once it has been orphaned (its parent pid changes to a reaper's)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def _start_worker(parent: int) -> None:
    """Initializer of a local worker process: leave Ctrl-C to the parent, die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)


Outcome = tuple[int, Any, BaseException | None]
"""``(index of the item, value, error)``: ``error`` is None when the call returned ``value``."""


class Executor:
    """Runs ``fn(item)`` for many items; see the module docstring.  Use as a context manager."""

    workers: int = 1

    def results(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Outcome]:
        """Yield the outcome of ``fn(item)`` for every item, as each finishes."""
        raise NotImplementedError

    def close(self, interrupted: bool) -> None:
        """Release the workers; on ``interrupted`` stop them without waiting for running calls."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(interrupted=exc_type is not None)


class InProcess(Executor):
    """Calls in this process, one after the other (one worker, or nothing worth a pool)."""

    def results(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Outcome]:
        for i, item in enumerate(items):
            try:
                value = fn(item)
            except Exception as exc:  # reported to the caller, which decides whether it is fatal
                yield i, None, exc
            else:
                yield i, value, None


class LocalProcesses(Executor):
    """A :class:`~concurrent.futures.ProcessPoolExecutor` of ``workers`` spawned processes that die
    with this one."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start_worker, initargs=(os.getpid(),))

    def results(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Outcome]:
        with deferred():
            pending = {self._pool.submit(fn, item): i for i, item in enumerate(items)}
        while pending:
            with deferred():  # Ctrl-C and SIGTERM act between waits, never inside one
                finished, _ = wait(pending, timeout=WAIT_SLICE_S, return_when=FIRST_COMPLETED)
            for future in finished:
                i = pending.pop(future)
                error = future.exception()
                if isinstance(error, BrokenProcessPool):
                    raise WorkerDied(str(error)) from None
                yield i, None if error else future.result(), error

    def close(self, interrupted: bool) -> None:
        if interrupted:  # do not wait for running calls: stop the workers now
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.kill()
            _unblock_call_queue(self._pool)
        self._pool.shutdown(wait=True, cancel_futures=True)


def _unblock_call_queue(pool: ProcessPoolExecutor) -> None:
    """Close this process's read end of the pool's call queue once its workers are dead.

    A queued run (a pickled scenario of some 30 kB) may be half-written into the queue's pipe when
    the workers die; nobody reads it any more, so the queue's feeder thread blocks forever and
    ``shutdown`` (and Python's exit, which joins the pool's threads) with it.  Newer Pythons
    close this end themselves when the pool breaks (CPython gh-94777, in 3.11.7 here); Debian 12's
    3.11.2 does not.  With the end closed the blocked write fails (EPIPE) and the pool shuts down.
    Closing twice is harmless."""
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        call_queue._reader.close()


class Dask(Executor):
    """Runs on a Dask distributed cluster: a new ``LocalCluster`` of ``workers`` single-threaded
    processes (``address`` ``"local"``), or the scheduler at ``address`` (``tcp://host:port``)."""

    def __init__(self, address: str, workers: int):
        from distributed import Client, LocalCluster

        self._cluster = None
        if address == "local":
            with warnings.catch_warnings():  # "port 8787 in use" when another cluster runs: it picks another
                warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                             dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise SchedulerUnreachable(address, exc) from None
        self.workers = len(self._client.scheduler_info()["workers"]) or workers

    def results(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Outcome]:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        futures = {self._client.submit(fn, item, pure=False): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            i = futures.pop(future)
            error = future.exception()
            if isinstance(error, KilledWorker):  # the run killed every worker that tried it
                error = WorkerDied(str(error))
            yield i, None if error else future.result(), error
            future.release()

    def worker_pids(self) -> list[int]:
        """Process ids of the cluster's workers (for tests that kill one)."""
        return list(self._client.run(os.getpid).values())

    def close(self, interrupted: bool) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def open_executor(workers: int, dask: str | None = None, items: int | None = None) -> Executor:
    """The executor for a batch: Dask at ``dask`` (``"local"`` or a scheduler address) when given,
    else ``workers`` local processes, or this process when one worker (or one item) is enough."""
    if dask:
        return Dask(dask, workers)
    workers = min(workers, items) if items is not None else workers
    return LocalProcesses(workers) if workers > 1 else InProcess()
