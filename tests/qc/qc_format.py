"""QC formatter: SAP section 4, written independently of ``analysis.formats``.

- counts are integers; a percent is shown to one decimal (``37.5``);
- ``Mean``/``Median``/quartiles with one more decimal than the raw data, ``SD``
  with two more, ``Min``/``Max`` with the raw data's decimals;
- rates, proportions and their confidence limits with two decimals;
- rounding is half away from zero (0.125 -> 0.13, -0.125 -> -0.13);
- a statistic that cannot be estimated shows ``NE`` (SD of one value, a CI,
  a rate); a statistic with no data shows ``-``.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

COUNTS = frozenset({"n", "N", "n_events", "n_subj", "count"})
PLUS_ONE = frozenset({"mean", "median", "q1", "q3", "geomean"})
PLUS_TWO = frozenset({"sd"})
RAW = frozenset({"min", "max"})
TWO_DECIMALS = frozenset({"rate", "lcl", "ucl", "ratio", "estimate"})
ONE_DECIMAL = frozenset({"pct", "geocv", "cv", "exposure_years", "py"})
NOT_ESTIMABLE = frozenset({"sd", "geocv", "lcl", "ucl", "rate", "ratio"})


def is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def half_away(x: float, decimals: int) -> str:
    """``x`` rounded half away from zero to ``decimals`` places, as text (no ``-0``)."""
    if math.isinf(x):
        return "NE"
    # the shortest repr of the binary float is the decimal the data meant (0.125 stays 0.125)
    d = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{d:.{decimals}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return "\u2212" + text[1:] if text.startswith("-") else text   # SAP 4: minus sign


def fmt(stat_name: str, value, raw_decimals: int = 0) -> str:
    """SAP 4 text of one statistic (``raw_decimals``: decimals of the raw data)."""
    if is_missing(value):
        return "NE" if stat_name in NOT_ESTIMABLE else "-"
    v = float(value)
    if stat_name in COUNTS:
        n = str(int(round(v)))
        return "\u2212" + n[1:] if n.startswith("-") else n
    if stat_name in ONE_DECIMAL:
        return half_away(v, 1)
    if stat_name in PLUS_ONE:
        return half_away(v, raw_decimals + 1)
    if stat_name in PLUS_TWO:
        return half_away(v, raw_decimals + 2)
    if stat_name in RAW:
        return half_away(v, raw_decimals)
    if stat_name in TWO_DECIMALS:
        return half_away(v, 2)
    return half_away(v, raw_decimals)


def decimals_of(values) -> int:
    """Decimals the raw data are recorded with: the most any value needs (max 6)."""
    best = 0
    for x in values:
        if is_missing(x):
            continue
        text = repr(float(x))
        if "e" in text or "E" in text:
            continue
        frac = text.split(".")[1].rstrip("0") if "." in text else ""
        best = max(best, min(len(frac), 6))
    return best


def count_cell(n, pct) -> str:
    """The table cell of a count (SAP 4): ``n (xx.x%)``, except a zero count, shown as
    ``0`` without a percentage, and a missing count, ``-``."""
    if is_missing(n):
        return "-"
    if int(round(float(n))) == 0:
        return "0"
    return f"{int(round(float(n)))} ({fmt('pct', pct)}%)"
