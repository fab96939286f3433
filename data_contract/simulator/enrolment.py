"""Participants: identifiers, demographics, body size, dose and key dates.

All dates are anchored on the fixed study start date of ``params.yml`` (no
wall clock). Day offsets are kept as integer study days relative to the
CAR-T infusion (Day 0, SAP 3 study day).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_contract.simulator.escalation import Escalation


@dataclass
class Participants:
    """Per-participant arrays (index i is the i-th participant in infusion order)."""

    usubjid: np.ndarray
    subjid: np.ndarray
    siteid: np.ndarray
    infdt: np.ndarray  # datetime64[D]
    level: np.ndarray
    expansion: np.ndarray
    dlt: np.ndarray
    dlt_type: np.ndarray  # "" when no DLT
    sex: np.ndarray
    age: np.ndarray
    weight: np.ndarray
    height: np.ndarray
    bmi: np.ndarray
    bsa: np.ndarray
    dose_kg: np.ndarray
    dose_tot: np.ndarray
    screen_day: np.ndarray
    consent_day: np.ndarray
    enrol_day: np.ndarray
    diag_day: np.ndarray
    disdur: np.ndarray
    nprimsup: np.ndarray
    primsup: np.ndarray

    @property
    def n(self) -> int:
        return len(self.usubjid)


def _uniform_int(rng: np.random.Generator, bounds, size) -> np.ndarray:
    lo, hi = bounds
    return rng.integers(lo, hi + 1, size=size)


def enrol(esc: Escalation, rng: np.random.Generator, params: dict, config) -> Participants:
    """Draw the enrolled participants of an escalation run (SAP 1, inclusion criteria)."""
    p = params["enrolment"]
    n = len(esc.level)
    studyid = config.study["studyid"]
    sites = np.asarray(params["study"]["sites"], dtype=object)
    site = sites[rng.integers(0, len(sites), size=n)]
    width = params["study"]["subject_number_width"]
    num = np.char.zfill(np.arange(1, n + 1).astype(str), width).astype(object)
    subjid = site + "-" + num
    usubjid = studyid + "-" + subjid

    lo_age, hi_age = config.study["age_range"]
    age = np.clip(np.rint(rng.normal(p["age_mean"], p["age_sd"], n)), lo_age, hi_age).astype(int)
    female = rng.random(n) < p["female_probability"]
    sex = np.where(female, "F", "M").astype(object)
    wmean = np.where(female, p["weight_mean_kg"]["F"], p["weight_mean_kg"]["M"])
    hmean = np.where(female, p["height_mean_cm"]["F"], p["height_mean_cm"]["M"])
    bd = p["body_decimals"]
    weight = np.round(np.clip(rng.normal(wmean, p["weight_sd_kg"]), *p["weight_range_kg"]), bd)
    height = np.round(np.clip(rng.normal(hmean, p["height_sd_cm"]), *p["height_range_cm"]), bd)
    bmi = np.round(weight / (height / p["cm_per_m"]) ** 2, bd)
    bsa = np.round(np.sqrt(height * weight / p["mosteller_divisor"]), p["bsa_decimals"])

    planned = {lv.code: lv.dose_per_kg for lv in config.dose_levels}
    planned_kg = np.vectorize(planned.get, otypes=[float])(esc.level) if n else np.zeros(0)
    ratio = np.clip(rng.normal(1.0, p["dose_ratio_sd"], n), *p["dose_ratio_range"])
    dose_kg = np.round(planned_kg * ratio, p["dose_decimals"])
    dose_tot = np.round(dose_kg * weight, p["dose_decimals"])

    start = np.datetime64(params["study"]["start_date"], "D")
    vis = config.visit_order
    jit = params["visits"]["jitter_days"]["Screening"]
    screen_day = vis["Screening"] + _uniform_int(rng, jit, n)
    # The first participant is screened on the study start date.
    first_offset = -screen_day[0] if n else 0
    infdt = start + (esc.infusion_day + first_offset).astype("timedelta64[D]")
    consent_day = screen_day - _uniform_int(rng, p["screening_to_consent_days"], n)
    enrol_day = screen_day + _uniform_int(rng, p["screening_to_enrolment_days"], n)

    dur = np.exp(rng.normal(np.log(p["disease_duration_median_years"]),
                            p["disease_duration_log_sd"], n))
    dur = np.clip(dur, *p["disease_duration_range_years"])
    diag_day = enrol_day - np.rint(dur * p["days_per_year"]).astype(int)
    disdur = np.round((enrol_day - diag_day) / p["days_per_year"], p["duration_decimals"])

    agents = np.asarray(p["prior_immunosuppressants"], dtype=object)
    w = np.asarray(p["n_prior_immunosuppressants_weights"], dtype=float)
    nprim = rng.choice(np.arange(1, p["n_prior_immunosuppressants_max"] + 1), size=n, p=w / w.sum())
    order = np.argsort(rng.random((n, len(agents))), axis=1)
    primsup = np.array(["; ".join(agents[np.sort(order[i, : nprim[i]])]) for i in range(n)],
                       dtype=object)

    types = list(params["escalation"]["dlt_types"])
    tw = np.asarray(list(params["escalation"]["dlt_types"].values()), dtype=float)
    dlt_type = np.where(esc.dlt, rng.choice(types, size=n, p=tw / tw.sum()), "").astype(object)

    return Participants(
        usubjid=usubjid, subjid=subjid, siteid=site, infdt=infdt, level=esc.level,
        expansion=esc.expansion, dlt=esc.dlt, dlt_type=dlt_type, sex=sex, age=age,
        weight=weight, height=height, bmi=bmi, bsa=bsa, dose_kg=dose_kg, dose_tot=dose_tot,
        screen_day=screen_day, consent_day=consent_day, enrol_day=enrol_day,
        diag_day=diag_day, disdur=disdur, nprimsup=nprim, primsup=primsup,
    )
