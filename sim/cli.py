"""Command line of edugroup-sim (``python run_sim.py`` or ``edugroup-sim``).

Help and output are bilingual, Chinese first.  Bad input (a scenario with problems, a bad option)
exits with code 2 and located messages; it never prints a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import ScenarioError
from .labels import LOCALE_LABEL, MODE_LABEL, NETWORK_STAT_LABEL, STAGE_LABEL
from .scenario import Scenario, load_scenario
from .scenario.models import LOCALES, STAGES

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

SET_HELP = "覆盖参数 / override a value: dotted.path=value (repeatable), e.g. simulation.years=5"


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
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
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
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
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


@cli.command("run")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--years", type=click.IntRange(1, 50), help="模拟年数 / simulated years (default: the scenario's)")
@click.option("--replicates", type=click.IntRange(1, 10_000), help="重复次数 / replicates (default: the scenario's)")
@click.option("--seed", type=click.IntRange(0), help="基础种子 / base seed (default: the scenario's)")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
              help="并行进程数 / worker processes (results are identical for any number)")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="输出目录 / output folder (default: a new folder under outputs/)")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
def run_cmd(scenario: Path, years: int | None, replicates: int | None, seed: int | None, workers: int,
            out_dir: Path | None, overrides: tuple[str, ...]) -> None:
    """运行情景 / Run a scenario: campus_year.parquet, flows.parquet and manifest.json.

    逐年模拟招生、择校、迁移、班额、学习与教师流动 / Simulates enrolment, choice, migration,
    class sizes, learning and teachers year by year, for each replicate.
    """
    from rich.progress import Progress

    from .engine import check_supported
    from .results import replicate_seed, write_manifest, write_tables
    from .runner import run_replicates

    extra = [f"simulation.{k}={v}" for k, v in (("years", years), ("replicates", replicates), ("seed", seed))
             if v is not None]
    try:
        scn = load_scenario(scenario, list(overrides) + extra)
        check_supported(scn)
    except ScenarioError as exc:
        _report(exc)
        sys.exit(2)
    sim = scn.simulation
    out_dir = out_dir or Path("outputs") / f"run_{scn.name}_{datetime.now():%Y%m%d-%H%M%S}"
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task(f"模拟 simulating {escape(scn.name)}", total=sim.replicates)
        frames = run_replicates(scn, sim.replicates, workers, progress=lambda: bar.advance(task))
    write_tables(out_dir, frames)
    write_manifest(out_dir, scn, [replicate_seed(sim.seed, r) for r in range(sim.replicates)], sim.years)
    _print_run_summary(frames["campus_year"], sim.years)
    click.echo(f"结果 results: {out_dir}")


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


BENCH_LABELS = {
    "pupils": "在校生 pupils", "campuses": "校区 campuses", "years": "模拟年数 years",
    "build_s": "生成地区 build, s", "wall_s": "模拟用时 wall, s", "student_years_per_s": "学生·年/秒 student-years/s",
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
