"""A batch's processes end with it: SIGKILL, SIGTERM or Ctrl-C of a running ``compare`` leaves no
worker behind; Ctrl-C and SIGTERM print the bilingual interrupt message (exit 130 / 143), never
click's "Aborted!"; a worker killed midway ends the command with a "rerun the same command to
resume" message (exit 75), and rerunning it finishes the batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from conftest import ROOT

PLANS = [ROOT / "scenarios" / f"{name}.yaml" for name in ("county_baseline", "county_rural_allowance")]
WAIT_S = 120


def start_compare(out: Path) -> subprocess.Popen:
    """A real ``compare`` of 2 county plans × 6 replicates on 2 workers, in its own session (so a
    Ctrl-C sent to its process group reaches it and its workers, as a terminal's would)."""
    cmd = [sys.executable, str(ROOT / "run_sim.py"), "compare", *map(str, PLANS), "--replicates", "6",
           "--years", "10", "--workers", "2", "--out", str(out)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            cwd=out.parent)


def workers_of(proc: subprocess.Popen) -> list[psutil.Process]:
    """Worker processes of the pool (children started by multiprocessing's spawn)."""
    out = []
    for child in psutil.Process(proc.pid).children(recursive=True):
        try:
            if any("spawn_main" in part for part in child.cmdline()):
                out.append(child)
        except psutil.NoSuchProcess:
            pass
    return out


def wait_until_working(proc: subprocess.Popen, out: Path) -> list[psutil.Process]:
    """Wait until two workers exist and at least one run is stored: the batch is mid-way."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        workers = workers_of(proc)
        if len(workers) == 2 and any((out / ".runs").glob("*/done")):
            return workers
        time.sleep(0.1)
    proc.kill()
    pytest.fail("the batch never got going")


def gone(pids: list[psutil.Process], within: float = 10.0) -> list[psutil.Process]:
    """The processes still alive (zombies count as gone) after waiting up to ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        alive = []
        for p in pids:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def family(proc: subprocess.Popen) -> list[psutil.Process]:
    return psutil.Process(proc.pid).children(recursive=True)


def test_sigkill_of_the_command_leaves_no_process(tmp_path):
    proc = start_compare(tmp_path / "out")
    wait_until_working(proc, tmp_path / "out")
    children = family(proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    left = gone(children)
    for p in left:
        p.kill()
    assert not left, [p.cmdline() for p in left]


@pytest.mark.parametrize("how, code", [("sigterm", 143), ("ctrl-c", 130)])
def test_sigterm_and_ctrl_c_stop_workers_with_the_bilingual_message(tmp_path, how, code):
    proc = start_compare(tmp_path / "out")
    wait_until_working(proc, tmp_path / "out")
    children = family(proc)
    if how == "sigterm":
        os.kill(proc.pid, signal.SIGTERM)
    else:  # a terminal sends Ctrl-C to the whole foreground process group
        os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "已中断" in err and "interrupted" in err and "rerun the same command to resume" in err
    assert "Aborted" not in err and "Traceback" not in err, err
    assert not gone(children)


def test_a_killed_worker_asks_to_rerun_and_the_rerun_finishes(tmp_path):
    out = tmp_path / "out"
    proc = start_compare(out)
    workers = wait_until_working(proc, out)
    children = family(proc)
    workers[0].kill()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 75, err
    assert "a worker process died" in err and "rerun the same command to resume" in err and "工作进程" in err
    assert "internal error" not in err and "Traceback" not in err, err
    assert not gone(children)
    stored = len(list((out / ".runs").glob("*/done")))
    assert 1 <= stored < 12
    rerun = start_compare(out)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert len(list((out / ".runs").glob("*/done"))) == 12 and (out / "comparison.parquet").exists()
