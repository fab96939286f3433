"""Double programming of N14.3.3: the participants who get a narrative (SAP 5) and every
fact of their narratives, production ARD == QC ARD on every snapshot; and the QC triggers
on small literal records."""

from __future__ import annotations

import pandas as pd
import pytest
import qc_narratives
from compare import cases, run_case

PROGRAMS = {"N14.3.3": qc_narratives.qc_n14_3_3}
FINDINGS: dict[tuple[str, str], str] = {}

pytestmark = pytest.mark.qc


@pytest.mark.parametrize("display_id,snapshot", cases(PROGRAMS, FINDINGS))
def test_narrative_facts_match_qc(display_id, snapshot, qc_snapshots, qc_config):
    run_case(qc_snapshots, qc_config, display_id, snapshot, PROGRAMS[display_id])


def test_narrative_participants_are_those_sap_5_names(qc_snapshots, qc_config):
    """sim-final: the participants with a narrative are those QC finds with a death, a
    serious AE, a DLT or grade >=3 CRS/ICANS (and at least one has one)."""
    from qc_db import connect

    snap = qc_snapshots("sim-final")
    got = set(qc_narratives.triggers(connect(snap.folder), qc_config)["USUBJID"])
    prod = qc_snapshots.production_ard("N14.3.3", "sim-final")
    assert set(prod.loc[prod["group1"] == "USUBJID", "group1_level"]) == got != set()


def test_an_unflagged_death_triggers_a_narrative_without_an_event(qc_config):
    import duckdb

    con = duckdb.connect(":memory:")
    con.register("ADSL", pd.DataFrame({
        "USUBJID": ["A", "B"], "SAFFL": ["Y", "Y"], "DTHFL": ["Y", "N"],
        "DTHDT": pd.to_datetime(["2025-03-01", None]),
        "INFDT": pd.to_datetime(["2025-01-05", "2025-01-05"]),
        "LDSTDT": pd.to_datetime(["2025-01-01", "2025-01-01"])}))
    con.register("ADAE", pd.DataFrame({
        "USUBJID": ["B", "B"], "AESEQ": [1, 2], "AESDTH": ["N", "N"],
        "AEOUT": ["RECOVERED/RESOLVED"] * 2, "AETOXGR": [3, 4], "AESER": ["N", "N"],
        "DLTFL": ["Y", "Y"], "ASTDT": pd.to_datetime(["2025-01-10", "2025-02-10"]),
        "CRSFL": ["Y", "N"], "ICANSFL": ["N", "N"]}))
    got = qc_narratives.triggers(con, qc_config)
    rows = sorted((u, None if pd.isna(q) else int(q), t) for u, q, t in got.values)
    # B's DLT flag on Day 36 is outside Day 0-28: no trigger
    assert rows == [("A", None, "DEATH"), ("B", 1, "CRS_G3"), ("B", 1, "DLT")]
