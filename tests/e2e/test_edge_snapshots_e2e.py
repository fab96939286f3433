"""Every chapter renders for lawful but unusual snapshots (issue 11, part 5), and the
prose says what is not evaluable instead of failing.

Two edge snapshots, derived from sim-final by :mod:`tests.e2e.edge_snapshots` with the
project's own cut-off and freeze, are rendered with the built-in engine (HTML; the first
also PDF, where its empty-set tables and figures are typeset; the DOCX writer takes the
same tables and is covered by the sim-final render):
nobody infused (with empty dose levels and datasets present with zero rows), and a
death, AEs ongoing at the cut-off, an empty dose level and zero-row ADPC and ADMRI.
"""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from analysis.catalogue import ALL_DISPLAYS, DISPLAYS, get
from analysis.config import load_config

from .conftest import run_report
from .edge_snapshots import (
    DEATH_AND_EMPTY_LEVEL,
    NO_INFUSION,
    freeze_death_and_empty_level,
    freeze_no_infusion,
)

pytestmark = pytest.mark.e2e

CHAPTERS = ("Synopsis", "9 Investigational plan", "10 Study participants",
            "11.1 CAR-T cells in peripheral blood", "11.6 Expanded Disability Status Scale",
            "12.1 Extent of exposure", "12.2.1 Dose-limiting toxicities",
            "12.2.2 Treatment-emergent adverse events",
            "12.3 Deaths, other serious and significant adverse events",
            "12.4 Clinical laboratory evaluation", "12.5 Vital signs and other observations",
            "16.2 Participant data listings", "Data contract, snapshot and software")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def edge(project):
    """{snapshot id: (report folder, manifest, datasets)} of both edge snapshots."""
    root = project / "data" / "snapshots"
    out = {}
    # the PDF of the empty-set tables and figures is typeset once; the other is HTML only
    for make, formats in ((freeze_no_infusion, "html,pdf"), (freeze_death_and_empty_level, "html")):
        sid = make(root)
        run_report(project, "render", "--snapshot", sid, "--version", f"e2e-{sid}",
                   "--to", formats, "--engine", "builtin")
        manifest = json.loads((root / sid / "manifest.json").read_text(encoding="utf-8"))
        data = {n: pd.read_parquet(root / sid / e["file"]) for n, e in
                manifest["datasets"].items()}
        out[sid] = (project / "report" / f"e2e-{sid}", manifest, data)
    return out


def _html_text(report) -> str:
    soup = BeautifulSoup((report / "csr.html").read_text(encoding="utf-8"), "html.parser")
    return _norm(soup.get_text(" "))


def test_the_edge_snapshots_hold_the_conditions_they_are_named_for(edge):
    _, m, d = edge[NO_INFUSION]
    sl = d["ADSL"]
    assert (sl["INFFL"] == "N").all() and (sl["SAFFL"] == "Y").any()
    assert sl["TRT01A"].nunique() == 1  # two of the three dose levels have nobody
    assert m["datasets"]["ADPC"]["rows"] == 0
    # ADCM holds only what was taken before anyone was infused: prior medications (the
    # prior immunosuppressants of ADSL) and what the one participant in lymphodepletion took
    cm = d["ADCM"]
    assert (cm["PREFL"] == "Y").any()
    assert (pd.to_datetime(cm["ASTDT"]) <= pd.Timestamp(m["cutoff"])).all()

    _, m, d = edge[DEATH_AND_EMPTY_LEVEL]
    sl, ae = d["ADSL"], d["ADAE"]
    dead = sl[sl["DTHFL"] == "Y"]
    assert len(dead) == 1 and dead["DCSREAS"].iloc[0] == "DEATH"
    fatal = ae[ae["AESDTH"] == "Y"]
    assert list(fatal["USUBJID"]) == list(dead["USUBJID"])
    assert (fatal["AEOUT"] == "FATAL").all() and (fatal["AETOXGR"] == 5).all()
    assert pd.Timestamp(fatal["AENDT"].iloc[0]) == pd.Timestamp(dead["DTHDT"].iloc[0])
    mine = ae[ae["USUBJID"] == dead["USUBJID"].iloc[0]]
    assert (pd.to_datetime(mine["ASTDT"]) <= pd.Timestamp(dead["DTHDT"].iloc[0])).all()
    assert (ae["AEOUT"] == "NOT RECOVERED/NOT RESOLVED").any()  # ongoing at the cut-off
    assert sl["TRT01A"].nunique() == 2  # the highest dose level has nobody
    assert (sl["INFFL"] == "Y").all()
    assert m["datasets"]["ADPC"]["rows"] == 0 and m["datasets"]["ADMRI"]["rows"] == 0


@pytest.mark.parametrize("sid", [NO_INFUSION, DEATH_AND_EMPTY_LEVEL])
def test_every_chapter_and_display_renders(edge, sid):
    report, _, _ = edge[sid]
    text = _html_text(report)
    assert not re.search(r"Traceback|\b[A-Za-z]+Error:", text)
    for title in CHAPTERS:
        assert title in text, f"{sid}: no chapter {title!r}"
    missing = [d.heading for d in DISPLAYS if _norm(d.heading) not in text]
    assert not missing, f"{sid}: displays missing from csr.html: {missing}"
    assert sorted(p.stem for p in (report / "ard").glob("*.csv")) == sorted(d.id for d in ALL_DISPLAYS)
    if sid != NO_INFUSION:  # rendered as HTML only
        return
    pages = [_norm(p.extract_text() or "") for p in PdfReader(report / "csr.pdf").pages]
    for i, page in enumerate(pages, start=1):
        assert "SIMULATED DATA" in page and f"Page {i} of {len(pages)}" in page, (sid, i)


def test_nobody_infused_prose_says_each_infused_result_is_not_evaluable(edge):
    report, manifest, _ = edge[NO_INFUSION]
    text = _html_text(report)
    why = f"no participant was in the Infused set at the data cut-off ({manifest['cutoff']})"
    for did in ("T14.2.1", "F14.2.1", "F14.2.2", "T14.2.2", "T14.2.3", "T14.2.4", "T14.2.5",
                "T14.2.6", "T14.2.7", "T14.2.8", "T14.3.5"):
        d = get(did)
        assert f"{d.kind} {d.number} {d.title} is not evaluable: {why}." in text, did
    d = get("T14.3.1")
    assert (f"{d.kind} {d.number} {d.title} is not evaluable: no participant was in the "
            f"DLT-evaluable set") in text
    # the tables keep their columns (N = 0) and say in their body why they are empty
    assert text.count(f"No participant was in the Infused set at the data cut-off "
                      f"({manifest['cutoff']}).") >= 8
    # the safety set is not empty: its results are quoted, singular where it is one
    assert "In the Safety set (N = 1), 1 (100.0%) participant had at least one TEAE" in text
    assert not re.search(r"\b0 of 0\b|\bmedian of (Day )?-", text)


def test_a_death_an_ongoing_ae_and_an_empty_level_are_reported(edge):
    report, manifest, d = edge[DEATH_AND_EMPTY_LEVEL]
    text = _html_text(report)
    dead = d["ADSL"][d["ADSL"]["DTHFL"] == "Y"].iloc[0]
    assert "1 participant died during the study" in text
    with open(report / "ard" / "T14.3.6.csv", newline="", encoding="utf-8") as fh:
        rows = {(r["variable"], r["group1_level"], r["stat_name"]): r["stat_fmt"]
                for r in csv.DictReader(fh)}
    assert rows[("DEATH", "Total", "n")] == "1"
    assert rows[("DEATH", dead["TRT01A"], "n")] == "1"
    with open(report / "listings" / "L16.2.7.3.csv", newline="", encoding="utf-8") as fh:
        listed = list(csv.DictReader(fh))
    assert any(dead["USUBJID"] in r.values() and "FATAL" in r.values() for r in listed)
    with open(report / "listings" / "L16.2.7.1.csv", newline="", encoding="utf-8") as fh:
        assert "NOT RECOVERED/NOT RESOLVED" in fh.read()
    empty = [lv for lv in load_config().dose_labels.values() if lv not in set(d["ADSL"]["TRT01A"])]
    assert empty and f"{empty[0]} N = 0" in text  # the empty level keeps its column
    d8 = get("T14.2.8")
    assert (f"{d8.kind} {d8.number} {d8.title} is not evaluable: ADPC holds no records at "
            f"the data cut-off ({manifest['cutoff']}).") in text
    assert "the latest time point the follow-up reaches" in text  # not Month 12 at 4 months
    assert "no participant had a Month 12 assessment by the data cut-off" in text
