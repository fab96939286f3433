"""Light double programming of the listings: the same records, with the same
identifying values, in production and in QC (a failure lists each record)."""

from __future__ import annotations

import pytest
import qc_listings
from compare import SHOW, QCMismatch, cases

DISPLAYS = ["L16.2.1", "L16.2.4", "L16.2.5", "L16.2.7.1", "L16.2.7.2", "L16.2.7.3", "L16.2.6",
            "L16.2.2", "L16.2.3", "L16.2.6.1", "L16.2.6.2", "L16.2.6.3", "L16.2.6.4", "L16.2.6.5",
            "L16.2.8.1", "L16.2.8.2"]
FINDINGS: dict[tuple[str, str], str] = {}

pytestmark = pytest.mark.qc


@pytest.mark.parametrize("display_id,snapshot", cases(DISPLAYS, FINDINGS))
def test_listing_holds_the_qc_records(display_id, snapshot, qc_snapshots, qc_config):
    snap = qc_snapshots(snapshot)
    prod = qc_snapshots.production_ard(display_id, snapshot)
    qc_fn = getattr(qc_listings, "qc_" + display_id.lower().replace(".", "_"))
    diffs = qc_listings.compare_listing(prod, qc_fn(snap.folder, qc_config), display_id)
    if diffs:
        raise QCMismatch(f"{display_id}: {len(diffs)} listing mismatches\n  "
                         + "\n  ".join(diffs[:SHOW]))


def test_relapse_flags_reasons_and_30_day_merge():
    import pandas as pd

    ep = pd.DataFrame({
        "USUBJID": ["A"] * 5 + ["B"],
        "RLSEQ": [1, 2, 3, 4, 5, 1],
        "ASTDT": pd.to_datetime(["2025-01-01", "2025-01-31", "2025-02-01", "2025-02-10",
                                 "2025-03-05", "2025-01-20"]),
        "RLGT24H": ["Y", "Y", "Y", "N", "Y", "Y"],
        "RLFEVINF": ["N", "N", "N", "N", "Y", "N"],
    })
    got = qc_listings.relapse_flags(ep, merge_days=30)
    assert list(got["COUNTED"]) == ["Y", "N", "Y", "N", "N", "Y"]
    assert list(got["REASON"]) == ["", "Merged into the relapse of 2025-01-01", "",
                                   "Symptoms lasted 24 h or less",
                                   "Explained by fever or infection", ""]
