"""Command line of edugroup-sim (``python run_sim.py`` or ``edugroup-sim``).

Help and output are bilingual, Chinese first.  Bad input (a scenario with problems, a bad option)
exits with code 2 and located messages; it never prints a traceback.
"""

from __future__ import annotations

import functools
import io
import json
import os
import sys
import warnings
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .atomic import write_text_atomic
from .errors import ScenarioError
from .outfolder import IncompleteFolder, OutputFolderError, default_folder, open_for_adding, open_for_writing
from .labels import LOCALE_LABEL, MODE_LABEL, NETWORK_STAT_LABEL, STAGE_LABEL
from .scenario import Scenario, load_scenario
from .scenario.models import LOCALES, STAGES

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

SET_HELP = "覆盖参数 / override a value: dotted.path=value (repeatable), e.g. simulation.years=5"
SET_OPTION = click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)


def _report(exc: ScenarioError) -> None:
    if isinstance(exc, OutputFolderError):
        err_console.print("[bold red]输出目录无法使用 / the output folder cannot be used:[/]")
    else:
        err_console.print(f"[bold red]情景有误 / scenario has {len(exc.problems)} problem(s):[/]")
    for p in exc.problems:
        click.echo("  " + p.render(), err=True)


def _reports_problems(command):
    """Report a ScenarioError raised inside ``command`` (the output folder's, say) like bad input:
    located messages, exit code 2."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ScenarioError as exc:
            _report(exc)
            sys.exit(2)
    return wrapper


def _warn(scn: Scenario) -> None:
    """Print a loaded scenario's warnings (legal but suspicious settings), located, to stderr."""
    for p in scn.warnings:
        click.echo("  注意 / warning: " + p.render(), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="edugroup-sim")
def cli() -> None:
    """集团化办学仿真 / edugroup-sim: simulate education groups for county and city bureaus.

    情景文件为 YAML (见 scenarios/) / Scenarios are YAML files (see scenarios/).
    """


def _summary_table(s: dict) -> Table:
    t = Table(title=escape(f"{s['title']}  [{s['source']}]"), show_header=True, title_justify="left")
    t.add_column("学段 stage")
    for loc in LOCALES:
        t.add_column(LOCALE_LABEL[loc], justify="right")
    t.add_column("合计 total", justify="right")
    for stage in STAGES:
        row = [s["by_stage_locale"].get((stage, loc), 0) for loc in LOCALES]
        t.add_row(STAGE_LABEL[stage], *map(str, row), str(sum(row)))
    return t


def _print_summary(s: dict) -> None:
    console.print(_summary_table(s))
    groups = ", ".join(f"{MODE_LABEL[m]} {n}" for m, n in sorted(s["groups_by_mode"].items())) or "无 none"
    lines = [
        ("校区 campuses", f"{s['campuses']:,}"),
        ("在校生 pupils", f"{s['pupils_primary'] + s['pupils_junior']:,} (小学 primary {s['pupils_primary']:,}, "
                         f"初中 junior {s['pupils_junior']:,})"),
        ("学位 capacity", f"{s['capacity']:,}"),
        ("专任教师 teachers", f"{s['teachers']:,}"),
        ("居住网格 residential cells", f"{s['cells']:,}"),
        ("班级 classes", f"{s['classes']:,}"),
        ("大班额 56+ classes", f"{s['classes_56plus']:,}"),
        ("超大班额 66+ classes", f"{s['classes_66plus']:,}"),
        ("集团 groups", groups),
        ("集团覆盖率 group coverage", f"{s['group_coverage_pct']:.1f} %"),
        ("政策事件 policy events", str(s["policies"])),
    ]
    for label, value in lines:
        console.print(f"  {label}: {value}", markup=False)


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@SET_OPTION
def validate(scenarios: tuple[Path, ...], overrides: tuple[str, ...]) -> None:
    """校验情景并汇总 / Validate scenarios and summarise the region each describes.

    每个文件列出:各学段与城乡的校区数、学生、教师、起始大班额、集团与覆盖率。
    For each file: campuses by stage and locale, pupils, teachers, 56+/66+ classes at the start,
    groups by mode and group coverage.  Exit code 2 if any file has problems.
    """
    from .engine import check_supported
    from .summary import summarise

    failed = 0
    for path in scenarios:
        try:
            scn = load_scenario(path, overrides)
        except ScenarioError as exc:
            _report(exc)
            failed += 1
            continue
        _print_summary(summarise(scn))
        _warn(scn)
        try:
            check_supported(scn)
        except ScenarioError as exc:  # valid language, not yet simulated: say so now, not at run time
            for p in exc.problems:
                click.echo("  注意 / warning: run/compare 暂不能运行 / cannot run yet: " + p.render(), err=True)
        console.print(f"[green]✓ 有效 / valid:[/] {escape(scn.source)}")
    if failed:
        sys.exit(2)


@cli.command()
def schema() -> None:
    """输出情景 JSON Schema / Print the JSON Schema of the scenario language (for editors)."""
    doc = Scenario.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "edugroup-sim scenario / 集团化办学仿真情景"
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2))


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("outputs/network"),
              show_default=True, help="输出目录 / output folder")
@SET_OPTION
@_reports_problems
def network(scenarios: tuple[Path, ...], out_dir: Path, overrides: tuple[str, ...]) -> None:
    """校区网络统计与地图 / Network statistics and an offline HTML map of campuses and group links.

    每个情景写一个 <name>_network.html / writes <name>_network.html per scenario into --out.
    """
    from .network import build_graph, network_stats
    from .report.network_map import write_network_map

    loaded = []
    for path in scenarios:
        try:
            loaded.append(load_scenario(path, overrides))
        except ScenarioError as exc:
            _report(exc)
    if len(loaded) < len(scenarios):
        sys.exit(2)
    with open_for_writing(out_dir, "network", replace=False) as out:  # keeps other scenarios' maps
        maps = []
        for scn in loaded:
            graph = build_graph(scn)
            stats = network_stats(scn, graph)
            maps.append(write_network_map(scn, graph, out.child(f"{scn.name}_network.html")))
            table = Table(title=escape(f"网络 network: {scn.title}"), title_justify="left")
            table.add_column("指标 statistic")
            table.add_column("值 value", justify="right")
            for key, value in stats.items():
                table.add_row(NETWORK_STAT_LABEL.get(key, key), f"{value:,.2f}" if isinstance(value, float) else str(value))
            console.print(table)
            click.echo(f"地图 map: {maps[-1]}")
        out.finish(maps, extra={"scenarios": [scn.name for scn in loaded]})


WORKERS_OPTION = click.option(
    "--workers", type=click.IntRange(1, 256), default=os.cpu_count() or 1, show_default="all cores",
    help="并行进程数 / worker processes (results are identical for any number)")
OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path),
    help="输出目录 / output folder (default: a new folder under outputs/); 中断后用同一目录重新运行即续算 / "
         "rerun with the same folder to resume an interrupted batch")
DASK_OPTION = click.option(
    "--dask", metavar="local|tcp://ADDRESS",
    help="在 Dask 集群上运行 / run on Dask distributed: 'local' starts a LocalCluster of --workers processes, "
         "an address uses an existing scheduler (its workers need edugroup-sim installed)")
CSV_OPTION = click.option("--csv", "csv", is_flag=True,
                          help="同时输出 CSV / also write every table as CSV (UTF-8, opens in Excel)")


def _load_all(paths: tuple[Path, ...], overrides: list[str]) -> list:
    """Load and check every scenario, reporting all problems; exit 2 if any file has problems."""
    from .engine import check_supported

    loaded, failed = [], False
    for path in paths:
        try:
            scn = load_scenario(path, overrides)
            check_supported(scn)
            loaded.append(scn)
            _warn(scn)
        except ScenarioError as exc:
            _report(exc)
            failed = True
    if failed:
        sys.exit(2)
    return loaded


def _run_batch(jobs: list, workers: int, cache: Path, title: str, dask: str | None = None) -> list:
    from .progress import batch_progress
    from .runner import run_jobs

    with batch_progress(err_console, title, len(jobs)) as advance:
        return run_jobs(jobs, workers, progress=advance, cache=cache, dask=dask)


@cli.command("run")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--years", type=click.IntRange(1, 50), help="模拟年数 / simulated years (default: the scenario's)")
@click.option("--replicates", type=click.IntRange(1, 10_000), help="重复次数 / replicates (default: the scenario's)")
@click.option("--seed", type=click.IntRange(0), help="基础种子 / base seed (default: the scenario's)")
@WORKERS_OPTION
@DASK_OPTION
@OUT_OPTION
@CSV_OPTION
@SET_OPTION
@_reports_problems
def run_cmd(scenario: Path, years: int | None, replicates: int | None, seed: int | None, workers: int,
            dask: str | None, out_dir: Path | None, csv: bool, overrides: tuple[str, ...]) -> None:
    """运行情景 / Run a scenario: tables, metrics with 95 % intervals, and manifest.json.

    逐年模拟招生、择校、迁移、班额、学习与教师流动 / Simulates enrolment, choice, migration,
    class sizes, learning and teachers year by year, for each replicate.  Writes campus_year,
    grade_year, flows and metrics (.parquet), metrics_summary.parquet (mean and 95 % interval per
    metric and year), campuses and campus_links (.parquet) and manifest.json, then the result pages
    (see report).
    """
    from .comparison import metric_summary
    from .network_tables import network_tables
    from .results import write_manifest, write_tables
    from .runner import concat_runs, replicate_jobs

    extra = [f"simulation.{k}={v}" for k, v in (("years", years), ("replicates", replicates), ("seed", seed))
             if v is not None]
    (scn,) = _load_all((scenario,), list(overrides) + extra)
    sim = scn.simulation
    with open_for_writing(out_dir or default_folder("run", [scn.name]), "run") as out:
        jobs, cache = replicate_jobs(scn, sim.replicates), out.child(".runs")
        frames = concat_runs(_run_batch(jobs, workers, cache, f"模拟 simulating {escape(scn.name)}", dask))
        frames["metrics_summary"] = metric_summary(frames["metrics"])
        files = write_tables(out.root, {**frames, **network_tables(scn)}, csv)
        files.append(write_manifest(out.root, scn, [job.seed for job in jobs], sim.years))
        _print_run_summary(frames["campus_year"], sim.years)
        out.finish(files, extra={"scenarios": [scn.name]})
    click.echo(f"结果 results: {out.root}")
    _write_pages(out.root)


@cli.command("compare")
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--replicates", type=click.IntRange(2, 10_000),
              help="重复次数 / replicates per scenario (default: the first scenario's)")
@click.option("--years", type=click.IntRange(1, 50), help="模拟年数 / simulated years (default: the first scenario's)")
@click.option("--seed", type=click.IntRange(0), help="基础种子 / base seed shared by all (default: the first scenario's)")
@WORKERS_OPTION
@DASK_OPTION
@OUT_OPTION
@CSV_OPTION
@click.option("--independent-seeds", is_flag=True,
              help="各情景独立种子(仅用于检验共同随机数的作用)/ give each scenario its own seeds "
                   "(only to see what common random numbers buy)")
@SET_OPTION
@_reports_problems
def compare_cmd(scenarios: tuple[Path, ...], replicates: int | None, years: int | None, seed: int | None,
                workers: int, dask: str | None, out_dir: Path | None, csv: bool, independent_seeds: bool,
                overrides: tuple[str, ...]) -> None:
    """比较情景 / Compare scenarios on common random numbers; the first is the reference.

    每个情景在相同种子上重复运行，差值为配对差及其95%区间 / Every scenario runs on the same
    seeds; differences are paired against the first scenario, with 95 % intervals.  Writes
    comparison.parquet and summary.txt, and each scenario's tables and manifest.json in a
    sub-folder named after it, then the result pages (see report).
    """
    import pandas as pd

    from .briefing import footnotes, summary_rows
    from .comparison import comparison_table, metric_summary
    from .network_tables import network_tables
    from .results import write_manifest, write_tables
    from .runner import comparison_jobs, concat_runs

    if len(scenarios) < 2:
        raise click.UsageError("至少两个情景 / at least two scenarios: the reference first, then the plans")
    scns = _load_all(scenarios, list(overrides) + ([f"simulation.years={years}"] if years else []))
    names = [scn.name for scn in scns]
    if len(set(names)) < len(names):
        err_console.print("[bold red]情景名重复 / two scenarios share a name:[/] "
                          + escape(", ".join(f"{s.source} → {s.name}" for s in scns))
                          + "\n  请在文件中设置不同的 name / give each file its own `name:`")
        sys.exit(2)
    ref = scns[0].simulation
    replicates, years = replicates or ref.replicates, years or ref.years
    base = ref.seed if seed is None else seed
    if replicates < 2:
        raise click.UsageError("比较至少需要2次重复 / a comparison needs at least 2 replicates (--replicates)")
    common = not independent_seeds
    with open_for_writing(out_dir or default_folder("compare", names), "compare", subfolders=tuple(names)) as out:
        jobs = comparison_jobs(scns, replicates, years, base, common=common)
        folders, cache = {name: out.child(name) for name in names}, out.child(".runs")  # checked before simulating
        results = _run_batch(jobs, workers, cache, f"比较 comparing {len(scns)} 情景 scenarios", dask)
        metrics, files = [], []
        for scn in scns:
            mine = [(job, res) for job, res in zip(jobs, results) if job.scn is scn]
            frames = concat_runs([res for _, res in mine])
            files += write_tables(folders[scn.name], {**frames, "metrics_summary": metric_summary(frames["metrics"]),
                                                        **network_tables(scn)}, csv)
            files.append(write_manifest(folders[scn.name], scn, [job.seed for job, _ in mine], years,
                                        base_seed=mine[0][0].base_seed,
                                        extra={"comparison": {"reference": names[0], "scenarios": names,
                                                              "common_random_numbers": common}}))
            metrics.append(frames["metrics"])
        metrics = pd.concat(metrics, ignore_index=True)
        comparison = comparison_table(metrics, names)
        files += write_tables(out.root, {"comparison": comparison}, csv)
        text = _print_comparison(scns, summary_rows(comparison, metrics, names),
                                 footnotes(scns[0].title, replicates, common))
        files.append(write_text_atomic(out.child("summary.txt"), text))
        out.finish(files, extra={"scenarios": names, "reference": names[0]})
    click.echo(f"结果 results: {out.root}")

    _write_pages(out.root)


def _write_pages(out_dir: Path) -> None:
    """Render the result pages of ``out_dir`` from its tables (``report``, and the end of ``run``,
    ``compare`` and ``sweep``), holding the folder's lock; a folder that fails its checks (tables,
    completion marker) or whose tables cannot be read gets nothing written and exits 2.  The pages
    are derived from the listed tables and are not listed themselves: ``report`` may write them
    again at any time."""
    from .report.folder import ReportInputError, check_output_folder
    from .report.pages import render_report

    def refuse(reason: str) -> None:
        err_console.print("[bold red]无法生成页面 / cannot render the pages:[/]")
        click.echo("  " + reason, err=True)
        click.echo("未写入任何文件 / nothing was written.", err=True)
        sys.exit(2)

    try:
        check_output_folder(out_dir)
        out = open_for_adding(out_dir, "report")
    except ReportInputError as exc:
        refuse(exc.render())
    except IncompleteFolder as exc:
        refuse(f"{escape(str(exc.folder))}: {exc.reason}")
    try:
        render_report(out.root)
    except ReportInputError as exc:
        refuse(exc.render())
    finally:
        out.close()
    click.echo(f"页面 pages: {out_dir / 'index.html'}")


@cli.command("report")
@click.argument("output_dir", type=click.Path(path_type=Path))
@_reports_problems
def report_cmd(output_dir: Path) -> None:
    """生成结果页面 / Render offline result pages from the tables of a run, compare or sweep folder.

    只读取已有的表，不重新运行 / Reads the tables already on disk, never re-runs.  Writes
    index.html, run.html / comparison.html / sweep.html, summary.xlsx and one plotly.min.js into
    the folder; the pages open offline.  A folder with missing or damaged tables: exit code 2 and
    nothing written.
    """
    _write_pages(output_dir)


SUMMARY_FILE_WIDTH = 120
"""Width of summary.txt (a table, read in an editor)."""


def _comparison_table(heads: list[str], rows: list[tuple[str, list[str]]]) -> Table:
    t = Table(title="情景比较 / scenario comparison", title_justify="left", show_lines=True)
    t.add_column("指标 measure", ratio=3, min_width=20, overflow="fold")
    for head in heads:
        t.add_column(Text(head), justify="right", ratio=2, overflow="fold")
    for label, cells in rows:
        t.add_row(Text(label), *map(Text, cells))
    return t


def _table_width(plans: int) -> int:
    """Columns the comparison table needs to show every plan's cells without squeezing them."""
    return 24 + 30 * plans


def _print_stacked(target: Console, heads: list[str], rows: list[tuple[str, list[str]]]) -> None:
    """The comparison as a list, for a terminal too narrow for the table: the plans once with their
    full titles, then each measure with one line per plan (lines wrap; nothing is cut off)."""
    target.print(Text("情景比较 / scenario comparison", style="bold"))
    for i, head in enumerate(heads, start=1):
        target.print(Text(f"[{i}] {head}"))
    for label, cells in rows:
        target.print()
        target.print(Text(label, style="bold"))
        for i, cell in enumerate(cells, start=1):
            value, _, diff = cell.partition("\n")
            target.print(Text(f"  [{i}] {value}"))
            if diff:
                target.print(Text(f"      {diff}"))


def _print_comparison(scns: list, rows: list[tuple[str, list[str]]], notes: list[str]) -> str:
    """Print the comparison summary to the terminal's width (a table where it fits, else a list);
    return it as plain text (a table, for summary.txt).  Column heads are the plans' titles."""
    heads = [f"{scn.title}{' (参照 reference)' if i == 0 else ''}" for i, scn in enumerate(scns)]
    needed = _table_width(len(scns))
    recorder = Console(record=True, width=max(SUMMARY_FILE_WIDTH, needed), file=io.StringIO())
    for target in (console, recorder):
        if target.width >= needed:
            target.print(_comparison_table(heads, rows))
        else:
            _print_stacked(target, heads, rows)
        for note in notes:
            target.print(Text(note))
    return recorder.export_text()


def _print_run_summary(cy, years: int) -> None:
    """Region figures in the first and last year, averaged over replicates."""
    t = Table(title="情景结果 / run summary (mean over replicates)", title_justify="left")
    t.add_column("指标 measure")
    for y in (1, years):
        t.add_column(f"第{y}年 year {y}", justify="right")
    rows = {}
    for y in (1, years):
        d = cy[cy.year == y].groupby("replicate")
        pupils = d.enrolment.sum()
        rows.setdefault("在校生 pupils", []).append(f"{pupils.mean():,.0f}")
        rural = cy[(cy.year == y) & (cy.locale == "rural")].groupby("replicate").enrolment.sum()
        rows.setdefault("乡村在校生占比 rural share %", []).append(f"{(rural / pupils).mean() * 100:.1f}")
        share56 = d.classes_56plus.sum() / d.classes.sum()
        rows.setdefault("大班额占比 56+ classes %", []).append(f"{share56.mean() * 100:.1f}")
        rows.setdefault("超大班额 66+ classes", []).append(f"{d.classes_66plus.sum().mean():,.1f}")
        rows.setdefault("专任教师 teachers", []).append(f"{d.teachers.sum().mean():,.0f}")
    for label, values in rows.items():
        t.add_row(label, *values)
    console.print(t)


@cli.command("sweep")
@click.argument("sweep_file", type=click.Path(path_type=Path))
@WORKERS_OPTION
@DASK_OPTION
@OUT_OPTION
@click.option("--replicates", type=click.IntRange(1, 10_000), help="每点重复次数 / replicates per point (default: the file's)")
@click.option("--years", type=click.IntRange(1, 50), help="模拟年数 / simulated years (default: the file's)")
@click.option("--size", type=click.IntRange(1, 1_000_000), help="设计样本量 / design size (default: the file's)")
@_reports_problems
def sweep_cmd(sweep_file: Path, workers: int, dask: str | None, out_dir: Path | None, replicates: int | None,
              years: int | None, size: int | None) -> None:
    """参数扫描 / Run a parameter sweep: design, runs, sensitivity, goal-seek, robustness.

    扫描文件见 scenarios/sweeps/ / The sweep file (see scenarios/sweeps/) names base scenarios,
    swept parameters (values, ranges, or all declared uncertain ones), the design (grid, random,
    latin, sobol, morris), replicates and outcomes.  Writes design, runs, outcomes,
    outcome_summary, sensitivity, goal_seek, robustness and prim_boxes (.parquet), manifest.json
    and the sweep page; 中断后用同一命令重新运行即续算 / rerun the same command to resume.
    """
    from .progress import batch_progress
    from .sweep import execute, plan_sweep

    try:
        plan = plan_sweep(sweep_file, replicates=replicates, years=years, size=size)
    except ScenarioError as exc:
        _report(exc)
        sys.exit(2)
    with open_for_writing(out_dir or default_folder("sweep", [plan.name]), "sweep") as out:
        with batch_progress(err_console, f"扫描 sweeping {escape(plan.name)}", plan.runs) as advance:
            result = execute(plan, out.root, workers=workers, dask=dask, progress=advance)
        out.finish(result["files"], extra={"sweep": plan.name})
    out_dir = out.root
    console.print(f"运行 runs: {result['runs']:,} (复用 reused {result['reused']:,}, 新运行 ran {result['ran']:,}, "
                  f"失败 failed {result['failed']:,}); 用时 {result['seconds']:.1f} s")
    for note in result["notes"]:
        console.print(f"  注 note: {escape(note)}")
    _write_pages(out_dir)
    click.echo(f"结果 results: {out_dir}")


def _print_catalogue(sections: dict[str, list[list[str]]], columns: tuple[str, ...]) -> None:
    """One folded table per titled section of rows (the metric and parameter catalogues)."""
    for title, rows in sections.items():
        t = Table(title=escape(title), title_justify="left", show_lines=True)
        for col in columns:
            t.add_column(col, overflow="fold")
        for row in rows:
            t.add_row(*map(escape, row))
        console.print(t)


@cli.command("metrics")
@click.option("--markdown", is_flag=True, help="输出 Markdown (docs/METRICS.md) / print the catalogue as Markdown")
def metrics_cmd(markdown: bool) -> None:
    """指标目录 / The metric catalogue: key, label, unit, levels and definition of every metric."""
    from .metrics.catalogue import CATALOGUE, FAMILIES
    from .metrics.catalogue import markdown as as_markdown

    if markdown:
        click.echo(as_markdown())
        return
    _print_catalogue({title: [[m.key, m.label, m.unit, ", ".join(m.levels), m.definition]
                              for m in CATALOGUE.values() if m.family == family] for family, title in FAMILIES.items()},
                     ("键 key", "名称 label", "单位 unit", "层级 levels", "定义 definition"))


@cli.command("parameters")
@click.option("--markdown", is_flag=True, help="输出 Markdown (docs/PARAMETERS.md) / print the catalogue as Markdown")
def parameters_cmd(markdown: bool) -> None:
    """参数目录 / Every model parameter: path, default, declared plausible range and description (unit, source)."""
    from .scenario.parameters import SECTIONS, catalogue
    from .scenario.parameters import markdown as as_markdown

    if markdown:
        click.echo(as_markdown())
        return
    _print_catalogue({SECTIONS[prefix][0]: [[p.path, p.default, p.range, p.description] for p in params]
                      for prefix, params in catalogue().items()},
                     ("路径 path", "默认 default", "范围 range", "说明 description"))


@cli.command("validation")
@click.option("--replicates", type=click.IntRange(2, 1000), default=10, show_default=True,
              help="重复次数 / replicates of each target's run")
@WORKERS_OPTION
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="输出目录 / output folder (default: a new folder under outputs/)")
@click.option("--docs", is_flag=True, help="同时更新 docs/VALIDATION.md / also rewrite docs/VALIDATION.md with these results")
@_reports_problems
def validation_cmd(replicates: int, workers: int, out_dir: Path | None, docs: bool) -> None:
    """校准检验 / Run the calibration targets: each one's source, target range, simulated mean [95 % interval], pass.

    写出 validation.parquet 与 validation.md；有目标未达时退出码 1 / Writes validation.parquet and
    validation.md; exit code 1 when a target is missed.
    """
    from datetime import date

    from rich.progress import Progress

    from .results import code_version, write_tables
    from .validation import TARGETS, VARIANTS, markdown, validate

    with open_for_writing(out_dir or default_folder("validation", ["targets"]), "validation") as out:
        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("校准 validating", total=replicates * len(VARIANTS))
            results = validate(replicates, workers, progress=lambda: bar.advance(task))
        t = Table(title="校准目标 / validation targets", title_justify="left", show_lines=True)
        for col in ("目标 target", "来源 source", "范围 range", "模拟 mean [95% CI]", "达标 pass"):
            t.add_column(col, overflow="fold")
        for target, r in zip(TARGETS, results.itertuples()):
            t.add_row(escape(target.label), escape(target.source), f"[{r.low:g}, {r.high:g}] {r.unit}",
                      f"{r.mean:.4g} [{r.ci_low:.4g}, {r.ci_high:.4g}]", "[green]✓[/]" if r.passed else "[bold red]✗[/]")
        console.print(t)
        note = f"{replicates} replicates per target, code {code_version()}, {date.today():%Y-%m-%d}."
        files = write_tables(out.root, {"validation": results})
        files.append(write_text_atomic(out.child("validation.md"), markdown(results, note)))
        out.finish(files)
    if docs:
        write_text_atomic(Path(__file__).resolve().parents[1] / "docs" / "VALIDATION.md", markdown(results, note))
    click.echo(f"结果 results: {out.root}")
    if not results.passed.all():
        sys.exit(1)


BENCH_LABELS = {
    "pupils": "在校生 pupils", "campuses": "校区 campuses", "years": "模拟年数 years",
    "build_s": "生成地区 build, s", "wall_s": "模拟用时 wall, s", "metrics_s": "指标计算 metrics, s", "student_years_per_s": "学生·年/秒 student-years/s",
    "peak_rss_mb": "内存峰值 peak RSS, MB", "bytes_per_student": "每生字节 bytes/student",
    "groups": "集团数 groups", "group_coverage": "集团覆盖率 group coverage",
}


@cli.command("bench")
@click.option("--size", type=click.Choice(["county", "city", "province"]), default="county", show_default=True,
              help="规模 / region size: county 4万生/60校, city 60万生/1,500校, province 500万生/12,000校")
@click.option("--years", type=click.IntRange(1, 50), default=10, show_default=True, help="模拟年数 / simulated years")
@click.option("--json", "as_json", is_flag=True, help="输出一行 JSON / print one JSON line")
@click.option("--check", is_flag=True, help="未达标时退出码 1 / exit 1 when a target is missed")
@click.option("--groups", is_flag=True,
              help="集团覆盖70%校区 / group 70 % of the campuses (pairing rule of a coverage plan), by --mode")
@click.option("--mode", "group_mode", type=click.Choice(["mingxiao_ruoxiao", "xuequ", "jiaolianti"]),
              default="mingxiao_ruoxiao", show_default=True, help="--groups 的办学模式 / the grouping mode of --groups")
@click.option("--sweep", "sweep_bench", is_flag=True,
              help="扫描吞吐量 / time a county sweep instead: runs per minute and the 1,000-run figure (target < 180 s)")
@click.option("--runs", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="扫描运行次数 / runs of the --sweep benchmark")
@WORKERS_OPTION
@DASK_OPTION
def bench_cmd(size: str, years: int, as_json: bool, check: bool, groups: bool, group_mode: str, sweep_bench: bool,
              runs: int, workers: int, dask: str | None) -> None:
    """性能基准 / Benchmark: simulate a synthetic county, city or province in this process.

    报告运行用时、学生·年/秒、内存峰值、每生字节及目标达成 / Reports wall time, student-years per
    second, peak memory and bytes per student, against the targets for a 2-core machine.  With
    --groups: the same region with 70 % of its campuses in groups of --mode (名校+弱校 by default, or
    学区制, 教联体), same targets.  With
    --sweep: a sweep of --runs county runs on --workers processes (or --dask), reporting runs_per_min.
    """
    from .bench import TARGETS, bench, check as check_targets
    from .scenario.mode_params import MODE_LABELS

    if sweep_bench:
        _bench_sweep(runs, workers, dask, years, as_json, check)
        return
    result = bench(size, years, groups=group_mode if groups else False)
    passed = check_targets(result)
    grouped = f", {MODE_LABELS[group_mode]}" if groups else ""
    t = Table(title=f"基准 / benchmark: {size}, {years} 年 years{grouped}", title_justify="left")
    t.add_column("指标 measure")
    t.add_column("值 value", justify="right")
    t.add_column("目标 target", justify="right")
    t.add_column("达标 met")
    for key, label in BENCH_LABELS.items():
        value = result[key]
        shown = f"{value:,.3f}" if isinstance(value, float) and key.endswith("_s") else f"{value:,}"
        op, bound = TARGETS.get(size, {}).get(key, ("", None))
        target = "" if bound is None else f"{op} {bound:,.0f}" if bound >= 1000 else f"{op} {bound:g}"
        mark = "" if key not in passed else ("[green]✓[/]" if passed[key] else "[bold red]✗[/]")
        t.add_row(label, shown, target, mark)
    _show_bench(result, t, all(passed.values()), as_json, check)


def _show_bench(result: dict, table: Table, met: bool, as_json: bool, check: bool) -> None:
    """Print a benchmark's ``result`` as one JSON line or as ``table``; with ``check``, exit 1 unless ``met``."""
    if as_json:
        click.echo(json.dumps(result))
    else:
        console.print(table)
        if not met:
            console.print("[bold red]未达标 / target missed[/]")
    if check and not met:
        sys.exit(1)


SWEEP_BENCH_LABELS = {
    "runs": "运行次数 runs", "executor": "执行器 executor", "workers": "进程 workers", "wall_s": "总用时 wall, s",
    "runs_per_min": "每分钟运行 runs/min", "projected_1000_s": "1000次用时 1,000 runs, s",
}


def _bench_sweep(runs: int, workers: int, dask: str | None, years: int, as_json: bool, check: bool) -> None:
    """``bench --sweep``: time a county sweep and print its figures (JSON or a table)."""
    from .sweep.bench import bench_sweep

    result = bench_sweep(runs, workers, dask, years)
    t = Table(title=f"扫描基准 / sweep benchmark: county, {years} 年 years", title_justify="left")
    t.add_column("指标 measure")
    t.add_column("值 value", justify="right")
    for key, label in SWEEP_BENCH_LABELS.items():
        t.add_row(label, result[key] if isinstance(result[key], str) else f"{result[key]:,}")
    t.add_row("目标 target", f"< {result['target_1000_s']:g} s " + ("[green]✓[/]" if result["targets_met"] else "[bold red]✗[/]"))
    _show_bench(result, t, result["targets_met"], as_json, check)


EXIT_RESUMABLE = 75
"""Exit code when a worker process died: nothing is wrong with the input or the code; the finished
runs are stored and rerunning the same command resumes (75 is EX_TEMPFAIL, "try again")."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI.  Ctrl-C exits 130 and SIGTERM 143 with a bilingual message after
    stopping any worker processes; a worker that died exits 75 asking to rerun; unexpected errors
    are reported without a traceback (exit 1).

    numpy's RuntimeWarnings (a mean over an empty group, a ratio with a zero denominator) are not
    shown: such metrics are NaN by definition and print as "–"; EDUGROUP_DEBUG=1 shows them.
    """
    from .executor import RESUME_HINT, SchedulerUnreachable, WorkerDied
    from .interrupt import Interrupted, signals_interrupt

    if not os.environ.get("EDUGROUP_DEBUG"):
        warnings.simplefilter("ignore", RuntimeWarning)
    try:
        with signals_interrupt():
            cli.main(args=argv, prog_name="run_sim.py", standalone_mode=True)
    except SystemExit:
        raise
    except ScenarioError as exc:
        _report(exc)
        sys.exit(2)
    except (Interrupted, KeyboardInterrupt) as exc:
        err_console.print(f"\n已中断 / interrupted ({escape(str(exc) or 'SIGINT')}). {RESUME_HINT}")
        sys.exit(exc.exit_code if isinstance(exc, Interrupted) else 130)
    except SchedulerUnreachable as exc:
        err_console.print(f"[bold red]{escape(str(exc))}[/]")
        sys.exit(2)
    except WorkerDied as exc:
        err_console.print(f"[bold red]运行未完成 / batch not finished:[/] {escape(str(exc))}")
        sys.exit(EXIT_RESUMABLE)
    except Exception as exc:  # a bug, not bad input: say so plainly
        err_console.print(f"[bold red]内部错误 / internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
                          "请报告此问题 / please report this as a bug (set EDUGROUP_DEBUG=1 for details).")
        if os.environ.get("EDUGROUP_DEBUG"):
            raise
        sys.exit(1)
