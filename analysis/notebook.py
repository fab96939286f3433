"""The helper every chapter notebook uses: ``ch = Chapter(...)``.

A chapter notebook loads one snapshot, shows its displays and quotes numbers
from their ARDs; it computes nothing itself. :class:`Chapter`:

- loads the snapshot lazily, once (:func:`analysis.data.from_snapshot`);
- ``require(*datasets)`` says in one line when the snapshot lacks data the
  section needs ("This snapshot (<id>) holds no ADPC: the results of this
  section are not available.") and returns ``False``;
- ``ard(display_id, **options)`` builds a display's ARD once (cached) and
  writes it to ``<outputs_dir>/ard/<display_id>.csv`` (deterministic text);
- ``show(display_id, **options)`` displays the table (great-tables, house
  style), the figure (PNG, 200 dpi, no dates in metadata) or the listing with
  the analysis-set line, the display's footnotes, the standard footnotes
  (cut-off date, snapshot id, simulated-data warning) and the source line;
- ``stat``/``value`` quote one ARD row (``stat_fmt`` / ``stat``), raising when
  the filters match no row or several;
- ``md(text)`` displays Markdown; ``esc(text)`` escapes data text for it.

``show`` and ``md`` display their output themselves and return ``None``, so
they work at any place in a cell (also inside ``if ch.has(...):``).
"""

from __future__ import annotations

import base64
import inspect
import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from analysis import ard as ard_mod
from analysis.catalogue import Display, get
from analysis.config import StudyConfig, load_config
from analysis.data import StudyData, from_snapshot
from analysis.displays import build_ard, module_for
from analysis.style import figures, rtf
from analysis.style.escape import escape_markdown
from analysis.style.listings import listing_gt
from analysis.style.tables import decorate, gt_table, house_style

figures.apply()

SIMULATED_NOTE = "SIMULATED DATA: not trial results."
FIGURE_DPI = 200


class Chapter:
    """One chapter's access to its snapshot, displays and ARDs."""

    def __init__(self, snapshot_id: str, snapshot_root: str | Path = "data/snapshots",
                 outputs_dir: str | Path = "_build/outputs/dev", report_version: str = "dev",
                 group_var: str = "TRT01A", *, data: StudyData | None = None,
                 config: StudyConfig | None = None):
        self.snapshot_id = snapshot_id
        self.snapshot_root = Path(snapshot_root)
        self.outputs_dir = Path(outputs_dir)
        self.report_version = report_version
        self.group_var = group_var
        self._data = data
        self._config = config
        self._ards: dict[tuple, pd.DataFrame] = {}
        self._said_missing: set[str] = set()

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
        """Say in one line which datasets are absent; ``False`` when any is."""
        missing = self.missing(*names)
        if missing:
            self._say_missing(missing)
            return False
        return True

    def _say_missing(self, missing: list[str]) -> None:
        new = [m for m in missing if m not in self._said_missing]
        if not new:
            return
        self._said_missing.update(new)
        self.md(f"This snapshot ({self.esc(self.snapshot_id)}) holds no "
                f"{' or '.join(new)}: the results of this section are not available.")

    # ---- ARD --------------------------------------------------------------------------
    def _options(self, options: dict) -> dict:
        return {"group_var": self.group_var, **options}

    def ard(self, display_id: str, **options) -> pd.DataFrame:
        """The display's ARD (cached per options), written to ``<outputs_dir>/ard/<id>.csv``."""
        opts = self._options(options)
        key = (display_id, tuple(sorted((k, repr(v)) for k, v in opts.items())))
        if key not in self._ards:
            result = build_ard(display_id, self.data, self.config, **opts)
            folder = self.outputs_dir / "ard"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{display_id}.csv").write_text(ard_mod.to_csv_text(result),
                                                     encoding="utf-8")
            self._ards[key] = result
        return self._ards[key]

    def _match(self, display_id: str, stat_name: str, options: dict | None,
               filters: dict) -> pd.Series:
        df = self.ard(display_id, **(options or {}))
        unknown = [k for k in filters if k not in ard_mod.ARD_COLUMNS]
        if unknown:
            raise ValueError(f"{display_id}: unknown ARD columns in filters {unknown}")
        mask = df["stat_name"] == stat_name
        for k, v in filters.items():
            mask &= df[k].astype(str) == str(v)
        hits = df[mask]
        if len(hits) != 1:
            desc = ", ".join(f"{k}={v!r}" for k, v in {"stat_name": stat_name, **filters}.items())
            raise ValueError(f"{display_id}: {len(hits)} ARD rows match {desc} (need exactly 1)")
        return hits.iloc[0]

    def stat(self, display_id: str, stat_name: str, *, options: dict | None = None,
             **filters) -> str:
        """``stat_fmt`` of the one ARD row of ``display_id`` matching the filters
        (ARD columns, e.g. ``variable='DLT', group1_level='Total'``)."""
        return str(self._match(display_id, stat_name, options, filters)["stat_fmt"])

    def value(self, display_id: str, stat_name: str, *, options: dict | None = None,
              **filters) -> float:
        """Numeric ``stat`` of the one matching ARD row (see :meth:`stat`)."""
        return float(self._match(display_id, stat_name, options, filters)["stat"])

    # ---- text -------------------------------------------------------------------------
    def md(self, text: str) -> None:
        """Display ``text`` as Markdown."""
        display(Markdown(text))

    @staticmethod
    def esc(text: object) -> str:
        """Data text escaped for Markdown (verbatim in every output format)."""
        return escape_markdown(text)

    # ---- displays ---------------------------------------------------------------------
    def set_line(self, display: Display) -> str:
        return f"Analysis set: {display.set_name}"

    def standard_footnotes(self) -> list[str]:
        cut = self.data.cutoff.isoformat() if self.data.cutoff else "not stated"
        notes = [f"Data cut-off: {cut}. Snapshot: {self.snapshot_id}."]
        if self.data.simulated:
            notes.append(SIMULATED_NOTE)
        return notes

    @staticmethod
    def source_line(display: Display) -> str:
        return f"Source: {display.program}; datasets: {', '.join(display.datasets)}"

    def footnotes(self, display_id: str, **options) -> list[str]:
        """The display's own footnotes followed by the standard ones."""
        module = module_for(display_id)
        own: list[str] = []
        if hasattr(module, "footnotes"):
            own = list(_call(module.footnotes, self.data, self.config,
                             **self._options(options)))
        return own + self.standard_footnotes()

    def computable(self, display_id: str, **options) -> bool:
        """Whether the display's ARD can be computed from this snapshot: its datasets
        and the variables it needs are present (quietly; for prose that quotes it)."""
        if self.missing(*get(display_id).datasets):
            return False
        try:
            self.ard(display_id, **options)
        except KeyError:
            return False
        return True

    def has_stat(self, display_id: str, stat_name: str, *, options: dict | None = None,
                 **filters) -> bool:
        """Whether exactly one ARD row matches (what :meth:`stat` needs)."""
        try:
            self._match(display_id, stat_name, options, filters)
        except ValueError:
            return False
        return True

    def columns(self, display_id: str, **options) -> list[str]:
        """The display's column levels other than Total, in order (from its BIGN rows)."""
        ard = self.ard(display_id, **options)
        bign = ard[(ard["variable"] == "BIGN") & (ard["group1_level"] != "Total")]
        return list(dict.fromkeys(bign["group1_level"]))

    def available(self, display_id: str) -> bool:
        """Whether the snapshot holds the display's datasets (says so once if not)."""
        missing = self.missing(*get(display_id).datasets)
        if missing:
            self._say_missing(missing)
            return False
        return True

    def gt(self, display_id: str, **options):
        """The great-tables object of a table or listing (``None`` when data are absent)."""
        disp = get(display_id)
        if not self.available(display_id):
            return None
        try:
            result = self.ard(display_id, **options)
            module = module_for(display_id)
            notes = self.footnotes(display_id, **options)
            if disp.id.startswith("L"):
                listing = _call(module.listing, self.data, self.config, **self._options(options))
                self._write_rtf(disp, listing, [str(c) for c in listing.columns], notes)
                return listing_gt(listing, display_id, set_line=self.set_line(disp),
                                  footnotes=notes, source=self.source_line(disp),
                                  outputs_dir=self.outputs_dir, title=disp.heading)
        except KeyError as err:
            self._say_unavailable(disp, err)
            return None
        if hasattr(module, "table"):
            table = house_style(module.table(result, self.data, self.config), display_id)
            self._write_rtf(disp, *rtf.gt_inputs(table), notes)
            return decorate(table, set_line=self.set_line(disp), footnotes=notes,
                            source=self.source_line(disp))
        self._write_rtf(disp, *rtf.table_inputs(result, getattr(module, "LAYOUT", None)), notes)
        return gt_table(result, display_id, set_line=self.set_line(disp), footnotes=notes,
                        source=self.source_line(disp), layout=getattr(module, "LAYOUT", None))

    def tlf_meta(self) -> rtf.PageMeta:
        """Page-header fields of the TLF package (protocol, version, cut-off, simulated)."""
        return rtf.page_meta(self.config.study["protocol_id"], self.report_version,
                             self.data.cutoff, self.data.simulated)

    def _write_rtf(self, disp: Display, body: pd.DataFrame, headers: list[str],
                   notes: list[str]) -> None:
        """Write the display's RTF to ``<outputs_dir>/tlf/`` from what the CSR shows."""
        rtf.write_display_rtf(disp, body=body, column_headers=headers,
                              set_line=self.set_line(disp), footnotes=notes,
                              source=self.source_line(disp), meta=self.tlf_meta(),
                              out_dir=self.outputs_dir / rtf.TLF_DIR)

    def _say_unavailable(self, disp: Display, err: KeyError) -> None:
        reason = err.args[0] if err.args else str(err)
        self.md(f"{disp.kind} {disp.number} is not available for this snapshot: "
                f"{self.esc(reason)}.")

    def show(self, display_id: str, **options) -> None:
        """Display a table, figure or listing with its notes; nothing if data are absent."""
        disp = get(display_id)
        if disp.id.startswith("F"):
            self._show_figure(disp, options)
            return None
        table = self.gt(display_id, **options)
        if table is not None:
            display(HTML(table.as_raw_html()))
        return None

    def figure_png(self, display_id: str, **options) -> bytes | None:
        """PNG bytes of a figure (deterministic metadata), also written to
        ``<outputs_dir>/figures/<id>.png``; ``None`` when data are absent."""
        disp = get(display_id)
        if not self.available(display_id):
            return None
        try:
            self.ard(display_id, **options)
            fig = _call(module_for(display_id).figure, self.data, self.config,
                        **self._options(options))
        except KeyError as err:
            self._say_unavailable(disp, err)
            return None
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=FIGURE_DPI,
                    metadata=figures.DETERMINISTIC_METADATA["png"])
        plt.close(fig)
        png = buf.getvalue()
        folder = self.outputs_dir / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{display_id}.png").write_bytes(png)
        return png

    def _show_figure(self, disp: Display, options: dict) -> None:
        png = self.figure_png(disp.id, **options)
        if png is None:
            return
        notes = self.footnotes(disp.id, **options)
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


def _call(func, *args, **kwargs):
    """Call ``func`` with the keyword arguments it accepts (all if it takes ``**``)."""
    params = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return func(*args, **kwargs)
    return func(*args, **{k: v for k, v in kwargs.items() if k in params})
