"""The HTML CSR is readable by anyone (issue 16): it passes axe-core's WCAG 2.1 A/AA rules
in a real browser, lists its tables, gives every image alt text naming its display, keeps
dates in listings on one line, and the standalone TLF pages carry the SIMULATED DATA mark.

The browser is Debian's chromium (``/usr/bin/chromium``, or ``CSR_CHROMIUM``) driven by
Playwright (pinned in requirements.lock; Playwright's own browser download is never used).
axe-core comes from the ``axe-playwright-python`` wheel, which bundles a fixed
``axe.min.js`` (4.12 for the pinned 0.1.8): no npm, no network at test time, and the
version moves only with the lock. Without a browser the axe test is skipped, saying why.
"""

from __future__ import annotations

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
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
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


def _builtin_only(engine: str, what: str) -> None:
    if engine != "builtin":
        pytest.skip(f"{what}: met by the built-in engine only (README: where the engines differ)")


def test_html_lists_every_table_listing_and_figure_with_a_link(engine_report):
    engine, report = engine_report
    _builtin_only(engine, "the HTML list of tables")
    pages = soups(report)
    block = next(iter(pages.values())).find(id="csr-list-of-displays")
    assert block is not None, "no list of tables"
    texts = [a.get_text(" ", strip=True) for a in block.find_all("a", href=True)]
    for d in DISPLAYS:
        label = f"{d.kind} {d.number} "
        assert any((t + " ").startswith(label) for t in texts), f"{label}not in the list of tables"


def test_html_every_image_has_alt_text_naming_its_display(engine_report):
    _, report = engine_report
    images = [img for s in soups(report).values() for img in s.find_all("img")]
    assert images
    for d in (d for d in DISPLAYS if d.kind == "Figure"):
        label = f"Figure {d.number} "
        assert any((img.get("alt") or "").startswith(label) and len(img["alt"]) > len(label) + 5
                   for img in images), f"no image with alt text naming {label}"
    assert all((img.get("alt") or "").strip() for img in images), "an image without alt text"


def test_html_listing_dates_do_not_wrap(engine_report):
    engine, report = engine_report
    _builtin_only(engine, "listing dates on one line")
    pages = soups(report)
    listings = [t for s in pages.values() for t in s.find_all("table")
                if t.caption and t.caption.get_text(" ", strip=True).startswith("Listing")]
    assert listings, "no listing tables found"
    dates = [td for t in listings for td in t.find_all("td")
             if re.fullmatch(r"\d{4}-\d{2}-\d{2}", td.get_text(strip=True))]
    assert dates, "no date cells found in the listings"
    assert all("csr-nowrap" in (td.get("class") or []) for td in dates)
    css = "".join(st.string or "" for s in pages.values() for st in s.find_all("style"))
    assert re.search(r"\.csr-nowrap\s*\{[^}]*white-space:\s*nowrap", css)


def test_tlf_index_says_simulated_data(final_report):
    page = BeautifulSoup((final_report / "tlf" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "SIMULATED DATA" in page.get_text(" ")
