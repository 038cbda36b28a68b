"""Paired runs for the grouping modes' statistical tests: each arm (a scenario file with overrides)
run on the same seeds (common random numbers), the replicates spread over two spawned processes,
and the measures the tests compare (hub–member gap, intake SES spread, pupils outside their zone,
backflow, enrolment, 56+ share) computed on the run tables."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from sim.intervals import t_interval

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SEEDS = range(301, 321)
"""20 common-random-number pairs."""


def run_tables(job: tuple[str, tuple[str, ...], int, int]) -> dict[str, pd.DataFrame]:
    """Run scenario ``path`` with ``overrides`` for ``years`` on ``seed``: its campus_year,
    grade_year and flows tables."""
    from sim.engine import Simulation
    from sim.results import tables
    from sim.scenario.loader import load_scenario

    path, overrides, seed, years = job
    scn = load_scenario(path, [f"simulation.years={years}", *overrides])
    out = tables(Simulation(scn, seed, years).run(), scn.name, 0)
    return {k: out[k] for k in ("campus_year", "grade_year", "flows")}


def paired(arms: dict[str, tuple[str | Path, tuple[str, ...]]], years: int,
           seeds=SEEDS) -> dict[int, dict[str, dict[str, pd.DataFrame]]]:
    """Per seed, per arm name, the run's tables."""
    jobs = [(str(path), tuple(over), seed, years) for seed in seeds for path, over in arms.values()]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(run_tables, jobs))
    it = iter(results)
    return {seed: {name: next(it) for name in arms} for seed in seeds}


def ci95(diffs) -> tuple[float, float]:
    """95 % t confidence interval of the mean of paired differences."""
    d = np.asarray(diffs, dtype=float)
    return t_interval(len(d), d.mean(), d.std(ddof=1))


def hub_member_gap(cy: pd.DataFrame, groups, year: int) -> float:
    """Mean over ``groups`` of (hub's mean achievement − its members' pupil-weighted mean) in ``year``."""
    y = cy[cy.year == year].set_index("campus")
    gaps = []
    for g in groups:
        m = y.loc[list(g.members)]
        gaps.append(y.loc[g.hub, "mean_achievement"] - np.nansum(m.mean_achievement * m.enrolment) / m.enrolment.sum())
    return float(np.mean(gaps))


def intake_ses_spread(gy: pd.DataFrame, groups, years) -> float:
    """Mean over ``groups`` and ``years`` of the SD across the group's campuses of their entrants'
    mean SES (grade 1 at primary groups, grade 7 at junior ones)."""
    out = []
    for year in years:
        y = gy[gy.year == year]
        for g in groups:
            campuses = [g.hub, *g.members]
            entry = 7 if y[(y.campus == g.hub) & (y.grade == 7)].size else 1
            out.append(y[y.campus.isin(campuses) & (y.grade == entry)].mean_ses.std(ddof=0))
    return float(np.nanmean(out))


def outside_share(cy: pd.DataFrame, gy: pd.DataFrame, years) -> float:
    """Entrants (grades 1 and 7) admitted outside their zone ÷ entrants, over ``years``."""
    outside = cy[cy.year.isin(years)].outside_catchment.sum()
    entrants = gy[gy.year.isin(years) & gy.grade.isin([1, 7])].pupils.sum()
    return float(outside / entrants)


def backflow(flows: pd.DataFrame) -> int:
    """Pupils whose families returned to their village, all years."""
    return int(flows[(flows.kind == "student") & (flows.flow == "backflow")]["count"].sum())


def enrolment(cy: pd.DataFrame, campuses, year: int) -> float:
    return float(cy[(cy.year == year) & cy.campus.isin(campuses)].enrolment.sum())


def large_class_share(cy: pd.DataFrame, campuses, years) -> float:
    """Classes of 56+ ÷ classes at ``campuses`` over ``years``."""
    y = cy[cy.year.isin(years) & cy.campus.isin(campuses)]
    return float(y.classes_56plus.sum() / max(y.classes.sum(), 1))


def exchange_calls(monkeypatch, path: Path, years: int, seed: int) -> list[tuple]:
    """Run scenario ``path`` for ``years`` on ``seed`` and return every call of the exchange rules,
    as ``(teachers before, layout, rules, year, orders)``."""
    from sim.engine import Simulation
    from sim.processes import exchange
    from sim.scenario.loader import load_scenario

    calls, real = [], exchange.exchange_orders

    def spy(teachers, layout, rules, year, seed, need=None):  # noqa: ANN001, ANN202
        t, orders = real(teachers, layout, rules, year, seed, need)
        calls.append((teachers, layout, rules, year, orders))
        return t, orders

    monkeypatch.setattr(exchange, "exchange_orders", spy)
    Simulation(load_scenario(path, [f"simulation.years={years}"]), seed, years).run()
    return calls
