"""Cross-dataset consistency of this study's datasets (SAP 3 and 5; issue 14): findings
that are warnings in the validation report, never errors (the data are lawful; a
reviewer must see where two datasets tell different stories).

Rules (ids in :mod:`data_contract.rules`):

- ``consistency.lab_ae_grade``: per participant and cytopenia term (Neutrophil,
  Platelet and Lymphocyte count decreased, Anaemia), the worst grade of the ADAE
  events of the term differs from the worst CTCAE v5.0 grade of the participant's
  ADLB values of its parameter (ANC, PLAT, LYMPH, HGB) on or after the first
  lymphodepletion day (ADSL.LDSTDT; study day >= -4 without it); or ADLB reaches
  grade 3 or more with no AE of the term. One finding per participant and term, on
  the AE row of the worst grade (or the ADLB side when there is no AE).
- ``consistency.crs_vital_signs``: a CRS event (CRSFL = Y) whose ADVS days
  (ASTDY to AENDY, or to Day 28 when ongoing) show no fever >= 38.0 C, or whose
  ASTCT 2019 grade defined by the vital signs differs from AETOXGR: G1 fever; G2
  hypotension (systolic < 90 mmHg) without vasopressor and/or oxygen <= 6 L/min; G3
  one vasopressor and/or oxygen > 6 L/min, high-flow cannula or face mask; G4 two or
  more vasopressors and/or positive pressure.
- ``ADAE.dlt_meets_no_criterion``: an event flagged DLTFL = Y that meets none of the
  DLT criteria of study.yml (:mod:`data_contract.dlt_criteria`).

Only datasets checked in the ``full`` profile are compared (another study's ADaM has
none of these flags); a dataset or variable that is absent, or values that cannot be
read, skip the rule that needs them (the schema has reported them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from data_contract.codelists import Codelists
from data_contract.dlt_criteria import DltCriteria, criteria_met, load_dlt_criteria
from study.ctcae import CTCAE_V5_LOW, ctcae_grades

LAB_TERMS = {"Neutrophil count decreased": "ANC", "Platelet count decreased": "PLAT",
             "Lymphocyte count decreased": "LYMPH", "Anaemia": "HGB"}
LAB_WITHOUT_AE_GRADE = 3  # an ADLB grade this high with no AE of the term is a finding
FEVER_C = 38.0
HYPOTENSION_SBP = 90.0
LOW_FLOW_MAX_L_MIN = 6.0
GRADE3_DEVICES = ("HIGH-FLOW NASAL CANNULA", "FACE MASK")
GRADE4_DEVICES = ("POSITIVE PRESSURE",)
DEFAULT_LD_DAY = -4  # study.yml lymphodepletion days -4 to -2, when ADSL has no LDSTDT
VS_LAST_DAY = 28


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def lab_grades(adlb: pd.DataFrame) -> pd.Series:
    """CTCAE v5.0 grade (0-4, NaN without a value) of each ANC/PLAT/HGB/LYMPH record
    (:func:`study.ctcae.ctcae_grades`); NaN for the other parameters."""
    graded = adlb["PARAMCD"].isin(list(CTCAE_V5_LOW))
    lln = adlb["ANRLO"] if "ANRLO" in adlb else pd.Series(np.nan, index=adlb.index)
    out = pd.Series(np.nan, index=adlb.index)
    out[graded] = ctcae_grades(adlb.loc[graded, "PARAMCD"], adlb.loc[graded, "AVAL"],
                               lln[graded])
    return out


def _finding(rule: str, dataset: str, row: int | None, usubjid, variable, value, message):
    from data_contract.validate import ContractError

    return ContractError(dataset, row, None if usubjid is None else str(usubjid), variable,
                         rule, str(value), message)


def _ld_day(adsl: pd.DataFrame | None) -> dict:
    """USUBJID -> study day of the first lymphodepletion (LDSTDT - INFDT)."""
    if adsl is None or not {"USUBJID", "LDSTDT", "INFDT"} <= set(adsl.columns):
        return {}
    d = (pd.to_datetime(adsl["LDSTDT"], errors="coerce")
         - pd.to_datetime(adsl["INFDT"], errors="coerce")).dt.days
    return dict(zip(adsl["USUBJID"], d, strict=True))


def lab_summary(adlb: pd.DataFrame, ld: Mapping) -> tuple[pd.Series, dict]:
    """From ADLB: the worst CTCAE grade per (USUBJID, PARAMCD) of the graded parameters
    on or after the first lymphodepletion day (``ld``: USUBJID -> its study day), and
    the study days of grade-4 values per (USUBJID, PARAMCD)."""
    if not {"USUBJID", "PARAMCD", "AVAL", "ADY"} <= set(adlb.columns):
        return pd.Series(dtype=float), {}
    lb = adlb.loc[adlb["PARAMCD"].isin(list(CTCAE_V5_LOW)),
                  [c for c in ("USUBJID", "PARAMCD", "AVAL", "ANRLO", "ADY") if c in adlb]]
    lb = lb.assign(_g=lab_grades(lb), _d=_num(lb["ADY"]))
    lb = lb[lb["_d"] >= lb["USUBJID"].map(ld).fillna(DEFAULT_LD_DAY)]
    worst = lb.groupby(["USUBJID", "PARAMCD"])["_g"].max()
    g4 = lb[lb["_g"] >= 4]
    return worst, {k: list(v) for k, v in g4.groupby(["USUBJID", "PARAMCD"])["_d"]}


def rule_lab_ae_grade(adae: pd.DataFrame, worst: pd.Series) -> list:
    """``consistency.lab_ae_grade`` (module doc); ``worst`` from :func:`lab_summary`."""
    if not {"USUBJID", "AEDECOD", "AETOXGR"} <= set(adae.columns):
        return []
    is_lab = adae["AEDECOD"].isin(list(LAB_TERMS))
    ae = adae[is_lab]
    ae = ae.assign(_g=_num(ae["AETOXGR"]), _row=np.flatnonzero(is_lab.to_numpy()) + 1)
    out = []
    seen = set()
    for (u, term), g in ae.groupby(["USUBJID", "AEDECOD"], sort=True):
        code = LAB_TERMS[term]
        seen.add((u, code))
        top = g.loc[g["_g"].idxmax()] if g["_g"].notna().any() else g.iloc[0]
        lab = worst.get((u, code), math.nan)
        if pd.isna(top["_g"]) or (not pd.isna(lab) and top["_g"] == lab):
            continue
        lab_txt = "no graded value" if pd.isna(lab) else f"grade {int(lab)}"
        out.append(_finding(
            "consistency.lab_ae_grade", "ADAE", int(top["_row"]), u, "AETOXGR",
            int(top["_g"]),
            f"{term} grade {int(top['_g'])} in ADAE, but the worst {code} in ADLB from "
            f"lymphodepletion on is {lab_txt} (CTCAE v5.0)"))
    for (u, code), lab in worst.items():
        if (u, code) in seen or pd.isna(lab) or lab < LAB_WITHOUT_AE_GRADE:
            continue
        term = next(t for t, c in LAB_TERMS.items() if c == code)
        out.append(_finding(
            "consistency.lab_ae_grade", "ADLB", None, u, "AVAL", f"grade {int(lab)}",
            f"{code} reaches CTCAE grade {int(lab)} in ADLB from lymphodepletion on, but "
            f"ADAE has no {term}"))
    return out


def vital_signs_grade(days: pd.DataFrame) -> tuple[bool, int]:
    """(fever seen, ASTCT 2019 grade the vital signs define) over ADVS rows of some days."""
    def vals(code):
        return _num(days.loc[days["PARAMCD"].eq(code), "AVAL"])

    fever = bool((vals("TEMP") >= FEVER_C).any())
    oxy = days[days["PARAMCD"].eq("OXYFLOW")]
    flow = _num(oxy["AVAL"]).fillna(0)
    device = oxy["AVALC"].astype("string").fillna("") if "AVALC" in oxy else \
        pd.Series("", index=oxy.index)
    vaso = vals("VASOPN").fillna(0)
    if (vaso >= 2).any() or device.isin(GRADE4_DEVICES).any():
        g = 4
    elif (vaso >= 1).any() or (flow > LOW_FLOW_MAX_L_MIN).any() or device.isin(
            GRADE3_DEVICES).any():
        g = 3
    elif (vals("SYSBP") < HYPOTENSION_SBP).any() or (flow > 0).any():
        g = 2
    else:
        g = 1 if fever else 0
    return fever, g


def rule_crs_vital_signs(adae: pd.DataFrame, advs: pd.DataFrame) -> list:
    need = {"USUBJID", "CRSFL", "AETOXGR", "ASTDY"}
    if not need <= set(adae.columns) or not {"USUBJID", "PARAMCD", "AVAL", "ADY"} <= set(
            advs.columns):
        return []
    vs = advs.assign(_d=_num(advs["ADY"]))
    by_subject = dict(tuple(vs.groupby("USUBJID", sort=False)))
    out = []
    crs_rows = np.flatnonzero(adae["CRSFL"].eq("Y").to_numpy())
    for i in crs_rows:
        r = adae.iloc[i]
        grade, start = _num(pd.Series([r["AETOXGR"]])).iloc[0], _num(pd.Series([r["ASTDY"]])).iloc[0]
        end = _num(pd.Series([r.get("AENDY")])).iloc[0]
        if pd.isna(grade) or pd.isna(start):
            continue
        end = VS_LAST_DAY if pd.isna(end) else min(end, VS_LAST_DAY)
        days = by_subject.get(r["USUBJID"])
        if days is None:
            continue
        days = days[(days["_d"] >= start) & (days["_d"] <= end)]
        if days.empty:
            continue
        fever, g = vital_signs_grade(days)
        if fever and g == int(grade):
            continue
        why = ("no temperature >= 38.0 C on its days" if not fever
               else f"its vital signs define ASTCT grade {g}")
        out.append(_finding(
            "consistency.crs_vital_signs", "ADAE", int(i) + 1, r["USUBJID"], "AETOXGR",
            int(grade),
            f"CRS grade {int(grade)} (study days {int(start)} to {int(end)}) but ADVS shows "
            f"{why} (fever >= 38.0 C; hypotension < 90 mmHg, vasopressors, oxygen)"))
    return out


def rule_dlt_criteria(adae: pd.DataFrame, g4: Mapping, criteria: DltCriteria,
                      codelists: Codelists) -> list:
    """``ADAE.dlt_meets_no_criterion``; ``g4``: (USUBJID, PARAMCD) -> study days of the
    grade-4 laboratory values (:func:`lab_summary`)."""
    if not {"USUBJID", "DLTFL"} <= set(adae.columns):
        return []
    related = set(codelists.values("AREL", "related"))
    rel_var = next((c.fields.get("related_to") for c in criteria.criteria
                    if c.kind == "other"), "ARELCAR")
    rel_var = rel_var if rel_var in adae.columns else "AREL"
    out = []
    for i in np.flatnonzero(adae["DLTFL"].eq("Y").to_numpy()):
        r = adae.iloc[i].to_dict()
        code = criteria.cytopenia_terms.get(str(r.get("AEDECOD")))
        days = g4.get((r["USUBJID"], code), []) if code else []
        met = criteria_met(r, criteria, related_car=r.get(rel_var) in related,
                           lab_grade_after=days)
        if met:
            continue
        out.append(_finding(
            "ADAE.dlt_meets_no_criterion", "ADAE", int(i) + 1, r["USUBJID"], "DLTFL", "Y",
            f"{r.get('AEDECOD')} (grade {r.get('AETOXGR')}, onset Day {r.get('ASTDY')}) is "
            f"flagged as a DLT but meets none of the DLT criteria of study.yml "
            f"(assumptions.dlt_criteria)"))
    return out


VS_KEEP = ("TEMP", "SYSBP", "OXYFLOW", "VASOPN")
AE_KEEP = ("USUBJID", "AEDECOD", "AEBODSYS", "AETOXGR", "ASTDY", "AENDY", "CRSFL", "ICANSFL",
           "DLTFL", "AREL", "ARELCAR")


class ConsistencyCheck:
    """The rules above over datasets validated one at a time (:func:`validate`): each
    typed dataset is shown once (:meth:`see`) and only the little each rule needs is
    kept (ADAE's columns of the rules, ADLB's worst grades, ADVS's grading parameters
    to Day 28); :meth:`findings` applies the rules at the end."""

    def __init__(self, codelists: Codelists):
        self.codelists = codelists
        self.ld: dict = {}
        self.adae: pd.DataFrame | None = None
        self.worst: pd.Series | None = None
        self.g4: dict = {}
        self.advs: pd.DataFrame | None = None

    def see(self, name: str, df: pd.DataFrame, profile: str) -> None:
        if profile != "full":
            return
        if name == "ADSL":
            self.ld = _ld_day(df)
        elif name == "ADAE":
            self.adae = df[[c for c in AE_KEEP if c in df.columns]].copy()
        elif name == "ADLB":
            self.worst, self.g4 = lab_summary(df, self.ld)
        elif name == "ADVS" and {"USUBJID", "PARAMCD", "AVAL", "ADY"} <= set(df.columns):
            keep = df["PARAMCD"].isin(list(VS_KEEP)) & (_num(df["ADY"]) <= VS_LAST_DAY)
            self.advs = df.loc[keep, [c for c in ("USUBJID", "PARAMCD", "AVAL", "AVALC",
                                                  "ADY") if c in df.columns]].copy()

    def findings(self) -> list:
        if self.adae is None:
            return []
        out = []
        if self.worst is not None:
            out += rule_lab_ae_grade(self.adae, self.worst)
        if self.advs is not None:
            out += rule_crs_vital_signs(self.adae, self.advs)
        out += rule_dlt_criteria(self.adae, self.g4, load_dlt_criteria(), self.codelists)
        return out


def consistency_findings(datasets: Mapping[str, pd.DataFrame], codelists: Codelists,
                         profile: str = "full") -> list:
    """Every finding of the rules above for ``datasets`` ({NAME: typed frame}, all
    checked in ``profile``), in one call (tests; :func:`validate` uses
    :class:`ConsistencyCheck` as it goes)."""
    check = ConsistencyCheck(codelists)
    order = ["ADSL", "ADAE", "ADLB", "ADVS"]
    for name in order:
        if name in datasets:
            check.see(name, datasets[name], profile)
    return check.findings()
