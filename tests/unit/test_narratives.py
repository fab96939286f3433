"""N14.3.3 narratives: who gets one (SAP 5), the facts, the text from the template, and the
writer's clinical assessment placed at staging without the build ever writing it."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import ard as A
from analysis.config import load_config
from analysis.derive.narratives import (
    compute_narrative_facts,
    derive_narrative_triggers,
    narrative_participants,
    unapplied_triggers,
)
from analysis.derive.teae import derive_var_teae
from analysis.style.narrative_text import narrative_anchor, narratives_markdown, placeholder
from report import writer_placement

CFG = load_config()


def _adsl(ids=("A", "B", "C"), died=()):
    n = len(ids)
    return pd.DataFrame({
        "USUBJID": list(ids), "SUBJID": [f"01-{u}" for u in ids], "SAFFL": ["Y"] * n,
        "AGE": [40] * n, "SEX": ["F"] * n, "RACE": ["ASIAN"] * n, "TRT01A": ["DL1"] * n,
        "RELP12": [1] * n, "RELP24": [3] * n,
        "LDSTDT": pd.to_datetime(["2025-01-01"] * n), "INFDT": pd.to_datetime(["2025-01-05"] * n),
        "DTHFL": ["Y" if u in died else "N" for u in ids],
        "DTHDT": pd.to_datetime(["2025-03-01" if u in died else None for u in ids]),
    })


def _adae(rows):
    base = {"AESER": "N", "AETOXGR": 2, "DLTFL": "N", "CRSFL": "N", "ICANSFL": "N",
            "AESDTH": "N", "AEOUT": "RECOVERED/RESOLVED", "AEDECOD": "Pyrexia",
            "AEBODSYS": "General disorders and administration site conditions",
            "TOCIFL": "N", "CORTFL": "N"}
    df = pd.DataFrame([{**base, **r} for r in rows])
    df["ASTDT"] = pd.to_datetime(df["ASTDT"])
    df["AENDT"] = pd.to_datetime(df["AENDT"]) if "AENDT" in df.columns else pd.NaT
    return df


def _flagged(adae, adsl):
    return derive_var_teae(adae, adsl, CFG)


def test_a_participant_gets_a_narrative_for_a_death_a_serious_ae_a_dlt_or_grade_3_crs():
    adsl = _adsl(("A", "B", "C", "D", "E"), died=("D",))
    ae = _adae([
        {"USUBJID": "A", "AESEQ": 1, "AESER": "Y", "ASTDT": "2025-02-01"},
        {"USUBJID": "B", "AESEQ": 1, "DLTFL": "Y", "AETOXGR": 4, "ASTDT": "2025-02-02"},  # Day 28
        {"USUBJID": "C", "AESEQ": 1, "DLTFL": "Y", "AETOXGR": 4, "ASTDT": "2025-02-03"},  # Day 29
        {"USUBJID": "C", "AESEQ": 2, "CRSFL": "Y", "AETOXGR": 2, "ASTDT": "2025-01-06"},
        {"USUBJID": "E", "AESEQ": 1, "CRSFL": "Y", "AETOXGR": 3, "ASTDT": "2025-01-06"},
    ])
    trig = derive_narrative_triggers(_flagged(ae, adsl), adsl, CFG)
    got = [(u, None if pd.isna(q) else int(q), t) for u, q, t in trig.values]
    assert got == [("A", 1, "SERIOUS"), ("B", 1, "DLT"), ("D", None, "DEATH"),
                   ("E", 1, "CRS_G3")]
    assert narrative_participants(trig) == ["A", "B", "D", "E"]


def test_a_participant_outside_the_safety_set_gets_no_narrative():
    adsl = _adsl(("A", "B"))
    ae = _adae([{"USUBJID": "A", "AESEQ": 1, "AESER": "Y", "ASTDT": "2025-02-01"},
                {"USUBJID": "B", "AESEQ": 1, "AESER": "Y", "ASTDT": "2025-02-01"}])
    trig = derive_narrative_triggers(_flagged(ae, adsl), adsl[adsl["USUBJID"] == "A"], CFG)
    assert narrative_participants(trig) == ["A"]


def test_an_adae_without_this_studys_flags_applies_the_other_triggers_and_says_which_not():
    adsl = _adsl(("A",))
    ae = _adae([{"USUBJID": "A", "AESEQ": 1, "AESER": "Y", "ASTDT": "2025-02-01"}]) \
        .drop(columns=["DLTFL", "CRSFL", "ICANSFL"])
    assert unapplied_triggers(ae) == ["DLT", "CRS_G3", "ICANS_G3"]
    trig = derive_narrative_triggers(_flagged(ae, adsl), adsl, CFG)
    assert list(trig["TRIGGER"]) == ["SERIOUS"]


def _facts_ard(adsl, ae, **kw):
    fl = _flagged(ae, adsl)
    trig = derive_narrative_triggers(fl, adsl, CFG)
    facts = compute_narrative_facts(adsl, fl, trig, CFG, group_var="TRT01A", **kw)
    return facts, A.frame([A.row("N14.3.3", r.FIELD, "value", r.NUM, group1="USUBJID",
                                 group1_level=r.USUBJID, group2="TOPIC", group2_level=r.TOPIC,
                                 variable_level=r.KEY, stat_fmt=r.VALUE)
                           for r in facts.itertuples(index=False)])


def test_facts_give_duration_ongoing_and_the_medication_started_during_the_event():
    adsl = _adsl(("A",))
    ae = _adae([{"USUBJID": "A", "AESEQ": 1, "AESER": "Y", "CRSFL": "Y", "AETOXGR": 3,
                 "ASTDT": "2025-01-06", "AENDT": "2025-01-10"},
                {"USUBJID": "A", "AESEQ": 2, "AESER": "Y", "ASTDT": "2025-02-01",
                 "AENDT": None}])
    cm = pd.DataFrame({"USUBJID": ["A", "A"], "CMSEQ": [1, 2],
                       "CMDECOD": ["TOCILIZUMAB", "IMMUNOGLOBULIN HUMAN NORMAL"],
                       "CMCAT": ["TOCILIZUMAB", "IVIG"],
                       "ASTDT": pd.to_datetime(["2025-01-07", "2025-01-20"]),
                       "AENDT": pd.to_datetime(["2025-01-07", "2025-01-21"])})
    facts, _ = _facts_ard(adsl, ae, adcm=cm, cutoff=pd.Timestamp("2025-06-01"))
    f = facts.set_index(["TOPIC", "KEY", "FIELD"])["VALUE"]
    assert f[("event", "1", "DURDY")] == "5" and ("event", "1", "ONGOING") not in f.index
    assert f[("event", "2", "ONGOING")] == "Y" and ("event", "2", "DURDY") not in f.index
    assert f[("event", "1", "TRIGGER")] == "SERIOUS; CRS_G3"
    assert f[("medication", "1", "EVENTS")] == "1"
    assert ("medication", "2", "EVENTS") not in f.index   # started between the two events
    assert f[("medication", "2", "STARTDY")] == "15"
    assert f[("treatment", "", "LDSTDY")] == "\u22124"   # SAP 4: the minus sign


def test_the_text_is_decoded_pluralised_and_ends_with_the_writers_placeholder():
    adsl = _adsl(("A",))
    ae = _adae([{"USUBJID": "A", "AESEQ": 1, "AESER": "Y", "ASTDT": "2025-01-06",
                 "AENDT": "2025-01-06", "AEOUT": "RECOVERED/RESOLVED"}])
    _, ard = _facts_ard(adsl, ae)
    text = narratives_markdown(ard, absent=["laboratory", "concomitant medication"],
                               unapplied=[])
    assert "{#" + narrative_anchor("A") + "}" in text
    assert "1 relapse in the 12 months and 3 in the 24 months" in text
    assert "Outcome: recovered/resolved" in text.replace("\\", "")
    assert "Duration 1 day " in text and "Asian" in text and "ASIAN" not in text
    assert "no laboratory or concomitant medication data" in text
    assert placeholder("01-A") in text.replace("\\", "")
    assert "1 participants" not in text and ">=" not in text


def test_no_narrative_participant_gives_one_sentence():
    empty = A.frame([A.row("N14.3.3", "BIGN", "N", 3.0, group1_level="Total")])
    text = narratives_markdown(empty, absent=[], unapplied=[]).strip()
    assert text.startswith("No participant of the Safety set had a death") and "\n" not in text


# --- the writer's clinical assessment -------------------------------------------------

DIV = ('::: {.csr-writer-text file="text/writer/narratives/A.md"}\n'
       '\\[Writer\\: clinical assessment of participant 01\\-A\\]\n:::')


@pytest.mark.parametrize("text,filled", [("", False), ("  \n", False),
                                         ("[Writer: clinical assessment of participant A]", False),
                                         ("<!-- fill in -->\n", False),
                                         ("The event resolved with treatment.", True)])
def test_a_writer_file_is_filled_when_it_holds_text_besides_the_placeholder(text, filled):
    assert writer_placement.is_filled(text) is filled


def test_a_filled_writer_file_replaces_the_placeholder_an_absent_one_keeps_it(tmp_path):
    assert writer_placement.resolve_markdown(DIV, tmp_path) == DIV
    path = tmp_path / "text" / "writer" / "narratives" / "A.md"
    path.parent.mkdir(parents=True)
    path.write_text("[Writer: clinical assessment of participant 01-A]\n", encoding="utf-8")
    assert writer_placement.resolve_markdown(DIV, tmp_path) == DIV
    path.write_text("Probably related to the CAR-T product.\n", encoding="utf-8")
    got = writer_placement.resolve_markdown(DIV, tmp_path)
    assert "Probably related to the CAR-T product." in got and "Writer" not in got


def test_a_writer_file_outside_text_writer_is_refused(tmp_path):
    bad = DIV.replace("text/writer/narratives/A.md", "../../etc/passwd")
    with pytest.raises(writer_placement.WriterTextError, match="not under text/writer/"):
        writer_placement.resolve_markdown(bad, tmp_path)


def test_staging_reads_the_writer_file_and_leaves_it_byte_for_byte(tmp_path):
    path = tmp_path / "text" / "writer" / "narratives" / "A.md"
    path.parent.mkdir(parents=True)
    raw = "Assessment \u2013 caf\u00e9\r\nsecond line without final newline".encode()
    path.write_bytes(raw)
    stat = path.stat()
    nb = tmp_path / "stage.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "execution_count": 1,
                                         "id": "c1", "metadata": {}, "source": "",
                                         "outputs": [{"output_type": "display_data",
                                                      "metadata": {},
                                                      "data": {"text/markdown": DIV}}]}],
                              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                  encoding="utf-8")
    assert writer_placement.resolve_notebook(nb, tmp_path) is True
    assert "Assessment \u2013 caf\u00e9" in nb.read_text(encoding="utf-8")
    assert path.read_bytes() == raw and path.stat().st_mtime_ns == stat.st_mtime_ns
