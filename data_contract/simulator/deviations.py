"""Protocol deviations (ADDV rows), SAP 5 (T14.1.6, L16.2.2).

Two sources, all numbers from ``params.yml`` (``deviations``):

- every scheduled visit the visit grid marks as missed within the participant's
  follow-up is a minor deviation of category VISIT SCHEDULE, dated on its planned day
  (the datasets hold no assessment of that visit, so the deviation and the data agree);
- each deviation kind of ``deviations.kinds`` occurs in a participant with its
  probability, dated at consent, enrolment, the infusion or a day of follow-up.

Returns a dict of arrays: pid, cat, term, day (study day), important (Y/N).
"""

from __future__ import annotations

import numpy as np

from data_contract.simulator.enrolment import Participants
from data_contract.simulator.visits import Disposition, VisitGrid


def simulate_deviations(pt: Participants, grid: VisitGrid, disp: Disposition, rng,
                        params: dict) -> dict[str, np.ndarray]:
    d = params["deviations"]
    last = disp.end_day
    missed = ~grid.attended & (grid.day <= last[:, None])
    pid, j = np.nonzero(missed)
    names = np.asarray(grid.names, dtype=object)[j]
    parts = [{"pid": pid.astype(np.int64),
              "cat": np.full(len(pid), "VISIT SCHEDULE", dtype=object),
              "term": np.asarray([d["missed_visit_term"].format(visit=v) for v in names],
                                 dtype=object),
              "day": grid.day[pid, j].astype(np.int64),
              "important": np.full(len(pid), "N", dtype=object)}]
    first = d["follow_up_start_day"]
    for kind in d["kinds"]:
        who = np.flatnonzero(rng.random(pt.n) < kind["probability"])
        when = kind["when"]
        if when == "consent":
            day = pt.consent_day[who]
        elif when == "enrolment":
            day = pt.enrol_day[who]
        elif when == "infusion":
            day = np.zeros(len(who), dtype=np.int64)
        else:
            who = who[last[who] >= first]
            day = first + np.floor(rng.random(len(who)) * (last[who] - first + 1)).astype(np.int64)
        parts.append({"pid": who.astype(np.int64),
                      "cat": np.full(len(who), kind["category"], dtype=object),
                      "term": np.full(len(who), kind["term"], dtype=object),
                      "day": np.asarray(day, dtype=np.int64),
                      "important": np.full(len(who), kind["important"], dtype=object)})
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
