"""The batch executor: which executor a batch gets, errors reported per item, the parent-watch
fallback for systems without PR_SET_PDEATHSIG, and run on Dask giving the same bytes as locally."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pandas as pd
import psutil
import pytest
from click.testing import CliRunner

from sim.cli import cli
from sim.executor import CONNECT_TIMEOUT_S, InProcess, LocalProcesses, open_executor

from conftest import COUNTY, ROOT, TINY


def test_open_executor_picks_in_process_for_one_worker_or_one_item():
    assert isinstance(open_executor(1), InProcess)
    assert isinstance(open_executor(4, items=1), InProcess)
    with open_executor(2, items=5) as pool:
        assert isinstance(pool, LocalProcesses) and pool.workers == 2


def _half(x: int) -> float:
    if x == 3:
        raise ValueError("three")
    return x / 2


@pytest.mark.parametrize("workers", [1, 2])
def test_results_carry_values_and_errors_by_item(workers):
    with open_executor(workers, items=5) as pool:
        got = {i: (value, error) for i, value, error in pool.results(_half, [0, 1, 2, 3, 4])}
    assert sorted(got) == [0, 1, 2, 3, 4]
    assert [got[i][0] for i in (0, 1, 2, 4)] == [0.0, 0.5, 1.0, 2.0]
    assert isinstance(got[3][1], ValueError) and got[3][0] is None


def test_an_orphaned_process_watching_its_parent_exits():
    """The fallback of systems without prctl: a watcher thread ends the process once orphaned."""
    grandchild = textwrap.dedent("""\
        import sys, threading, time
        from sim.executor import _watch_parent
        threading.Thread(target=_watch_parent, args=(int(sys.argv[1]),), daemon=True).start()
        time.sleep(120)
        """)
    parent = textwrap.dedent(f"""\
        import os, subprocess, sys
        p = subprocess.Popen([sys.executable, "-c", {grandchild!r}, str(os.getpid())],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(p.pid, flush=True)
        """)
    out = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=60)
    orphan = psutil.Process(int(out.stdout.strip()))
    deadline = time.monotonic() + 10
    while orphan.is_running() and orphan.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = orphan.is_running() and orphan.status() != psutil.STATUS_ZOMBIE
    if alive:
        orphan.kill()
    assert not alive


@pytest.mark.slow
def test_run_on_a_dask_localcluster_writes_the_same_tables(tmp_path):
    sets = [arg for s in TINY for arg in ("--set", s)]
    for name, extra in (("local", ["--workers", "1"]), ("dask", ["--workers", "2", "--dask", "local"])):
        result = CliRunner().invoke(cli, ["run", str(COUNTY), "--replicates", "3", "--out", str(tmp_path / name),
                                          *sets, *extra])
        assert result.exit_code == 0, result.output
    for table in ("campus_year", "flows", "metrics", "metrics_summary"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "local" / f"{table}.parquet"),
                                      pd.read_parquet(tmp_path / "dask" / f"{table}.parquet"))


def test_an_unreachable_scheduler_is_a_clear_error_not_a_hang(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "run_sim.py"), "run", str(COUNTY), "--replicates", "2",
                             "--dask", "tcp://127.0.0.1:9", "--out", str(tmp_path / "x"), *sum((["--set", s] for s in TINY), [])],
                            capture_output=True, text=True, timeout=CONNECT_TIMEOUT_S + 60)
    assert result.returncode == 2 and "cannot reach a Dask scheduler" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
