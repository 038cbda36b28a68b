"""Output folders a bureau can trust (:mod:`sim.outfolder`): checked before any simulation, written
only inside, locked while written, marked complete last, recognised as incomplete after a kill,
cleaned of a killed command's temporary files, never mixing two commands' results."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import sim.outfolder
import sim.runner
from isolation import ROOT, run_forked, run_process
from sim.atomic import TMP_SUFFIX
from sim.report.pages import PAGE_NAMES
from sim.outfolder import LOCK, MARKER, IncompleteFolder, check_complete, default_folder, open_for_writing

PLAN = textwrap.dedent("""\
    name: {name}
    title: {title}
    simulation: {{years: 2, replicates: 2, seed: 4}}
    region:
      campuses:
        - {{id: A, stage: primary, locale: urban, x_km: 0, y_km: 0, classrooms: 20, pupils: 800}}
        - {{id: B, stage: primary, locale: rural, x_km: 9, y_km: 4, classrooms: 6, pupils: 120}}
        - {{id: C, stage: nine_year, locale: town, x_km: 5, y_km: -3, classrooms: 14, pupils: 500}}
    """)


def plans(folder: Path, *names: str) -> list[Path]:
    """Small scenario files named ``names`` (titles in Chinese and English) in ``folder``."""
    paths = []
    for name in names:
        path = folder / f"{name}.yaml"
        path.write_text(PLAN.format(name=name, title=f"方案 {name} / plan {name}"), encoding="utf-8")
        paths.append(path)
    return paths


def listed(folder: Path) -> set[str]:
    return {f["path"] for f in check_complete(folder)["files"]}


def on_disk(folder: Path) -> set[str]:
    """Files of the folder as a reader sees them (not the lock, the run cache, the marker, nor the
    result pages derived from the tables)."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and ".runs" not in p.parts and p.name not in (LOCK, MARKER) and p.name not in PAGE_NAMES}


def test_run_and_compare_mark_complete_listing_every_file(run_cli, tmp_path):
    a, b = plans(tmp_path, "base", "plan")
    assert run_cli("run", a, "--out", tmp_path / "r", "--workers", "1", "--csv").exit_code == 0
    assert listed(tmp_path / "r") == on_disk(tmp_path / "r") >= {"metrics.parquet", "metrics.csv", "manifest.json"}
    assert check_complete(tmp_path / "r", verify=True)["command"] == "run"
    assert run_cli("compare", a, b, "--out", tmp_path / "c", "--workers", "1").exit_code == 0
    assert listed(tmp_path / "c") == on_disk(tmp_path / "c") >= {"summary.txt", "comparison.parquet", "plan/metrics.parquet"}
    part = check_complete(tmp_path / "c" / "plan")  # one scenario of a comparison
    assert part["part"] == "plan" and part["command"] == "compare"


def test_check_complete_says_why_a_folder_cannot_be_trusted(run_cli, tmp_path):
    (a,) = plans(tmp_path, "base")
    out = tmp_path / "r"
    assert run_cli("run", a, "--out", out, "--workers", "1").exit_code == 0
    check_complete(out, verify=True)
    table = out / "metrics.parquet"
    data = table.read_bytes()
    table.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # same size, other content
    check_complete(out)
    with pytest.raises(IncompleteFolder, match="changed"):
        check_complete(out, verify=True)
    table.write_bytes(data + b"x")
    with pytest.raises(IncompleteFolder, match="changed"):
        check_complete(out)
    table.unlink()
    with pytest.raises(IncompleteFolder, match="missing file metrics.parquet"):
        check_complete(out)
    (out / MARKER).unlink()
    with pytest.raises(IncompleteFolder, match="did not finish"):
        check_complete(out)
    (out / MARKER).write_text(json.dumps({"format": "edugroup-sim output folder",
                                          "files": [{"path": "../outside", "bytes": 0, "sha256": ""}]}))
    with pytest.raises(IncompleteFolder, match="unreadable"):
        check_complete(out)
    with pytest.raises(IncompleteFolder):
        check_complete(tmp_path / "nowhere")


def test_unusable_out_refused_before_any_simulation(run_cli, tmp_path, monkeypatch):
    (a,) = plans(tmp_path, "base")
    monkeypatch.setattr(sim.runner, "_run_job", lambda job: pytest.fail("simulated before checking --out"))
    (tmp_path / "file").write_text("x")
    for out, found in ((tmp_path / "file", "a file"), (tmp_path / "file" / "sub", "through a file"),
                       (tmp_path / ("长" * 100), "File name too long")):
        result = run_cli("run", a, "--out", out, "--workers", "1")
        assert result.exit_code == 2 and "--out" in result.stderr and found in result.stderr, result.output


def test_read_only_folder_refused(run_cli, tmp_path, monkeypatch):
    (a,) = plans(tmp_path, "base")
    monkeypatch.setattr(sim.runner, "_run_job", lambda job: pytest.fail("simulated before checking --out"))
    locked = tmp_path / "ro"
    locked.mkdir()
    if os.geteuid() != 0:  # a real read-only folder (root may write anywhere)
        locked.chmod(0o555)
    else:  # as root, the file system says no the way a read-only folder would
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(sim.outfolder.tempfile, "mkstemp", refuse)
    result = run_cli("run", a, "--out", locked, "--workers", "1")
    assert result.exit_code == 2 and "permission denied" in result.stderr and "Traceback" not in result.output


def test_concurrent_writers_are_refused(tmp_path):
    """A second command into a folder being written exits 2 at once; the first finishes normally."""
    a, b = plans(tmp_path, "base", "plan")
    slow = ["compare", str(a), str(b), "--replicates", "6", "--years", "4", "--workers", "1", "--out", "shared"]
    first = subprocess.Popen([sys.executable, str(ROOT / "run_sim.py"), *slow], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while not (tmp_path / "shared" / ".runs").exists():  # the first holds the lock and is simulating
            assert time.time() < deadline and first.poll() is None, first.communicate()
            time.sleep(0.05)
        with pytest.raises(IncompleteFolder, match="being written"):
            check_complete(tmp_path / "shared")
        second = run_forked(["run", str(a), "--workers", "1", "--out", "shared"], tmp_path)
        assert second.code == 2 and "another" in second.err, second.text
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err.decode()
    check_complete(tmp_path / "shared", verify=True)


KILLER = textwrap.dedent("""\
    import os, signal, sys
    import pandas as pd
    import sim.briefing
    real = pd.DataFrame.to_parquet
    def half_then_die(self, path, *a, **k):  # the comparison table: half written, then SIGKILL
        if "comparison" in str(path):
            open(path, "wb").write(b"PAR1 half")
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, path, *a, **k)
    pd.DataFrame.to_parquet = half_then_die
    from sim.cli import main
    main(sys.argv[1:])
    """)


def test_kill_in_final_phase_leaves_a_folder_readers_refuse(tmp_path):
    a, b = plans(tmp_path, "base", "plan")
    args = ["compare", str(a), str(b), "--workers", "1", "--out", "out"]
    assert run_process([*args, "--replicates", "3"], tmp_path).code == 0  # a complete earlier result
    assert check_complete(tmp_path / "out")
    killed = subprocess.run([sys.executable, "-c", KILLER, *args], cwd=tmp_path, capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    leftovers = list((tmp_path / "out").glob(f".comparison.parquet.*{TMP_SUFFIX}"))
    assert leftovers  # the kill left a temporary file behind
    assert (tmp_path / "out" / "summary.txt").exists()  # the earlier run's summary is still there ...
    with pytest.raises(IncompleteFolder, match="did not finish"):  # ... but the folder says it is incomplete
        check_complete(tmp_path / "out")
    rerun = run_process(args, tmp_path)
    assert rerun.code == 0, rerun.err
    assert check_complete(tmp_path / "out", verify=True)
    assert not list((tmp_path / "out").rglob(f"*{TMP_SUFFIX}"))


def test_files_of_an_earlier_command_are_not_left_beside_new_ones(run_cli, tmp_path):
    a, b, c = plans(tmp_path, "base", "plan", "third")
    out = tmp_path / "c"
    assert run_cli("compare", a, b, c, "--out", out, "--workers", "1", "--csv").exit_code == 0
    assert "third/metrics.csv" in listed(out)
    assert run_cli("compare", a, b, "--out", out, "--workers", "1").exit_code == 0
    assert listed(out) == on_disk(out)  # the CSVs and the dropped plan's tables are gone
    assert not any(name.endswith(".csv") or name.startswith("third/") for name in on_disk(out))


def test_temporaries_of_killed_writes_are_cleaned_and_nothing_else(run_cli, tmp_path):
    (a,) = plans(tmp_path, "base")
    out = tmp_path / "r"
    (out / ".runs" / "x").mkdir(parents=True)
    stale = [out / f".metrics.parquet.abc{TMP_SUFFIX}", out / ".runs" / "x" / f".flows.parquet.q{TMP_SUFFIX}"]
    for path in stale:
        path.write_text("half")
    mine = out / "notes.tmp"
    mine.write_text("the planner's own file")
    assert run_cli("run", a, "--out", out, "--workers", "1").exit_code == 0
    assert not any(p.exists() for p in stale) and mine.exists()


def test_default_folder_names_fit_the_file_system(tmp_path):
    names = ["县城新建初中与乡村教师分档补助组合方案甲" * 3] * 4  # 4 × 57 Chinese characters
    folder = default_folder("compare", names)
    assert len(folder.name.encode()) <= 180 and folder.name.startswith("compare_县城")
    assert default_folder("compare", names) != default_folder("compare", names[:3])
    with open_for_writing(tmp_path / folder, "compare") as out:
        out.finish([])
    check_complete(tmp_path / folder)


def test_a_path_that_escapes_the_folder_is_refused(run_cli, tmp_path, monkeypatch):
    a, b = plans(tmp_path, "base", "plan")
    (tmp_path / "elsewhere").mkdir()
    out = tmp_path / "c"
    out.mkdir()
    (out / "plan").symlink_to(tmp_path / "elsewhere")  # a scenario's sub-folder pointing out of the folder
    monkeypatch.setattr(sim.runner, "_run_job", lambda job: pytest.fail("simulated before checking paths"))
    result = run_cli("compare", a, b, "--out", out, "--workers", "1")
    assert result.exit_code == 2 and "inside the output folder" in result.stderr
    assert not any((tmp_path / "elsewhere").iterdir())


def test_adding_to_a_complete_folder_keeps_it_complete(run_cli, tmp_path):
    """What the result pages do: add files derived from a complete folder, listed beside the old."""
    from sim.atomic import write_text_atomic
    from sim.outfolder import open_for_adding

    (a,) = plans(tmp_path, "base")
    out = tmp_path / "r"
    with pytest.raises(IncompleteFolder):
        open_for_adding(out, "report")
    assert run_cli("run", a, "--out", out, "--workers", "1").exit_code == 0
    before = listed(out)
    with open_for_adding(out, "report") as adding:
        assert check_complete(out)  # readers still see the complete folder while pages are written
        with pytest.raises(sim.outfolder.OutputFolderError):
            open_for_writing(out, "run")  # and no other command may write meanwhile
        page = write_text_atomic(adding.child("index.html"), "<html></html>")
        adding.finish([page])
    assert listed(out) == before | {"index.html"}
    check_complete(out, verify=True)


def test_network_maps_of_other_scenarios_stay_in_a_shared_folder(run_cli, tmp_path):
    a, b = plans(tmp_path, "base", "plan")
    out = tmp_path / "maps"
    assert run_cli("network", a, "--out", out).exit_code == 0
    assert run_cli("network", b, "--out", out).exit_code == 0
    assert listed(out) == {"base_network.html", "plan_network.html"} == on_disk(out)
