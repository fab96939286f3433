"""The writers' diff: sentences aligned between two versions' text, the numbers that moved
marked, and a redlined DOCX with tracked changes (report.text_changes, report.redline_docx,
report.diff)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from analysis.ard import frame, row, to_csv_text
from report import diff, redline_docx
from report.cache import hash_paths
from report.text_changes import (
    Sentence,
    align,
    is_number,
    numbers_moved,
    sentences_of,
    split_sentences,
    word_changes,
)

# ARDs of two versions: one more participant, so T14.3.3's column N changes.
INTERIM = {"L16.2.4": [row("L16.2.4", "USUBJID", "text", None, variable_level=x, stat_fmt=x)
                       for x in ("S-001", "S-002")],
           "T14.3.3": [row("T14.3.3", "BIGN", "N", 2, group1="TRT01A", group1_level="Total")]}
FINAL = {"L16.2.4": [row("L16.2.4", "USUBJID", "text", None, variable_level=x, stat_fmt=x)
                     for x in ("S-001", "S-002", "S-003")],
         "T14.3.3": [row("T14.3.3", "BIGN", "N", 3, group1="TRT01A", group1_level="Total")]}


def publish_ards(root: Path, version: str, ards: dict[str, list[dict]]) -> None:
    folder = root / "report" / version / "ard"
    folder.mkdir(parents=True)
    for did, rows in ards.items():
        (folder / f"{did}.csv").write_text(to_csv_text(frame(rows)), encoding="utf-8")


def s(*texts: str) -> list[Sentence]:
    return [Sentence(t) for t in texts]


def kinds(changes):
    return [(c.kind, c.old.text if c.old else None, c.new.text if c.new else None)
            for c in changes]


def test_align_leaves_out_equal_sentences_and_pairs_a_sentence_whose_number_changed():
    old = s("Intro.", "12 participants were enrolled.", "End.")
    new = s("Intro.", "20 participants were enrolled.", "End.")
    assert kinds(align(old, new)) == [
        ("changed", "12 participants were enrolled.", "20 participants were enrolled.")]


def test_align_reports_an_added_and_a_removed_sentence_in_document_order():
    old = s("A first sentence here.", "Dose level 1 finished.", "Last words.")
    new = s("A first sentence here.", "Last words.", "Dose level 3 opened for enrolment.")
    assert kinds(align(old, new)) == [
        ("removed", "Dose level 1 finished.", None),
        ("added", None, "Dose level 3 opened for enrolment.")]


def test_align_pairs_similar_sentences_within_a_replaced_block_and_keeps_the_rest_apart():
    old = s("CRS occurred in 4 (66.7%) participants.", "No deaths were reported.")
    new = s("An entirely new remark about relapses follows here.",
            "CRS occurred in 16 (80.0%) participants.", "One death was reported.")
    got = kinds(align(old, new))
    assert ("changed", "CRS occurred in 4 (66.7%) participants.",
            "CRS occurred in 16 (80.0%) participants.") in got
    assert ("added", None, "An entirely new remark about relapses follows here.") in got
    assert ("removed", "No deaths were reported.", None) in got
    assert ("added", None, "One death was reported.") in got
    assert len(got) == 4


def test_align_of_identical_texts_is_empty():
    assert align(s("Same.", "Text."), s("Same.", "Text.")) == []


def test_word_changes_lists_the_numbers_that_moved_and_not_the_ones_that_stayed():
    w = word_changes("Of 12 enrolled, 6 (50.0%) had CRS by Day 28.",
                     "Of 20 enrolled, 16 (80.0%) had CRS by Day 28.")
    assert w.old_numbers == ("12", "6", "50.0%")
    assert w.new_numbers == ("20", "16", "80.0%")
    assert [x.text for x in w.new if x.number] == ["20", "16", "80.0%"]
    assert "".join(x.text for x in w.old) == "Of 12 enrolled, 6 (50.0%) had CRS by Day 28."
    assert "".join(x.text for x in w.new) == "Of 20 enrolled, 16 (80.0%) had CRS by Day 28."
    assert not any(x.changed for x in w.new if "Day 28" in x.text)


def test_word_changes_marks_changed_words_that_are_not_numbers_without_number_highlight():
    w = word_changes("No relapse was seen.", "One relapse was seen.")
    assert w.old_numbers == () and w.new_numbers == ()
    assert [(x.text, x.changed, x.number) for x in w.new if x.changed] == [("One", True, False)]


def test_numbers_with_a_unicode_minus_dates_and_ranges_are_number_tokens():
    w = word_changes("Change was −0.5 at cut-off 2027-01-10; ages 18-60.",
                     "Change was −0.7 at cut-off 2027-08-09; ages 18-60.")
    assert w.old_numbers == ("−0.5", "2027-01-10") and w.new_numbers == ("−0.7", "2027-08-09")
    assert is_number("1,234.5") and is_number("100.0%") and not is_number("DL1")
    assert not is_number("14.2.4")      # a display number is a reference
    assert word_changes("See Table 14.2.4.", "See Table 14.2.5.").new_numbers == ()


def test_numbers_moved_tells_a_changed_number_from_a_reworded_sentence():
    moved, reworded = align(s("N was 12."), s("N was 20.")), align(s("A b c d."), s("A b c e."))
    assert numbers_moved(moved[0]) and not numbers_moved(reworded[0])


def test_sentences_keep_decimals_and_display_numbers_inside_one_sentence_and_name_the_section():
    assert sentences_of([("Title", "A study"), ("Title Page Detail", "Phase: 1")])[1].section \
        == "Title page"
    paras = [("Heading 2", "10.1 Disposition"),
             ("Body Text", "Of 20 enrolled (Table 14.1.1), 3.5% left. The rest stayed.")]
    got = sentences_of(paras)
    assert [(x.text, x.section) for x in got] == [
        ("10.1 Disposition", "10.1 Disposition"),
        ("Of 20 enrolled (Table 14.1.1), 3.5% left.", "10.1 Disposition"),
        ("The rest stayed.", "10.1 Disposition")]
    assert split_sentences("  \n ") == []


def test_a_closing_bracket_after_a_full_stop_stays_with_its_sentence():
    assert split_sentences("[Writer: describe consent (ICH E3 5.3).] Next one.") == [
        "[Writer: describe consent (ICH E3 5.3).]", "Next one."]
    assert split_sentences("[Writer: say more.]") == ["[Writer: say more.]"]


def _docx(path: Path, paragraphs: list[str]) -> Path:
    doc = Document()
    doc.add_heading("Synopsis", level=1)
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(str(path))
    return path


def _tree_hash(folder: Path) -> str:
    return hash_paths(folder.parent, [folder.name])


def _publish(root: Path, version: str, ards, paragraphs: list[str]) -> Path:
    publish_ards(root, version, ards)
    folder = root / "report" / version
    _docx(folder / "csr.docx", paragraphs)
    return folder


def test_diff_writes_a_redline_with_tracked_changes_beside_the_html_and_leaves_versions_as_they_were(
        tmp_path):
    old = _publish(tmp_path, "interim", INTERIM,
                   ["12 participants were enrolled. No deaths were reported.",
                    "Dose level 2 finished its DLT windows."])
    new = _publish(tmp_path, "final", FINAL,
                   ["20 participants were enrolled. No deaths were reported.",
                    "The final analysis is 12 months after the last infusion."])
    before = (_tree_hash(old), _tree_hash(new))

    d, out = diff.write_diff(tmp_path, "interim", "final")

    assert (_tree_hash(old), _tree_hash(new)) == before
    assert d.redline == out.parent / "redline-interim-to-final.docx" and d.redline.is_file()
    r = redline_docx.revisions(d.redline)
    assert r.insertions > 0 and r.deletions > 0
    assert any(p.old_text.startswith("12 participants were enrolled.")
               and p.new_text.startswith("20 participants were enrolled.")
               and "20" in p.inserted and "12" in p.deleted for p in r.paragraphs)
    assert kinds(d.text_changes)[0] == ("changed", "12 participants were enrolled.",
                                        "20 participants were enrolled.")
    page = out.read_text(encoding="utf-8")
    assert "<ins><mark class='num'>20</mark></ins>" in page
    assert "<del><mark class='num'>12</mark></del>" in page
    assert "redline-interim-to-final.docx" in page
    assert "Table 14.3.3 " in page and "Table 14.3.3 " in d.summary()   # catalogue title
    assert "1 sentence(s) changed (1 with numbers that moved)" in d.summary()


def test_a_version_without_docx_gets_the_ard_diff_and_says_why_text_and_redline_are_missing(
        tmp_path):
    publish_ards(tmp_path, "interim", INTERIM)
    _publish(tmp_path, "final", FINAL, ["Some text."])
    d, out = diff.write_diff(tmp_path, "interim", "final")
    assert d.redline is None and not list(out.parent.glob("redline-*.docx"))
    assert "report/interim has no csr.docx" in d.summary()
    assert d.participants_added == ["S-003"]


def test_a_failing_redline_engine_is_a_clear_error_and_writes_no_html(tmp_path, monkeypatch):
    _publish(tmp_path, "interim", INTERIM, ["Old."])
    _publish(tmp_path, "final", FINAL, ["New."])

    def broken(*a, **k):
        raise redline_docx.RedlineError("the redline engine failed comparing a with b: boom")

    monkeypatch.setattr(redline_docx, "redline_bytes", broken)
    assert diff.main(tmp_path, "interim", "final") == 1
    assert not (tmp_path / "report" / "diff-interim-vs-final.html").exists()
    with pytest.raises(redline_docx.RedlineError, match="comparing a with b"):
        diff.write_diff(tmp_path, "interim", "final")


def test_the_same_two_documents_give_the_same_redline_bytes(tmp_path):
    a = _docx(tmp_path / "a.docx", ["12 participants were enrolled."])
    b = _docx(tmp_path / "b.docx", ["20 participants were enrolled."])
    when = "2026-12-01T15:08:20+00:00"
    first = redline_docx.redline_bytes(a, b, date_time=when)
    assert first == redline_docx.redline_bytes(a, b, date_time=when)
    out = redline_docx.write_redline(a, b, tmp_path / "r.docx", date_time=when)
    assert f'w:date="{when}"' in _document_xml(out) and f'w:author="{redline_docx.AUTHOR}"' \
        in _document_xml(out)


def _document_xml(docx: Path) -> str:
    import zipfile

    with zipfile.ZipFile(docx) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_the_redline_compares_the_text_and_leaves_tables_out(tmp_path):
    """Tables' numbers are compared by ARD row in the diff report; cell by cell they cost
    the engine minutes and bury the text's revisions (report.redline_docx.text_only)."""
    def doc(path, sentence, cell):
        d = Document()
        d.add_paragraph(sentence)
        d.add_table(rows=1, cols=1).cell(0, 0).text = cell
        d.add_paragraph("Table 14.1.1 Participant disposition")
        d.save(str(path))
        return path

    old = doc(tmp_path / "old.docx", "12 participants were enrolled.", "cell-old-value")
    new = doc(tmp_path / "new.docx", "20 participants were enrolled.", "cell-new-value")
    stripped = Document(io.BytesIO(redline_docx.text_only(old.read_bytes())))
    assert stripped.tables == [] and [p.text for p in stripped.paragraphs] == [
        "12 participants were enrolled.", "Table 14.1.1 Participant disposition"]
    out = redline_docx.write_redline(old, new, tmp_path / "redline.docx")
    r = redline_docx.revisions(out)
    assert any("20" in p.inserted for p in r.paragraphs)
    assert not any("cell-" in p.inserted + p.deleted + p.old_text for p in r.paragraphs)
