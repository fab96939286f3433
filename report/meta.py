"""Title-page and running-header metadata of one render (protocol, version, cut-off, snapshot).

The title page (ICH E3 1) is the same in every format and engine: each template prints
:meth:`RenderMeta.title_rows` (label, value) in order, the GCP statement and the sponsor
signatory block (:attr:`RenderMeta.signatories`) as they come, never as markup. Facts come
from the study configuration (``study.yml``: titles, product, indication, phase, protocol and
registry id, sponsor), the snapshot (first enrolment, data cut-off) and the writer's
``text/writer/title-page.yml`` (principal investigator, report date, GCP statement,
signatories: placeholders ``[Writer: ...]`` until filled, :mod:`report.writer_text`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from analysis.style.marks import SIMULATED_MARK


@dataclass(frozen=True)
class RenderMeta:
    """What the title page, running header and watermark of every format show."""

    protocol_id: str
    title: str
    subtitle: str
    sponsor: str
    phase: str
    full_title: str
    version: str
    cutoff: str          # ISO date, e.g. "2026-01-31"
    snapshot_id: str
    simulated: bool
    product: str = ""
    indication: str = ""
    registry_id: str = ""
    first_enrolment: str = ""   # ISO date of the first enrolment in the snapshot, "" if none
    principal_investigator: str = ""
    report_date: str = ""
    gcp_statement: str = ""
    signatories: tuple[tuple[str, str], ...] = ()   # (role, name)

    @property
    def study_period(self) -> str:
        """``2025-01-06 (first enrolment) to 2026-01-31 (data cut-off)``, from the snapshot."""
        if not self.first_enrolment:
            return f"to {self.cutoff} (data cut-off); no enrolment date in the data"
        return f"{self.first_enrolment} (first enrolment) to {self.cutoff} (data cut-off)"

    def title_rows(self) -> list[tuple[str, str]]:
        """The title page's details (ICH E3 1), in the order every format prints them."""
        rows = [("Product", self.product), ("Indication", self.indication),
                ("Phase", self.phase), ("Protocol identifier", self.protocol_id),
                ("Registry identifier", self.registry_id), ("Sponsor", self.sponsor),
                ("Principal investigator", self.principal_investigator),
                ("Study period", self.study_period), ("Data cut-off", self.cutoff),
                ("Report version", self.version), ("Report date", self.report_date),
                ("Data snapshot", self.snapshot_id)]
        return [(k, v) for k, v in rows if v]

    def as_dict(self) -> dict[str, object]:
        """The fields, plus ``title_rows`` (what the templates print), as JSON-ready values."""
        out = asdict(self)
        out["signatories"] = [{"role": r, "name": n} for r, n in self.signatories]
        out["title_rows"] = [list(r) for r in self.title_rows()]
        return out

    @property
    def header_text(self) -> str:
        """The running header: ``NCT06561009 | Version 1.0 | Cut-off 2026-01-31 | SIMULATED DATA``."""
        parts = [self.protocol_id, f"Version {self.version}", f"Data cut-off {self.cutoff}"]
        if self.simulated:
            parts.append(SIMULATED_MARK)
        return " | ".join(parts)
