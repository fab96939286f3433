"""Scheduled visits, missed visits and the end of each participant's follow-up.

The visit schedule (names and nominal days) is read from ``study.yml``; the
windows and the missed-visit probability from ``params.yml``. One actual
study day per participant and visit is shared by every assessment of that
visit, so labs, EDSS, visual acuity and MRI of one visit fall on one date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_contract.simulator.enrolment import Participants


@dataclass
class Disposition:
    """End of follow-up per participant (study day) and why."""

    end_day: np.ndarray  # last day of follow-up (Month 12 visit, discontinuation or death)
    status: np.ndarray  # COMPLETED / DISCONTINUED
    reason: np.ndarray  # "" unless discontinued
    death: np.ndarray  # bool


@dataclass
class VisitGrid:
    """Actual study day of every scheduled visit (n x V) and whether it took place."""

    names: list[str]
    nominal: np.ndarray  # V
    day: np.ndarray  # n x V
    attended: np.ndarray  # n x V bool

    def column(self, name: str) -> int:
        return self.names.index(name)

    def long(self, names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Attended participant-visits for ``names``: (participant index, visit name,
        nominal day, actual day), ordered by participant then visit."""
        cols = np.asarray([self.column(v) for v in names])
        att = self.attended[:, cols]
        pid, j = np.nonzero(att)
        vis = np.asarray(self.names, dtype=object)[cols][j]
        return pid, vis, self.nominal[cols][j], self.day[:, cols][pid, j]


def draw_visits(pt: Participants, rng: np.random.Generator, params: dict, config) -> VisitGrid:
    """Actual days of the scheduled visits, with missed visits (SAP 1 visit schedule)."""
    sched = config.visits
    names = [v["avisit"] for v in sched]
    nominal = np.asarray([v["avisitn"] for v in sched], dtype=np.int64)
    n, nv = pt.n, len(names)
    jit = params["visits"]["jitter_days"]
    lo = np.asarray([jit[v][0] for v in names])
    hi = np.asarray([jit[v][1] for v in names])
    day = nominal + lo + np.floor(rng.random((n, nv)) * (hi - lo + 1)).astype(np.int64)
    day[:, names.index("Screening")] = pt.screen_day
    missed = rng.random((n, nv)) < params["visits"]["missed_probability"]
    for v in params["visits"]["never_missed"]:
        missed[:, names.index(v)] = False
    return VisitGrid(names=names, nominal=nominal, day=day, attended=~missed)


def draw_disposition(pt: Participants, grid: VisitGrid, rng: np.random.Generator,
                     params: dict, config) -> Disposition:
    """Early discontinuations and deaths; completers end at their Month 12 visit."""
    p = params["disposition"]
    n = pt.n
    last = grid.day[:, grid.column(config.visits[-1]["avisit"])].copy()
    status = np.full(n, "COMPLETED", dtype=object)
    reason = np.full(n, "", dtype=object)
    death = np.zeros(n, dtype=bool)
    if n == 0:
        return Disposition(last, status, reason, death)
    n_death = min(n, int(rng.binomial(n, p["death_probability"])))
    dead = rng.choice(n, size=n_death, replace=False)
    n_disc = min(n - n_death, max(p["discontinuation_min_count"],
                                  int(rng.binomial(n, p["discontinuation_probability"]))))
    others = np.setdiff1d(np.arange(n), dead)
    disc = rng.choice(others, size=n_disc, replace=False)
    lo, hi = p["discontinuation_day"]
    last[disc] = rng.integers(lo, hi + 1, size=n_disc)
    status[disc] = "DISCONTINUED"
    reasons = np.asarray(p["reasons"], dtype=object)
    reason[disc] = reasons[rng.integers(0, len(reasons), size=n_disc)]
    lo, hi = p["death_day"]
    last[dead] = rng.integers(lo, hi + 1, size=n_death)
    status[dead] = "DISCONTINUED"
    reason[dead] = "DEATH"
    death[dead] = True
    grid.attended &= grid.day <= last[:, None]
    return Disposition(last, status, reason, death)
