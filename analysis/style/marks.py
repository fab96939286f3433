"""The SIMULATED DATA mark: its text and colour, the one place every output takes them
from (report pages, RTF page headers, figure PNGs, the DOCX watermark, the TLF index).
Every output built from simulated data says it on every page (brief, SAP 1)."""

SIMULATED_MARK = "SIMULATED DATA"
SIMULATED_COLOR = "#B00020"   # the red of the mark on the report pages
