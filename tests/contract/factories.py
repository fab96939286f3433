"""Small literal datasets for the contract tests.

``study()`` is a minimal valid NCT06561009 study of three participants across
all eleven datasets, frozen at FINAL_CUTOFF, coherent across datasets (the
neutropenia AE has the worst ANC grade of ADLB, the CRS grades are those ADVS
defines, the DLT meets a DLT criterion: data_contract.consistency):

- 001 (DL1): lymphodepletion 2025-01-10, infused 2025-01-14, followed to the
  cut-off; an AE (neutropenia, grade 4 as ANC 400/uL on Day 7) from 2025-04-01
  to 2025-04-20; grade 1 CRS (fever 38.2 C on Day 2);
- 002 (DL1): lymphodepletion 2025-02-10, infused 2025-02-14, DLT (CRS grade 3)
  on 2025-02-16, fatal pneumonia 2025-05-20 to death on 2025-06-01;
- 003 (DL2): enrolled 2025-04-01, lymphodepletion 2025-04-07, infused 2025-04-11.

``pilot()`` is a standard ADaM ADSL/ADAE pair of another study (as in the CDISC
pilot), with no extension of this study except a valid BMIBL.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

STUDYID = "NCT06561009"
FINAL_CUTOFF = date(2025, 9, 30)
S1, S2, S3 = "NCT06561009-001", "NCT06561009-002", "NCT06561009-003"
NA = None


def _df(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def adsl() -> pd.DataFrame:
    return _df(
        ["STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "RACE", "ETHNIC",
         "TRT01P", "TRT01A", "TRT01AN", "SAFFL", "ITTFL", "TRTSDT", "TRTEDT", "DTHDT", "DTHFL",
         "EOSSTT", "DCSREAS", "EOSDT", "LSTALVDT", "TRT01PN", "COHORT", "DOSEKG", "DOSETOT",
         "WEIGHTBL", "HEIGHTBL", "BMIBL", "BSABL", "DIAGDT", "DISDURY", "RELP12", "RELP24",
         "NPRIMSUP", "PRIMSUP", "EDSSBL", "AQP4BL", "RFICDT", "ENRLDT", "LDSTDT", "INFDT",
         "ENRLFL", "INFFL", "DLTEVLFL"],
        [
            (STUDYID, S1, "001", "01", 34, "YEARS", "F", "ASIAN", "NOT HISPANIC OR LATINO",
             "DL1", "DL1", 1, "Y", "Y", "2025-01-10", "2025-01-14", NA, "N",
             "ONGOING", NA, NA, "2025-09-30", 1, "ESCALATION", 0.5, 30.0,
             60.0, 162.0, 22.9, 1.65, "2019-05-01", 5.7, 2, 3,
             1, "AZATHIOPRINE", 3.5, 320.0, "2025-01-02", "2025-01-06", "2025-01-10",
             "2025-01-14", "Y", "Y", "Y"),
            (STUDYID, S2, "002", "01", 45, "YEARS", "F", "ASIAN", "NOT HISPANIC OR LATINO",
             "DL1", "DL1", 1, "Y", "Y", "2025-02-10", "2025-02-14", "2025-06-01", "Y",
             "DISCONTINUED", "DEATH", "2025-06-01", "2025-06-01", 1, "ESCALATION", 0.5, 35.0,
             70.0, 165.0, 25.7, 1.78, "2015-03-01", 9.9, 3, 4,
             2, "AZATHIOPRINE; MYCOPHENOLATE MOFETIL", 5.0, 1000.0, "2025-01-28",
             "2025-02-03", "2025-02-10", "2025-02-14", "Y", "Y", "Y"),
            (STUDYID, S3, "003", "01", 29, "YEARS", "M", "ASIAN", "NOT HISPANIC OR LATINO",
             "DL2", "DL2", 2, "Y", "Y", "2025-04-07", "2025-04-11", NA, "N",
             "ONGOING", NA, NA, "2025-09-30", 2, "ESCALATION", 1.0, 75.0,
             75.0, 178.0, 23.7, 1.92, "2020-08-01", 4.7, 2, 3,
             1, "TACROLIMUS", 2.0, 100.0, "2025-03-28", "2025-04-01", "2025-04-07",
             "2025-04-11", "Y", "Y", "Y"),
        ],
    )


ADAE_COLUMNS = [
    "STUDYID", "USUBJID", "AESEQ", "AETERM", "AEDECOD", "AEBODSYS", "AESEV", "AETOXGR",
    "AESER", "AREL", "AEOUT", "AESDTH", "ASTDT", "AENDT", "ASTDY", "AENDY", "TRTEMFL",
    "AEGRSCL", "DLTFL", "CRSFL", "ICANSFL", "TOCIFL", "CORTFL",
]
SOC_GEN = "General disorders and administration site conditions"
SOC_IMM = "Immune system disorders"


def adae() -> pd.DataFrame:
    return _df(ADAE_COLUMNS, [
        (STUDYID, S1, 1, "HEADACHE", "Headache", "Nervous system disorders", "MILD", 1,
         "N", "NOT RELATED", "RECOVERED/RESOLVED", "N", "2025-01-08", "2025-01-09", -6, -5,
         "N", "CTCAE v5.0", "N", "N", "N", "N", "N"),
        (STUDYID, S1, 2, "CRS", "Cytokine release syndrome", SOC_IMM, "MILD", 1,
         "N", "RELATED", "RECOVERED/RESOLVED", "N", "2025-01-15", "2025-01-18", 1, 4,
         "Y", "ASTCT 2019", "N", "Y", "N", "Y", "N"),
        (STUDYID, S1, 3, "NEUTROPENIA", "Neutrophil count decreased", "Investigations",
         "SEVERE", 4, "N", "RELATED", "RECOVERED/RESOLVED", "N", "2025-04-01", "2025-04-20",
         77, 96, "Y", "CTCAE v5.0", "N", "N", "N", "N", "N"),
        (STUDYID, S2, 1, "CRS", "Cytokine release syndrome", SOC_IMM, "SEVERE", 3,
         "Y", "RELATED", "RECOVERED/RESOLVED", "N", "2025-02-16", "2025-02-20", 2, 6,
         "Y", "ASTCT 2019", "Y", "Y", "N", "Y", "Y"),
        (STUDYID, S2, 2, "PNEUMONIA", "Pneumonia", "Infections and infestations", "SEVERE", 5,
         "Y", "RELATED", "FATAL", "Y", "2025-05-20", "2025-06-01", 95, 107,
         "Y", "CTCAE v5.0", "N", "N", "N", "N", "N"),
        (STUDYID, S3, 1, "NAUSEA", "Nausea", "Gastrointestinal disorders", "MILD", 1,
         "N", "RELATED", "RECOVERED/RESOLVED", "N", "2025-04-08", "2025-04-09", -3, -2,
         "Y", "CTCAE v5.0", "N", "N", "N", "N", "N"),
    ])


def _adex_rows(usubjid: str, ld: list[str], inf: str, dose: float) -> list[tuple]:
    rows, seq = [], 1
    for day, d in zip((-4, -3, -2), ld, strict=True):
        for trt, mg in (("FLUDARABINE", 30.0), ("CYCLOPHOSPHAMIDE", 300.0)):
            rows.append((STUDYID, usubjid, seq, trt, mg, "mg/m2", mg, d, day))
            seq += 1
    rows.append((STUDYID, usubjid, seq, "ANTI-BAFFR CAR-T", dose, "10^6 cells/kg", dose, inf, 0))
    return rows


def adex() -> pd.DataFrame:
    return _df(
        ["STUDYID", "USUBJID", "EXSEQ", "EXTRT", "EXDOSE", "EXDOSU", "EXPDOSE", "ASTDT", "ASTDY"],
        _adex_rows(S1, ["2025-01-10", "2025-01-11", "2025-01-12"], "2025-01-14", 0.5)
        + _adex_rows(S2, ["2025-02-10", "2025-02-11", "2025-02-12"], "2025-02-14", 0.5)
        + _adex_rows(S3, ["2025-04-07", "2025-04-08", "2025-04-09"], "2025-04-11", 1.0),
    )


def adcm() -> pd.DataFrame:
    return _df(
        ["STUDYID", "USUBJID", "CMSEQ", "CMDECOD", "CMCAT", "CMCLAS", "ASTDT", "AENDT",
         "ASTDY", "PREFL", "ONTRTFL"],
        [
            (STUDYID, S1, 1, "TOCILIZUMAB", "TOCILIZUMAB", "IMMUNOSUPPRESSANTS", "2025-01-16",
             "2025-01-16", 2, "N", "Y"),
            (STUDYID, S2, 1, "IMMUNOGLOBULIN", "IVIG", "IMMUNE SERA AND IMMUNOGLOBULINS",
             "2025-03-01", "2025-04-30", 15, "N", "Y"),
        ],
    )


def addv() -> pd.DataFrame:
    return _df(
        ["STUDYID", "USUBJID", "DVSEQ", "DVCAT", "DVTERM", "ASTDT", "ASTDY", "DVIMPFL"],
        [(STUDYID, S1, 1, "VISIT SCHEDULE", "Visit not done: Day 7", "2025-01-21", 7, "N")],
    )


LAB_COLUMNS = ["STUDYID", "USUBJID", "PARAMCD", "PARAM", "PARCAT1", "AVAL", "AVALC", "AVALU",
               "ANRLO", "ANRHI", "LLOQ", "ADT", "ADY", "AVISIT", "AVISITN"]
ANC = ("ANC", "Absolute Neutrophil Count (cells/uL)", "HEMATOLOGY")
AQP4 = ("AQP4TIT", "AQP4-IgG Titre, Cell-Based Assay (1:N)", "AUTOANTIBODY")


def adlb() -> pd.DataFrame:
    return _df(LAB_COLUMNS, [
        (STUDYID, S1, *ANC, 3200.0, NA, "cells/uL", 1800.0, 7700.0, NA, "2025-01-10", -4,
         "Day -4", -4),
        (STUDYID, S1, *ANC, 400.0, NA, "cells/uL", 1800.0, 7700.0, NA, "2025-01-21", 7,
         "Day 7", 7),
        (STUDYID, S1, *AQP4, NA, "NEGATIVE", "1:N", NA, NA, 10.0, "2025-02-11", 28,
         "Day 28", 28),
        (STUDYID, S3, *ANC, 4100.0, NA, "cells/uL", 1800.0, 7700.0, NA, "2025-04-07", -4,
         "Day -4", -4),
        (STUDYID, S3, *ANC, 2500.0, NA, "cells/uL", 1800.0, 7700.0, NA, "2025-04-11", 0,
         "Day 0", 0),
    ])


CARTPCT = ("CARTPCT", "CAR+ T Cells (% of CD3+), Flow Cytometry")


def adpc() -> pd.DataFrame:
    return _df(
        ["STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVAL", "AVALC", "AVALU", "BLQFL", "LLOQ",
         "ADT", "ADY", "AVISIT", "AVISITN"],
        [
            (STUDYID, S1, *CARTPCT, 12.5, "12.5", "%", "N", 0.1, "2025-01-21", 7, "Day 7", 7),
            (STUDYID, S1, *CARTPCT, NA, "BLQ", "%", "Y", 0.1, "2025-02-11", 28, "Day 28", 28),
        ],
    )


def adrelap() -> pd.DataFrame:
    return _df(
        ["STUDYID", "USUBJID", "RLSEQ", "ASTDT", "ASTDY", "RLPHASE", "RLDESC", "RLGT24H",
         "RLFEVINF"],
        [
            (STUDYID, S1, 1, "2024-06-01", -227, "PRE-TREATMENT", "OPTIC NEURITIS", "Y", "N"),
            (STUDYID, S2, 1, "2024-11-01", -105, "PRE-TREATMENT", "TRANSVERSE MYELITIS", "Y",
             "N"),
            (STUDYID, S2, 2, "2025-04-01", 46, "ON-STUDY", "OPTIC NEURITIS", "Y", "N"),
        ],
    )


def adedss() -> pd.DataFrame:
    return _df(
        ["STUDYID", "USUBJID", "PARAMCD", "AVAL", "ADT", "ADY", "AVISIT", "AVISITN"],
        [
            (STUDYID, S1, "EDSS", 3.5, "2025-01-03", -11, "Screening", -28),
            (STUDYID, S1, "EDSS", 3.0, "2025-02-11", 28, "Day 28", 28),
        ],
    )


def adva() -> pd.DataFrame:
    return _df(
        ["STUDYID", "USUBJID", "LAT", "VAFMT", "VAORRES", "ADT", "ADY", "AVISIT", "AVISITN"],
        [
            (STUDYID, S1, "RIGHT", "SNELLEN", "5/10", "2025-01-03", -11, "Screening", -28),
            (STUDYID, S1, "LEFT", "FIVEPOINT", "4.8", "2025-01-03", -11, "Screening", -28),
        ],
    )


def admri() -> pd.DataFrame:
    return _df(
        ["STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVAL", "ADT", "ADY", "AVISIT", "AVISITN"],
        [
            (STUDYID, S1, "T2NEWENL", "New or Enlarging T2 Lesions (count)", 0, "2025-01-05", -9,
             "Screening", -28),
            (STUDYID, S1, "GDT1", "Gd-Enhancing T1 Lesions (count)", 0, "2025-01-05", -9,
             "Screening", -28),
        ],
    )


VS_COLUMNS = ["STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVAL", "AVALC", "AVALU", "ADT",
              "ADY"]
TEMP = ("TEMP", "Temperature, Maximum of the Day (C)")
VASOPN = ("VASOPN", "Vasopressors in Use, Maximum of the Day (n)")


def advs() -> pd.DataFrame:
    """Vital signs on the CRS days: 001 fever only (grade 1), 002 fever and one
    vasopressor (grade 3, ASTCT 2019)."""
    return _df(VS_COLUMNS, [
        (STUDYID, S1, *TEMP, 37.1, NA, "C", "2025-01-15", 1),
        (STUDYID, S1, *TEMP, 38.2, NA, "C", "2025-01-16", 2),
        (STUDYID, S2, *TEMP, 38.9, NA, "C", "2025-02-16", 2),
        (STUDYID, S2, *VASOPN, 1.0, NA, "n", "2025-02-17", 3),
    ])


def study() -> dict[str, pd.DataFrame]:
    """The minimal valid study (all twelve datasets), dates as ISO strings."""
    return {"ADSL": adsl(), "ADAE": adae(), "ADEX": adex(), "ADCM": adcm(), "ADLB": adlb(),
            "ADVS": advs(), "ADPC": adpc(), "ADRELAP": adrelap(), "ADEDSS": adedss(),
            "ADVA": adva(), "ADMRI": admri(), "ADDV": addv()}


PILOT_CUTOFF = date(2014, 12, 31)


def pilot() -> dict[str, pd.DataFrame]:
    """A standard ADaM ADSL/ADAE pair of another study (CDISC pilot style)."""
    adsl_ = _df(
        ["STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "RACE", "ETHNIC",
         "TRT01P", "TRT01A", "TRT01AN", "TRT01PN", "SAFFL", "ITTFL", "TRTSDT", "TRTEDT",
         "ARM", "AGEGR1", "BMIBL"],
        [
            ("CDISCPILOT01", "01-701-1015", "1015", "701", 63, "YEARS", "F", "WHITE",
             "HISPANIC OR LATINO", "Placebo", "Placebo", 0, 0, "Y", "Y", "2014-01-02",
             "2014-07-02", "Placebo", "<65", 25.1),
            ("CDISCPILOT01", "01-701-1023", "1023", "701", 64, "YEARS", "M", "WHITE",
             "NOT HISPANIC OR LATINO", "Xanomeline High Dose", "Xanomeline High Dose", 81, 81,
             "Y", "Y", "2012-08-05", "2012-09-01", "Xanomeline High Dose", "<65", 30.4),
        ],
    )
    adae_ = _df(
        ["STUDYID", "USUBJID", "AESEQ", "AETERM", "AEDECOD", "AEBODSYS", "AESEV", "AESER",
         "ASTDT", "AENDT", "ASTDY", "AENDY", "TRTEMFL", "AEACN"],
        [
            ("CDISCPILOT01", "01-701-1015", 1, "APPLICATION SITE ERYTHEMA",
             "Application site erythema", SOC_GEN, "MILD", "N", "2014-01-03", NA, 2, NA, "Y",
             "DOSE NOT CHANGED"),
            ("CDISCPILOT01", "01-701-1023", 1, "ERYTHEMA", "Erythema",
             "Skin and subcutaneous tissue disorders", "MODERATE", "N", "2012-08-07",
             "2012-08-30", 3, 26, "Y", "DOSE NOT CHANGED"),
        ],
    )
    return {"ADSL": adsl_, "ADAE": adae_}
