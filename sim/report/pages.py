"""Render the result pages of an output folder from the tables on disk (never by re-running).

``render_report(folder)`` checks the folder (:func:`sim.report.folder.check_output_folder`), reads
its tables, builds every page, ``summary.xlsx`` and the one shared ``plotly.min.js`` in memory, and
only then writes them, each atomically; a folder that fails a check gets nothing written.

Files written:

* a run folder: ``index.html``, ``run.html``, ``summary.xlsx``, ``plotly.min.js``;
* a comparison folder: ``index.html``, ``comparison.html``, ``summary.xlsx``, ``plotly.min.js``, and
  in each scenario's sub-folder its ``index.html``, ``run.html`` and ``summary.xlsx`` (pages there
  load ``../plotly.min.js``);
* a sweep folder: ``index.html``, ``sweep.html``, ``plotly.min.js``.

Pages are Jinja2 templates shipped in ``sim/report/templates``; they open from a folder with no
network: the only script they load besides their own is ``plotly.min.js`` beside them.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from plotly.offline import get_plotlyjs

from ..atomic import write_atomic, write_text_atomic
from ..results import code_version
from .campus_map import map_panel
from .class_sizes import class_size_panel
from .cost_effect import cost_panel, cost_rows
from .differences import difference_notes, forest_panel
from .flows import exchange_panel, has_groups, pupil_flow_panel
from .folder import check_output_folder
from .headline import HEADLINES, cards, headline_row, headline_subset
from .load import ComparisonData, RunData, SweepData, load_comparison, load_run, load_sweep
from .network_map import FONT_FAMILY
from .series import comparison_series_panel, run_series_panel
from .sweep_figures import (design_summary, goal_seek_sentences, heatmap_panel, outcome_panel, parcoords_panel,
                            robustness_panel, sensitivity_panel)
from .text import format_interval, format_value
from .workbook import comparison_workbook, run_workbook
from .yardstick import COLUMNS as YARDSTICK_COLUMNS
from .yardstick import first_met, first_met_text, indicator_table, yardstick_table

PLOTLY_JS = "plotly.min.js"

PAGE_NAMES = frozenset({"index.html", "run.html", "comparison.html", "sweep.html", "summary.xlsx", PLOTLY_JS})
"""Names of the files ``report`` writes (in a folder and its scenario sub-folders): derived from the
listed tables and written again at will, so the completion marker does not list them."""

_ENV = Environment(loader=PackageLoader("sim.report", "templates"), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Provenance:
    """What produced the numbers on a page: per run its scenario, hash, code version, seeds and
    date; and when the page was rendered, by which code."""

    runs: list[dict]
    rendered: str
    renderer: str


def _seeds(seeds: list[int]) -> str:
    shown = ", ".join(map(str, seeds[:5]))
    return shown + (f", … ({len(seeds)} 个 seeds)" if len(seeds) > 5 else "")


def provenance(manifests: list[dict]) -> Provenance:
    """The footer of a page built from runs with these manifests."""
    runs = [{"scenario": m.get("scenario", m.get("name", "")), "title": m.get("title", ""),
             "hash": str(m.get("scenario_hash", ""))[:12], "code_version": m.get("code_version", ""),
             "seeds": _seeds(list(m.get("replicate_seeds", []))), "replicates": len(m.get("replicate_seeds", [])),
             "base_seed": m.get("base_seed", ""), "years": m.get("years", ""), "created": m.get("created", "")}
            for m in manifests]
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    return Provenance(runs, now, code_version())


def _render(template: str, root: str, up: str = "", **context) -> str:
    return _ENV.get_template(template).render(root=root, up=up, plotly_js=root + PLOTLY_JS, font_family=FONT_FAMILY,
                                              **context)


def _yardstick_rows(summary, names: list[str]) -> list[list[str]]:
    table = yardstick_table(summary, names)
    return [[row["scenario"], str(row["year"]), *[format_value(row[h.label], h.unit) for h in YARDSTICK_COLUMNS]]
            for _, row in table.iterrows()]


def _first_met_rows(runs: tuple[RunData, ...]) -> list[list[str]]:
    return [[run.scenario, line, first_met_text(year, met, run.replicates)]
            for run in runs for line, (year, met) in first_met(run.metrics, run.scenario).items()]


def _indicators(summary, runs: tuple[RunData, ...], year: int) -> list[dict]:
    return indicator_table(summary, tuple((r.scenario, r.metrics, r.replicates) for r in runs), year).to_dict("records")


def run_page(run: RunData, root: str, up: str = "") -> str:
    """The run page of one scenario (``root``: path to the folder holding plotly.min.js; ``up``:
    path to the comparison's index when the run belongs to one)."""
    year = int(run.summary["year"].max())
    panels = [run_series_panel(run.summary), map_panel(run.campuses, run.links, run.campus_year),
              class_size_panel(run.grade_year, run.campus_year, run.replicates),
              pupil_flow_panel(run.flows, run.campuses, run.replicates)]
    exchanges = exchange_panel(run.flows, run.campuses, run.replicates)
    return _render("run.html", root, title=f"{run.manifest['title']} — 运行结果 / run results", scenario=run.scenario,
                   year=year, cards=cards(run.summary, run.scenario, year), panels=[p for p in panels if p],
                   exchanges=exchanges, grouped=has_groups(run.campuses),
                   yardstick_headers=[h.label for h in YARDSTICK_COLUMNS],
                   yardstick=_yardstick_rows(run.summary, [run.scenario]), first_met=_first_met_rows((run,)),
                   indicators=_indicators(run.summary, (run,), year), up=up, provenance=provenance([run.manifest]))


def _index(root: str, title: str, links: list[tuple[str, str]], manifests: list[dict], up: str = "") -> str:
    return _render("index.html", root, title=title, links=links, up=up, provenance=provenance(manifests))


def _headline_table(data: ComparisonData, year: int) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(measure, one (value, difference, distinguishable) cell per scenario) in ``year``."""
    rows = []
    comparison = headline_subset(data.comparison)
    for h in HEADLINES:
        cells = []
        for i, name in enumerate(data.names):
            r = headline_row(comparison, name, year, h)
            if r is None:
                cells.append(("–", "", True))
                continue
            value = f"{format_value(r['mean'], h.unit)} {format_interval(r['ci_low'], r['ci_high'], h.unit)}"
            diff = "" if i == 0 else (f"Δ {format_value(r['diff'], h.unit, True)} "
                                      f"{format_interval(r['diff_ci_low'], r['diff_ci_high'], h.unit, True)}")
            cells.append((value, diff, i == 0 or bool(r["distinguishable"])))
        rows.append((h.label, cells))
    return rows


def comparison_page(data: ComparisonData) -> str:
    """The comparison page: plans side by side, differences, yardstick, cost per unit, notes."""
    year = int(data.comparison["year"].max())
    panels = [comparison_series_panel(data.comparison, data.names), forest_panel(data.comparison, data.names),
              cost_panel(data.comparison, data.names, year)]
    return _render("comparison.html", "", title="情景比较 / scenario comparison", names=data.names, year=year,
                   headline=_headline_table(data, year), panels=[p for p in panels if p],
                   yardstick_headers=[h.label for h in YARDSTICK_COLUMNS],
                   yardstick=_yardstick_rows(data.comparison, data.names), first_met=_first_met_rows(data.runs),
                   indicators=_indicators(data.comparison, data.runs, year), costs=cost_rows(data.comparison, year),
                   notes=difference_notes(data.comparison, data.names, year),
                   provenance=provenance([r.manifest for r in data.runs]))


def sweep_page(sweep: SweepData) -> str:
    """The sweep page: outcomes against parameters, grid heatmap, sensitivity, parallel coordinates,
    goal seeking and robustness (sections whose table is absent are left out)."""
    panels = [outcome_panel(sweep), heatmap_panel(sweep), sensitivity_panel(sweep), parcoords_panel(sweep),
              robustness_panel(sweep)]
    m = sweep.manifest
    design = m.get("design")
    method = design.get("method", "") if isinstance(design, dict) else m.get("method", "")
    return _render("sweep.html", "", title=f"参数扫描 / sweep: {m['name']}", method=method,
                   design=design_summary(sweep), points=int(sweep.design["point"].nunique()),
                   runs=len(sweep.outcomes[["point", "scenario", "replicate"]].drop_duplicates()),
                   panels=[p for p in panels if p], goals=goal_seek_sentences(sweep),
                   has_goal_seek=sweep.goal_seek is not None, provenance=provenance([m]))


def _run_files(run: RunData, prefix: str, root: str, up: str) -> dict[str, str | bytes]:
    title = f"{run.manifest['title']} ({run.scenario})"
    return {f"{prefix}run.html": run_page(run, root, up),
            f"{prefix}index.html": _index(root, title, [("run.html", "运行结果 / run results"),
                                                        ("summary.xlsx", "汇总表 / summary.xlsx")],
                                          [run.manifest], up),
            f"{prefix}summary.xlsx": run_workbook(run)}


def build_files(path: Path) -> dict[str, str | bytes]:
    """Every file of the folder's pages (relative path → content), built in memory after the
    folder's checks; raises :class:`sim.report.folder.ReportInputError` on a bad folder."""
    folder = check_output_folder(path)
    files: dict[str, str | bytes] = {}
    if folder.kind == "run":
        files.update(_run_files(load_run(folder), "", "", ""))
    elif folder.kind == "comparison":
        data = load_comparison(folder)
        links = [("comparison.html", "情景比较 / scenario comparison"), ("summary.xlsx", "汇总表 / summary.xlsx")]
        if (path / "summary.txt").is_file():
            links.append(("summary.txt", "文字摘要 / summary.txt"))
        for run in data.runs:
            files.update(_run_files(run, f"{run.scenario}/", "../", "../index.html"))
            links.append((f"{run.scenario}/run.html", f"{run.manifest['title']} ({run.scenario})"))
        files["comparison.html"] = comparison_page(data)
        files["summary.xlsx"] = comparison_workbook(data)
        files["index.html"] = _index("", "情景比较 / scenario comparison", links, [r.manifest for r in data.runs])
    else:
        sweep = load_sweep(folder)
        files["sweep.html"] = sweep_page(sweep)
        files["index.html"] = _index("", f"参数扫描 / sweep: {sweep.manifest['name']}",
                                     [("sweep.html", "扫描结果 / sweep results")], [sweep.manifest])
    files[PLOTLY_JS] = get_plotlyjs()
    return files


def render_report(path: Path) -> list[Path]:
    """Check ``path``, build its pages and write them (module docstring); return the paths written."""
    path = Path(path)
    files = build_files(path)
    written = []
    for name, content in files.items():
        target = path / name
        if isinstance(content, bytes):
            written.append(write_atomic(target, lambda tmp, data=content: tmp.write_bytes(data)))
        else:
            written.append(write_text_atomic(target, content))
    return written
