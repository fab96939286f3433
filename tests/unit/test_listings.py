"""Listings: short ones in full, long ones linked (the CSR does not grow with n)."""

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
