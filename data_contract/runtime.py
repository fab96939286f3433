"""The process settings the data contract runs with, applied by :func:`configure`.

Importing a module of the project changes no global state; the entry points (the
``python -m data_contract`` command, :func:`analysis.runtime.configure`, the tests'
``conftest.py``) call :func:`configure` once instead.
"""

from __future__ import annotations

import pandas as pd


def configure() -> None:
    """Switch pandas to Copy-on-Write (the default from pandas 3.0; idempotent).

    Selections, column subsets and index resets then share memory until written, so
    the large datasets (3 million ADLB rows at 20,000 participants) are not copied at
    every step.
    """
    pd.set_option("mode.copy_on_write", True)
