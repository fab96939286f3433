"""Zero counts (SAP 4, issue 14 item 8): every count cell of every table, in the CSR
table and in its RTF, is the QC formatter's ``n (xx.x%)`` of the ARD's n and pct, and a
zero count is ``0`` without a percentage, on every snapshot."""

from __future__ import annotations

from collections import Counter

import pytest
from compare import SNAPSHOTS
from qc_format import count_cell

from analysis.catalogue import DISPLAYS
from analysis.displays.registry import spec
from analysis.style import rtf, tables

pytestmark = pytest.mark.qc

TABLES = [d.id for d in DISPLAYS if d.id.startswith("T")]
CONTINUOUS = {"mean", "sd", "median", "q1", "q3", "min", "max", "geomean", "geocv"}
KEY = ["group2_level", "variable", "variable_level", "group1_level"]


def test_the_qc_count_cell_shows_a_zero_count_without_a_percentage():
    assert count_cell(0, 0.0) == "0"
    assert count_cell(3, 37.5) == "3 (37.5%)"
    assert count_cell(1, 100 / 3) == "1 (33.3%)"
    assert count_cell(float("nan"), float("nan")) == "-"


def _qc_cells(ard) -> Counter:
    """The QC text of each count cell of the ARD: a (row key, column) with n and pct and no
    continuous statistic."""
    body = ard[ard["variable"] != "BIGN"]
    out: Counter = Counter()
    for _, g in body.groupby(KEY[:3], sort=False):
        if CONTINUOUS & set(g["stat_name"]):
            continue
        for _, cell in g.groupby("group1_level", sort=False):
            stats = dict(zip(cell["stat_name"], cell["stat"], strict=True))
            if "n" in stats and "pct" in stats:
                out[count_cell(stats["n"], stats["pct"])] += 1
    return out


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
@pytest.mark.parametrize("display_id", TABLES)
def test_every_count_cell_of_the_table_and_its_rtf_is_the_qc_text(display_id, snapshot,
                                                                  qc_snapshots):
    ard = qc_snapshots.production_ard(display_id, snapshot)
    layout = spec(display_id).layout or {}
    wide = tables.layout(ard, variable_labels=layout.get("variable_labels"),
                         level_labels=layout.get("level_labels"))
    rtf_wide, _ = rtf.table_inputs(ard, layout)
    expected = _qc_cells(ard)
    for shown in (wide, rtf_wide):
        cells = Counter(str(v) for col in shown.columns[3:] for v in shown[col])
        missing = expected - cells
        assert not missing, f"{display_id} {snapshot}: count cells not shown as QC {missing}"
        zero_pct = [c for c in cells if c.startswith("0 (")]
        assert zero_pct == [], f"{display_id} {snapshot}: zero counts with a percentage"
