"""PDF finishing of both engines (eCTD "PDF Specifications"): the document opens with the
bookmark panel shown (``/PageMode /UseOutlines``) and is saved linearised ("fast web view").

pikepdf (qpdf) does the rewrite: typst cannot set the page mode, and pypdf cannot
linearise. ``deterministic_id`` keeps the output byte-reproducible (the file ID is a hash
of the content, not of the time).
"""

from __future__ import annotations

from pathlib import Path


def finalize_pdf(path: Path) -> None:
    """Rewrite ``path`` in place: open with bookmarks, linearised, same PDF version."""
    import pikepdf

    path = Path(path)
    tmp = path.with_name(path.name + ".post")
    with pikepdf.open(path) as pdf:
        pdf.Root.PageMode = pikepdf.Name.UseOutlines
        pdf.save(tmp, linearize=True, deterministic_id=True)
    tmp.replace(path)
