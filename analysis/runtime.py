"""The process settings the analysis and the report run with, applied by :func:`configure`.

Importing a module of the project changes no global state (a test imports every module
and checks); the entry points call :func:`configure` once: the ``python -m report``
and ``python -m report.bench`` commands, each chapter notebook's set-up
(:class:`analysis.notebook.Chapter`) and the tests' ``conftest.py``.
"""

from __future__ import annotations


def configure() -> None:
    """Apply the project's settings (idempotent):

    - pandas Copy-on-Write (:func:`data_contract.runtime.configure`);
    - matplotlib: the non-interactive Agg backend and the house style's rcParams
      (:func:`analysis.style.figures.apply`);
    - rtflite: its string-width function memoised, a speed-up that changes no output
      (:func:`analysis.style.rtf_widths.memoise_string_width`).
    """
    import matplotlib

    from analysis.style import figures
    from analysis.style.rtf_widths import memoise_string_width
    from data_contract import runtime

    runtime.configure()
    matplotlib.use("Agg")
    figures.apply()
    memoise_string_width()
