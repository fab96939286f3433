"""Listings: short ones in full, long ones linked (the CSR does not grow with n)."""

import re

import pandas as pd

from analysis.style import listings
from analysis.style.listings import MAX_ROWS, PREVIEW_ROWS, as_text, listing_gt, write_full


def _listing(n):
    return pd.DataFrame({
        "Participant": [f"S-{i:04d}" for i in range(n)],
        "Date": pd.to_datetime(["2025-01-02"] * n),
        "Term": ["<b>Rash</b> *a*"] * n,
        "Grade": pd.array([1] * (n - 1) + [None], dtype="Int64") if n else pd.array([], "Int64"),
    })


def test_as_text_gives_iso_dates_and_empty_missing_values():
    t = as_text(_listing(2))
    assert t.loc[0].tolist() == ["S-0000", "2025-01-02", "<b>Rash</b> *a*", "1"]
    assert t.loc[1, "Grade"] == ""


def test_listing_at_threshold_is_shown_in_full_without_link(tmp_path):
    html = listing_gt(_listing(MAX_ROWS), "L9.9", outputs_dir=tmp_path).as_raw_html()
    assert html.count("S-0") == MAX_ROWS
    assert "listings/L9.9.html" not in html


def test_listing_above_threshold_shows_first_rows_and_links_the_full_page(tmp_path):
    n = MAX_ROWS + 1
    html = listing_gt(_listing(n), "L9.9", outputs_dir=tmp_path, title="Listing 9.9 X").as_raw_html()
    assert html.count("S-0") == PREVIEW_ROWS
    assert 'href="listings/L9.9.html"' in html
    assert f"The first {PREVIEW_ROWS} of {n} rows are shown" in html
    page = (tmp_path / "listings" / "L9.9.html").read_text()
    assert page.count("<td>S-0") == n
    assert "&lt;b&gt;Rash&lt;/b&gt;" in page and "<b>Rash" not in page
    assert "http" not in page  # self-contained: no external request
    csv = pd.read_csv(tmp_path / "listings" / "L9.9.csv")
    assert len(csv) == n


def test_full_listing_files_are_deterministic(tmp_path):
    a = write_full(_listing(5), "L9.9", tmp_path / "a", title="T")
    b = write_full(_listing(5), "L9.9", tmp_path / "b", title="T")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_empty_listing_says_no_records():
    html = listing_gt(_listing(0), "L9.9").as_raw_html()
    assert "No records." in html


def test_link_target_is_relative():
    assert listings.link_target("L16.2.1") == "listings/L16.2.1.html"


def test_listing_columns_get_relative_widths_so_long_ids_wrap_inside_their_column():
    import re

    import pandas as pd

    from analysis.style.listings import listing_gt

    listing = pd.DataFrame({
        "Participant": ["NCT06561009-01-0019", "NCT06561009-01-0020"],
        "Sex": ["F", "M"],
        "Prior immunosuppressants": ["RITUXIMAB; TOCILIZUMAB; AZATHIOPRINE", "TACROLIMUS"],
    })
    html = listing_gt(listing, "L16.2.4").as_raw_html()
    widths = [float(w) for w in re.findall(r'<col style="width:([\d.]+)%;"', html)]
    assert len(widths) == 3
    assert abs(sum(widths) - 100) < 0.5
    # the identifier column is wider than the one-letter column
    assert widths[0] > widths[1]


def _csr_inches(listing):
    from analysis.style.listings import CSR_WIDTH_INCH, relative_widths

    names = {c: f"c{i}" for i, c in enumerate(listing.columns)}
    widths = relative_widths(listing, names)
    return {col: float(widths[c][:-1]) / 100 * CSR_WIDTH_INCH for col, c in names.items()}


def _need(text):
    from analysis.style.listings import CSR_PAD_INCH, FONT_FACTOR
    from analysis.style.rtf_widths import text_width

    return text_width(text, 9) * FONT_FACTOR + CSR_PAD_INCH


DOSE = "DL2 (1.0 × 10⁶/kg)"


def test_listing_short_phrases_stay_on_one_line_where_the_page_has_room():
    n = 3
    listing = pd.DataFrame({"Participant": ["NCT06561009-01-0001"] * n, "Dose level": [DOSE] * n,
                            "Start date": ["2025-10-16"] * n, "Outcome": ["RECOVERED/RESOLVED"] * n})
    inches = _csr_inches(listing)
    assert inches["Dose level"] >= _need(DOSE) - 0.01
    assert inches["Outcome"] >= _need("RECOVERED/RESOLVED") - 0.01


def _fourteen_columns(n: int = 3) -> pd.DataFrame:
    """The columns of L16.2.7.1 (TEAEs)."""
    return pd.DataFrame({
        "Participant": ["NCT06561009-01-0001"] * n, "Dose level": [DOSE] * n,
        "Seq.": ["1"] * n, "SOC": ["General disorders and administration site conditions"] * n,
        "Preferred term": ["Alanine aminotransferase increased"] * n,
        "Start date": ["2025-10-16"] * n, "End date": ["2025-10-31"] * n, "Onset day": ["15"] * n,
        "Grade": ["1"] * n, "Serious": ["N"] * n, "Related": ["NOT RELATED"] * n,
        "Outcome": ["RECOVERED/RESOLVED"] * n, "TEAE": ["Y"] * n,
        "Lymphodepletion to Day 28": ["Y"] * n,
    })


def test_listing_of_14_columns_keeps_every_word_within_its_column_and_dose_on_two_lines():
    """L16.2.7.1's 14 columns do not fit a landscape page with every phrase on one line:
    phrase columns wrap (the dose level onto two lines at most), words never run over."""
    listing = _fourteen_columns()
    inches = _csr_inches(listing)
    assert inches["Dose level"] >= 0.5 * _need(DOSE)
    for col in listing.columns:
        words = " ".join(listing[col]).replace("/", "/ ").split()
        assert inches[col] >= max(_need(w) for w in words) - 0.01, col


def test_html_listing_keeps_on_one_line_the_short_phrase_columns_the_page_keeps_on_one_line():
    """A browser wraps a column of short phrases at its spaces when the table is narrower
    than the page (the Quarto site set the dose level on three lines): the columns the
    layout keeps on one line carry ``white-space: nowrap``, which both engines turn into
    ``csr-nowrap``; running text wraps."""
    n = 3
    long_term = "General disorders and administration site conditions"
    listing = pd.DataFrame({"Participant": ["NCT06561009-01-0001"] * n, "Dose level": [DOSE] * n,
                            "SOC": [long_term] * n, "Grade": ["1"] * n})
    assert listings.one_line_columns(listing) == ["Participant", "Dose level", "Grade"]
    names = {c: f"c{i}" for i, c in enumerate(listing.columns)}
    assert listings.column_layout(listing, names)[1] == ["Participant", "Dose level", "Grade"]
    html = listing_gt(listing, "L9.9").as_raw_html()
    cells = re.findall(r'<td[^>]*>[^<]*</td>', html)
    one_line = [c for c in cells if "white-space: nowrap" in c]
    assert len(one_line) == 3 * n and not any(long_term in c for c in one_line)
    assert any(DOSE in c for c in one_line)


def test_a_short_phrase_column_the_page_wraps_may_wrap_in_the_html_too():
    """L16.2.7.1's 14 columns: the dose level wraps onto two lines in the PDF, so the HTML
    does not force it onto one (it would squeeze the running text into letters)."""
    listing = _fourteen_columns()
    names = {c: f"c{i}" for i, c in enumerate(listing.columns)}
    widths, one_line = listings.column_layout(listing, names)
    assert "Dose level" in listings.one_line_columns(listing) and "Dose level" not in one_line
    assert "Participant" in one_line and "Start date" in one_line
    assert widths == listings.relative_widths(listing, names)


def test_html_running_text_columns_are_at_least_their_widest_word_wide():
    """A browser short of room squeezed L16.2.4's prior immunosuppressants into letters
    ("Azat hiopr ine"): a column that may wrap is at least its widest word wide
    (``min-width`` in em), up to a cap past which a (hostile) long word may still break."""
    n = 2
    listing = pd.DataFrame({"Participant": ["NCT06561009-01-0001"] * n,
                            "Prior IS": ["Azathioprine; rituximab; tocilizumab"] * n,
                            "Term": ["x" * 300] * n})
    css = listings.html_cell_css(listing, ["Participant"])
    assert css["Participant"] == "white-space: nowrap"
    em = float(re.fullmatch(r"min-width: ([\d.]+)em", css["Prior IS"]).group(1))
    assert 5 < em < 10     # "Azathioprine;" in em of the cell's type, with the fonts' margin
    assert css["Term"] == f"min-width: {listings.LONG_WORD_EM:.1f}em"
    html = listing_gt(listing, "L9.9").as_raw_html()
    assert html.count(css["Prior IS"]) == n
