"""No write ever lands outside ``--out``: the commands that write (run, compare with worker
processes, network, and run with its default folder under ./outputs) are run, along with hostile
attempts (traversal names, a scenario sub-folder that is a link out of the folder), and every file
around the output folders is compared before and after."""

from __future__ import annotations

import os
from pathlib import Path

from isolation import run_forked
from test_output_folder import plans


def snapshot(root: Path) -> dict[Path, tuple[int, int]]:
    """Every file and folder under ``root`` (links not followed): size and modification time of files."""
    out = {}
    for here, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(here) / name
            st = path.lstat()
            out[path] = (st.st_size, st.st_mtime_ns) if name in files else (0, 0)
    return out


def test_writes_stay_inside_the_output_folders(tmp_path):
    around = tmp_path.parent  # the test's folder and its siblings
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "neighbour.txt").write_text("someone else's file")
    a, b = plans(work, "base", "plan")
    hostile = work / "hostile.yaml"
    hostile.write_text(a.read_text().replace("name: base", "name: ../../escape"))
    (work / "linked").mkdir()
    (work / "linked" / "plan").symlink_to(tmp_path, target_is_directory=True)
    before = snapshot(around)
    commands = [
        (["run", str(a), "--workers", "1", "--out", "out_run", "--csv"], 0),
        (["compare", str(a), str(b), "--workers", "2", "--out", "out_compare"], 0),
        (["network", str(a), str(b), "--out", "out_network"], 0),
        (["run", str(a), "--workers", "1"], 0),  # default folder: ./outputs/run_base_<date-time>
        (["run", str(hostile), "--workers", "1", "--out", "out_hostile"], 2),
        (["run", str(a), "--workers", "1", "--out", "out_set", "--set", "name=../../../escape"], 2),
        (["compare", str(a), str(b), "--workers", "1", "--out", "linked"], 2),
    ]
    for args, code in commands:
        outcome = run_forked(args, work)
        assert outcome.code == code, (args, outcome.text[-2000:])
    after = snapshot(around)
    changed = {p for p in after if after[p] != before.get(p)} | (before.keys() - after.keys())
    allowed = [work / "out_run", work / "out_compare", work / "out_network", work / "outputs", work / "linked"]
    outside = sorted(p for p in changed if not any(p == r or r in p.parents for r in allowed)
                     and not (p.is_dir() and any(p in r.parents for r in allowed)))
    assert not outside, outside
    assert any(work / "outputs" in p.parents for p in changed)  # the default folder was written
    assert not (work / "out_hostile").exists() and not (work / "out_set").exists()
    assert not any(p.name.startswith("escape") for p in after)
    assert sorted((work / "linked").iterdir()) == [work / "linked" / ".lock", work / "linked" / "plan"]
