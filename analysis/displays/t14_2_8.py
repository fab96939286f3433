"""T14.2.8 CAR-T kinetic parameters by dose level (Infused set; SAP 3, CAR-T kinetics).

Rows (group2 = ``PARAM``, one block per assay of ADPC: CARTPCT % CAR+ of CD3+
by flow cytometry, CARTCOPY transgene copies/ug gDNA by qPCR; for another
study's ADPC, one per analyte it holds, see :func:`analysis.derive.kinetics.kinetic_records`):

- ``EVAL`` n (%): participants with at least one sample at or after Day 0;
- ``ALLBLQ`` n (%): evaluable participants with every sample BLQ;
- ``CMAX`` Cmax: n, n_zero (value 0 = every sample BLQ, excluded from the
  geometric mean), geomean, geocv, median, min, max;
- ``TMAX`` Tmax (day): n, median, min, max (undefined when Cmax = 0; decimals of the
  sample times, at most 3);
- ``AUC`` AUC0-28 (days x unit; linear trapezoid over observed samples on
  Days 0-28, BLQ = 0, no extrapolation, NaN with < 2 samples): as Cmax;
- ``TLAST`` Tlast = persistence, last quantifiable day: n, median, min, max.
Columns: dose levels + Total (``group1 = group_var``); BIGN = Infused N.
Percent denominators: column N. Definitions: :mod:`analysis.derive.kinetics`.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.kinetics import analytes, compute_nca, kinetic_records, time_basis
from analysis.displays.registry import declare
from analysis.formats import raw_decimals
from analysis.sets import population
from analysis.stats.geometric import geometric_rows
from analysis.stats.summaries import bign_rows, count_rows
from data_contract.specs.adpc import ADPC_PARAMS

ID = "T14.2.8"
TIME_STATS = ("n", "median", "min", "max")
TIME_DECIMALS = 3  # days: 0.001 day is under 2 minutes
LAYOUT = {"variable_labels": {
    "EVAL": "Evaluable (≥1 sample from Day 0)",
    "ALLBLQ": "Every sample BLQ",
    "CMAX": "Cmax (assay unit)",
    "TMAX": "Tmax (day)",
    "AUC": "AUC0-28 (days x assay unit)",
    "TLAST": "Tlast, persistence (day)",
}}


def nca_with_groups(data: StudyData, config: StudyConfig, group_var: str = "TRT01A"):
    """(Infused ADSL, columns, N per column, NCA rows merged with ``group_var``, the
    samples of :func:`analysis.derive.kinetics.kinetic_records`)."""
    pop = population(data, config, ID, group_var)
    adsl, cols, bign = pop.adsl, pop.cols, pop.bign
    adpc = pop.records(data["ADPC"])
    nca = pop.with_group(compute_nca(adpc))
    return adsl, cols, bign, nca, kinetic_records(adpc)


def blocks(records: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(analyte, label, unit) of the table's blocks: this study's two assays (each with
    its block, also when it has no sample yet), or the analytes of another study's ADPC."""
    found = analytes(records, tuple(ADPC_PARAMS))
    if not found or any(a in ADPC_PARAMS for a, _, _ in found):
        return [(a, label, unit) for a, (label, unit) in ADPC_PARAMS.items()]
    return found


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    adsl, cols, bign, nca, records = nca_with_groups(data, config, group_var)
    rows = bign_rows(ID, bign, group_var)
    every = kinetic_records(data["ADPC"])  # SAP 4: decimals follow the raw values of the assay
    tdec = min(raw_decimals(every["TIME"]), TIME_DECIMALS)
    for analyte, label, _unit in blocks(records):
        p = nca[(nca["ANALYTE"] == analyte) & (nca["NSAMP"] > 0)]
        dec = raw_decimals(every.loc[every["ANALYTE"] == analyte, "AVAL"])
        keys = dict(display_id=ID, group_var=group_var, group2="PARAM", group2_level=label)
        rows += count_rows(p, bign, variable="EVAL", **keys)
        rows += count_rows(p[p["NQUANT"] == 0], bign, variable="ALLBLQ", **keys)
        rows += geometric_rows(p, "CMAX", cols, variable="CMAX", raw_decimals=dec, **keys)
        rows += geometric_rows(p, "TMAX", cols, variable="TMAX", stats=TIME_STATS,
                               raw_decimals=tdec, **keys)
        rows += geometric_rows(p, "AUC", cols, variable="AUC", raw_decimals=dec, **keys)
        rows += geometric_rows(p, "TLAST", cols, variable="TLAST", stats=TIME_STATS,
                               raw_decimals=tdec, **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    basis = time_basis(data["ADPC"]) if data.has("ADPC") else "ADY"
    time = ("Time is the study day (Day 0 = CAR-T infusion)." if basis == "ADY" else
            "Time is the actual time from the first dose, in days; dosing records and "
            "records derived by the dataset are not samples.")
    blq = ("BLQ = below the lower limit of quantification (as flagged in the data)" if basis == "ADY" else
           "BLQ = below the lower limit of quantification (LLOQ): value missing or below the LLOQ")
    return [
        f"{time} {blq}; BLQ samples count as 0 for Cmax and AUC.",
        "Cmax = maximum observed value; Tmax = first day of Cmax (not defined when every "
        "sample is BLQ); AUC0-28 = linear trapezoidal area (days x unit) over the observed "
        "samples from Day 0 to Day 28, without extrapolation (not estimable with fewer than "
        "2 samples); Tlast (persistence) = last day with a quantifiable value.",
        "Geometric mean and geometric CV% (100 x sqrt(exp(s^2) - 1), s = SD of log values) "
        "exclude values of 0 (every sample BLQ); the number excluded is shown.",
        "CAR+ = chimeric antigen receptor positive; gDNA = genomic DNA; CV = coefficient of "
        "variation; qPCR = quantitative polymerase chain reaction.",
    ]


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
