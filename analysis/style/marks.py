"""The SIMULATED DATA mark: its text and colour, the one place every output takes them
from (report pages, RTF page headers, figure PNGs, the DOCX watermark, the TLF index).
Every output built from simulated data says it on every page (brief, SAP 1)."""

SIMULATED_MARK = "SIMULATED DATA"
SIMULATED_COLOR = "#B00020"   # the red of the mark on the report pages

# The report version in TLF page headers. The build runs the notebooks with this
# token as ``report_version`` and stamps the real version into the RTF files when
# it publishes (report.tlf_index.stamp_version), so that executed notebooks do not
# depend on the version name and stay cached across versions. (Here, not in
# analysis.style.rtf: the build imports it, and rtflite takes seconds to import.)
VERSION_TOKEN = "@@REPORT_VERSION@@"
