"""Pipe tables of the narrative sections (plan, appendix): alignment, widths, digests."""

from __future__ import annotations

import pytest

from analysis.style.markdown import grouped, table


def test_columns_are_left_aligned_with_equal_widths_by_default():
    text = table(("A", "B"), [("x", "y")])
    assert text.splitlines()[1] == "|:--------|:--------|"


def test_widths_set_the_dashes_and_align_the_colons():
    sep = table(("Name", "N", "Note"), [("a", "1", "b")], widths=(1, 0.5, 3),
                align="lrc").splitlines()[1]
    assert sep == "|:--------|----:|:------------------------:|"


def test_one_align_letter_and_one_width_per_column_are_required():
    with pytest.raises(ValueError, match="one align letter"):
        table(("A", "B"), [], align="l")
    with pytest.raises(ValueError, match="one width"):
        table(("A", "B"), [], widths=(1,))


def test_a_digest_is_shown_in_groups_that_join_back_to_it():
    digest = "0123456789abcdef" * 4
    shown = grouped(digest)
    assert shown.split() == [digest[i:i + 16] for i in range(0, 64, 16)]
    assert shown.replace(" ", "") == digest
