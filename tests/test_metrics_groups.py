"""The array helpers the metric families are built on (sim.metrics.frame) against pandas doing the
same thing: grouping, sums skipping missing values, complete indexes, the tidy melt, look-ups."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.metrics.frame import COLUMNS, Block, Groups, campus_rows, codes_in, finish, ratio


def table(seed: int, n: int = 300) -> pd.DataFrame:
    """Random rows: a year, a locale (some outside the three, some missing), a campus, and values
    with missing ones."""
    rng = np.random.default_rng(seed)
    names = np.array(["urban", "town", "rural", "elsewhere", None], dtype=object)
    locale = rng.choice(names, n, p=[.3, .3, .3, .05, .05])
    value = rng.normal(50, 20, n)
    value[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({"year": rng.integers(1, 6, n), "locale": pd.array(locale, dtype="str"),
                         "campus": rng.choice([f"C{i:02d}" for i in range(25)], n), "value": value,
                         "count": rng.integers(0, 9, n)})


@pytest.mark.parametrize("seed", range(5))
def test_groups_by_is_a_sorted_groupby_skipping_missing_values_and_keys(seed):
    t = table(seed)
    for keys in (["year"], ["year", "locale"], ["locale", "campus"], ["year", "locale", "campus"]):
        g = Groups.by(*(t[k] for k in keys))
        expected = t.groupby(keys)[["value", "count"]].sum()
        assert list(zip(*g.keys)) == [k if isinstance(k, tuple) else (k,) for k in expected.index]
        np.testing.assert_allclose(g.sum(t["value"]), expected["value"], rtol=1e-12)
        assert (g.sum(t["count"]) == expected["count"]).all()
        assert (g.count() == t.groupby(keys).size()).all()
        big = t["value"] > 50
        np.testing.assert_allclose(g.sum(t["value"], big), t.assign(v=t["value"].where(big)).groupby(keys)["v"].sum(),
                                   rtol=1e-12)
        assert ((g.codes == -1) == t[keys].isna().any(axis=1)).all()


@pytest.mark.parametrize("seed", range(5))
def test_groups_over_is_a_groupby_on_a_complete_index(seed):
    t = table(seed)
    years, locales = [2, 3, 4, 9], ["urban", "town", "rural"]
    g = Groups.over([codes_in(t["year"], years), codes_in(t["locale"], locales)], [years, locales])
    full = pd.MultiIndex.from_product([years, locales], names=["year", "locale"])
    expected = t.groupby(["year", "locale"])["count"].sum().reindex(full, fill_value=0)
    assert list(zip(*g.keys)) == list(full)
    assert (g.sum(t["count"]) == expected.to_numpy()).all()
    assert g.keys[0].dtype == np.int64 and g.keys[1].dtype == object


def test_codes_in_and_ratio():
    assert codes_in(pd.Series(["b", "x", None, "a", "b"], dtype="str"), ["a", "b"]).tolist() == [1, -1, -1, 0, 1]
    np.testing.assert_array_equal(ratio(np.array([1.0, 2.0, 3.0, 0.0]), np.array([2.0, 0.0, -1.0, 4.0])),
                                  [0.5, np.nan, np.nan, 0.0])


def test_campus_rows_finds_each_year_and_campus_and_refuses_two_runs():
    cy = pd.DataFrame({"year": [1, 1, 2, 2], "campus": ["A", "B", "A", "B"]})
    rows = campus_rows(cy, pd.Series([2, 1, 3, 1]), pd.Series(["B", "A", "A", "Z"]))
    assert rows.tolist() == [3, 0, -1, -1]
    with pytest.raises(ValueError, match="several rows per year and campus"):
        campus_rows(pd.concat([cy, cy]), pd.Series([1]), pd.Series(["A"]))


def test_finish_melts_each_block_metric_by_metric_without_missing_values():
    wide = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [4.0, 5.0, np.nan]},
                        index=pd.MultiIndex.from_tuples([(1, "x"), (1, "y"), (2, "x")], names=["year", "entity"]))
    blocks = [Block("campus", wide.index.get_level_values(0).to_numpy(), wide.index.get_level_values(1).to_numpy(),
                    {k: wide[k].to_numpy() for k in wide}),
              Block.region(np.array([1, 2]), {"c": np.array([7.0, 8.0])})]
    melted = wide.reset_index().melt(id_vars=["year", "entity"], var_name="metric").dropna()
    expected = pd.concat([melted.assign(level="campus"),
                          pd.DataFrame({"year": [1, 2], "entity": "all", "metric": "c", "value": [7.0, 8.0],
                                        "level": "region"})], ignore_index=True)[COLUMNS]
    out = finish(blocks)
    pd.testing.assert_frame_equal(out, expected.astype({"level": str, "entity": str, "metric": str}), check_exact=True)
    keyed = finish(blocks, {"scenario": "s", "seed": 7})
    assert list(keyed.columns) == ["scenario", "seed", *COLUMNS] and keyed["seed"].dtype == np.int64
    assert (keyed["scenario"] == "s").all()
    empty = finish([])
    assert list(empty.columns) == COLUMNS and len(empty) == 0
    assert empty.dtypes.to_dict() == out.dtypes.to_dict()


def test_block_value_reads_a_row_and_nan_elsewhere():
    block = Block("locale", np.array([1, 1, 2]), np.array(["town", "rural", "town"], dtype=object),
                  {"m": np.array([0.5, np.nan, 2.0])})
    assert block.value("m", "town", 2) == 2.0
    assert math.isnan(block.value("m", "rural", 1))  # a missing value is no row
    assert math.isnan(block.value("m", "urban", 1)) and math.isnan(block.value("other", "town", 1))
