"""Adverse events (ADAE rows) and CRS/ICANS management (ADCM rows).

CRS in most participants (ASTCT 2019, grade 1-2; grade 3 only as a DLT), rare
grade 1 ICANS, infections, common events of lymphodepletion and a few
pre-treatment events (:func:`simulate_safety`); cytopenia events are derived
afterwards from the simulated laboratory values themselves (CTCAE v5.0 grade of
each sampled value, :func:`add_laboratory_events`), so an AE's grade is the worst
grade its participant's ADLB shows (SAP 3, Cytopenias; issue 14).

Causality is drawn separately to the CAR-T product (``related``) and to the
lymphodepleting chemotherapy (``related_ld``): an event before the infusion cannot
be related to the product; CRS and ICANS are related to the product only;
cytopenias to the chemotherapy, and to the product too when they start after
the infusion (SAP 3, relatedness).

A drawn DLT is flagged only on an event that meets one of the protocol's DLT
criteria (study.yml ``assumptions.dlt_criteria``, :mod:`data_contract.dlt_criteria`),
judged on the simulated data (SAP 3, DLT).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_contract.dlt_criteria import DltCriteria, criteria_met
from data_contract.simulator.enrolment import Participants
from data_contract.simulator.labs import Haem
from data_contract.simulator.visits import Disposition
from study.ctcae import ctcae_grades

EVENT_FIELDS = ("pid", "term", "soc", "grade", "start", "end", "serious", "related",
                "related_ld", "dlt", "crs", "icans", "toci", "cort", "scale", "fatal")


@dataclass
class Safety:
    events: dict[str, np.ndarray]
    cm: dict[str, np.ndarray]
    crs_grade: np.ndarray  # 0 when no CRS
    crs_onset: np.ndarray


def _events(pid, term, soc, grade, start, end, *, serious=False, related=True, related_ld=False,
            dlt=False, crs=False, icans=False, toci=False, cort=False, scale="CTCAE v5.0",
            fatal=False):
    k = len(pid)

    def full(x, dtype):
        return np.broadcast_to(np.asarray(x, dtype=dtype), (k,)).copy()

    return {
        "pid": np.asarray(pid, dtype=np.int64), "term": full(term, object),
        "soc": full(soc, object), "grade": full(grade, np.int64),
        "start": full(start, np.int64), "end": full(end, float),
        "serious": full(serious, bool), "related": full(related, bool),
        "related_ld": full(related_ld, bool), "dlt": full(dlt, bool),
        "crs": full(crs, bool), "icans": full(icans, bool), "toci": full(toci, bool),
        "cort": full(cort, bool), "scale": full(scale, object), "fatal": full(fatal, bool),
    }


def _int_between(rng, bounds, size):
    lo, hi = bounds
    return rng.integers(lo, hi + 1, size=size)


def _choice(rng, weights, size):
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=size, p=w / w.sum())


def simulate_safety(pt: Participants, disp: Disposition, haem: dict[str, Haem], rng,
                    params: dict) -> Safety:
    """All adverse events and CRS/ICANS medications of the simulated participants."""
    n = pt.n
    parts = []
    cm = []
    ae = params["other_aes"]
    names = params["labs"]

    # Cytokine release syndrome (ASTCT 2019).
    c = params["crs"]
    dlt_crs = pt.dlt_type == "CRS_G3"
    has = (rng.random(n) < c["probability"]) | dlt_crs
    nondlt_grade = 1 + _choice(rng, c["grade_weights"], n)
    grade = np.where(dlt_crs, c["dlt_grade"], np.where(has, nondlt_grade, 0))
    onset = np.clip(np.rint(np.exp(rng.normal(np.log(c["onset_median_day"]), c["onset_log_sd"],
                                              n))), *c["onset_range"]).astype(np.int64)
    dur = np.where(dlt_crs, _int_between(rng, c["dlt_duration_days"], n),
                   _int_between(rng, c["duration_days"], n))
    p_toci = np.vectorize(lambda g: c["tocilizumab_probability"].get(int(g), 0.0))(grade)
    p_cort = np.vectorize(lambda g: c["corticosteroid_probability"].get(int(g), 0.0))(grade)
    toci = has & (rng.random(n) < p_toci)
    cort = has & (rng.random(n) < p_cort)
    i = np.flatnonzero(has)
    parts.append(_events(i, "Cytokine release syndrome", "Immune system disorders", grade[i],
                         onset[i], onset[i] + dur[i] - 1, serious=grade[i] >= c["serious_min_grade"],
                         dlt=dlt_crs[i], crs=True, toci=toci[i], cort=cort[i], scale="ASTCT 2019"))
    tday = onset + _int_between(rng, c["tocilizumab_days"], n)
    j = np.flatnonzero(toci)
    cm.append({"pid": j, "name": np.full(len(j), names["tocilizumab_name"], dtype=object),
               "cat": np.full(len(j), "TOCILIZUMAB", dtype=object), "start": tday[j],
               "end": tday[j] + rng.integers(0, 2, size=len(j))})
    j = np.flatnonzero(cort)
    clen = _int_between(rng, c["corticosteroid_course_days"], n)
    cm.append({"pid": j, "name": np.full(len(j), names["corticosteroid_name"], dtype=object),
               "cat": np.full(len(j), "CORTICOSTEROID", dtype=object), "start": tday[j],
               "end": tday[j] + clen[j] - 1})

    # ICANS (rare, grade 1).
    q = params["icans"]
    ic = rng.random(n) < q["probability"]
    ionset = np.where(has, onset + _int_between(rng, q["onset_after_crs_days"], n),
                      _int_between(rng, q["onset_without_crs_days"], n))
    idur = _int_between(rng, q["duration_days"], n)
    icort = ic & (rng.random(n) < q["corticosteroid_probability"])
    i = np.flatnonzero(ic)
    parts.append(_events(i, "Immune effector cell-associated neurotoxicity syndrome",
                         "Nervous system disorders", q["grade"], ionset[i],
                         ionset[i] + idur[i] - 1, icans=True, cort=icort[i], scale="ASTCT 2019"))
    j = np.flatnonzero(icort)
    cm.append({"pid": j, "name": np.full(len(j), names["corticosteroid_name"], dtype=object),
               "cat": np.full(len(j), "CORTICOSTEROID", dtype=object), "start": ionset[j],
               "end": ionset[j] + clen[j] - 1})

    # Transaminase DLT.
    i = np.flatnonzero(pt.dlt_type == "ALT_G3")
    s = _int_between(rng, ae["dlt_alt_onset"], len(i))
    parts.append(_events(i, ae["dlt_alt_term"], "Investigations", ae["dlt_alt_grade"], s,
                         s + _int_between(rng, ae["dlt_alt_duration"], len(i)) - 1, dlt=True,
                         serious=rng.random(len(i)) < ae["dlt_serious_probability"]))

    # Infections.
    f = params["infections"]
    span = np.maximum(disp.end_day, 0)
    k = rng.poisson(f["rate_per_year"] * span / params["enrolment"]["days_per_year"])
    i = np.repeat(np.arange(n), k)
    early = rng.random(len(i)) < f["early_fraction"]
    s = np.where(early, _int_between(rng, f["early_days"], len(i)),
                 _int_between(rng, f["late_days"], len(i)))
    g = 1 + _choice(rng, f["grade_weights"], len(i))
    terms = np.asarray(list(f["terms"]), dtype=object)
    t = terms[_choice(rng, list(f["terms"].values()), len(i))]
    e = s + _int_between(rng, f["duration_days"], len(i)) - 1
    rel = rng.random(len(i)) < f["related_probability"]
    parts.append(_events(i, t, "Infections and infestations", g, s, e,
                         serious=(g >= f["serious_min_grade"]) &
                         (rng.random(len(i)) < f["serious_probability_grade3"]),
                         related=rel & (s >= 0),
                         related_ld=rel & (rng.random(len(i)) < ae["ld_given_related"])))

    # Common events of lymphodepletion and after infusion; a few pre-treatment events.
    for spec in ae["terms"] + ae["pre_treatment_terms"]:
        i = np.flatnonzero(rng.random(n) < spec["probability"])
        s = _int_between(rng, spec["onset"], len(i))
        e = s + _int_between(rng, spec["duration"], len(i)) - 1
        g = 1 + _choice(rng, spec["grades"], len(i))
        rel = rng.random(len(i)) < spec["related"]
        # before the infusion only the chemotherapy can have caused it
        ld = rel & ((s < 0) | (rng.random(len(i)) < ae["ld_given_related"]))
        parts.append(_events(i, spec["term"], spec["soc"], g, s, e, related=rel & (s >= 0),
                             related_ld=ld))

    # Deaths (probability 0 by default).
    i = np.flatnonzero(disp.death)
    parts.append(_events(i, ae["fatal_term"], ae["fatal_soc"], ae["fatal_grade"],
                         disp.end_day[i], disp.end_day[i], serious=True, related=False,
                         fatal=True))

    events = _within_follow_up(parts, disp)
    cms = {k: np.concatenate([p[k] for p in cm]) for k in cm[0]}
    keep = cms["start"] <= disp.end_day[cms["pid"]]
    cms = {k: v[keep] for k, v in cms.items()}
    return Safety(events=events, cm=cms, crs_grade=grade, crs_onset=onset)


def _within_follow_up(parts: list[dict], disp: Disposition) -> dict[str, np.ndarray]:
    events = {k: np.concatenate([p[k] for p in parts]) for k in EVENT_FIELDS}
    keep = events["start"] <= disp.end_day[events["pid"]]
    return {k: v[keep] for k, v in events.items()}


def lab_grades(code: str, values, lln: float) -> np.ndarray:
    """CTCAE v5.0 grade of each low value of ``code`` by the analysis's rule
    (:func:`study.ctcae.ctcae_grades`), with the simulated lower limit of normal; 0 for a
    missing value."""
    v = np.asarray(values, dtype=float)
    g = ctcae_grades(np.full(len(v), code, dtype=object), v, np.full(len(v), float(lln)))
    return np.nan_to_num(g, nan=0.0).astype(np.int64)


def laboratory_events(table: dict[str, np.ndarray], pt: Participants, disp: Disposition,
                      rng, params: dict) -> list[dict]:
    """Cytopenia AEs derived from the simulated ADLB values (SAP 3, Cytopenias).

    Per participant and haematology parameter, from the first lymphodepletion day on:
    an AE when some sampled value reaches the term's lowest recorded grade
    (``ae_min_grade``); grade = the worst grade of the sampled values; onset = the
    first sample at that lowest grade or worse; end = the first sample after the last
    such sample (the recovery seen at a visit), open when there is none.
    """
    cy = params["cytopenia"]
    parts = []
    for code in ("ANC", "PLAT", "HGB", "LYMPH"):
        q = cy[code]
        m = (table["PARAMCD"] == code) & (table["ADY"] >= cy["decline_start_day"])
        pid, day, val = table["pid"][m], table["ADY"][m].astype(np.int64), table["AVAL"][m]
        order = np.lexsort((day, pid))
        pid, day, val = pid[order], day[order], val[order]
        g = lab_grades(code, val, q["normal"][0])
        hit = g >= q["ae_min_grade"]
        if not hit.any():
            continue
        worst = np.zeros(pt.n, dtype=np.int64)
        np.maximum.at(worst, pid, g)
        first = np.full(pt.n, np.iinfo(np.int64).max)
        np.minimum.at(first, pid[hit], day[hit])
        last = np.full(pt.n, np.iinfo(np.int64).min)
        np.maximum.at(last, pid[hit], day[hit])
        after = day > last[pid]
        rec = np.full(pt.n, np.inf)
        np.minimum.at(rec, pid[after], day[after].astype(float))
        sel = np.flatnonzero(worst >= q["ae_min_grade"])
        start = first[sel]
        parts.append(_events(sel, q["term"], q["soc"], worst[sel], start, rec[sel],
                             related=start >= 0, related_ld=True))
    return parts


def add_laboratory_events(saf: Safety, table: dict[str, np.ndarray], pt: Participants,
                          disp: Disposition, rng, params: dict,
                          criteria: DltCriteria) -> Safety:
    """``saf`` with the cytopenia AEs of :func:`laboratory_events` and the neutropenia
    DLT of the participants who drew one, then every DLT flag kept only where the event
    meets a DLT criterion on the simulated data (:func:`flag_dlts`)."""
    parts = laboratory_events(table, pt, disp, rng, params)
    ae = params["other_aes"]
    for p in parts:
        if p["term"].size and p["term"][0] == params["cytopenia"]["ANC"]["term"]:
            p["dlt"] = pt.dlt_type[p["pid"]] == "NEUTROPENIA_G4"
            p["serious"] = p["dlt"] & (rng.random(len(p["pid"])) < ae["dlt_serious_probability"])
    events = {k: np.concatenate([saf.events[k], *[p[k] for p in parts]]) for k in EVENT_FIELDS}
    keep = events["start"] <= disp.end_day[events["pid"]]
    events = {k: v[keep] for k, v in events.items()}
    events["dlt"] = flag_dlts(events, table, params, criteria)
    return Safety(events=events, cm=saf.cm, crs_grade=saf.crs_grade, crs_onset=saf.crs_onset)


def flag_dlts(events: dict[str, np.ndarray], table: dict[str, np.ndarray], params: dict,
              criteria: DltCriteria) -> np.ndarray:
    """The drawn DLT flags that the event's data support (SAP 3, DLT criteria)."""
    cy = params["cytopenia"]
    g_min = min((c.min_grade for c in criteria.criteria if c.kind == "cytopenia"), default=4)
    flags = events["dlt"].copy()
    for i in np.flatnonzero(flags):
        term = events["term"][i]
        lab_days: list[float] = []
        code = criteria.cytopenia_terms.get(term)
        if code is not None:
            m = (table["pid"] == events["pid"][i]) & (table["PARAMCD"] == code)
            g = lab_grades(code, table["AVAL"][m], cy[code]["normal"][0])
            lab_days = [float(d) for d in table["ADY"][m][g >= g_min]]
        end = events["end"][i]
        rec = {"AETOXGR": events["grade"][i], "ASTDY": events["start"][i],
               "AENDY": None if not np.isfinite(end) else end, "AEDECOD": term,
               "AEBODSYS": events["soc"][i], "CRSFL": "Y" if events["crs"][i] else "N",
               "ICANSFL": "Y" if events["icans"][i] else "N"}
        flags[i] = bool(criteria_met(rec, criteria, related_car=bool(events["related"][i]),
                                     lab_grade_after=lab_days))
    return flags
