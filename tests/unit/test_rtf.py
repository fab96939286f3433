"""The submission TLF package: RTF per display (analysis.style.rtf) and its index
(report.tlf_index), checked by reading the RTF text back."""

import csv
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from great_tables import GT, html  # noqa: E402

from analysis import ard  # noqa: E402
from analysis.catalogue import DISPLAYS, get  # noqa: E402
from analysis.style import rtf  # noqa: E402
from report.tlf_index import entries_for, write_index  # noqa: E402

META = rtf.PageMeta(protocol_id="NCT06561009", report_version="v1.0", cutoff="2026-03-01",
                    simulated=True)


def rtf_text(raw: bytes) -> str:
    """The visible text of an RTF file: unicode escapes decoded, cells separated
    by " | ", rows and paragraphs by new lines, control words and groups dropped."""
    s = raw.decode("ascii").replace("\r", "").replace("\n", "")  # raw line ends mean nothing
    s = re.sub(r"\{\\\*?\\(?:fonttbl|colortbl)[^{}]*(?:\{[^{}]*\}[^{}]*)*\}", "", s)
    s = re.sub(r"\\u(-?\d+)\?", lambda m: chr(int(m.group(1)) % 65536), s)
    s = re.sub(r"\\uc1\\u(-?\d+)\*", lambda m: chr(int(m.group(1)) % 65536), s)
    s = s.replace("\\~", "\u00a0").replace("\\\\", "\x00b").replace("\\{", "\x00o")
    s = s.replace("\\}", "\x00c")
    s = re.sub(r"\\cell\b ?", " | ", s)
    s = re.sub(r"\\(?:row|par|line|page)\b ?", "\n", s)
    s = re.sub(r"\\\*?\\?[a-zA-Z]+-?\d* ?", "", s)
    s = s.replace("{", "").replace("}", "")
    return s.replace("\x00b", "\\").replace("\x00o", "{").replace("\x00c", "}")


def dlt_ard() -> pd.DataFrame:
    """A small T14.3.1-like ARD: N per column, participants with a DLT."""
    rows = []
    for level, n_big, n in (("DL1", 3, 0), ("DL2", 6, 1), ("Total", 9, 1)):
        rows.append(ard.row("T14.3.1", "BIGN", "N", n_big, group1="TRT01A", group1_level=level))
        rows.append(ard.row("T14.3.1", "DLT", "n", n, group1="TRT01A", group1_level=level,
                            stat_label="Participants with >=1 DLT"))
        rows.append(ard.row("T14.3.1", "DLT", "pct", 100 * n / n_big, group1="TRT01A",
                            group1_level=level))
    return ard.frame(rows)


def write_table(tmp_path, meta=META, footnotes=("DLT: dose-limiting toxicity.",)):
    wide, heads = rtf.table_inputs(dlt_ard())
    return rtf.write_display_rtf(get("T14.3.1"), body=wide, column_headers=heads,
                                 set_line="Analysis set: DLT-evaluable", footnotes=list(footnotes),
                                 source="Source: analysis/displays/t14_3_1.py; datasets: ADSL, ADAE",
                                 meta=meta, out_dir=tmp_path)


def test_table_rtf_carries_title_set_n_headers_ard_values_notes_and_page_header(tmp_path):
    path = write_table(tmp_path)
    assert path == tmp_path / "T14.3.1.rtf"
    raw = path.read_bytes()
    text = rtf_text(raw)
    assert "Table 14.3.1 Dose-limiting toxicities by dose level (primary)" in text
    assert "Analysis set: DLT-evaluable" in text
    # column headers with N from the BIGN rows
    assert "DL1\nN = 3" in text and "DL2\nN = 6" in text and "Total\nN = 9" in text
    # the body row holds the ARD's stat_fmt values, composed as in the CSR
    assert "Participants with >=1 DLT | 0 | 1 (16.7%) | 1 (11.1%) |" in text
    assert "DLT: dose-limiting toxicity." in text
    assert "Source: analysis/displays/t14_3_1.py; datasets: ADSL, ADAE" in text
    assert "Protocol NCT06561009   Report version v1.0   Data cut-off 2026-03-01" in text
    assert "SIMULATED DATA" in text
    assert b"\\fldinst PAGE " in raw and b"\\fldinst NUMPAGES " in raw
    assert b"\\landscape" not in raw  # four columns fit portrait


def test_real_data_header_has_no_simulated_mark(tmp_path):
    meta = rtf.PageMeta(protocol_id="NCT06561009", report_version="v1.0", cutoff=None)
    text = rtf_text(write_table(tmp_path, meta=meta).read_bytes())
    assert "SIMULATED" not in text
    assert "Data cut-off not stated" in text


def test_same_inputs_give_byte_identical_rtf(tmp_path):
    a = write_table(tmp_path / "a").read_bytes()
    b = write_table(tmp_path / "b").read_bytes()
    assert a == b


def test_data_text_is_escaped_and_read_back_verbatim(tmp_path):
    listing = pd.DataFrame({"Participant": ["S-1"],
                            "Verbatim term": ["{rash}\\left_arm^2 >= 1 caf\u00e9 \u2265 \u00d7"]})
    path = rtf.write_display_rtf(get("L16.2.7.1"), body=listing,
                                 column_headers=list(listing.columns), set_line="Analysis set: Safety",
                                 footnotes=[], source="Source: x", meta=META, out_dir=tmp_path)
    raw = path.read_bytes()
    raw.decode("ascii")  # every non-ASCII character is escaped
    assert "S-1 | {rash}\\left_arm^2 >= 1 caf\u00e9 \u2265 \u00d7 |" in rtf_text(raw)


def test_wide_long_listing_is_landscape_paginated_with_headers_on_every_page(tmp_path):
    cols = {f"Column {i}": [f"value {i}-{r:03d}" for r in range(150)] for i in range(12)}
    listing = pd.DataFrame(cols)
    path = rtf.write_display_rtf(get("L16.2.7.1"), body=listing, column_headers=list(cols),
                                 set_line="Analysis set: Safety", footnotes=["A note."],
                                 source="Source: x", meta=META, out_dir=tmp_path)
    raw = path.read_bytes()
    text = rtf_text(raw)
    assert b"\\landscape" in raw
    pages = raw.count(b"\\page") + 1
    assert pages > 1
    assert text.count("Column 11 |") == pages  # header row repeated on every page
    assert text.count("Listing 16.2.7.1 All adverse events") == pages
    assert "value 11-149" in text and "value 0-000" in text


def test_empty_listing_says_no_records(tmp_path):
    listing = pd.DataFrame({"Participant": pd.Series([], dtype=str),
                            "Term": pd.Series([], dtype=str)})
    path = rtf.write_display_rtf(get("L16.2.6"), body=listing, column_headers=["Participant", "Term"],
                                 set_line="Analysis set: Infused", footnotes=[], source="Source: x",
                                 meta=META, out_dir=tmp_path)
    assert "No records." in rtf_text(path.read_bytes())


def test_row_groups_and_headings_are_bold_rows_with_indented_levels():
    wide = pd.DataFrame({"group": ["Day 0-28", "Day 0-28"],
                         "label": ["Any TEAE", "\u00a0" * 4 + "Grade 3"],
                         "row_kind": ["heading", "data"], "DL1": ["", "1 (33.3%)"]})
    body = rtf.table_body(wide)
    assert body.frame.values.tolist() == [["Day 0-28", ""], ["Any TEAE", ""],
                                          ["Grade 3", "1 (33.3%)"]]
    assert body.bold == [True, True, False]
    assert body.indent == [0, 1, 2]


def test_custom_great_tables_table_gives_its_cells_and_labels():
    data = pd.DataFrame({"label": ["Cmax"], "c0": ["12.5 (40.1)"]})
    gt = GT(data, rowname_col="label").cols_label(c0=html("DL1<br>N = 3"))
    wide, heads = rtf.gt_inputs(gt)
    assert heads == ["", "DL1\nN = 3"]
    assert wide[["label", "c0"]].values.tolist() == [["Cmax", "12.5 (40.1)"]]


def _png() -> bytes:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def test_figure_is_written_as_png_and_embedded_in_its_rtf(tmp_path):
    png = _png()
    path = rtf.write_figure_rtf(get("F14.2.1"), png, set_line="Analysis set: Infused",
                                footnotes=["KM estimate."], source="Source: y", meta=META,
                                out_dir=tmp_path)
    assert (tmp_path / "F14.2.1.png").read_bytes() == png
    raw = path.read_bytes()
    assert b"\\pngblip" in raw
    assert png.hex().encode()[:200] in raw.replace(b"\n", b"")
    text = rtf_text(raw)
    assert "Figure 14.2.1 Relapse-free proportion after infusion (Kaplan-Meier)" in text
    assert "KM estimate." in text and "SIMULATED DATA" in text
    again = rtf.write_figure_rtf(get("F14.2.1"), png, set_line="Analysis set: Infused",
                                 footnotes=["KM estimate."], source="Source: y", meta=META,
                                 out_dir=tmp_path / "again").read_bytes()
    assert again == raw


def test_index_lists_every_display_with_its_files(tmp_path):
    write_table(tmp_path)
    rtf.write_figure_rtf(get("F14.2.1"), _png(), set_line="s", footnotes=[], source="x",
                         meta=META, out_dir=tmp_path)
    write_index(tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "index.csv").read_text())))
    assert [r["display_id"] for r in rows] == [d.id for d in DISPLAYS]
    by_id = {r["display_id"]: r for r in rows}
    assert by_id["T14.3.1"] == {"display_id": "T14.3.1", "number": "Table 14.3.1",
                                "title": "Dose-limiting toxicities by dose level (primary)",
                                "analysis_set": "DLT-evaluable", "files": "T14.3.1.rtf"}
    assert by_id["F14.2.1"]["files"] == "F14.2.1.rtf F14.2.1.png"
    assert by_id["L16.2.1"]["files"] == ""
    page = (tmp_path / "index.html").read_text()
    assert '<a href="T14.3.1.rtf">T14.3.1.rtf</a>' in page
    assert page.count("<tr><td>") == len(DISPLAYS)
    first = (tmp_path / "index.csv").read_bytes(), page
    write_index(tmp_path, entries_for(tmp_path))
    assert ((tmp_path / "index.csv").read_bytes(), (tmp_path / "index.html").read_text()) == first


def test_a_listing_longer_than_the_rtf_limit_keeps_the_first_rows_and_says_where_the_rest_is(
        tmp_path, monkeypatch):
    import pandas as pd

    from analysis.catalogue import get
    from analysis.style import rtf

    monkeypatch.setattr(rtf, "RTF_LISTING_MAX_ROWS", 5)
    body = pd.DataFrame({"Participant": [f"P-{i:03d}" for i in range(12)], "Value": range(12)})
    path = rtf.write_display_rtf(get("L16.2.1"), body=body, column_headers=["Participant", "Value"],
                                 set_line="Analysis set: Enrolled", footnotes=["A note."],
                                 source="Source: x", meta=rtf.page_meta("P", "v1", "2027-01-01", False),
                                 out_dir=tmp_path)
    text = path.read_text(encoding="ascii", errors="replace")
    assert "P-004" in text and "P-005" not in text
    assert "first 5 of 12 rows" in text and "listings/L16.2.1.csv" in text


def test_a_short_header_asks_for_its_whole_width_not_its_widest_word():
    """"> 24 h" over a column of "Yes"/"No" stays on one line (it was set on three)."""
    import pandas as pd

    from analysis.style import rtf_widths

    frame = pd.DataFrame({"a": ["Yes", "No"], "b": ["Yes", "No"]})
    least, _ = rtf_widths.least_and_wanted(frame, ["> 24 h", "Fever/ infection status"],
                                          [False, False], 9)
    pad = rtf_widths.PAD_INCH
    assert least[0] - pad >= rtf_widths.text_width("> 24 h", 9)
    # a longer header still wraps at its words
    assert least[1] - pad < rtf_widths.text_width("Fever/ infection status", 9)
