"""Coercion fast paths (frozen snapshots' typed columns) give what value-by-value coercion gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_contract import readers

CASES = [
    # (column as read, contract type, expected values, expected failures)
    (["a", " ", None, np.nan, "b c", pd.NA], "text", ["a", None, None, None, "b c", None], []),
    (["a", 3.0, None], "text", ["a", "3", None], []),
    ([1, 2, 3], "int", [1, 2, 3], []),
    ([1.0, np.nan, 3.0], "int", [1, pd.NA, 3], []),
    ([1.5, np.nan], "int", [pd.NA, pd.NA], [(0, 1.5)]),
    ([np.inf, 1.0], "int", [pd.NA, 1], [(0, np.inf)]),
    ([True, False], "int", [pd.NA, pd.NA], [(0, True), (1, False)]),
]


@pytest.mark.parametrize(("values", "vartype", "expected", "failures"), CASES)
def test_coerce_series_matches_value_by_value_coercion(values, vartype, expected, failures):
    s = pd.Series(values, name="VAR")
    got, bad = readers.coerce_series(s, vartype)
    fn, dtype = (readers._to_int, "Int64") if vartype == "int" else (readers._to_str, object)
    slow, slow_bad = readers._coerce_elementwise(s, fn, dtype)
    assert bad == slow_bad == failures
    assert got.dtype == slow.dtype
    assert [None if pd.isna(v) else v for v in got] == [None if pd.isna(v) else v for v in expected]
    if not bad:
        assert got.equals(slow)


@pytest.mark.parametrize(("series", "vartype"), [
    (pd.Series(["a", None, "b"], dtype=object), "text"),
    (pd.Series([1, None, 3], dtype="Int64"), "int"),
    (pd.Series([1.5, np.nan]), "float"),
    (pd.Series(pd.to_datetime(["2025-01-02", None])), "date"),
])
def test_a_column_that_already_has_its_type_is_returned_as_it_is(series, vartype):
    """No copy of a frozen snapshot's columns (validation of 3 million ADLB rows)."""
    got, bad = readers.coerce_series(series, vartype)
    assert got is series and bad == []


@pytest.mark.parametrize(("series", "vartype", "expected"), [
    (pd.Series(["a", " "], dtype=object), "text", ["a", None]),
    (pd.Series(["a", np.nan], dtype=object), "text", ["a", None]),
    (pd.Series(pd.to_datetime(["2025-01-02 13:45"])), "date", [pd.Timestamp("2025-01-02")]),
    (pd.Series([1, 2]), "int", [1, 2]),
])
def test_a_column_that_needs_a_change_is_coerced_not_passed_through(series, vartype, expected):
    got, _ = readers.coerce_series(series, vartype)
    assert got is not series
    assert [None if pd.isna(v) else v for v in got] == expected
