"""T14.3.7 Cytopenias: worst CTCAE grade shift from baseline, ICAHT, recovery
(Safety set; SAP 3, Cytopenias). Definitions: :mod:`analysis.derive.cytopenia`.

Rows (columns dose levels + Total; percentages of the column N):
- one block per parameter (group2 = ``PARAM``: ANC, platelets, haemoglobin,
  lymphocytes): variable ``Baseline grade <b>`` (b = 0-4 present in the data,
  or ``Missing``), variable_level ``Worst grade <w>`` (w = 0..max grade,
  ``No post-baseline value``): n (%) participants;
- block ``Early ICAHT (Day 0-30)``: variable ``ICAHT``, levels Grade 0-4
  (and Missing = no ANC value in the window): n (%);
- block per ANC / platelets ``Nadir and recovery``: ``NADIR`` (n, median,
  min, max), ``NADIRDY`` day of nadir, ``RECOV`` n (%) recovered,
  ``TTREC`` day of recovery among recovered (n, median, min, max),
  ``NOTREC`` n (%) nadir below the threshold and not recovered by the cut-off.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.cytopenia import (
    CTCAE_V5_LOW,
    RECOVERY_THRESHOLDS,
    compute_grade_shift,
    compute_icaht,
    compute_nadir_recovery,
)
from analysis.displays.registry import declare
from analysis.sets import population
from analysis.stats.geometric import geometric_rows
from analysis.stats.summaries import categorical_rows, count_rows
from data_contract.specs.adlb import ADLB_PARAMS

ID = "T14.3.7"
ICAHT_BLOCK = "Early ICAHT (Day 0-30)"
DAY_STATS = ("n", "median", "min", "max")
LB_COLUMNS = ["USUBJID", "PARAMCD", "AVAL", "ANRLO", "ADT", "ADY"]
LAYOUT = {"variable_labels": {
    "ICAHT": "ICAHT grade", "NADIR": "Nadir (post-infusion minimum)",
    "NADIRDY": "Day of nadir", "RECOV": "Recovered after nadir",
    "TTREC": "Day of recovery (recovered participants)", "NOTREC": "Not recovered by cut-off",
}}


def _g(x) -> str:
    return "Missing" if pd.isna(x) else str(int(x))


def shown(data: StudyData) -> tuple[list[str], bool]:
    """(the graded parameters ADLB holds, whether early ICAHT is derived). ICAHT counts
    days after the CAR-T infusion, so it needs ANC and ADSL.INFDT; another study's
    ADaM may have neither (the footnotes say what is not shown)."""
    held = set(data["ADLB"]["PARAMCD"].unique())
    params = [p for p in CTCAE_V5_LOW if p in held]
    return params, "ANC" in params and "INFDT" in data["ADSL"].columns


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    pop = population(data, config, ID, group_var)
    adsl, cols, bign = pop.adsl, pop.cols, pop.bign
    params = pop.params_present(data["ADLB"], CTCAE_V5_LOW, "ADLB")
    with_icaht = shown(data)[1]
    lb = pop.records(data["ADLB"], params=params, columns=LB_COLUMNS)
    rows = pop.bign_rows()
    shift = pop.with_group(compute_grade_shift(lb, adsl))
    for param in params:
        grades = CTCAE_V5_LOW[param]
        s = shift[shift["PARAMCD"] == param]
        keys = dict(display_id=ID, group_var=group_var, group2="PARAM",
                    group2_level=ADLB_PARAMS[param][0])
        bgr = sorted({_g(x) for x in s["BTOXGR"]} | {"0"}, key=lambda x: (x == "Missing", x))
        wlev = [str(g) for g in range(0, max(grades) + 1)]
        for b in bgr:
            sb = s[s["BTOXGR"].map(_g) == b]
            for w in wlev + ["Missing"]:
                if w == "Missing" and not sb["WTOXGR"].isna().any():
                    continue
                label = "No post-baseline value" if w == "Missing" else f"Worst grade {w}"
                rows += count_rows(sb[sb["WTOXGR"].map(_g) == w], bign,
                                   variable=f"Baseline grade {b}", variable_level=label, **keys)
    if with_icaht:
        icaht = pop.with_group(compute_icaht(lb, config))
        icaht["ICAHTC"] = icaht["ICAHT"].map(lambda x: None if pd.isna(x) else f"Grade {int(x)}")
        rows += [dict(r, group2="BLOCK", group2_level=ICAHT_BLOCK) for r in categorical_rows(
            icaht, "ICAHTC", bign, display_id=ID, group_var=group_var,
            levels=[f"Grade {g}" for g in range(5)], variable="ICAHT")]
    nad = pop.with_group(compute_nadir_recovery(lb))
    for param in (p for p in RECOVERY_THRESHOLDS if p in params):
        n = nad[nad["PARAMCD"] == param]
        keys = dict(display_id=ID, group_var=group_var, group2="BLOCK",
                    group2_level=f"{ADLB_PARAMS[param][0]}: nadir and recovery")
        dec = 1 if param == "HGB" else 0
        rows += geometric_rows(n, "NADIR", cols, variable="NADIR", stats=DAY_STATS,
                               raw_decimals=dec, **keys)
        rows += geometric_rows(n, "NADIRDY", cols, variable="NADIRDY", stats=DAY_STATS, **keys)
        rows += count_rows(n[n["RECFL"] == "Y"], bign, variable="RECOV", **keys)
        rows += geometric_rows(n[n["RECFL"] == "Y"], "RECDY", cols, variable="TTREC",
                               stats=DAY_STATS, **keys)
        rows += count_rows(n[n["RECFL"] == "N"], bign, variable="NOTREC", **keys)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    c = config.constants
    lo, hi = c["icaht_window_days"]
    params, with_icaht = shown(data) if data.has("ADSL", "ADLB") else (list(CTCAE_V5_LOW), True)
    notes = [
        "Grades by CTCAE v5.0 from the value (grade 1 below the lower limit of normal): ANC "
        "(cells/µL) G2 <1500, G3 <1000, G4 <500; platelets (× 10³/µL) G2 <75, G3 <50, G4 <25; "
        "haemoglobin (g/dL) G2 <10.0, G3 <8.0 (no grade 4 by value); lymphocytes (cells/µL) "
        "G2 <800, G3 <500, G4 <200. Worst grade: highest grade from study day 1 (Day 0 = "
        "CAR-T infusion); baseline as in SAP 3.",
    ]
    if with_icaht:
        notes.append(
            f"Early ICAHT (Day {lo}-{hi}): days with ANC ≤{c['icaht_anc_threshold_per_ul']}/µL "
            f"(grade 1 <7, grade 2 7-13, grade 3 ≥14) or ≤{c['icaht_g4_anc_per_ul']}/µL for "
            "≥7 days (grade 4); a measured value holds from its day until the next measurement "
            "(the last one to the end of the window); days need not be consecutive.")
    notes.append(
        f"Nadir: minimum value from study day 1. Recovery: first day after the nadir with ANC "
        f"≥{RECOVERY_THRESHOLDS['ANC']:g}/µL or platelets ≥{RECOVERY_THRESHOLDS['PLAT']:g} "
        "× 10³/µL (analysis convention), assessed when the nadir is below that value.")
    absent = [ADLB_PARAMS[p][0] for p in CTCAE_V5_LOW if p not in params]
    if absent:
        notes.append(f"Not shown: ADLB holds no {', no '.join(absent)}.")
    if not with_icaht:
        why = "ADLB holds no ANC" if "ANC" not in params else "ADSL has no INFDT (CAR-T infusion)"
        notes.append(f"Early ICAHT is not derived: {why}.")
    notes.append("ANC = absolute neutrophil count; CTCAE = Common Terminology Criteria for "
                 "Adverse Events; ICAHT = immune effector cell-associated haematotoxicity.")
    return notes


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
