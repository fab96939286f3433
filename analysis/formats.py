"""SAP section 4 formats: the only place where numbers become text.

- counts ``n (xx.x%)`` (percent to one decimal; a zero count shows as ``0``);
- continuous ``Mean (SD)``, ``Median (Q1, Q3)``, ``Min, Max``: min/max with the
  decimals of the raw data, mean/median/quartiles with one more, SD with two more;
- rates with 95% CI ``0.12 (0.03, 0.31)``;
- a statistic that cannot be estimated shows as ``NE``; a missing one as ``-``;
- a noun or verb after a count agrees with it ("1 participant was", "2 participants
  were"; :func:`noun`, :func:`verb`), by inflect. inflect 6 is pinned: inflect 7
  instruments every method with typeguard when imported (2.6 s in every kernel), 6
  validates with pydantic, which pandera has already loaded (0.05 s).

Each ARD row carries the text of its own statistic (:func:`fmt_stat`); the
table layout composes those texts into cells (:func:`compose`).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import pandas as pd

NE = "NE"
MISSING = "-"

# Decimals added to the raw data's decimals, per statistic (SAP 4).
EXTRA_DECIMALS = {
    "mean": 1, "median": 1, "q1": 1, "q3": 1, "geomean": 1,
    "sd": 2,
    "min": 0, "max": 0,
}


def round_half_up(x: float, decimals: int) -> str:
    """Round half away from zero (SAS-style, as CSR outputs expect), as text.

    Python's ``round`` rounds half to even and binary floats make 0.125 -> 0.12;
    clinical outputs round 0.125 -> 0.13. Uses ``Decimal(repr(x))``. A negative number
    has the minus sign − (SAP 4, :func:`signed`).
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    if isinstance(x, float) and math.isinf(x):
        return NE
    q = Decimal(1).scaleb(-decimals)
    d = Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)
    if d == 0:
        d = abs(d)  # no "-0.0"
    return signed(f"{d:.{decimals}f}")


def fmt_count(n: float) -> str:
    return MISSING if _isnan(n) else signed(str(int(n)))


def fmt_pct(pct: float) -> str:
    """Percent to one decimal, without the % sign (e.g. ``37.5``)."""
    return round_half_up(pct, 1)


def n_pct(n: str, pct: str) -> str:
    """The count cell ``n (xx.x%)`` from the texts of ``n`` and ``pct`` (SAP 4): a zero
    count is ``0`` without a percentage, a missing count ``-``. The one place this text
    is made (tables, RTFs, prose)."""
    return n if n in ("0", MISSING) else f"{n} ({pct}%)"


def titre(reciprocal: float, missing: str = MISSING) -> str:
    """A dilution titre as ``1:N`` (SAP 3, AQP4-IgG titre), ``N`` the reciprocal titre
    rounded to an integer (e.g. 2 ** the median log2 titre: 1:320); ``missing`` for a
    missing value. The one place the titre text is made (tables, listings, figure axes)."""
    if _isnan(reciprocal):
        return missing
    return f"1:{int(round(float(reciprocal)))}"


def fmt_num(x: float, decimals: int) -> str:
    return round_half_up(x, decimals)


def fmt_stat(stat_name: str, value: float, raw_decimals: int = 0) -> str:
    """Text of one statistic under SAP 4 (``raw_decimals``: decimals of the raw data)."""
    if value is None or _isnan(value):
        return NE if stat_name in {"sd", "geocv", "lcl", "ucl", "rate", "ratio"} else MISSING
    if stat_name in {"n", "N", "n_events", "n_subj", "count"}:
        return fmt_count(value)
    if stat_name == "pct":
        return fmt_pct(value)
    if stat_name in EXTRA_DECIMALS:
        return fmt_num(value, raw_decimals + EXTRA_DECIMALS[stat_name])
    if stat_name in {"rate", "lcl", "ucl", "ratio", "estimate"}:
        return fmt_num(value, 2)
    if stat_name in {"geocv", "cv"}:
        return fmt_num(value, 1)
    if stat_name in {"exposure_years", "py"}:
        return fmt_num(value, 1)
    return fmt_num(value, raw_decimals)


def compose(kind: str, s: dict[str, str]) -> str:
    """Compose one table cell from per-statistic texts ``s`` (stat_name -> text).

    kinds: ``n_pct`` -> ``n (xx.x%)``; ``mean_sd``; ``median_q1_q3``; ``min_max``;
    ``rate_ci`` -> ``r (l, u)``; ``geomean_geocv`` -> ``g (cv%)``; ``value`` -> s['value'].
    """
    if kind == "n_pct":
        return n_pct(s.get("n", MISSING), s.get("pct", MISSING))
    if kind == "mean_sd":
        return f"{s['mean']} ({s['sd']})"
    if kind == "median_q1_q3":
        return f"{s['median']} ({s['q1']}, {s['q3']})"
    if kind == "min_max":
        return f"{s['min']}, {s['max']}"
    if kind == "rate_ci":
        return f"{s['rate']} ({s['lcl']}, {s['ucl']})"
    if kind == "estimate_ci":
        return f"{s['estimate']} ({s['lcl']}, {s['ucl']})"
    if kind == "geomean_geocv":
        return f"{s['geomean']} ({s['geocv']}%)"
    raise ValueError(f"unknown cell kind {kind!r}")


@cache
def _inflect():
    import inflect

    return inflect.engine()


def noun(word: str, count: float) -> str:
    """``word`` (given in the singular) in the number ``count`` asks for (SAP 4):
    ``noun("participant", 1)`` -> ``participant``, ``noun("relapse", 0)`` -> ``relapses``."""
    return _inflect().plural_noun(word, _count(count))


def verb(word: str, count: float) -> str:
    """``word`` (a verb in the singular, e.g. ``was``, ``has``) agreeing with ``count``."""
    return _inflect().plural_verb(word, _count(count))


def and_list(words) -> str:
    """``words`` joined as prose (SAP 4), by inflect: ``a``; ``a and b``; ``a, b and c``."""
    words = [str(w) for w in words]
    return _inflect().join(words, final_sep="") if words else ""


def with_article(phrase: str) -> str:
    """``phrase`` after its indefinite article, by inflect: "a serious adverse event",
    "an adverse event"."""
    return _inflect().a(phrase)


def _count(count: float) -> int:
    if _isnan(count):
        raise ValueError("a noun cannot agree with a missing count")
    return int(count)


def _isnan(x) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def listing_text(listing: pd.DataFrame) -> pd.DataFrame:
    """Every cell of a listing (a ``pandas.DataFrame``) as text: dates ISO
    (``YYYY-MM-DD``), missing values empty, numbers with the minus sign − (SAP 4), others
    ``str`` (data text verbatim). What a listing shows, its
    ARD holds and its RTF and CSV files carry."""
    out = pd.DataFrame(index=listing.index)
    for col in listing.columns:
        s = listing[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            out[col] = [("" if _isna_cell(v) else signed(str(v))) for v in s]
        else:
            out[col] = [("" if _isna_cell(v) else str(v)) for v in s]
    return out.reset_index(drop=True)


def _isna_cell(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


MAX_RAW_DECIMALS = 6


def raw_decimals(values) -> int:
    """The decimals the raw data are recorded with (SAP 4 "one more decimal than
    the raw data"): the most any non-missing value needs, e.g. 0.04 and 5.36 -> 2,
    386 and 1023 -> 0; at most :data:`MAX_RAW_DECIMALS` (a float such as 1/3
    would otherwise claim 16)."""
    best = 0
    for v in values:
        if _isnan(v):
            continue
        text = repr(float(v))
        if "e" in text.lower():
            continue
        frac = text.split(".", 1)[1].rstrip("0") if "." in text else ""
        best = max(best, min(len(frac), MAX_RAW_DECIMALS))
    return best


# SAP 4 typography of units: micro sign, superscript powers, squared metres; each pattern
# matches a unit token only (not "ug" in "drug", not "m2" in "m22").
_UNIT_TEXT = ((re.compile(r"10\^3(?![0-9])"), "10³"), (re.compile(r"10\^6(?![0-9])"), "10⁶"),
              (re.compile(r"10\^9(?![0-9])"), "10⁹"),
              (re.compile(r"(?<![A-Za-z])uL(?![A-Za-z])"), "µL"),
              (re.compile(r"(?<![A-Za-z])ug(?![A-Za-z])"), "µg"),
              (re.compile(r"(?<=/)m2(?![0-9A-Za-z])"), "m²"))


def unit_text(text: object) -> str:
    """Units in a delivered text as people read them (SAP 4): ``cells/uL`` -> ``cells/µL``,
    ``10^3/uL`` -> ``10³/µL``, ``mg/m2`` -> ``mg/m²``, ``copies/ug`` -> ``copies/µg``; the
    data and the ARD keep the delivered text."""
    out = "" if text is None else str(text)
    for pattern, shown in _UNIT_TEXT:
        out = pattern.sub(shown, out)
    return out


def signed(text: str) -> str:
    """A number's text with the typographic minus sign (SAP 4: "−1.00", not "-1.00")."""
    return "\u2212" + text[1:] if text[:1] == "-" else text


_NEGATIVE_DAY = re.compile(r"(?<![A-Za-z0-9])(Day|day) -(?=[0-9])")


def day_text(text: object) -> str:
    """Visit and study-day labels in a delivered text with the minus sign (SAP 4, as
    :func:`signed`): ``Day -4`` -> ``Day −4``, ``Study day -1`` -> ``Study day −1``; ranges
    (``Day 0-28``) and identifiers are left as they are. The data and the ARD keep the
    delivered text (AVISIT "Day -4")."""
    out = "" if text is None else str(text)
    return _NEGATIVE_DAY.sub("\\1 \u2212", out)


def recorded_values(values: pd.Series, by: pd.Series | None = None) -> pd.Series:
    """Numbers of a listing as recorded: each with the decimals its parameter (``by``,
    e.g. PARAMCD; all values together when None) is recorded with (:func:`raw_decimals`),
    so 3800.0 cells/µL shows as ``3800`` and 10.4 g/dL as ``10.4``; missing empty. The
    values are already on that grid, so nothing is rounded; negative values with the
    minus sign (SAP 4: "−0.5")."""
    x = pd.to_numeric(values, errors="coerce").astype(float)
    keys = pd.Series("", index=x.index) if by is None else by.astype(str)
    out = pd.Series("", index=x.index, dtype=object)
    for idx in keys.groupby(keys, sort=False).groups.values():
        v = x.loc[idx]
        d = raw_decimals(v.dropna().unique())
        ok = v.notna()
        out.loc[v.index[ok]] = [signed(f"{f:.{d}f}") for f in v[ok]]
    return out


COMPUTED_NOISE_DECIMALS = 9


def fmt_computed(x: float, decimals: int) -> str:
    """A value computed in binary floating point (an AUC by the trapezoid rule) as text
    with ``decimals``: rounded to :data:`COMPUTED_NOISE_DECIMALS` places first, so that
    the summation's noise (1142.2704999999998 for the exact 1142.2705) does not decide
    which way a midpoint rounds; then half away from zero (SAP 4)."""
    return fmt_num(round(float(x), COMPUTED_NOISE_DECIMALS), decimals)
