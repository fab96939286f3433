"""The typst layout of tables and landscape pages (report/assets/typst.lua, issue 16): rows
never split and kept with the rows a break would strand, a lone long text across the value
columns, stub widths from the labels, one run of landscape pages for listings in a row.
Checked on the typst pandoc writes with the filter, then compiled by typst."""

from __future__ import annotations

import re
import subprocess

import pytest

from report.engine_builtin import ASSETS, pandoc_path


def _typst(markdown: str) -> str:
    return subprocess.run([pandoc_path(), "-f", "markdown", "-t", "typst",
                           "-L", str(ASSETS / "typst.lua")],
                          input=markdown.encode(), capture_output=True, check=True).stdout.decode()


def _table(rows: list[tuple[str, str, str]], caption: str = "Table 14.9.9 Test") -> str:
    lines = ["| Label | DL1 | Total |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + f"\n\n: {caption}\n"


def _cells(typ: str) -> list[str]:
    return re.findall(r"table\.cell\([^)]*\)", typ)


def test_heading_rows_are_kept_on_one_page_with_the_first_row_of_values():
    rows = [("a", "1", "2"), ("b", "1", "2"), ("c", "1", "2"), ("d", "1", "2"),
            ("Group", "", ""), ("Variable", "", ""), ("n", "3", "4"), ("e", "1", "2"),
            ("f", "1", "2"), ("g", "1", "2"), ("h", "1", "2")]
    typ = _typst(_table(rows))
    keepers = [c for c in _cells(typ) if "inset: 0pt" in c and "breakable: false" in c]
    spans = [int(m.group(1)) if (m := re.search(r"rowspan: (\d+)", c)) else 1 for c in keepers]
    # first three rows together; Group + Variable + n; d, e, f alone; g and h close the table
    # with f (the last three rows); every row is covered by exactly one unbreakable keeper
    assert spans == [3, 1, 3, 1, 3]
    assert sum(spans) == len(rows)
    assert re.search(r"columns: \([^)]*auto\)", typ), "no zero-width keeper column"


def test_a_lone_long_text_in_the_last_column_spans_the_value_columns():
    text = "MTD not reached: no dose level had two participants with a DLT in its cohort"
    typ = _typst(_table([("n", "1", "2"), ("Maximum tolerated dose", "", text)]))
    wide = re.search(r"table\.cell\(align: left, colspan: 2\)\[([^\]]*)\]", typ)
    assert wide and "MTD" in wide.group(1)


def test_display_stub_is_as_wide_as_its_labels_ask_and_value_columns_share_the_rest():
    long_label = "Participants with a post-baseline scan and a lesion"
    typ = _typst(_table([(long_label, "1 (5.0%)", "2 (10.0%)"), ("n", "3", "4")]))
    widths = [float(w) for w in re.search(r"columns: \(([^)]*)\)", typ).group(1)
              .replace("%", "").replace("auto", "").strip(", ").split(",")]
    stub, *values = widths
    assert stub > values[0] and len(set(values)) == 1
    assert abs(sum(widths) - 100) < 0.1


def test_tables_that_are_not_displays_keep_their_widths():
    typ = _typst("| a | b |\n|---|---|\n| x | y |\n")
    assert re.search(r"columns: \(auto, auto, auto\)|columns: 3", typ), typ


def test_listings_in_a_row_share_one_run_of_landscape_pages_with_the_text_between():
    md = ("# 16 Appendices\n\nIntro.\n\n::: {.landscape}\n" + _table([("x", "1", "2")], "Listing 16.2.1 A") +
          ":::\n\n## 16.2.2 Next\n\nText.\n\n::: {.landscape}\n" + _table([("y", "1", "2")], "Listing 16.2.2 B") +
          ":::\n\n# 17 After\n\n" + _table([("z", "1", "2")]))
    typ = _typst(md)
    assert typ.count("#page(flipped: true)[") == 1
    run = typ[typ.index("#page(flipped: true)["):]
    # the chapter heading before the first listing joins the run; the next chapter does not
    assert typ.index("16 Appendices") > typ.index("#page(flipped: true)[")
    assert run.index("Listing 16.2.2") < run.index("17 After")


@pytest.mark.parametrize("rows", [[("x" * 4000, "1", "2"), ("Group", "", ""), ("n", "1", "2")]])
def test_a_run_with_more_text_than_a_page_holds_may_break(rows):
    typ = _typst(_table(rows))
    first = [c for c in _cells(typ) if "inset: 0pt" in c][1]   # [0]: the header's keeper
    assert "breakable" not in first
