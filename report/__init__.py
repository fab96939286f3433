"""The report build: execute the chapter notebooks, typeset the CSR, publish versions.

Commands (``python -m report ...``, or the nox sessions of the same names):

- ``render``: snapshot -> executed notebooks (cached) -> csr.html/pdf/docx, ARD,
  listings and provenance in ``report/<version>/`` (:mod:`report.build`);
- ``verify``: rebuild a published version and compare it file by file (:mod:`report.verify`);
- ``diff``: what changed between two versions, ARD row by ARD row (:mod:`report.diff`).
"""
