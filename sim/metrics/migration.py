"""Migration metrics of one run: who enters which school from where, school choice (择校率),
household flight to towns, backflow, and transfers between campuses.

Read from the run's ``flows`` table (pupil counts by origin and destination with their locales) and
``campus_year`` (entrants admitted outside their catchment).  Counts are emitted as zeros where
nothing moved, so that averages over replicates are not biased by missing rows; locale-pair
matrices are complete 3 × 3 tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scenario.models import LOCALES
from .frame import finish, melt, melt_region

ENTRY_FLOWS = ("entry", "junior_entry")
"""Flows of pupils admitted into grade 1 and grade 7, from home cell to campus."""
TRANSFER_FLOWS = ("closure", "transfer")
"""Flows of pupils moved between campuses: out of a closed campus, or 分流 into a new one."""
PAIR_FLOWS = {"entry_flow": ENTRY_FLOWS, "relocations": ("relocation",), "backflow": ("backflow",),
              "transfers": TRANSFER_FLOWS}
"""Locale-pair metrics and the student flows each counts."""


def locale_pairs(years: np.ndarray, flows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Tidy ``locale_pair`` rows: for each metric key, the counts of its ``flows`` by origin and
    destination locale, a complete 3 × 3 matrix (zeros included) every year."""
    pairs = pd.MultiIndex.from_product([years, LOCALES, LOCALES], names=["year", "origin_locale", "destination_locale"])
    matrix = pd.DataFrame({key: f.groupby(["year", "origin_locale", "destination_locale"])["count"].sum()
                           .reindex(pairs, fill_value=0) for key, f in flows.items()}, index=pairs)
    entity = [f"{o}→{d}" for _, o, d in pairs]  # e.g. rural→urban
    return melt(matrix.set_index(pd.MultiIndex.from_arrays([pairs.get_level_values("year"), entity])), "locale_pair")


def _by_year(df: pd.DataFrame, years: np.ndarray, by: list[str] | None = None) -> pd.Series:
    if by:
        return df.groupby(["year", *by])["count"].sum()
    return df.groupby("year")["count"].sum().reindex(years, fill_value=0)


def migration_metrics(cy: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Migration metrics per year at region, locale, campus and locale-pair level."""
    years = np.sort(cy["year"].unique())
    pupils = flows[flows["kind"] == "student"]
    entry = pupils[pupils["flow"].isin(ENTRY_FLOWS)]
    outside = cy.groupby("year")["outside_catchment"].sum().reindex(years, fill_value=0)
    entrants = _by_year(entry, years)
    rural_home = entry[entry["origin_locale"] == "rural"]
    region = pd.DataFrame({
        "entrants": entrants,
        "outside_catchment_share": outside / entrants.where(entrants > 0),
        "rural_flight_share": (_by_year(rural_home[rural_home["destination_locale"] != "rural"], years)
                               / _by_year(rural_home, years).replace(0, np.nan)),
        "relocations": _by_year(pupils[pupils["flow"] == "relocation"], years),
        "backflow": _by_year(pupils[pupils["flow"] == "backflow"], years),
        "transfers": _by_year(pupils[pupils["flow"].isin(TRANSFER_FLOWS)], years),
        "child_relocations": _by_year(flows[(flows["kind"] == "child") & (flows["flow"] == "relocation")], years),
    }, index=pd.Index(years, name="year"))
    region["backflow_cumulative"] = region["backflow"].cumsum()
    parts = [melt_region(region)]

    admitted = _by_year(entry, years, ["destination"]).rename_axis(["year", "campus"])
    at_campus = cy.set_index(["year", "campus"])[["locale", "outside_catchment"]].join(admitted.rename("entrants"))
    at_campus["entrants"] = at_campus["entrants"].fillna(0)
    by_locale = at_campus.groupby(["year", "locale"])[["outside_catchment", "entrants"]].sum()
    for frame, level in ((at_campus, "campus"), (by_locale, "locale")):
        share = (frame["outside_catchment"] / frame["entrants"].where(frame["entrants"] > 0)).rename(
            "outside_catchment_share")
        parts.append(melt(share.to_frame(), level))

    parts.append(locale_pairs(years, {key: pupils[pupils["flow"].isin(names)] for key, names in PAIR_FLOWS.items()}))
    return finish(parts)
