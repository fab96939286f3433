"""Prior and concomitant medications (ADCM rows besides IVIG and CRS/ICANS management).

SAP 5 (T14.1.7): ADCM holds each medication's ATC class and preferred name, start and
end, and whether it is prior or concomitant. The courses drawn here, all numbers from
``params.yml`` (``medications``):

- prior immunosuppressants: the agents ADSL.PRIMSUP names for the participant, each
  given for 1-3 years and stopped 4 weeks to 3 months before lymphodepletion (washout);
  prednisone is tapered through lymphodepletion in about half of its users;
- anti-infective prophylaxis (aciclovir from lymphodepletion, co-trimoxazole from Day 28,
  to Month 6 or the end of follow-up), premedication on the infusion day, an antiemetic
  on the lymphodepletion days;
- G-CSF for grade 4 neutropenia (the simulated AE) lasting beyond Day 14.

Each course is a dict of arrays: pid, name, cat (CMCAT), start, end (study days).
"""

from __future__ import annotations

import numpy as np

from data_contract.simulator.enrolment import Participants
from data_contract.simulator.visits import Disposition


def _course(pid, name, cat, start, end) -> dict[str, np.ndarray]:
    k = len(pid)
    return {"pid": np.asarray(pid, dtype=np.int64),
            "name": np.broadcast_to(np.asarray(name, dtype=object), (k,)).copy(),
            "cat": np.full(k, cat, dtype=object),
            "start": np.asarray(start, dtype=np.int64), "end": np.asarray(end, dtype=np.int64)}


def simulate_medications(pt: Participants, disp: Disposition, events: dict[str, np.ndarray],
                         rng, params: dict, ld_days: list[int]) -> dict[str, np.ndarray]:
    """The courses of the module doc for every participant (``ld_days``: the study days
    of lymphodepletion, study.yml; ``events``: the simulated AEs, for G-CSF)."""
    m = params["medications"]
    days_per_year = params["enrolment"]["days_per_year"]
    ld_start = min(ld_days)
    parts = []

    # Prior immunosuppressants, as ADSL.PRIMSUP lists them.
    pid = np.asarray([i for i in range(pt.n) for _ in pt.primsup[i].split("; ")], dtype=np.int64)
    agent = [a for i in range(pt.n) for a in pt.primsup[i].split("; ")]
    name = np.asarray([m["prior_drug_names"].get(a, a) for a in agent], dtype=object)
    k = len(pid)
    lo, hi = m["washout_days"]
    end = ld_start - rng.integers(lo, hi + 1, size=k)
    years = rng.uniform(*m["prior_course_years"], size=k)
    start = np.maximum(end - np.rint(years * days_per_year).astype(np.int64), pt.diag_day[pid])
    taper = (name == m["prior_drug_names"]["ORAL CORTICOSTEROIDS"]) & \
        (rng.random(k) < m["steroid_taper_probability"])
    lo, hi = m["steroid_taper_end_day"]
    end = np.where(taper, rng.integers(lo, hi + 1, size=k), end)
    parts.append(_course(pid, name, "IMMUNOSUPPRESSANT", start, end))

    last = disp.end_day
    everyone = np.arange(pt.n)
    for p in m["prophylaxis"]:
        who = everyone[last >= p["start_day"]]
        parts.append(_course(who, p["name"], "PROPHYLAXIS", np.full(len(who), p["start_day"]),
                             np.minimum(p["end_day"], last[who])))
    for drug in m["premedication"]:
        parts.append(_course(everyone, drug, "PREMEDICATION", np.zeros(pt.n), np.zeros(pt.n)))
    a = m["antiemetic"]
    who = everyone[rng.random(pt.n) < a["probability"]]
    parts.append(_course(who, a["name"], "OTHER", np.full(len(who), ld_start),
                         np.full(len(who), max(ld_days))))

    # G-CSF for grade >= 4 neutropenia lasting beyond Day 14 (an open event lasts).
    g = m["gcsf"]
    anc = params["cytopenia"]["ANC"]["term"]
    e = events
    sel = (e["term"] == anc) & (e["grade"] >= g["min_grade"]) & \
        ~(e["end"] <= g["start_after_day"]) & (rng.random(len(e["pid"])) < g["probability"])
    who = e["pid"][sel].astype(np.int64)
    start = np.maximum(e["start"][sel], g["start_after_day"] + 1).astype(np.int64)
    lo, hi = g["course_days"]
    end = np.minimum(start + rng.integers(lo, hi + 1, size=len(who)) - 1, last[who])
    keep = start <= last[who]
    parts.append(_course(who[keep], g["name"], "G-CSF", start[keep], end[keep]))

    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
