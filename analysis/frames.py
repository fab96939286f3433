"""Checks on the data frames a derivation or a display reads.

Imports nothing of the analysis package, so derivations (``analysis.derive``), statistics
and displays all use it without an import going against the layers.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def require_columns(df: pd.DataFrame, columns: Iterable[str], dataset: str, *,
                    where: str | None = None) -> None:
    """Raise ``KeyError`` naming the first of ``columns`` that ``df`` lacks: "ADLB has no
    variable AVAL", prefixed by the function that needs it when ``where`` is given
    ("compute_peaks: ADLB has no variable ADY"). A display that cannot be built from a
    snapshot says this sentence where it would stand."""
    for column in columns:
        if column not in df.columns:
            prefix = f"{where}: " if where else ""
            raise KeyError(f"{prefix}{dataset} has no variable {column}")
