"""Shared by the participant displays (T14.1.x): the ADSL variables a display can show."""

from __future__ import annotations

import pandas as pd


def require_variables(adsl: pd.DataFrame, variables, display_id: str) -> list[str]:
    """The ``variables`` ADSL holds; a ``KeyError`` naming them when it holds none."""
    have = [v for v in variables if v in adsl.columns]
    if not have:
        raise KeyError(f"ADSL has none of the variables of {display_id}: {', '.join(variables)}")
    return have
