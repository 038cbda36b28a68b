"""Every module of the package imports on its own, whatever is imported first: an import cycle (a
module importing one that is only half initialised) fails here, not in a planner's hands when a
command happens to import modules in another order.

One fresh interpreter imports each module first in turn, forgetting every ``sim`` module between
tries (third-party packages stay loaded, which keeps the test quick)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

CHECK = """
import importlib, pathlib, sys
root = pathlib.Path.cwd()
names = sorted(".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
               for p in (root / "sim").rglob("*.py"))
failed = []
for name in names:
    for loaded in [m for m in sys.modules if m == "sim" or m.startswith("sim.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print(len(names))
print("\\n".join(failed))
"""


def test_every_module_imports_first():
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    count, *failures = done.stdout.strip().splitlines()
    assert int(count) > 50
    assert not [f for f in failures if f], failures
