"""T14.1.5 Extent of exposure: lymphodepletion and CAR-T dose. Set: Safety.

Columns: dose levels + Total, N = Safety set (BIGN). Row blocks
``group2 = EXTRT``, one per lymphodepletion drug of the study configuration
(SAP 1 [assumption]) then ``ANTI-BAFFR CAR-T``:

- drug blocks (analysis.derive.exposure): ``DOSED`` participants who received
  the drug (n, N, pct); ``TOTDOSE`` total dose received (mg/m2) and ``NDAYS``
  days dosed, continuous (n, mean, sd, median, q1, q3, min, max) over the
  participants of the set (0 for those who received none);
- CAR-T block: ``INFUSED`` participants infused (INFFL, n, N, pct);
  ``DOSEKG`` actual dose (10^6 CAR-T cells/kg) and ``DOSETOT`` total cells
  (10^6 CAR-T cells), continuous over the infused participants.

Another study's ADEX (none of these treatments): one block per EXTRT it holds,
``EXPOSED`` participants with a record of it (n, N, pct) and ``DURDAYS``
duration of treatment in days, continuous over them
(:func:`analysis.derive.exposure.compute_treatment_exposure`).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.disposition import derive_disposition
from analysis.derive.exposure import (
    compute_lymphodepletion_exposure,
    compute_treatment_exposure,
    is_this_studys_exposure,
)
from analysis.displays.registry import declare
from analysis.formats import raw_decimals
from analysis.sets import population
from analysis.stats.summaries import continuous_rows, count_rows

ID = "T14.1.5"
CART = "ANTI-BAFFR CAR-T"
LAYOUT = {"variable_labels": {
    "DOSED": "Participants dosed",
    "TOTDOSE": "Total dose received (mg/m²)",
    "NDAYS": "Days dosed",
    "INFUSED": "Participants infused",
    "DOSEKG": "Dose (10⁶ CAR-T cells/kg)",
    "DOSETOT": "Total dose (10⁶ CAR-T cells)",
    "EXPOSED": "Participants exposed",
    "DURDAYS": "Duration of treatment (days)",
}}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = population(data, config, ID, group_var)
    adex = data["ADEX"]
    rows = s.bign_rows()
    if not is_this_studys_exposure(adex, config):
        return A.frame(rows + _treatment_rows(adex, s, group_var))
    exp = s.with_group(compute_lymphodepletion_exposure(adex, s.adsl, config), how="inner")
    for drug, block in exp.groupby("EXTRT", sort=False):
        keys = dict(display_id=ID, group_var=group_var, group2="EXTRT", group2_level=drug)
        rows += count_rows(block[block["DOSED"]], s.bign, variable="DOSED", **keys)
        rows += continuous_rows(block, "TOTDOSE", s.cols, variable="TOTDOSE", raw_decimals=0,
                                **keys)
        rows += continuous_rows(block, "NDAYS", s.cols, variable="NDAYS", raw_decimals=0, **keys)
    infused = derive_disposition(s.adsl)
    infused = infused[infused["INFUSED"].fillna(False).astype(bool)]
    keys = dict(display_id=ID, group_var=group_var, group2="EXTRT", group2_level=CART)
    rows += count_rows(infused, s.bign, variable="INFUSED", **keys)
    for var in ("DOSEKG", "DOSETOT"):
        if var in infused.columns:
            rows += continuous_rows(infused, var, s.cols, variable=var,
                                    raw_decimals=raw_decimals(infused[var]), **keys)
    return A.frame(rows)


def _treatment_rows(adex: pd.DataFrame, s, group_var: str) -> list[dict]:
    """Another study's treatments: participants exposed and duration, per EXTRT."""
    exp = s.with_group(compute_treatment_exposure(adex, s.adsl), how="inner")
    rows = []
    for trt, block in exp.groupby("EXTRT", sort=True):
        keys = dict(display_id=ID, group_var=group_var, group2="EXTRT", group2_level=trt)
        rows += count_rows(block, s.bign, variable="EXPOSED", **keys)
        rows += continuous_rows(block, "DURDAYS", s.cols, variable="DURDAYS", raw_decimals=0,
                                **keys)
    return rows


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    if data.has("ADEX") and not is_this_studys_exposure(data["ADEX"], config):
        return ["Another study's treatments (ADEX EXTRT): participants with a record of the "
                "treatment; duration in days from the first to the last day of treatment, "
                "both counted (ADSL TRTEDT - TRTSDT + 1), of the participants exposed. The "
                "lymphodepletion and CAR-T rows of this study's SAP do not apply."]
    ld = config.assumptions["lymphodepletion"]["text"]
    return [
        f"Planned lymphodepletion (SAP 1 assumption): {ld} Total dose: sum of the doses "
        "received (mg/m²), 0 for a participant who received none; days dosed: days with a "
        "dose. CAR-T dose statistics are of the infused participants.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
