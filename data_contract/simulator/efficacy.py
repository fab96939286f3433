"""Efficacy assessments: EDSS (ADEDSS), visual acuity by eye (ADVA), brain MRI (ADMRI).

EDSS and visual acuity are mostly stable with a few worsenings (more likely
after a true on-study relapse); visual acuity is recorded in a mix of formats
(Snellen 5/x, decimal, 5-point score, CF/HM for eyes off the chart); MRI
activity after infusion is rare (SAP 3, EDSS, Visual acuity, MRI).
"""

from __future__ import annotations

import numpy as np

from data_contract.simulator.enrolment import Participants
from data_contract.simulator.history import Episodes
from data_contract.simulator.visits import Disposition, VisitGrid


def _snap(x, step):
    return np.round(x / step) * step


def simulate_edss(pt: Participants, grid: VisitGrid, disp: Disposition, ep: Episodes, rng,
                  params: dict) -> dict[str, np.ndarray]:
    """ADEDSS rows: baseline EDSS, rater noise of half a step, a few sustained worsenings."""
    e, en = params["efficacy"], params["enrolment"]
    n = pt.n
    step = en["edss_step"]
    base = np.clip(_snap(rng.normal(en["edss_mean"], en["edss_sd"], n), step), *en["edss_range"])
    after_rel = (ep.first_true_day >= 0) & (rng.random(n) < e["edss_worsening_after_relapse_probability"])
    random_w = rng.random(n) < e["edss_worsening_probability"]
    w_day = np.where(after_rel, ep.first_true_day,
                     np.where(random_w, rng.integers(1, np.maximum(disp.end_day, 1) + 1), np.inf))
    pid, vis, nom, day = grid.long(e["edss_visits"])
    noise = np.where(rng.random(len(pid)) < e["edss_noise_probability"],
                     rng.choice([-step, step], size=len(pid)), 0.0)
    noise = np.where(day <= 0, 0.0, noise)
    val = base[pid] + noise + np.where(day >= w_day[pid], e["edss_worsening_step"], 0.0)
    val = np.clip(val, en["edss_range"][0], e["edss_max"])
    return {"pid": pid, "AVISIT": vis, "AVISITN": nom, "ADY": day,
            "PARAMCD": np.full(len(pid), "EDSS", dtype=object), "AVAL": val}


def simulate_va(pt: Participants, grid: VisitGrid, disp: Disposition, ep: Episodes, rng,
                params: dict) -> dict[str, np.ndarray]:
    """ADVA rows: one per eye and attended visit, in the examiner's recording format."""
    e = params["efficacy"]
    n = pt.n
    line = e["va_line"]
    lo_c, hi_c = e["va_chart_range"]
    affected = ep.prior_on | (rng.random(n) < e["va_prior_on_eye_probability"])
    side = rng.integers(0, 2, size=n)  # 0 right, 1 left: the eye with prior optic neuritis
    fmts = list(e["va_format_weights"])
    fw = np.asarray(list(e["va_format_weights"].values()), dtype=float)
    fmt = np.asarray(fmts, dtype=object)[rng.choice(len(fmts), size=n, p=fw / fw.sum())]
    lv = list(e["va_low_vision_weights"])
    lw = np.asarray(list(e["va_low_vision_weights"].values()), dtype=float)

    rows = []
    for eye_i, eye in enumerate(("RIGHT", "LEFT")):
        hit = affected & (side == eye_i)
        lo, hi = np.where(hit, e["va_on_eye_logmar"][0], e["va_good_eye_logmar"][0]), \
            np.where(hit, e["va_on_eye_logmar"][1], e["va_good_eye_logmar"][1])
        base = _snap(lo + rng.random(n) * (hi - lo), line)
        lowvis = hit & (rng.random(n) < e["va_low_vision_probability"])
        lowcat = np.asarray(lv, dtype=object)[rng.choice(len(lv), size=n, p=lw / lw.sum())]
        worse = rng.random(n) < e["va_worsening_probability"]
        w_day = np.where(worse, rng.integers(1, np.maximum(disp.end_day, 1) + 1), np.inf)
        w_lines = rng.integers(e["va_worsening_lines"][0], e["va_worsening_lines"][1] + 1, size=n)
        pid, vis, nom, day = grid.long(e["va_visits"])
        noise = np.where(rng.random(len(pid)) < e["va_noise_probability"],
                         rng.choice([-line, line], size=len(pid)), 0.0)
        noise = np.where(day <= 0, 0.0, noise)
        lm = base[pid] + noise + np.where(day >= w_day[pid], w_lines[pid] * line, 0.0)
        lm = np.round(np.clip(lm, lo_c, hi_c), 1)
        f = fmt[pid]
        ten = e["va_ten"]
        snel = [f"{e['va_test_distance']}/{x:g}" for x in
                np.round(e["va_test_distance"] * ten ** lm, e["va_snellen_decimals"])]
        dec = [f"{x:.{e['va_decimal_decimals']}f}" for x in ten ** -lm]
        five = [f"{x:.1f}" for x in e["va_fivepoint_offset"] - lm]
        res = np.select([f == "SNELLEN", f == "DECIMAL"], [np.asarray(snel, dtype=object),
                                                          np.asarray(dec, dtype=object)],
                        np.asarray(five, dtype=object))
        lowv = lowvis[pid]
        res = np.where(lowv, lowcat[pid], res).astype(object)
        f = np.where(lowv, "LOWVISION", f).astype(object)
        rows.append({"pid": pid, "AVISIT": vis, "AVISITN": nom, "ADY": day,
                     "LAT": np.full(len(pid), eye, dtype=object), "VAFMT": f, "VAORRES": res})
    return {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}


def simulate_mri(pt: Participants, grid: VisitGrid, rng, params: dict) -> dict[str, np.ndarray]:
    """ADMRI rows: new/enlarging T2 and Gd-enhancing T1 lesion counts per scan."""
    e = params["efficacy"]
    rows = []
    for code in ("T2NEWENL", "GDT1"):
        pid, vis, nom, day = grid.long(e["mri_visits"])
        mean = np.where(day <= 0, e["mri_baseline_mean"][code], e["mri_post_mean"][code])
        rows.append({"pid": pid, "AVISIT": vis, "AVISITN": nom, "ADY": day,
                     "PARAMCD": np.full(len(pid), code, dtype=object),
                     "AVAL": rng.poisson(mean)})
    return {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
