"""The QC suite covers the registry: every registered display (analysis.displays.registry)
has exactly one QC program, and no QC program names a display the registry lacks."""

from __future__ import annotations

import test_qc_biomarkers
import test_qc_efficacy
import test_qc_labsafety
import test_qc_listings
import test_qc_narratives
import test_qc_participants
import test_qc_remaining
import test_qc_safety

from analysis.displays.registry import registered

QC_DISPLAYS = [
    *test_qc_participants.DISPLAYS, *test_qc_efficacy.DISPLAYS, *test_qc_safety.DISPLAYS,
    *test_qc_listings.DISPLAYS, *test_qc_biomarkers.PROGRAMS, *test_qc_labsafety.PROGRAMS,
    *test_qc_remaining.PROGRAMS, *test_qc_narratives.PROGRAMS,
]


def test_every_registered_display_has_exactly_one_qc_program():
    twice = sorted({d for d in QC_DISPLAYS if QC_DISPLAYS.count(d) > 1})
    assert twice == []
    assert sorted(QC_DISPLAYS) == sorted(registered())
