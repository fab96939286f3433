"""Light double programming of the listings: the same records, with the same
identifying values, in production and in QC (a failure lists each record)."""

from __future__ import annotations

import pytest
import qc_listings
from compare import SHOW, QCMismatch, cases

DISPLAYS = ["L16.2.1", "L16.2.4", "L16.2.5", "L16.2.7.1", "L16.2.7.2", "L16.2.7.3", "L16.2.6"]
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
