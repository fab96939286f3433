"""The generic table layout and the great-tables house style (SAP 4, SAP 5)."""

import pandas as pd

from analysis import ard
from analysis.style.tables import INDENT, gt_table, layout, table_id

G = dict(group1="TRT01A")
TRICKY = r"<b>IL-6 > 100 pg/mL</b> 50% #1 $x$ @ref *a* \end"


def _demo_ard():
    rows = [ard.row("T9.9", "BIGN", "N", 3, group1_level="DL1", **G),
            ard.row("T9.9", "BIGN", "N", 5, group1_level="Total", **G)]
    for col, big in (("DL1", 3), ("Total", 5)):
        for k, v in dict(n=3, mean=40.25, sd=3.1, median=40, q1=38, q3=42, min=35, max=45).items():
            rows.append(ard.row("T9.9", "AGE", k, v, group1_level=col, **G))
        for lev, n in (("F", 2), ("M", 1)):
            for k, v in (("n", n), ("N", big), ("pct", 100 * n / big)):
                rows.append(ard.row("T9.9", "SEX", k, v, group1_level=col, variable_level=lev, **G))
        rows.append(ard.row("T9.9", "DIED", "n", 0, group1_level=col, **G))
        rows.append(ard.row("T9.9", "DIED", "pct", 0.0, group1_level=col, **G))
        rows += ard.stat_rows({"rate": 0.125, "lcl": 0.03, "ucl": 0.31}, display_id="T9.9",
                              variable="ARR", group1_level=col, **G)
        rows.append(ard.text_row("T9.9", "DECISION", "Escalate", group1_level=col, **G))
    return ard.frame(rows)


def test_layout_composes_cells_and_orders_rows_by_first_appearance():
    wide = layout(_demo_ard(), variable_labels={"DIED": "Died", "ARR": "ARR",
                                                "DECISION": "3+3 decision"})
    expected = pd.DataFrame(
        [
            ["", "Age (years)", "heading", "", ""],
            ["", INDENT + "n", "data", "3", "3"],
            ["", INDENT + "Mean (SD)", "data", "40.3 (3.10)", "40.3 (3.10)"],
            ["", INDENT + "Median (Q1, Q3)", "data", "40.0 (38.0, 42.0)", "40.0 (38.0, 42.0)"],
            ["", INDENT + "Min, Max", "data", "35, 45", "35, 45"],
            ["", "Sex", "heading", "", ""],
            ["", INDENT + "Female", "data", "2 (66.7%)", "2 (40.0%)"],  # SEX decoded by its variable
            ["", INDENT + "Male", "data", "1 (33.3%)", "1 (20.0%)"],
            ["", "Died", "data", "0", "0"],
            ["", "ARR", "data", "0.13 (0.03, 0.31)", "0.13 (0.03, 0.31)"],
            ["", "3+3 decision", "data", "Escalate", "Escalate"],
        ],
        columns=["group", "label", "row_kind", "DL1", "Total"],
    )
    pd.testing.assert_frame_equal(wide, expected)


def test_layout_puts_group2_levels_in_row_groups_and_levels_under_their_variable():
    rows = []
    for win in ("Day 0-28", "Overall"):
        for col in ("DL1", "Total"):
            for pt, n in (("Pyrexia", 1), ("Headache", 2)):
                rows += [ard.row("T9.9", "AEDECOD", "n", n, group1_level=col, group2="WINDOW",
                                 group2_level=win, variable_level=pt, **G),
                         ard.row("T9.9", "AEDECOD", "pct", 25.0 * n, group1_level=col,
                                 group2="WINDOW", group2_level=win, variable_level=pt, **G)]
    wide = layout(ard.frame(rows), variable_labels={"AEDECOD": "Preferred term"})
    assert wide["group"].tolist() == ["Day 0-28"] * 3 + ["Overall"] * 3
    assert wide["label"].tolist() == ["Preferred term", INDENT + "Pyrexia", INDENT + "Headache"] * 2
    assert wide["DL1"].tolist() == ["", "1 (25.0%)", "2 (50.0%)"] * 2


def test_gt_table_has_n_in_column_labels_and_notes_in_order():
    html = gt_table(_demo_ard(), set_line="Analysis set: Safety",
                    footnotes=["Note one.", "Note two."], source="Source: prog.py").as_raw_html()
    assert "DL1<br>N = 3" in html and "Total<br>N = 5" in html
    assert "Analysis set: Safety" in html
    assert html.index("Note one.") < html.index("Note two.") < html.index("Source: prog.py")


def test_gt_table_html_is_deterministic_with_an_id_from_the_display():
    a = gt_table(_demo_ard(), set_line="Analysis set: Safety").as_raw_html()
    b = gt_table(_demo_ard(), set_line="Analysis set: Safety").as_raw_html()
    assert a == b
    assert table_id("T9.9") == "t9-9"
    assert 'id="t9-9"' in a


def test_data_text_in_cells_labels_and_notes_is_escaped_not_html_or_markdown():
    rows = [ard.row("T9.9", "BIGN", "N", 1, group1_level="DL1", **G),
            ard.row("T9.9", "AEDECOD", "n", 1, group1_level="DL1", variable_level=TRICKY, **G),
            ard.row("T9.9", "AEDECOD", "pct", 100.0, group1_level="DL1", variable_level=TRICKY, **G),
            ard.text_row("T9.9", "TERMS", TRICKY, group1_level="DL1", **G)]
    html = gt_table(ard.frame(rows), footnotes=[TRICKY]).as_raw_html()
    escaped = r"&lt;b&gt;IL-6 &gt; 100 pg/mL&lt;/b&gt; 50% #1 $x$ @ref *a* \end"
    assert html.count(escaped) == 3  # stub, text cell, footnote
    assert "<b>IL-6" not in html
    assert "<em>a</em>" not in html


def test_a_specific_stat_label_names_a_single_row_variable():
    rows = [ard.row("T9.9", "BIGN", "N", 4, group1_level="DL1", **G)]
    rows += [ard.row("T9.9", "ANY", "n", 1, group1_level="DL1", stat_label="Any TEAE", **G),
             ard.row("T9.9", "ANY", "pct", 25.0, group1_level="DL1", stat_label="%", **G)]
    wide = layout(ard.frame(rows))
    assert wide[["label", "DL1"]].values.tolist() == [["Any TEAE", "1 (25.0%)"]]


def test_an_empty_analysis_set_keeps_its_columns_and_one_row_saying_why():
    from analysis.style.tables import nobody_layout

    ard_rows = ard.frame([ard.row("T14.2.2", "BIGN", "N", 0, group1="TRT01A", group1_level=lv)
                          for lv in ("DL1", "DL2", "Total")])
    wide = nobody_layout(ard_rows, "No participant was in the Infused set.")
    assert list(wide.columns) == ["group", "label", "row_kind", "DL1", "DL2", "Total"]
    assert wide.to_dict("records") == [{"group": "", "label": "No participant was in the "
                                        "Infused set.", "row_kind": "data", "DL1": "",
                                        "DL2": "", "Total": ""}]
    html = gt_table(ard_rows, "T14.2.2").as_raw_html()  # the generic layout has no rows
    assert "N = 0" in html
