"""Row-by-row comparison of a production ARD with its QC recomputation.

Key of a row: display_id, group1, group1_level, group2, group2_level, variable,
variable_level, stat_name. Every production row must have a QC row and vice
versa; ``stat`` must agree within 1e-9 relative (NaN equals NaN) and
``stat_fmt`` exactly. A failure lists each mismatch with its display, row key
and both values (the first 20, then a count).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

KEY = ["display_id", "group1", "group1_level", "group2", "group2_level",
       "variable", "variable_level", "stat_name"]
REL_TOL = 1e-9
SHOW = 20
# the stress snapshot: simulated once per session (conftest), 25 times the trial's 20
# participants, so that rare combinations (several relapses, every grade, DLTs at each
# level, partial dates) occur; 2,000 took a quarter of CI's time for no branch more
STRESS_N = 500
STRESS = f"sim-{STRESS_N}"
SNAPSHOTS = ("sim-interim", "sim-final", STRESS)


class QCMismatch(AssertionError):
    """Production and QC disagree; the message lists every difference."""


def qc_frame(rows, display_id: str) -> pd.DataFrame:
    """A QC ARD from dict rows (keys default to ""; ``stat`` NaN; ``stat_fmt`` text)."""
    df = pd.DataFrame(list(rows))
    for c in KEY:
        if c not in df.columns:
            df[c] = ""
    df["display_id"] = display_id
    if "stat" not in df.columns:
        df["stat"] = float("nan")
    if "stat_fmt" not in df.columns:
        df["stat_fmt"] = ""
    for c in KEY + ["stat_fmt"]:
        df[c] = df[c].fillna("").astype(str)
    df["stat"] = pd.to_numeric(df["stat"], errors="coerce").astype(float)
    return df[KEY + ["stat", "stat_fmt"]]


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12)


def _key_text(key: tuple) -> str:
    parts = [f"{k}={v!r}" for k, v in zip(KEY[1:], key[1:], strict=True) if v != ""]
    return ", ".join(parts)


def differences(prod: pd.DataFrame, qc: pd.DataFrame, display_id: str) -> list[str]:
    """Every difference between ``prod`` and ``qc`` as one line of text each."""
    out: list[str] = []
    for name, df in (("production", prod), ("QC", qc)):
        dup = df[df.duplicated(KEY, keep=False)]
        if len(dup):
            out.append(f"{display_id}: {name} ARD has {len(dup)} rows with a duplicated key, "
                       f"e.g. {_key_text(tuple(dup.iloc[0][KEY]))}")
    p = prod.assign(**{c: prod[c].fillna("").astype(str) for c in KEY}).drop_duplicates(KEY)
    q = qc.assign(**{c: qc[c].fillna("").astype(str) for c in KEY}).drop_duplicates(KEY)
    m = p[KEY + ["stat", "stat_fmt"]].merge(q[KEY + ["stat", "stat_fmt"]], on=KEY, how="outer",
                                            suffixes=("_prod", "_qc"), indicator="side")
    for r in m.itertuples(index=False):
        key = tuple(getattr(r, c) for c in KEY)
        where = f"{display_id} [{_key_text(key)}]"
        if r.side == "left_only":
            out.append(f"{where}: production row has no QC row "
                       f"(prod stat={r.stat_prod!r}, fmt={r.stat_fmt_prod!r})")
        elif r.side == "right_only":
            out.append(f"{where}: QC row has no production row "
                       f"(qc stat={r.stat_qc!r}, fmt={r.stat_fmt_qc!r})")
        else:
            if not _same(float(r.stat_prod), float(r.stat_qc)):
                out.append(f"{where}: stat prod={r.stat_prod!r} qc={r.stat_qc!r}")
            if str(r.stat_fmt_prod) != str(r.stat_fmt_qc):
                out.append(f"{where}: stat_fmt prod={r.stat_fmt_prod!r} qc={r.stat_fmt_qc!r}")
    return out


def compare_ard(prod: pd.DataFrame, qc: pd.DataFrame, display_id: str) -> None:
    """Raise :class:`QCMismatch` listing every row where ``prod`` and ``qc`` differ."""
    diffs = differences(prod, qc, display_id)
    if diffs:
        shown = "\n  ".join(diffs[:SHOW])
        more = f"\n  ... and {len(diffs) - SHOW} more" if len(diffs) > SHOW else ""
        raise QCMismatch(f"{display_id}: {len(diffs)} QC mismatches\n  {shown}{more}")


def cases(display_ids, findings: dict | None = None):
    """pytest params over (display, snapshot) with ids like ``T14.3.1-sim-final``.

    ``findings`` maps ``(display_id, snapshot)`` (snapshot ``"*"`` for all) to a
    finding id of FINDINGS.md; that case is marked xfail(strict=True).
    """
    findings = findings or {}
    out = []
    for d in display_ids:
        for s in SNAPSHOTS:
            fid = findings.get((d, s)) or findings.get((d, "*"))
            marks = [pytest.mark.xfail(strict=True, reason=f"production bug {fid} "
                                       "(tests/qc/FINDINGS.md)")] if fid else []
            out.append(pytest.param(d, s, id=f"{d}-{s}", marks=marks))
    return out


def run_case(store, config, display_id: str, snapshot: str, qc_fn) -> None:
    """Compare the production ARD of ``display_id`` on ``snapshot`` with ``qc_fn``'s."""
    snap = store(snapshot)
    prod = store.production_ard(display_id, snapshot)
    qc = qc_fn(snap.folder, config)
    compare_ard(prod, qc, display_id)
