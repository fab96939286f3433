"""The helper every chapter notebook uses: ``ch = Chapter(...)``.

A chapter notebook loads one snapshot and shows its displays; its prose is a template
under ``text/prose/`` that the render resolves from the ARDs (:mod:`report.prose`), so
the notebook neither computes nor quotes a number itself. :class:`Chapter`:

- loads the snapshot lazily, once (:func:`analysis.data.from_snapshot`);
- ``require(*datasets)`` tells whether the snapshot holds the datasets a
  section needs (quietly: each display that cannot be built says so once,
  where it would stand, naming the missing dataset or variable: "Table 14.2.8
  *CAR-T kinetic parameters by dose level* is not available: this snapshot
  (<id>) holds no ADPC.");
- ``ard(display_id)`` builds a display's ARD once (cached) and
  writes it to ``<outputs_dir>/ard/<display_id>.csv`` (deterministic text), and who
  each count counts to ``<outputs_dir>/trace/<display_id>.json`` (:mod:`analysis.trace`;
  the table's ``n (%)`` cells show it on hover in the HTML);
- ``show(display_id)`` displays the table (great-tables, house
  style), the figure (PNG, 200 dpi, no dates in metadata), the listing or the
  narratives (N14.3.3, Markdown written from their ARD) with the analysis-set line,
  the display's footnotes, the standard footnotes
  (cut-off date, snapshot id, simulated-data warning) and the source line;
- a display whose analysis set is empty keeps its number, caption, columns
  (N = 0) and notes, and says in its body (one table row, or a figure holding
  one line) why nothing is shown; so does a figure whose datasets hold no records;
- the set line names the set analysed instead when ADSL lacks this study's own
  flag (another study's ADaM has no INFFL; :func:`analysis.sets.display_set`);
- ``text(name)`` marks where the prose template ``text/prose/<name>.md`` stands
  (resolved at render from the ARDs: :mod:`report.prose`);
- ``md(text)`` displays Markdown; ``esc(text)`` escapes data text for it.

``show`` and ``md`` display their output themselves and return ``None``, so
they work at any place in a cell (also inside ``if ch.has(...):``).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from analysis import ard as ard_mod
from analysis import runtime, trace
from analysis.catalogue import ANALYSIS_SETS, Display, get
from analysis.config import StudyConfig, load_config
from analysis.data import StudyData, from_snapshot
from analysis.displays import PlotData, build, spec
from analysis.sets import display_set
from analysis.style import figures, rtf
from analysis.style.escape import escape_markdown
from analysis.style.listings import MAX_ROWS, listing_gt, truncation_note
from analysis.style.tables import (
    big_n_of,
    columns_of,
    gt_from_wide,
    gt_table,
    nobody_layout,
)
from data_contract.codelists import UnmappedTermError

SIMULATED_NOTE = "SIMULATED DATA: not trial results."
TEXT_MARKER = "csr-text"  # output metadata of a text marker (report/prose.py resolves it)
FIGURE_DPI = 200


class UnmappedValue(KeyError):
    """A display needs the meaning of a sponsor codelist value that the study configuration
    does not map (issue 11): like an absent variable, the display states it (naming the value
    and where to map it) and every other display renders."""


class Chapter:
    """One chapter's access to its snapshot, displays and ARDs."""

    def __init__(self, snapshot_id: str, snapshot_root: str | Path = "data/snapshots",
                 outputs_dir: str | Path = "_build/outputs/dev", report_version: str = "dev",
                 group_var: str = "TRT01A", *, data: StudyData | None = None,
                 config: StudyConfig | None = None):
        runtime.configure()  # the notebook's set-up: pandas, matplotlib, rtflite settings
        self.snapshot_id = snapshot_id
        self.snapshot_root = Path(snapshot_root)
        self.outputs_dir = Path(outputs_dir)
        self.report_version = report_version
        self.group_var = group_var
        self._data = data
        self._config = config
        self._ards: dict[str, pd.DataFrame] = {}
        self._plots: dict[str, PlotData | None] = {}  # what each figure's ARD was built from
        self._traces: dict[str, list[dict]] = {}  # who each count counts (analysis.trace)
        self._said: set[tuple[str, str, str]] = set()
        self._notes_after: dict[str, str] = {}  # Markdown shown after a display (its links)

    # ---- data -------------------------------------------------------------------------
    @property
    def data(self) -> StudyData:
        if self._data is None:
            self._data = from_snapshot(self.snapshot_id, root=self.snapshot_root)
        return self._data

    @property
    def config(self) -> StudyConfig:
        if self._config is None:
            self._config = load_config()
        return self._config

    def has(self, *names: str) -> bool:
        """True when the snapshot holds every dataset in ``names``."""
        return self.data.has(*names)

    def missing(self, *names: str) -> list[str]:
        return [n for n in names if not self.data.has(n)]

    def require(self, *names: str) -> bool:
        """Whether the snapshot holds every dataset in ``names`` (quietly: each display
        that cannot be built says so itself, once, where it would stand)."""
        return not self.missing(*names)

    # ---- ARD --------------------------------------------------------------------------
    def ard(self, display_id: str) -> pd.DataFrame:
        """The display's ARD (built once, columns by the chapter's ``group_var``; a figure's
        with the plot data it was built from, which the figure draws), written to
        ``<outputs_dir>/ard/<id>.csv``."""
        key = display_id
        if key not in self._ards:
            try:
                with trace.collect() as counted:
                    result, self._plots[key] = build(display_id, self.data, self.config,
                                                     self.group_var)
            except UnmappedTermError as exc:  # the display says which value; others render
                raise UnmappedValue(str(exc)) from exc
            folder = self.outputs_dir / "ard"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{display_id}.csv").write_text(ard_mod.to_csv_text(result),
                                                     encoding="utf-8")
            self._traces[key] = trace.matching(counted, result)
            if self._traces[key]:
                folder = self.outputs_dir / trace.TRACE_DIR
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{display_id}.json").write_text(
                    trace.to_json_text(display_id, self._traces[key]), encoding="utf-8")
            self._ards[key] = result
        return self._ards[key]


    def _empty_set_reason(self, display_id: str, df: pd.DataFrame) -> str | None:
        """Why nothing of the display can be quoted: its analysis set is empty (the
        ``BIGN`` Total row is 0), e.g. nobody infused at an early cut-off."""
        total = df[(df["variable"] == "BIGN") & (df["group1_level"] == ard_mod.TOTAL)]
        if len(total) != 1 or total["stat"].iloc[0] != 0:
            return None
        code, _ = display_set(self.data["ADSL"], get(display_id).analysis_set)
        return (f"no participant was in the {ANALYSIS_SETS[code][0]} set at the "
                f"{self._cutoff_phrase()}")

    def _no_data_reason(self, display_id: str, every: bool = False) -> str | None:
        """The source datasets of the display (besides ADSL) that hold no records, in
        words; ``None`` if none is empty (``every``: unless all of them are)."""
        sources = [n for n in get(display_id).datasets if n != "ADSL"]
        empty = [n for n in sources if len(self.data[n]) == 0]
        if not empty or (every and len(empty) < len(sources)):
            return None
        return f"{' and '.join(empty)} {'holds' if len(empty) == 1 else 'hold'} no records " \
               f"at the {self._cutoff_phrase()}"

    def _cutoff_phrase(self) -> str:
        cut = self.data.cutoff
        return f"data cut-off ({cut.isoformat()})" if cut else "data cut-off"


    # ---- text -------------------------------------------------------------------------
    def md(self, text: str) -> None:
        """Display ``text`` as Markdown."""
        display(Markdown(text))

    def text(self, name: str) -> None:
        """Where the prose template ``text/prose/<name>.md`` stands: a marker that the
        render replaces by the resolved template, after every notebook executed, from the
        ARDs they wrote (:mod:`report.prose`). The notebook never reads the template, so
        editing the text re-executes nothing."""
        display(Markdown(f"[text: text/prose/{name}.md]"), metadata={TEXT_MARKER: name})


    def _say_once(self, disp: Display, state: str, reason: str) -> None:
        """One sentence, once per display and reason: "Table 14.2.8 *CAR-T kinetic
        parameters by dose level* is not available: this snapshot (x) holds no ADPC." """
        if (disp.id, state, reason) in self._said:
            return
        self._said.add((disp.id, state, reason))
        self.md(f"{disp.kind} {disp.number} *{self.esc(disp.title)}* {state}: "
                f"{self.esc(reason)}.")

    @staticmethod
    def esc(text: object) -> str:
        """Data text escaped for Markdown (verbatim in every output format)."""
        return escape_markdown(text)

    # ---- displays ---------------------------------------------------------------------
    def set_line(self, display: Display) -> str:
        """``Analysis set: Infused``; when ADSL lacks the set's flag (another study's
        ADaM), the set analysed instead and why (:func:`analysis.sets.display_set`)."""
        if not self.data.has("ADSL"):
            return f"Analysis set: {display.set_name}"
        code, why = display_set(self.data["ADSL"], display.analysis_set)
        if why is None:
            return f"Analysis set: {display.set_name}"
        return f"Analysis set: {ANALYSIS_SETS[code][0]} ({why})"

    def standard_footnotes(self) -> list[str]:
        cut = self.data.cutoff.isoformat() if self.data.cutoff else "not stated"
        notes = [f"Data cut-off: {cut}. Snapshot: {self.snapshot_id}."]
        if self.data.simulated:
            notes.append(SIMULATED_NOTE)
        return notes

    @staticmethod
    def source_line(display: Display) -> str:
        return f"Source: {display.program}; datasets: {', '.join(display.datasets)}"

    def footnotes(self, display_id: str) -> list[str]:
        """The display's own footnotes followed by the standard ones."""
        return list(spec(display_id).footnotes(self.data, self.config)) + \
            self.standard_footnotes()


    def available(self, display_id: str) -> bool:
        """Whether the snapshot holds the display's datasets (says so once if not)."""
        missing = self.missing(*get(display_id).datasets)
        if missing:
            self._say_unavailable(get(display_id), f"this snapshot ({self.snapshot_id}) holds "
                                                   f"no {' or '.join(missing)}")
            return False
        return True

    def gt(self, display_id: str):
        """The great-tables object of a table or listing (``None`` when data are absent)."""
        disp = get(display_id)
        if not self.available(display_id):
            return None
        try:
            result = self.ard(display_id)
            declared = spec(display_id)
            notes = self.footnotes(display_id)
            if declared.listing is not None:
                listing = declared.listing(self.data, self.config, self.group_var)
                columns = (declared.layout or {}).get("column_variables")
                if callable(columns):   # labels that depend on the study (a window's days)
                    columns = columns(self.config)
                self._write_rtf(disp, listing, [str(c) for c in listing.columns], notes,
                                columns)
                links = self._row_links(declared, listing)
                if len(listing) > MAX_ROWS:  # shown after the table, as text (see show)
                    self._notes_after[display_id] = truncation_note(display_id, len(listing))
                return listing_gt(listing, display_id, set_line=self.set_line(disp),
                                  footnotes=notes, source=self.source_line(disp),
                                  outputs_dir=self.outputs_dir, title=disp.heading,
                                  links=links, note_in_table=False, variables=columns)
        except KeyError as err:
            self._say_unavailable(disp, _reason(err))
            return None
        empty = self._empty_set_reason(display_id, result)
        if empty:  # the columns with N = 0 and one row saying why nothing is tabulated
            wide = nobody_layout(result, _sentence(empty))
            headers = rtf.table_column_headers(columns_of(result), big_n_of(result))
            self._write_rtf(disp, wide, headers, notes)
            return gt_from_wide(wide, display_id, bign=big_n_of(result),
                                set_line=self.set_line(disp), footnotes=notes,
                                source=self.source_line(disp))
        self._write_rtf(disp, *rtf.table_inputs(result, declared.layout), notes)
        return gt_table(result, display_id, set_line=self.set_line(disp), footnotes=notes,
                        source=self.source_line(disp), layout=declared.layout,
                        trace=self._traces.get(display_id, ()))

    def _row_links(self, declared, listing: pd.DataFrame) -> list[str] | None:
        """The anchors a listing's rows link to (e.g. narratives); None when the listing
        declares none or the snapshot cannot tell (a listing never fails for its links)."""
        if declared.links is None:
            return None
        try:
            return declared.links(listing, self.data, self.config, self.group_var)
        except KeyError:
            return None

    def tlf_meta(self) -> rtf.PageMeta:
        """Page-header fields of the TLF package (protocol, version, cut-off, simulated)."""
        return rtf.page_meta(self.config.study["protocol_id"], self.report_version,
                             self.data.cutoff, self.data.simulated)

    def _write_rtf(self, disp: Display, body: pd.DataFrame, headers: list[str],
                   notes: list[str], variables: dict[str, str] | None = None) -> None:
        """Write the display's RTF to ``<outputs_dir>/tlf/`` from what the CSR shows
        (``variables``: a listing's column variables, for decoding)."""
        rtf.write_display_rtf(disp, body=body, column_headers=headers,
                              set_line=self.set_line(disp), footnotes=notes,
                              source=self.source_line(disp), meta=self.tlf_meta(),
                              out_dir=self.outputs_dir / rtf.TLF_DIR, variables=variables)

    def _say_unavailable(self, disp: Display, reason: str) -> None:
        """One sentence, where the display would stand, naming what is missing."""
        self._say_once(disp, "is not available", reason)

    def show(self, display_id: str) -> None:
        """Display a table, figure or listing with its notes; nothing if data are absent."""
        disp = get(display_id)
        if disp.id.startswith("F"):
            self._show_figure(disp)
            return None
        if disp.id.startswith("N"):
            self._show_narratives(disp)
            return None
        table = self.gt(display_id)
        if table is not None:
            display(HTML(table.as_raw_html()))
            if display_id in self._notes_after:  # a long listing: where the full one is
                self.md(self._notes_after[display_id])
        return None

    def figure_png(self, display_id: str) -> bytes | None:
        """PNG bytes of a figure (deterministic metadata), also written to
        ``<outputs_dir>/figures/<id>.png``; ``None`` when data are absent."""
        disp = get(display_id)
        if not self.available(display_id):
            return None
        try:
            result = self.ard(display_id)
            nothing = self._empty_set_reason(display_id, result) or \
                self._no_data_reason(display_id, every=True)
            fig = figures.message_figure(_sentence(nothing)) if nothing else \
                spec(display_id).figure(result, self._plots[display_id], self.config)
        except KeyError as err:
            self._say_unavailable(disp, _reason(err))
            return None
        if self.data.simulated:
            figures.mark_simulated(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=FIGURE_DPI,
                    metadata=figures.DETERMINISTIC_METADATA["png"])
        plt.close(fig)
        png = buf.getvalue()
        folder = self.outputs_dir / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{display_id}.png").write_bytes(png)
        return png

    def narratives_markdown(self, display_id: str) -> str | None:
        """The Markdown of a narrative display (N14.3.3): the narratives written from its
        ARD, then the analysis set, footnotes and source; ``None`` when data are absent
        (the display says so)."""
        disp = get(display_id)
        if not self.available(display_id):
            return None
        try:
            result = self.ard(display_id)
            empty = self._empty_set_reason(display_id, result)
            text = _sentence(empty) if empty else \
                spec(display_id).narrative(result, self.data, self.config)
        except KeyError as err:
            self._say_unavailable(disp, _reason(err))
            return None
        lines = [self.set_line(disp), *self.footnotes(display_id), self.source_line(disp)]
        notes = "\n\n".join(escape_markdown(line) for line in lines)
        return f"{text.rstrip()}\n\n::: {{.csr-narrative-notes}}\n{notes}\n:::\n"

    def _show_narratives(self, disp: Display) -> None:
        text = self.narratives_markdown(disp.id)
        if text is not None:
            self.md(text)

    def _show_figure(self, disp: Display) -> None:
        png = self.figure_png(disp.id)
        if png is None:
            return
        notes = self.footnotes(disp.id)
        rtf.write_figure_rtf(disp, png, set_line=self.set_line(disp), footnotes=notes,
                             source=self.source_line(disp), meta=self.tlf_meta(),
                             out_dir=self.outputs_dir / rtf.TLF_DIR)
        lines = [self.set_line(disp), *notes, self.source_line(disp)]
        self.md(figure_markdown(png, lines))


def figure_markdown(png: bytes, notes: Sequence[str]) -> str:
    """One figure as one Markdown output: the image (PNG embedded) and, under it, its notes
    (analysis set, footnotes, source) as plain text in a ``csr-figure-notes`` Div.

    A figure cell has this single output so that both engines make one float with one
    caption from it: the notes belong to the figure (Quarto makes subfigures of a cell with
    two outputs).
    """
    data = base64.b64encode(png).decode("ascii")
    text = "\n\n".join(escape_markdown(line) for line in notes)
    return f"![](data:image/png;base64,{data})\n\n::: {{.csr-figure-notes}}\n{text}\n:::\n"


def _reason(err: KeyError) -> str:
    """The message of a ``KeyError`` (its ``str`` would quote it)."""
    return str(err.args[0]) if err.args else "a dataset or variable is missing"


def _sentence(reason: str) -> str:
    """``reason`` as a sentence of its own (capital first letter, full stop)."""
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith(".") else ".")


