"""The progress bar of a batch on the terminal: runs done and failed, and the time left."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


@contextmanager
def batch_progress(console: Console, title: str, total: int) -> Iterator[Callable[[bool], None]]:
    """A bar of ``total`` runs on ``console``; yields ``advance(ok)``, to call once per finished
    (``ok``) or failed run.  The bar is removed when the batch ends."""
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("完成 done"), MofNCompleteColumn(),
               TextColumn("失败 failed {task.fields[failed]}"), TextColumn("剩余 left"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(title, total=total, failed=0)
        failed = 0

        def advance(ok: bool) -> None:
            nonlocal failed
            failed += not ok
            bar.update(task, advance=1, failed=failed)

        yield advance
