"""L16.2.6.5 Individual CAR-T levels (flow and qPCR) and kinetic parameters. Set: Infused.

Per infused participant and analyte (CAR+ T cells by flow cytometry, CAR transgene by
qPCR; :func:`analysis.derive.kinetics.kinetic_records`), sorted by USUBJID, analyte,
then time: one row per sample (visit, study day, value as recorded or BLQ, unit), then
one row per kinetic parameter of the analyte (Cmax, Tmax, AUC0-28, Tlast;
:func:`analysis.derive.kinetics.compute_nca`, SAP 3). ARD: the listing in long form.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.kinetics import compute_nca, kinetic_records
from analysis.displays._listing import listing_ard
from analysis.displays.registry import declare
from analysis.formats import fmt_computed, fmt_num, raw_decimals
from analysis.sets import population

ID = "L16.2.6.5"
SAMPLE = "Sample"
# kinetic parameter -> (row label, unit of the parameter given the analyte's unit u)
PARAMETERS = {
    "CMAX": ("Cmax", "{u}"), "TMAX": ("Tmax", "day"), "AUC": ("AUC0-28", "day × {u}"),
    "TLAST": ("Tlast (persistence)", "day"),
}


def _num(v, decimals: int) -> str:
    return "" if pd.isna(v) else fmt_num(float(v), decimals)


def listing(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    adpc = pop.records(data["ADPC"])
    rec = kinetic_records(adpc)
    nca = compute_nca(adpc).set_index(["USUBJID", "ANALYTE"])
    rows = []
    for analyte, g in rec.groupby("ANALYTE", sort=False):
        d = raw_decimals(g["AVAL"].dropna().unique())
        unit = str(g["UNIT"].iloc[0])
        label = str(g["LABEL"].iloc[0])
        for r in g.itertuples(index=False):
            rows.append({"USUBJID": r.USUBJID, "ANALYTE": analyte, "TIME": r.TIME,
                         "_k": 0, "Analyte": label, "Record": SAMPLE, "Visit": r.NOMLABEL,
                         "Study day": _num(r.TIME, 0),
                         "Value": "BLQ" if r.BLQ else _num(r.AVAL, d), "Unit": unit})
        for subj in g["USUBJID"].unique():
            p = nca.loc[(subj, analyte)]
            for k, (name, u) in enumerate(PARAMETERS.items(), start=1):
                dec = 0 if name in ("TMAX", "TLAST") else d + (1 if name == "AUC" else 0)
                rows.append({"USUBJID": subj, "ANALYTE": analyte, "TIME": float("inf"),
                             "_k": k, "Analyte": label, "Record": u[0], "Visit": "",
                             "Study day": "",
                             "Value": "" if pd.isna(p[name]) else fmt_computed(p[name], dec),
                             "Unit": u[1].format(u=unit)})
    df = pd.DataFrame(rows, columns=["USUBJID", "ANALYTE", "TIME", "_k", "Analyte", "Record",
                                     "Visit", "Study day", "Value", "Unit"])
    df = pop.with_group(df).sort_values(["USUBJID", "ANALYTE", "_k", "TIME"], kind="mergesort")
    return pd.DataFrame({"Participant": df["USUBJID"], "Dose level": df[group_var],
                         **{c: df[c] for c in ("Analyte", "Record", "Visit", "Study day",
                                               "Value", "Unit")}}).reset_index(drop=True)


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    return listing_ard(ID, listing(data, config, group_var), "Participant")


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return ["BLQ: below the limit of quantification (counted as 0 for Cmax and AUC). Cmax: "
            "highest level; Tmax: first day it is reached; AUC0-28: linear trapezoid from "
            "Day 0 to Day 28; Tlast: last day with a quantifiable level (SAP 3). Study day: "
            "days from the CAR-T infusion (Day 0)."]


DISPLAY = declare(ID, ard=ard, listing=listing, footnotes=footnotes)
