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
