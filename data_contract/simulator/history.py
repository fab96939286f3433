"""NMOSD attack history before screening and episodes during the study (ADRELAP).

Pre-treatment relapses satisfy inclusion criterion 4 (>= 2 relapses in the last
12 months, or >= 3 in 24 months with one in the last 12) and are distinct
attacks more than 30 days apart. On-study relapses are rare (SAP 3, ARR); a
pair of onsets within 30 days, an episode explained by fever or infection and
one lasting under 24 h are always present so the SAP relapse rules are
exercised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_contract.simulator.enrolment import Participants
from data_contract.simulator.visits import Disposition


@dataclass
class Episodes:
    """Recorded episodes (one entry per episode) and per-participant summaries."""

    pid: np.ndarray
    day: np.ndarray  # study day of onset (infusion = 0)
    phase: np.ndarray
    desc: np.ndarray
    gt24h: np.ndarray  # "Y"/"N"
    fevinf: np.ndarray  # "Y"/"N"
    relp12: np.ndarray
    relp24: np.ndarray
    prior_on: np.ndarray  # bool: optic neuritis in the pre-treatment history
    first_true_day: np.ndarray  # first counted on-study relapse day, or -1


def spaced_days(rng: np.random.Generator, counts: np.ndarray, lo: int, hi: int,
                gap: int) -> tuple[np.ndarray, np.ndarray]:
    """``counts[i]`` integers in [lo, hi] per participant, sorted and >= ``gap`` apart."""
    pid = np.repeat(np.arange(len(counts)), counts)
    k = counts[pid]
    room = (hi - lo) - (k - 1) * gap
    if np.any(room < 0):
        raise ValueError(f"cannot place {counts.max()} events {gap} days apart in [{lo}, {hi}]")
    pos = lo + np.floor(rng.random(len(pid)) * (room + 1)).astype(np.int64)
    order = np.lexsort((pos, pid))
    pid, pos = pid[order], pos[order]
    start = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else np.zeros(0, int)
    rank = np.arange(len(pid)) - start[pid]
    return pid, pos + rank * gap


def _pick(rng: np.random.Generator, eligible: np.ndarray, n_min: int, prob: float) -> np.ndarray:
    idx = np.flatnonzero(eligible)
    k = min(len(idx), max(n_min, int(rng.binomial(len(eligible), prob))))
    return np.sort(rng.choice(idx, size=k, replace=False)) if k else idx[:0]


def draw_episodes(pt: Participants, disp: Disposition, rng: np.random.Generator,
                  params: dict) -> Episodes:
    """Pre-treatment relapse history and on-study episodes (SAP 3, Relapse and ARR)."""
    p = params["relapses"]
    n = pt.n
    n12 = 1 + np.minimum(rng.poisson(p["pre_12m_extra_mean"], n), p["pre_12m_max"] - 1)
    n24 = np.minimum(rng.poisson(p["pre_12_24m_mean"], n), p["pre_12_24m_max"])
    # Inclusion 4: a single relapse in the last 12 months needs two more in months 12-24.
    needed = p["inclusion_24m_count"] - 1
    n24 = np.where((n12 == 1) & (n24 < needed), needed, n24)
    gap = p["min_gap_days"]
    pid_a, off_a = spaced_days(rng, n12, *p["window_12m_days_before_screening"], gap)
    pid_b, off_b = spaced_days(rng, n24, *p["window_24m_days_before_screening"], gap)
    pre_pid = np.concatenate([pid_a, pid_b])
    pre_day = pt.screen_day[pre_pid] - np.concatenate([off_a, off_b])

    pres = list(p["presentation_weights"])
    pw = np.asarray(list(p["presentation_weights"].values()), dtype=float)
    pw = pw / pw.sum()

    # On-study relapses: Poisson with the post-infusion rate over each follow-up.
    first = p["post_first_day"]
    span = np.maximum(disp.end_day - first, 0)
    k = rng.poisson(p["post_rate_per_year"] * span / params["enrolment"]["days_per_year"])
    on_pid = np.repeat(np.arange(n), k)
    on_day = first + np.floor(rng.random(len(on_pid)) * (span[on_pid] + 1)).astype(np.int64)

    glo, ghi = p["merge_pair_gap_days"]
    pair = _pick(rng, span > ghi, p["merge_pair_min_count"], p["merge_pair_probability"])
    d1 = first + np.floor(rng.random(len(pair)) * (span[pair] - ghi + 1)).astype(np.int64)
    d2 = d1 + rng.integers(glo, ghi + 1, size=len(pair))

    plo, phi = p["pseudo_day"]
    fever = _pick(rng, disp.end_day >= phi, p["pseudo_fever_min_count"], p["pseudo_probability"])
    short = _pick(rng, disp.end_day >= phi, p["pseudo_short_min_count"], p["pseudo_probability"])
    f_day = rng.integers(plo, phi + 1, size=len(fever))
    s_day = rng.integers(plo, phi + 1, size=len(short))

    pid = np.concatenate([pre_pid, on_pid, pair, pair, fever, short])
    day = np.concatenate([pre_day, on_day, d1, d2, f_day, s_day]).astype(np.int64)
    n_pre, n_true = len(pre_pid), len(on_pid) + 2 * len(pair)
    n_all = len(pid)
    phase = np.where(np.arange(n_all) < n_pre, "PRE-TREATMENT", "ON-STUDY").astype(object)
    desc = np.asarray(pres, dtype=object)[rng.choice(len(pres), size=n_all, p=pw)]
    fevinf = np.full(n_all, "N", dtype=object)
    gt24 = np.full(n_all, "Y", dtype=object)
    fevinf[n_pre + n_true: n_pre + n_true + len(fever)] = "Y"
    gt24[n_pre + n_true + len(fever):] = "N"
    order = np.lexsort((day, pid))

    true_on = (np.arange(n_all) >= n_pre) & (np.arange(n_all) < n_pre + n_true)
    first_true = np.full(n, -1, dtype=np.int64)
    if true_on.any():
        tp, td = pid[true_on], day[true_on]
        o = np.lexsort((-td, tp))  # last write wins: earliest day
        first_true[tp[o]] = td[o]
    prior_on = np.zeros(n, dtype=bool)
    prior_on[pre_pid[desc[:n_pre] == "OPTIC NEURITIS"]] = True
    return Episodes(pid=pid[order], day=day[order], phase=phase[order], desc=desc[order],
                    gt24h=gt24[order], fevinf=fevinf[order], relp12=n12, relp24=n12 + n24,
                    prior_on=prior_on, first_true_day=first_true)
