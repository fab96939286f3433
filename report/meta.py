"""Title-page and running-header metadata of one render (protocol, version, cut-off, snapshot)."""

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

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def header_text(self) -> str:
        """The running header: ``NCT06561009 | Version 1.0 | Cut-off 2026-01-31 | SIMULATED DATA``."""
        parts = [self.protocol_id, f"Version {self.version}", f"Data cut-off {self.cutoff}"]
        if self.simulated:
            parts.append(SIMULATED_MARK)
        return " | ".join(parts)
