"""The HTML CSR is readable by anyone (issue 16): it passes axe-core's WCAG 2.1 A/AA rules
in a real browser, lists its tables, gives every image alt text naming its display, keeps
dates in listings on one line, shows on hover what each count counts (trace/), and the
standalone TLF pages carry the SIMULATED DATA mark. Each ``check_*`` function holds one
check of a version's output (either engine's); its test runs it on each engine's render.

The browser is Debian's chromium (``/usr/bin/chromium``, or ``CSR_CHROMIUM``) driven by
Playwright (pinned in requirements.lock; Playwright's own browser download is never used).
axe-core comes from the ``axe-playwright-python`` wheel, which bundles a fixed
``axe.min.js`` (4.12 for the pinned 0.1.8): no npm, no network at test time, and the
version moves only with the lock. Without a browser the axe test is skipped, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from analysis.catalogue import DISPLAYS

from .test_engine_formats import html_pages, soups

pytestmark = pytest.mark.e2e

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str | None:
    path = os.environ.get("CSR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).is_file() else None


@pytest.fixture(scope="module")
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    exe = chromium_path()
    if exe is None:
        pytest.skip("no chromium browser (install Debian's chromium or set CSR_CHROMIUM): "
                    "the axe-core WCAG check needs a real browser")
    with sync_api.sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        except Exception as exc:  # the browser exists but cannot start here
            pytest.skip(f"chromium at {exe} does not start: {str(exc).splitlines()[0]}")
        page = browser.new_page()
        yield page
        browser.close()


def _axe_violations(page, url: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url)
    # resultTypes: only the violations are wanted; axe then keeps one node per passed or
    # incomplete rule instead of every node, which halved the run on the CSR's big tables
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                      "resultTypes": ["violations"]})
    out = []
    for v in result.response["violations"]:
        where = [" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                 for n in v["nodes"][:3]]
        out.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}; e.g. {where}")
    return out


def test_html_csr_passes_axe_core_wcag_21_aa_in_chromium(engine_report, browser_page):
    _, report = engine_report
    problems = {}
    for page in html_pages(report):
        found = _axe_violations(browser_page, page.resolve().as_uri())
        if found:
            problems[page.name] = found
    assert not problems, problems


def first_page(report: Path) -> Path:
    """The page a reader opens: the Quarto book's index.html, or the built-in csr.html."""
    site = report / "html" / "index.html"
    return site if site.is_file() else report / "csr.html"


def check_list_of_displays(report: Path) -> None:
    """The first page lists every SAP table, listing and figure ("Table 14.3.1 <title>"),
    each a link to the page and id that holds it."""
    pages = soups(report)
    home = first_page(report)
    block = pages[home].find(id="csr-list-of-displays")
    assert block is not None, f"no list of tables on {home.name}"
    ids = {p.resolve(): {t.get("id") for t in s.find_all(id=True)} for p, s in pages.items()}
    links = [(a.get_text(" ", strip=True), a["href"]) for a in block.find_all("a", href=True)]
    for d in DISPLAYS:
        label = f"{d.kind} {d.number} "
        hits = [href for text, href in links if (text + " ").startswith(label)]
        assert hits, f"{label}not in the list of tables"
        path, _, frag = hits[0].partition("#")
        target = (home.parent / path).resolve() if path else home.resolve()
        assert frag == d.label and frag in ids.get(target, set()), f"{label}: {hits[0]} leads nowhere"


def test_html_lists_every_table_listing_and_figure_with_a_link(engine_report):
    check_list_of_displays(engine_report[1])


def test_html_every_image_has_alt_text_naming_its_display(engine_report):
    _, report = engine_report
    images = [img for s in soups(report).values() for img in s.find_all("img")]
    assert images
    for d in (d for d in DISPLAYS if d.kind == "Figure"):
        label = f"Figure {d.number} "
        assert any((img.get("alt") or "").startswith(label) and len(img["alt"]) > len(label) + 5
                   for img in images), f"no image with alt text naming {label}"
    assert all((img.get("alt") or "").strip() for img in images), "an image without alt text"


def _stylesheets(page: Path, soup: BeautifulSoup) -> str:
    """The CSS of a page: its <style> elements and the local stylesheets it links."""
    css = "".join(st.string or "" for st in soup.find_all("style"))
    for link in soup.find_all("link", rel="stylesheet", href=True):
        path = (page.parent / link["href"].partition("?")[0]).resolve()
        if not re.match(r"^[a-z]+:", link["href"]) and path.is_file():
            css += path.read_text(encoding="utf-8")
    return css


def _is_listing(table) -> bool:
    """A listing's table: its caption says so (built-in), or it stands in the float of a
    listing (Quarto: ``<div id="tbl-l16-...">``)."""
    if table.caption and table.caption.get_text(" ", strip=True).startswith("Listing"):
        return True
    return table.find_parent(id=re.compile(r"^tbl-l\d")) is not None


def check_listing_dates_do_not_wrap(report: Path) -> None:
    """Every date cell and participant identifier of the listings has the class
    ``csr-nowrap``, which the page's CSS keeps on one line (a browser broke
    "NCT06561009-01-0001" at its hyphens); so has the dose level ("DL1 (0.5 × 10⁶/kg)",
    which the Quarto site set on three lines) in every row of each listing whose layout
    keeps it on one line, as the PDF's does where the page has room."""
    pages = soups(report)
    listings = [t for s in pages.values() for t in s.find_all("table") if _is_listing(t)]
    assert listings, "no listing tables found"
    for what, pattern in (("date", r"\d{4}-\d{2}-\d{2}"), ("participant", r"NCT\d+-\d+-\d+")):
        cells = [td for t in listings for td in t.find_all("td")
                 if re.fullmatch(pattern, td.get_text(strip=True))]
        assert cells, f"no {what} cells found in the listings"
        wrapping = [td.get_text(strip=True) for td in cells
                    if "csr-nowrap" not in (td.get("class") or [])]
        assert not wrapping, f"{len(wrapping)} of {len(cells)} {what} cells may wrap"
    dose = [["csr-nowrap" in (td.get("class") or []) for td in t.find_all("td")
             if re.fullmatch(r"DL\d \(.+/kg\)", td.get_text(strip=True))] for t in listings]
    assert any(d and all(d) for d in dose), "no listing keeps its dose level on one line"
    assert all(all(d) or not any(d) for d in dose), "a listing's dose-level column is mixed"
    for page, soup in pages.items():
        if any(_is_listing(t) for t in soup.find_all("table")):
            assert re.search(r"td\.csr-nowrap\s*\{[^}]*white-space:\s*nowrap",
                             _stylesheets(page, soup)), f"{page.name}: no csr-nowrap rule"


def test_html_listing_dates_do_not_wrap(engine_report):
    check_listing_dates_do_not_wrap(engine_report[1])


def check_count_cells_are_traced(report: Path) -> None:
    """Every SAP table has count cells that show on hover (``title``) their ARD row and the
    participants counted, and point (``data-trace``) to a record of
    ``trace/<display>.json`` whose ``n`` is the number the cell shows."""
    spans = [sp for s in soups(report).values() for sp in s.find_all(attrs={"data-trace": True})]
    by_display: dict[str, list] = {}
    for sp in spans:
        m = re.fullmatch(r"trace/([A-Z][\d.]+)\.json#(\d+)", sp["data-trace"])
        assert m, f"data-trace {sp['data-trace']!r}"
        by_display.setdefault(m[1], []).append((int(m[2]), sp))
    untraced = [d.id for d in DISPLAYS if d.kind == "Table" and d.id not in by_display]
    assert not untraced, f"tables without traced cells: {untraced}"
    for display_id, cells in by_display.items():
        records = json.loads((report / "trace" / f"{display_id}.json").read_text(encoding="utf-8"))["cells"]
        for index, sp in cells:
            rec = records[index]
            assert sp["title"].startswith(f"ARD {display_id}; "), sp["title"]
            assert f"variable {rec['variable']}" in sp["title"]
            assert all(u in sp["title"] for u in rec["usubjid"][:20])
            assert sp.get_text().split(" ")[0] == str(rec["n"]), (display_id, index, sp.get_text())


def test_html_count_cells_show_their_ard_row_and_participants_on_hover(engine_report):
    check_count_cells_are_traced(engine_report[1])


def test_tlf_index_says_simulated_data(final_report):
    page = BeautifulSoup((final_report / "tlf" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "SIMULATED DATA" in page.get_text(" ")
