"""Command line of edugroup-sim (``python run_sim.py`` or ``edugroup-sim``).

Help and output are bilingual, Chinese first.  Bad input (a scenario with problems, a bad option)
exits with code 2 and located messages; it never prints a traceback.
"""

from __future__ import annotations

import io
import json
import os
import sys
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .atomic import write_text_atomic
from .errors import ScenarioError
from .labels import LOCALE_LABEL, MODE_LABEL, NETWORK_STAT_LABEL, STAGE_LABEL
from .scenario import Scenario, load_scenario
from .scenario.models import LOCALES, STAGES

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

SET_HELP = "覆盖参数 / override a value: dotted.path=value (repeatable), e.g. simulation.years=5"
SET_OPTION = click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)


def _report(exc: ScenarioError) -> None:
    err_console.print(f"[bold red]情景有误 / scenario has {len(exc.problems)} problem(s):[/]")
    for p in exc.problems:
        click.echo("  " + p.render(), err=True)


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
    out_dir.mkdir(parents=True, exist_ok=True)
    for scn in loaded:
        graph = build_graph(scn)
        stats = network_stats(scn, graph)
        html = write_network_map(scn, graph, out_dir / f"{scn.name}_network.html")
        table = Table(title=escape(f"网络 network: {scn.title}"), title_justify="left")
        table.add_column("指标 statistic")
        table.add_column("值 value", justify="right")
        for key, value in stats.items():
            table.add_row(NETWORK_STAT_LABEL.get(key, key), f"{value:,.2f}" if isinstance(value, float) else str(value))
        console.print(table)
        click.echo(f"地图 map: {html}")


WORKERS_OPTION = click.option(
    "--workers", type=click.IntRange(1, 256), default=os.cpu_count() or 1, show_default="all cores",
    help="并行进程数 / worker processes (results are identical for any number)")
OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path),
    help="输出目录 / output folder (default: a new folder under outputs/); 中断后用同一目录重新运行即续算 / "
         "rerun with the same folder to resume an interrupted batch")
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
        except ScenarioError as exc:
            _report(exc)
            failed = True
    if failed:
        sys.exit(2)
    return loaded


def _run_batch(jobs: list, workers: int, cache: Path, title: str) -> list:
    from rich.progress import Progress

    from .runner import run_jobs

    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task(title, total=len(jobs))
        return run_jobs(jobs, workers, progress=lambda: bar.advance(task), cache=cache)


@cli.command("run")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--years", type=click.IntRange(1, 50), help="模拟年数 / simulated years (default: the scenario's)")
@click.option("--replicates", type=click.IntRange(1, 10_000), help="重复次数 / replicates (default: the scenario's)")
@click.option("--seed", type=click.IntRange(0), help="基础种子 / base seed (default: the scenario's)")
@WORKERS_OPTION
@OUT_OPTION
@CSV_OPTION
@SET_OPTION
def run_cmd(scenario: Path, years: int | None, replicates: int | None, seed: int | None, workers: int,
            out_dir: Path | None, csv: bool, overrides: tuple[str, ...]) -> None:
    """运行情景 / Run a scenario: tables, metrics with 95 % intervals, and manifest.json.

    逐年模拟招生、择校、迁移、班额、学习与教师流动 / Simulates enrolment, choice, migration,
    class sizes, learning and teachers year by year, for each replicate.  Writes campus_year,
    grade_year, flows and metrics (.parquet), metrics_summary.parquet (mean and 95 % interval per
    metric and year) and manifest.json.
    """
    from .comparison import metric_summary
    from .results import write_manifest, write_tables
    from .runner import concat_runs, replicate_jobs

    extra = [f"simulation.{k}={v}" for k, v in (("years", years), ("replicates", replicates), ("seed", seed))
             if v is not None]
    (scn,) = _load_all((scenario,), list(overrides) + extra)
    sim = scn.simulation
    out_dir = out_dir or Path("outputs") / f"run_{scn.name}_{datetime.now():%Y%m%d-%H%M%S}"
    jobs = replicate_jobs(scn, sim.replicates)
    frames = concat_runs(_run_batch(jobs, workers, out_dir / ".runs", f"模拟 simulating {escape(scn.name)}"))
    frames["metrics_summary"] = metric_summary(frames["metrics"])
    write_tables(out_dir, frames, csv)
    write_manifest(out_dir, scn, [job.seed for job in jobs], sim.years)
    _print_run_summary(frames["campus_year"], sim.years)
    click.echo(f"结果 results: {out_dir}")


@cli.command("compare")
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--replicates", type=click.IntRange(2, 10_000),
              help="重复次数 / replicates per scenario (default: the first scenario's)")
@click.option("--years", type=click.IntRange(1, 50), help="模拟年数 / simulated years (default: the first scenario's)")
@click.option("--seed", type=click.IntRange(0), help="基础种子 / base seed shared by all (default: the first scenario's)")
@WORKERS_OPTION
@OUT_OPTION
@CSV_OPTION
@click.option("--independent-seeds", is_flag=True,
              help="各情景独立种子(仅用于检验共同随机数的作用)/ give each scenario its own seeds "
                   "(only to see what common random numbers buy)")
@SET_OPTION
def compare_cmd(scenarios: tuple[Path, ...], replicates: int | None, years: int | None, seed: int | None,
                workers: int, out_dir: Path | None, csv: bool, independent_seeds: bool,
                overrides: tuple[str, ...]) -> None:
    """比较情景 / Compare scenarios on common random numbers; the first is the reference.

    每个情景在相同种子上重复运行，差值为配对差及其95%区间 / Every scenario runs on the same
    seeds; differences are paired against the first scenario, with 95 % intervals.  Writes
    comparison.parquet and summary.txt, and each scenario's tables and manifest.json in a
    sub-folder named after it.
    """
    import pandas as pd

    from .briefing import footnotes, summary_rows
    from .comparison import comparison_table
    from .results import write_manifest, write_tables
    from .runner import comparison_jobs, concat_runs

    if len(scenarios) < 2:
        raise click.UsageError("至少两个情景 / at least two scenarios: the reference first, then the plans")
    scns = _load_all(scenarios, list(overrides))
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
    out_dir = out_dir or Path("outputs") / f"compare_{'_vs_'.join(names)}_{datetime.now():%Y%m%d-%H%M%S}"
    jobs = comparison_jobs(scns, replicates, years, base, common=not independent_seeds)
    results = _run_batch(jobs, workers, out_dir / ".runs", f"比较 comparing {len(scns)} 情景 scenarios")
    metrics = []
    for scn in scns:
        mine = [(job, res) for job, res in zip(jobs, results) if job.scn is scn]
        frames = concat_runs([res for _, res in mine])
        write_tables(out_dir / scn.name, frames, csv)
        write_manifest(out_dir / scn.name, scn, [job.seed for job, _ in mine], years,
                       base_seed=mine[0][0].base_seed,
                       extra={"comparison": {"reference": names[0], "scenarios": names,
                                             "common_random_numbers": not independent_seeds}})
        metrics.append(frames["metrics"])
    metrics = pd.concat(metrics, ignore_index=True)
    comparison = comparison_table(metrics, names)
    write_tables(out_dir, {"comparison": comparison}, csv)
    text = _print_comparison(scns, summary_rows(comparison, metrics, names), footnotes(names, replicates))
    write_text_atomic(out_dir / "summary.txt", text)
    click.echo(f"结果 results: {out_dir}")


def _print_comparison(scns: list, rows: list[tuple[str, list[str]]], notes: list[str]) -> str:
    """Print the comparison summary; return it as plain text (for summary.txt)."""
    t = Table(title="情景比较 / scenario comparison", title_justify="left", show_lines=True)
    t.add_column("指标 measure", ratio=3, min_width=24, overflow="fold")
    for i, scn in enumerate(scns):
        t.add_column(escape(f"{scn.name}{' (参照 reference)' if i == 0 else ''}"), justify="right", ratio=2)
    for label, cells in rows:
        t.add_row(escape(label), *map(escape, cells))
    recorder = Console(record=True, width=max(120, 40 + 34 * len(scns)), file=io.StringIO())
    for target in (console, recorder):
        target.print(t)
        for note in notes:
            target.print(escape(note))
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


@cli.command("metrics")
@click.option("--markdown", is_flag=True, help="输出 Markdown (docs/METRICS.md) / print the catalogue as Markdown")
def metrics_cmd(markdown: bool) -> None:
    """指标目录 / The metric catalogue: key, label, unit, levels and definition of every metric."""
    from .metrics.catalogue import CATALOGUE, FAMILIES
    from .metrics.catalogue import markdown as as_markdown

    if markdown:
        click.echo(as_markdown())
        return
    for family, title in FAMILIES.items():
        t = Table(title=escape(title), title_justify="left", show_lines=True)
        for col in ("键 key", "名称 label", "单位 unit", "层级 levels", "定义 definition"):
            t.add_column(col, overflow="fold")
        for m in CATALOGUE.values():
            if m.family == family:
                t.add_row(m.key, escape(m.label), m.unit, ", ".join(m.levels), escape(m.definition))
        console.print(t)


BENCH_LABELS = {
    "pupils": "在校生 pupils", "campuses": "校区 campuses", "years": "模拟年数 years",
    "build_s": "生成地区 build, s", "wall_s": "模拟用时 wall, s", "metrics_s": "指标计算 metrics, s", "student_years_per_s": "学生·年/秒 student-years/s",
    "peak_rss_mb": "内存峰值 peak RSS, MB", "bytes_per_student": "每生字节 bytes/student",
}


@cli.command("bench")
@click.option("--size", type=click.Choice(["county", "city", "province"]), default="county", show_default=True,
              help="规模 / region size: county 4万生/60校, city 60万生/1,500校, province 500万生/12,000校")
@click.option("--years", type=click.IntRange(1, 50), default=10, show_default=True, help="模拟年数 / simulated years")
@click.option("--json", "as_json", is_flag=True, help="输出一行 JSON / print one JSON line")
@click.option("--check", is_flag=True, help="未达标时退出码 1 / exit 1 when a target is missed")
def bench_cmd(size: str, years: int, as_json: bool, check: bool) -> None:
    """性能基准 / Benchmark: simulate a synthetic county, city or province in this process.

    报告运行用时、学生·年/秒、内存峰值、每生字节及目标达成 / Reports wall time, student-years per
    second, peak memory and bytes per student, against the targets for a 2-core machine.
    """
    from .bench import TARGETS, bench, check as check_targets

    result = bench(size, years)
    passed = check_targets(result)
    if as_json:
        click.echo(json.dumps(result))
    else:
        t = Table(title=f"基准 / benchmark: {size}, {years} 年 years", title_justify="left")
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
        console.print(t)
        if not all(passed.values()):
            console.print("[bold red]未达标 / target missed[/]")
    if check and not all(passed.values()):
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; unexpected errors are reported without a traceback (exit 1)."""
    try:
        cli.main(args=argv, prog_name="run_sim.py", standalone_mode=True)
    except SystemExit:
        raise
    except ScenarioError as exc:
        _report(exc)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("已中断 / interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug, not bad input: say so plainly
        err_console.print(f"[bold red]内部错误 / internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
                          "请报告此问题 / please report this as a bug (set EDUGROUP_DEBUG=1 for details).")
        if os.environ.get("EDUGROUP_DEBUG"):
            raise
        sys.exit(1)
