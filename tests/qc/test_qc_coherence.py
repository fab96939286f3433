"""Double programming of the cross-dataset rules (issue 14): the QC program's findings
(qc_coherence, DuckDB SQL) == production's (data_contract.consistency), on every
snapshot and on copies with injected discordances."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
import qc_coherence
import qc_db
from compare import SNAPSHOTS

from data_contract.consistency import consistency_findings
from data_contract.study import contract_config

pytestmark = pytest.mark.qc


def _frames(folder) -> dict[str, pd.DataFrame]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {n: pd.read_parquet(folder / e["file"]) for n, e in manifest["datasets"].items()
            if n in ("ADSL", "ADAE", "ADLB", "ADVS")}


def _production(frames) -> set:
    found = consistency_findings(frames, contract_config().codelists)
    return {(e.rule, e.usubjid, e.row if e.dataset == "ADAE" else e.dataset) for e in found}


def _con(frames) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    for name, df in frames.items():
        con.register(name, df)
    return con


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_consistency_findings_match_qc(snapshot, qc_snapshots):
    snap = qc_snapshots(snapshot)
    frames = _frames(snap.folder)
    assert _production(frames) == qc_coherence.qc_findings(qc_db.connect(snap.folder))


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_injected_discordances_are_found_by_both(snapshot, qc_snapshots):
    frames = _frames(qc_snapshots(snapshot).folder)
    ae = frames["ADAE"].copy()
    lab = ae.index[ae.AEDECOD.isin(["Neutrophil count decreased", "Lymphocyte count decreased"])]
    ae.loc[lab[:3], "AETOXGR"] = 2                           # lab AE grade off ADLB's
    ae = ae.drop(index=lab[3:4])                             # ADLB grade >= 3 with no AE
    crs = ae.index[ae.CRSFL == "Y"]
    ae.loc[crs[:2], "AETOXGR"] = 4                           # CRS grade off ADVS's
    other = ae.index[(ae.CRSFL != "Y") & ~ae.AEDECOD.str.contains("count decreased")]
    ae.loc[other[:2], "DLTFL"] = "Y"                         # DLT without criterion
    ae.loc[other[2:3], ["DLTFL", "AETOXGR", "ASTDY", "AENDY"]] = ["Y", 3, 5, 20]
    frames["ADAE"] = ae.reset_index(drop=True)
    prod = _production(frames)
    assert len(prod) >= 5
    assert prod == qc_coherence.qc_findings(_con(frames))
