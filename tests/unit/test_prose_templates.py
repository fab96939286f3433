"""The CSR text templates (report/prose.py): ARD values, agreement, conditions, and an
unresolvable reference failing with its file and line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import ard as A
from report import prose

FACTS = prose.Facts(cutoff="2026-09-30", empty_datasets=frozenset({"ADPC"}))


def _ard(dlt_n: float, bign: float = 3) -> pd.DataFrame:
    rows = [A.row("T14.3.1", "BIGN", "N", bign, group1_level=lv) for lv in ("DL1", "Total")]
    rows += [A.row("T14.3.1", "DLT", "n", dlt_n, group1_level=lv) for lv in ("DL1", "Total")]
    rows += [A.row("T14.3.1", "DLT", "pct", 100 * dlt_n / bign if bign else None, group1_level=lv)
             for lv in ("DL1", "Total")]
    return A.frame(rows)


def render(source: str, ards=None, name="text/prose/x.md") -> str:
    return prose.render_text(source, name, {"T14.3.1": _ard(1)} if ards is None else ards,
                             FACTS)


def test_a_reference_is_replaced_by_the_ard_value():
    out = render('{{ stat("T14.3.1", "n", variable="DLT", group1_level="DL1") }} of '
                 '{{ stat("T14.3.1", "N", variable="BIGN", group1_level="DL1") }}')
    assert out == "1 of 3\n"


def test_count_agrees_with_its_noun_and_n_pct_drops_the_percentage_of_zero():
    src = ('{{ count("T14.3.1", "participant", variable="DLT", group1_level="Total") }}; '
           '{{ count("T14.3.1", "participant", pct=True, variable="DLT", group1_level="Total") }}; '
           '{{ n_pct("T14.3.1", variable="DLT", group1_level="Total") }}')
    assert render(src) == "1 participant; 1 (33.3%) participant; 1 (33.3%)\n"
    zero = render(src, {"T14.3.1": _ard(0)})
    assert zero == "0 participants; 0 participants; 0\n"


def test_a_condition_chooses_the_sentence_from_the_data():
    src = ('{% if value("T14.3.1", "n", variable="DLT", group1_level="Total") == 0 %}'
           "No DLT was observed.{% else %}DLTs were observed.{% endif %}")
    assert render(src, {"T14.3.1": _ard(0)}) == "No DLT was observed.\n"
    assert render(src, {"T14.3.1": _ard(2)}) == "DLTs were observed.\n"


def test_a_missing_ard_row_fails_naming_the_file_the_line_and_the_reference():
    src = 'First line.\n{{ stat("T14.3.1", "n", variable="NOSUCH", group1_level="DL1") }}\n'
    with pytest.raises(prose.TextError) as err:
        render(src, name="text/prose/12-01-dlt/dlt.md")
    msg = str(err.value)
    assert "text/prose/12-01-dlt/dlt.md, line 2" in msg
    assert 'variable="NOSUCH"' in msg and "outside a {% call prose" in msg


@pytest.mark.parametrize("src, words", [
    ('{{ stat("T99.9", "n") }}', "unknown display 'T99.9'"),
    ('{{ stat("T14.3.1", "n", varible="DLT") }}', "unknown ARD columns"),
    ("ok\n\n{{ no_such_name }}", "line 3"),
    ("{% if %}", "TemplateSyntaxError"),
])
def test_a_mistake_in_a_template_fails_whatever_the_snapshot(src, words):
    with pytest.raises(prose.TextError, match="text/prose/x.md") as err:
        render(src)
    assert words in str(err.value)


def test_a_prose_paragraph_without_its_statistic_says_once_which_display_and_why():
    src = ('{% call prose("T14.3.1") %}Median {{ stat("T14.3.1", "median", variable="DLT", '
           'group1_level="Total") }}.{% endcall %}')
    out = render(src)
    assert out.startswith("Table 14.3.1 *") and "is not evaluable: it has no median of DLT" in out
    empty_set = render(src, {"T14.3.1": _ard(0, bign=0)})
    assert "no participant was in the DLT\\-evaluable set at the data cut\\-off" in empty_set


def test_a_prose_paragraph_about_a_display_without_ard_is_left_out():
    src = ('{% call prose("T14.3.1") %}{{ stat("T14.3.1", "n", variable="DLT", '
           'group1_level="Total") }}{% endcall %}')
    assert render(src, {}) == ""


def test_data_text_is_escaped_by_the_esc_filter():
    assert render('{{ "<b>*x*</b>" | esc }}') == "\\<b\\>\\*x\\*\\<\\/b\\>\n"


def test_a_notebook_marker_is_replaced_by_its_resolved_template(tmp_path):
    (tmp_path / "text" / "prose" / "ch").mkdir(parents=True)
    (tmp_path / "text" / "prose" / "ch" / "a.md").write_text(
        'N = {{ stat("T14.3.1", "N", variable="BIGN", group1_level="Total") }}.\n')
    (tmp_path / "text" / "prose" / "ch" / "b.md").write_text("{{# nothing to say #}}\n")
    marker = {"output_type": "display_data", "data": {"text/markdown": "[text]"}}
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {**marker, "metadata": {"csr-text": "ch/a"}},
        {**marker, "metadata": {"csr-text": "ch/b"}}]}]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    used = prose.resolve_notebook(path, tmp_path, {"T14.3.1": _ard(1)}, FACTS)
    outs = json.loads(path.read_text())["cells"][0]["outputs"]
    assert used == ["text/prose/ch/a.md", "text/prose/ch/b.md"]
    assert [o["data"]["text/markdown"] for o in outs] == ["N = 3.\n"]


def test_a_heading_anchor_is_text_and_a_comment_is_dropped():
    src = "## Ethics {#sec-ethics}\n\n{{# a note for writers #}}Text."
    assert render(src) == "## Ethics {#sec-ethics}\n\nText.\n"
