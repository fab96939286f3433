"""Units of the publication finishing (issue 16): DOCX table grids fitted to the section
they are in, the TLF index's SIMULATED DATA banner, and the PDF page mode/linearisation."""

from __future__ import annotations

import re

from report.docx_post import fit_table_grids, one_paragraph_properties
from report.tlf_index import index_html, package_is_simulated

PORTRAIT = ('<w:p><w:pPr><w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:left="1134" '
            'w:right="1134"/></w:sectPr></w:pPr></w:p>')
LANDSCAPE = ('<w:p><w:pPr><w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
             '<w:pgMar w:left="1134" w:right="1418"/></w:sectPr></w:pPr></w:p>')


def _table(cols):
    grid = "".join(f'<w:gridCol w:w="{c}" />' for c in cols)
    return (f'<w:tbl><w:tblPr><w:tblW w:type="pct" w:w="5000" /><w:tblLayout w:type="fixed" />'
            f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid></w:tbl>')


def _grids(xml):
    return [sum(int(w) for w in re.findall(r'w:w="(\d+)"', g))
            for g in re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", xml)]


def test_docx_table_grids_take_the_text_width_of_their_own_section():
    xml = (f"<w:body>{_table([1000, 3000])}{PORTRAIT}{_table([500, 500, 500])}{LANDSCAPE}"
           f"{_table([100, 300])}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
           f"<w:pgMar w:left=\"1134\" w:right=\"1134\"/></w:sectPr></w:body>")
    out = fit_table_grids(xml)
    portrait, landscape = 11906 - 2268, 16838 - 1134 - 1418
    grids = _grids(out)
    assert len(grids) == 3
    assert [abs(g - w) <= 3 for g, w in zip(grids, [portrait, landscape, portrait], strict=True)] == [True] * 3
    # proportions kept; every table keeps the fixed layout
    assert re.findall(r'w:w="(\d+)"', re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", out)[0]) == \
        [str(portrait // 4), str(3 * portrait // 4)]
    assert out.count('w:type="autofit"') == 0 and out.count('w:type="fixed"') == 3


def test_docx_landscape_listing_cells_are_as_wide_as_the_grid_columns_they_span():
    """LibreOffice lays a landscape listing out by its cells' widths (w:tcW), breaking words
    into letters without them; a cell spanning columns is as wide as all of them."""
    rows = ('<w:tr><w:tc><w:tcPr><w:gridSpan w:val="3" /></w:tcPr><w:p/></w:tc></w:tr>'
            '<w:tr><w:tc><w:tcPr /><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:tcPr></w:tcPr><w:p/></w:tc></w:tr>')
    table = _table([1000, 2000, 1000]).replace("</w:tbl>", rows + "</w:tbl>")
    xml = (f"<w:body>{PORTRAIT}{table}{LANDSCAPE}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
           f"<w:pgMar w:left=\"1134\" w:right=\"1134\"/></w:sectPr></w:body>")
    out = fit_table_grids(xml)
    grid = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', out)]
    widths = [int(w) for w in re.findall(r'<w:tcW w:w="(\d+)" w:type="dxa" />', out)]
    assert widths == [sum(grid), *grid]
    assert '<w:tblLayout w:type="fixed" /><w:tblCellMar><w:left w:w="80"' in out
    # a portrait table gets no cell widths (Word and LibreOffice lay it out by its grid)
    assert "<w:tcW" not in fit_table_grids(f"<w:body>{table}{PORTRAIT}</w:body>")


def test_tlf_index_has_a_simulated_banner_only_for_a_simulated_package(tmp_path):
    assert "SIMULATED DATA" in index_html([], simulated=True)
    assert "SIMULATED DATA" not in index_html([], simulated=False)
    (tmp_path / "T14.1.1.rtf").write_text(r"{\rtf1 {\header NCT | SIMULATED DATA} body}", encoding="latin-1")
    assert package_is_simulated(tmp_path)
    (tmp_path / "T14.1.1.rtf").write_text(r"{\rtf1 {\header NCT} body}", encoding="latin-1")
    assert not package_is_simulated(tmp_path)


def test_pdf_post_sets_outline_mode_and_linearises(tmp_path):
    import pikepdf
    from pypdf import PdfReader

    from report.pdf_post import finalize_pdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "a.pdf")
    finalize_pdf(tmp_path / "a.pdf")
    data = (tmp_path / "a.pdf").read_bytes()
    assert b"/Linearized" in data[:1024]
    assert PdfReader(tmp_path / "a.pdf").trailer["/Root"]["/PageMode"] == "/UseOutlines"
    copy = tmp_path / "b.pdf"
    pdf.save(copy)
    finalize_pdf(copy)
    assert copy.read_bytes() == data, "not byte-reproducible"


def test_a_quarto_caption_with_two_paragraph_properties_keeps_the_one_naming_its_style_first():
    quarto = ('<w:p><w:pPr><w:jc w:val="center" /></w:pPr><w:pPr>\n    <w:jc w:val="left"/>\n'
              '    <w:spacing w:before="200" />\n    <w:pStyle w:val="ImageCaption" />\n    </w:pPr>'
              '<w:r><w:t>Table 14.1.3</w:t></w:r></w:p>')
    out = one_paragraph_properties(quarto)
    assert out.count("<w:pPr>") == 1
    assert out.startswith('<w:p><w:pPr><w:pStyle w:val="ImageCaption" />')
    assert '<w:jc w:val="left"/>' in out and '<w:spacing w:before="200" />' in out
    plain = '<w:p><w:pPr><w:pStyle w:val="TableText" /></w:pPr><w:r><w:t>1</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="left" /></w:pPr></w:p>'
    assert one_paragraph_properties(plain) == plain


def _listing(header: list[str], body: list[list[str]]) -> str:
    def row(cells, head=False):
        pr = "<w:trPr><w:tblHeader /></w:trPr>" if head else ""
        return "<w:tr>" + pr + "".join(
            f'<w:tc><w:tcPr /><w:p><w:r><w:t xml:space="preserve">{c}</w:t></w:r></w:p></w:tc>'
            for c in cells) + "</w:tr>"
    rows = row(header, True) + "".join(row(r) for r in body)
    return _table([1000] * len(header)).replace("</w:tbl>", rows + "</w:tbl>")


def test_a_landscape_listing_takes_column_widths_from_its_text_keeping_header_words_whole():
    """LibreOffice broke header words ("Tocilizuma b") of a wide listing laid out by the
    pandoc grid; the DOCX writer sizes each column to its widest header word and body word."""
    from rtflite import get_string_width

    from report.docx_post import content_grid

    header = ["Participant", "Corticosteroids", "Tocilizumab", "Onset day", "Preferred term"]
    body = [["NCT06561009-01-0001", "No", "Yes", "\u22124", "Immune effector cell-associated "
             "neurotoxicity syndrome"]] * 3
    table = _listing(header, body)
    width = 16838 - 1134 - 1418
    grid, margin = content_grid(table, width)
    assert sum(grid) == width and margin == 80
    for i, word in enumerate(["NCT06561009-01-0001", "Corticosteroids", "Tocilizumab", "Onset",
                              "neurotoxicity"]):
        assert grid[i] - 2 * margin >= get_string_width(word, font_size=9) * 1440
    # the long text column gets the most of what is left
    assert grid[4] == max(grid)
    # a page too narrow for every whole word: margins narrow, then identifiers break at
    # hyphens, while header words stay whole
    grid, margin = content_grid(_listing(header * 3, [r * 3 for r in body]), width)
    assert margin == 40 and sum(grid) == width
    assert grid[1] - 2 * margin >= get_string_width("Corticosteroids", font_size=9) * 1440
    assert content_grid(_table([1000, 2000]), width) is None   # no text: the grid is kept


def test_the_docx_writer_sets_a_landscape_listing_grid_from_its_text():
    table = _listing(["Participant", "Tocilizumab"], [["NCT06561009-01-0001", "Yes"]])
    xml = (f"<w:body>{PORTRAIT}{table}{LANDSCAPE}<w:sectPr><w:pgSz w:w=\"11906\" "
           f"w:h=\"16838\"/><w:pgMar w:left=\"1134\" w:right=\"1134\"/></w:sectPr></w:body>")
    grid = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', fit_table_grids(xml))]
    assert sum(grid) == 16838 - 1134 - 1418 and grid != [7143, 7143] and grid[0] > grid[1]


def test_a_column_of_short_phrases_keeps_each_on_one_line_while_the_page_allows():
    """The dose level "DL1 (0.5 × 10⁶/kg)" took two or three lines in LibreOffice beside a
    column of running text; as in the PDF, it keeps its line, and on a crowded page it
    wraps onto two lines at most."""
    from rtflite import get_string_width

    from report.docx_post import content_grid

    dose = "DL1 (0.5 \u00d7 10\u2076/kg)"
    long = "Immune effector cell-associated neurotoxicity syndrome, resolved after two days"
    width = 16838 - 1134 - 1418
    # four columns of running text want more than the page: the dose level keeps its line
    grid, margin = content_grid(_listing(["Dose level"] + ["Verbatim"] * 4,
                                         [[dose] + [long] * 4] * 3), width)
    line = get_string_width(dose, font_size=9) * 1440
    assert grid[0] - 2 * margin >= line
    # more and more columns of one long word each: the dose level keeps its line as long as
    # the page allows, then wraps onto two lines (0.6 of its line) at most
    filler = "Hypogammaglobulinaemia"
    seen_wrapped = False
    for k in range(1, 40):   # five long words, then one narrow "No" column more each time
        cells = [filler] * min(k, 5) + ["No"] * max(0, k - 5)
        table = _listing(["Dose level"] + [f"T{i}" for i in range(k)], [[dose] + cells] * 3)
        grid, margin = content_grid(table, width)
        if margin != 80:
            break                               # not even whole words fit any more
        if grid[0] - 2 * margin < line:
            seen_wrapped = True
            assert grid[0] - 2 * margin >= 0.6 * line, k
    assert seen_wrapped
