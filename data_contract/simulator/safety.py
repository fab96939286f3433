"""Adverse events (ADAE rows) and CRS/ICANS management (ADCM rows).

CRS in most participants (ASTCT 2019, grade 1-2; grade 3 only as a DLT), rare
grade 1 ICANS, cytopenia events read off the haematology curves (CTCAE v5.0),
infections, common events of lymphodepletion and a few pre-treatment events.
DLTs are flagged on the event that carries the drawn DLT (SAP 3, DLT, TEAE,
CRS, ICANS, Cytopenias).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_contract.simulator.enrolment import Participants
from data_contract.simulator.labs import Haem, haem_crossings
from data_contract.simulator.visits import Disposition

EVENT_FIELDS = ("pid", "term", "soc", "grade", "start", "end", "serious", "related", "dlt",
                "crs", "icans", "toci", "cort", "scale", "fatal")


@dataclass
class Safety:
    events: dict[str, np.ndarray]
    cm: dict[str, np.ndarray]
    crs_grade: np.ndarray  # 0 when no CRS
    crs_onset: np.ndarray


def _events(pid, term, soc, grade, start, end, *, serious=False, related=True, dlt=False,
            crs=False, icans=False, toci=False, cort=False, scale="CTCAE v5.0", fatal=False):
    k = len(pid)

    def full(x, dtype):
        return np.broadcast_to(np.asarray(x, dtype=dtype), (k,)).copy()

    return {
        "pid": np.asarray(pid, dtype=np.int64), "term": full(term, object),
        "soc": full(soc, object), "grade": full(grade, np.int64),
        "start": full(start, np.int64), "end": full(end, float),
        "serious": full(serious, bool), "related": full(related, bool), "dlt": full(dlt, bool),
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
    dur = _int_between(rng, c["duration_days"], n)
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

    # Cytopenias (CTCAE v5.0), read off the haematology curves.
    cy = params["cytopenia"]
    for code, h in haem.items():
        qq = cy[code]
        thr = np.asarray(qq["ctcae"], dtype=float)
        nadir_value = h.base * h.nadir
        g = (nadir_value[:, None] < thr[None, :]).sum(axis=1)
        min_g = qq["ae_min_grade"]
        down, up = haem_crossings(h, thr[min_g - 1])
        sel = np.flatnonzero(g >= min_g)
        start = np.maximum(np.floor(down[sel]), cy["ae_onset_floor_day"]).astype(np.int64)
        end = np.minimum(np.ceil(up[sel]), cy["ae_end_cap_day"])
        dltfl = np.zeros(len(sel), dtype=bool)
        if code == "ANC":
            dltfl = pt.dlt_type[sel] == "NEUTROPENIA_G4"
            start = np.where(dltfl, np.maximum(start, 0), start)
        parts.append(_events(sel, qq["term"], qq["soc"], g[sel], start, np.maximum(end, start),
                             dlt=dltfl, serious=dltfl & (rng.random(len(sel)) <
                                                          ae["dlt_serious_probability"])))

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
    parts.append(_events(i, t, "Infections and infestations", g, s, e,
                         serious=(g >= f["serious_min_grade"]) &
                         (rng.random(len(i)) < f["serious_probability_grade3"]),
                         related=rng.random(len(i)) < f["related_probability"]))

    # Common events of lymphodepletion and after infusion; a few pre-treatment events.
    for spec in ae["terms"] + ae["pre_treatment_terms"]:
        i = np.flatnonzero(rng.random(n) < spec["probability"])
        s = _int_between(rng, spec["onset"], len(i))
        e = s + _int_between(rng, spec["duration"], len(i)) - 1
        g = 1 + _choice(rng, spec["grades"], len(i))
        parts.append(_events(i, spec["term"], spec["soc"], g, s, e,
                             related=rng.random(len(i)) < spec["related"]))

    # Deaths (probability 0 by default).
    i = np.flatnonzero(disp.death)
    parts.append(_events(i, ae["fatal_term"], ae["fatal_soc"], ae["fatal_grade"],
                         disp.end_day[i], disp.end_day[i], serious=True, related=False,
                         fatal=True))

    events = {k: np.concatenate([p[k] for p in parts]) for k in EVENT_FIELDS}
    keep = events["start"] <= disp.end_day[events["pid"]]
    events = {k: v[keep] for k, v in events.items()}
    cms = {k: np.concatenate([p[k] for p in cm]) for k in cm[0]}
    keep = cms["start"] <= disp.end_day[cms["pid"]]
    cms = {k: v[keep] for k, v in cms.items()}
    return Safety(events=events, cm=cms, crs_grade=grade, crs_onset=onset)
