"""Laboratory and biomarker trajectories (ADLB) and IVIG replacement (ADCM rows).

Haematology falls after lymphodepletion to a nadir and recovers (a minority
slowly); immunoglobulins decline; CD19+ B cells become aplastic from about
Day 7 and reconstitute in months 3-6 in most; AQP4-IgG titres fall on the
two-fold dilution series; IL-6, IFN-gamma and TNF-alpha peak with CRS; serum
BAFF rises while B cells are absent (SAP 3, cytopenias, B cells, AQP4-IgG,
cytokines). All curves are vectorised over participant-visits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_contract.simulator.enrolment import Participants
from data_contract.simulator.visits import Disposition, VisitGrid
from data_contract.specs.adlb import ADLB_PARAMS


def _lognormal(rng, median, log_sd, size):
    return median * np.exp(rng.normal(0.0, log_sd, size))


@dataclass
class Haem:
    """Per-participant cytopenia curve parameters of one haematology parameter."""

    base: np.ndarray
    nadir: np.ndarray  # fraction of baseline
    nadir_day: np.ndarray
    tau: np.ndarray
    start: int


def haem_curve(h: Haem, pid: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Noise-free count: 1 before lymphodepletion, log-linear fall to the nadir,
    exponential recovery towards baseline after it."""
    b, nad, tn, tau = h.base[pid], h.nadir[pid], h.nadir_day[pid], h.tau[pid]
    frac_fall = np.exp(np.log(nad) * np.clip(t - h.start, 0, None) / (tn - h.start))
    frac_rise = nad + (1 - nad) * (1 - np.exp(-np.clip(t - tn, 0, None) / tau))
    return b * np.where(t <= h.start, 1.0, np.where(t <= tn, frac_fall, frac_rise))


def haem_crossings(h: Haem, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Study days when the curve falls below ``threshold`` and recovers above it
    (NaN where it never falls below)."""
    r = threshold / h.base
    below = h.nadir < r
    with np.errstate(divide="ignore", invalid="ignore"):
        down = h.start + (h.nadir_day - h.start) * np.log(r) / np.log(h.nadir)
        up = h.nadir_day - h.tau * np.log(1 - (r - h.nadir) / (1 - h.nadir))
    return np.where(below, down, np.nan), np.where(below, up, np.nan)


def draw_haematology(pt: Participants, rng, params: dict) -> dict[str, Haem]:
    """Cytopenia curve parameters per haematology parameter (SAP 3, Cytopenias)."""
    c = params["cytopenia"]
    n = pt.n
    prolonged = rng.random(n) < c["prolonged_probability"]
    out = {}
    for code in ("ANC", "PLAT", "HGB", "LYMPH"):
        q = c[code]
        base = _lognormal(rng, q["baseline"], q["baseline_log_sd"], n)
        if code == "HGB":
            base = base + np.where(pt.sex == "M", c["hgb_male_shift"], 0.0)
        nadir = np.minimum(_lognormal(rng, q["nadir_fraction"], q["nadir_log_sd"], n), 1.0)
        lo, hi = q["nadir_day"]
        nadir_day = rng.integers(lo, hi + 1, size=n).astype(float)
        tau = np.where(prolonged, q["prolonged_tau"], q["recovery_tau"]).astype(float)
        if code == "ANC":
            dlt = pt.dlt_type == "NEUTROPENIA_G4"
            nadir = np.where(dlt, c["dlt_anc_nadir_fraction"], nadir)
            tau = np.where(dlt, c["dlt_anc_recovery_tau"], tau)
        out[code] = Haem(base, nadir, nadir_day, tau, c["decline_start_day"])
    return out


@dataclass
class BCells:
    base: np.ndarray
    residual: np.ndarray
    recon_day: np.ndarray  # inf when no reconstitution
    bm_base: np.ndarray


def draw_bcells(pt: Participants, rng, params: dict) -> BCells:
    """B-cell depletion and reconstitution per participant (SAP 3, B cells)."""
    b = params["labs"]["bcells"]
    n = pt.n
    recon = np.clip(_lognormal(rng, b["recon_median_day"], b["recon_log_sd"], n), *b["recon_range"])
    recon = np.where(rng.random(n) < b["no_recon_probability"], np.inf, recon)
    return BCells(
        base=_lognormal(rng, b["baseline"], b["baseline_log_sd"], n),
        residual=np.minimum(_lognormal(rng, b["aplasia_level"], b["aplasia_log_sd"], n),
                            b["aplasia_max"]),
        recon_day=recon,
        bm_base=_lognormal(rng, b["bm_baseline"], b["bm_baseline_log_sd"], n),
    )


def cd19_curve(bc: BCells, pid, t, params, config, start_day):
    """Noise-free CD19+ count: baseline, fall with lymphodepletion and CAR-T to
    aplasia by ``aplasia_day``, regrowth from the aplasia threshold after reconstitution."""
    b = params["labs"]["bcells"]
    thr = config.assumptions["b_cell_aplasia"]["threshold_cells_per_ul"]
    base, res, rec = bc.base[pid], bc.residual[pid], bc.recon_day[pid]
    day0 = base * b["ld_fraction_day0"]
    ld = base * np.exp(np.log(b["ld_fraction_day0"]) * np.clip(t - start_day, 0, None) / -start_day)
    fall = day0 * np.exp(np.log(res / day0) * np.clip(t, 0, None) / b["aplasia_day"])
    with np.errstate(invalid="ignore"):
        grow = thr + (base * b["regrowth_target_fraction"] - thr) * (
            1 - np.exp(-np.clip(t - rec, 0, None) / b["regrowth_tau"]))
    return np.select(
        [t <= start_day, t <= 0, t < b["aplasia_day"], t < rec],
        [base, ld, fall, res], grow)


@dataclass
class LabResult:
    table: dict[str, np.ndarray]
    ivig: dict[str, np.ndarray]
    aqp4_baseline: np.ndarray


def _rows(pid, vis, nom, day, code, aval, avalc, lo, hi, lloq):
    k = len(pid)
    return {
        "pid": pid, "AVISIT": vis, "AVISITN": nom, "ADY": day,
        "PARAMCD": np.full(k, code, dtype=object),
        "AVAL": np.asarray(aval, dtype=float), "AVALC": np.asarray(avalc, dtype=object),
        "ANRLO": np.full(k, lo, dtype=float), "ANRHI": np.full(k, hi, dtype=float),
        "LLOQ": np.full(k, lloq, dtype=float),
    }


def simulate_labs(pt: Participants, grid: VisitGrid, disp: Disposition, haem: dict[str, Haem],
                  bc: BCells, crs_grade: np.ndarray, crs_onset: np.ndarray, rng,
                  params: dict, config) -> LabResult:
    """All ADLB rows (one per participant, parameter and attended visit) and IVIG courses."""
    L = params["labs"]
    vis = L["visits"]
    parts = []

    def noisy(x, log_sd):
        return x * np.exp(rng.normal(0.0, log_sd, len(x)))

    # Haematology.
    for code, h in haem.items():
        q = params["cytopenia"][code]
        pid, v, nom, day = grid.long(vis["HEMATOLOGY"])
        val = np.round(noisy(haem_curve(h, pid, day), q["noise_log_sd"]), q["decimals"])
        parts.append(_rows(pid, v, nom, day, code, val, np.full(len(pid), None), *q["normal"],
                           np.nan))

    # Immunoglobulins.
    igg_rows = None
    for code, q in L["immunoglobulins"].items():
        base = _lognormal(rng, q["baseline"], q["baseline_log_sd"], pt.n)
        floor = np.minimum(_lognormal(rng, q["floor_fraction"], q["floor_log_sd"], pt.n), 1.0)
        pid, v, nom, day = grid.long(vis["IMMUNOGLOBULIN"])
        f = floor[pid] + (1 - floor[pid]) * np.exp(-np.clip(day, 0, None) / q["tau"])
        val = np.round(noisy(base[pid] * f, q["noise_log_sd"]), q["decimals"])
        parts.append(_rows(pid, v, nom, day, code, val, np.full(len(pid), None), *q["normal"],
                           np.nan))
        if code == "IGG":
            igg_rows = (pid, day, val)

    # CD19+ B cells in blood (count and % of lymphocytes) and bone marrow.
    b = L["bcells"]
    start = params["cytopenia"]["decline_start_day"]
    thr = config.assumptions["b_cell_aplasia"]["threshold_cells_per_ul"]
    pid, v, nom, day = grid.long(vis["CD19"])
    true = cd19_curve(bc, pid, day, params, config, start)
    meas = noisy(true, b["noise_log_sd"])
    aplastic = (day >= b["aplasia_day"]) & (day < bc.recon_day[pid])
    meas = np.where(aplastic, np.minimum(meas, b["aplasia_max"]), meas)
    meas = np.where(day >= bc.recon_day[pid], np.maximum(meas, thr), meas)
    cnt = np.round(meas, b["decimals"])
    parts.append(_rows(pid, v, nom, day, "CD19ABS", cnt, np.full(len(pid), None), np.nan, np.nan,
                       np.nan))
    lymph = haem_curve(haem["LYMPH"], pid, day)
    pct = np.round(np.minimum(cnt / lymph * b["percent"], b["percent"]), b["pct_decimals"])
    parts.append(_rows(pid, v, nom, day, "CD19PCT", pct, np.full(len(pid), None), np.nan, np.nan,
                       np.nan))
    pid, v, nom, day = grid.long(vis["CD19BM"])
    bm = np.select([day <= 0, day >= bc.recon_day[pid]],
                   [bc.bm_base[pid], bc.bm_base[pid] * b["bm_recovered_fraction"]],
                   b["bm_aplasia_level"])
    bm = np.round(noisy(bm, b["noise_log_sd"]), b["bm_decimals"])
    parts.append(_rows(pid, v, nom, day, "CD19BM", bm, np.full(len(pid), None), np.nan, np.nan,
                       np.nan))

    # AQP4-IgG titre on the two-fold dilution series.
    a = L["aqp4"]
    step0 = np.clip(np.rint(rng.normal(a["baseline_step_mean"], a["baseline_step_sd"], pt.n)),
                    a["baseline_step_min"], a["max_step"])
    slope = np.clip(rng.normal(a["decline_steps_per_year"], a["decline_sd"], pt.n), 0, None)
    pid, v, nom, day = grid.long(vis["AQP4TIT"])
    years = np.clip(day, 0, None) / config.constants["days_per_year"]
    jitter = np.where(rng.random(len(pid)) < a["assay_noise_probability"],
                      rng.choice([-1, 1], size=len(pid)), 0)
    jitter = np.where(day <= 0, 0, jitter)
    step = np.minimum(np.rint(step0[pid] - slope[pid] * years) + jitter, a["max_step"])
    neg = step < 0
    titre = np.where(neg, np.nan, a["dilution_start"] * a["dilution_factor"] ** np.maximum(step, 0))
    avalc = np.where(neg, a["negative_label"], None).astype(object)
    parts.append(_rows(pid, v, nom, day, "AQP4TIT", titre, avalc, np.nan, np.nan,
                       a["dilution_start"]))
    aqp4_bl = a["dilution_start"] * a["dilution_factor"] ** step0

    # Cytokines: peaks coinciding with CRS onset, height by CRS grade.
    lo, hi = L["cytokine_peak_after_crs_onset"]
    plo, phi = L["cytokine_peak_without_crs"]
    peak = np.where(crs_grade > 0, crs_onset + rng.integers(lo, hi + 1, size=pt.n),
                    rng.integers(plo, phi + 1, size=pt.n)).astype(float)
    for code, q in L["cytokines"].items():
        base = _lognormal(rng, q["baseline"], q["baseline_log_sd"], pt.n)
        fold = np.asarray(q["fold_by_crs_grade"], dtype=float)[crs_grade]
        pid, v, nom, day = grid.long(vis["CYTOKINE"])
        z = (day - peak[pid]) / q["width_days"]
        lv = np.log(base[pid]) + np.where(day >= 0, np.log(fold[pid]) * np.exp(-z * z / 2), 0.0)
        val = np.round(noisy(np.exp(lv), q["noise_log_sd"]), q["decimals"])
        parts.append(_rows(pid, v, nom, day, code, val, np.full(len(pid), None), *q["normal"],
                           np.nan))

    # Serum BAFF rises while B cells are absent and returns after reconstitution.
    f = L["baff"]
    base = _lognormal(rng, f["baseline"], f["baseline_log_sd"], pt.n)
    pid, v, nom, day = grid.long(vis["BAFF"])
    rec = bc.recon_day[pid]
    t_in = np.clip(np.minimum(day, rec), 0, None)
    rise = 1 - np.exp(-t_in / f["rise_tau"])
    with np.errstate(invalid="ignore"):
        fall = np.where(day > rec, np.exp(-np.clip(day - rec, 0, None) / f["fall_tau"]), 1.0)
    val = base[pid] * (1 + (f["aplasia_fold"] - 1) * rise * fall)
    val = np.round(noisy(val, f["noise_log_sd"]), f["decimals"])
    parts.append(_rows(pid, v, nom, day, "BAFF", val, np.full(len(pid), None), *f["normal"],
                       np.nan))

    table = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    # PARAM, PARCAT1 and AVALU follow PARAMCD (contract ADLB_PARAMS).
    codes = np.asarray(list(ADLB_PARAMS), dtype=object)
    idx = np.searchsorted(codes[np.argsort(codes)], table["PARAMCD"])
    order = np.argsort(codes)
    for k, j in (("PARAM", 0), ("PARCAT1", 1), ("AVALU", 2)):
        table[k] = np.asarray([ADLB_PARAMS[c][j] for c in codes[order]], dtype=object)[idx]

    # IVIG replacement after a low IgG (SAP 3, hypogammaglobulinaemia).
    low = config.constants["hypogammaglobulinaemia_igg_mg_dl"]
    ipid, iday, ival = igg_rows
    is_low = (ival < low) & (iday > 0)
    first_low = np.full(pt.n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_low, ipid[is_low], iday[is_low])
    treat = (first_low < np.iinfo(np.int64).max) & (rng.random(pt.n) < L["ivig_probability"])
    k = np.where(treat, 1 + rng.poisson(L["ivig_courses_extra_mean"], pt.n), 0)
    cpid = np.repeat(np.arange(pt.n), k)
    course = np.arange(len(cpid)) - np.repeat(np.cumsum(k) - k, k)
    dlo, dhi = L["ivig_delay_days"]
    delay = rng.integers(dlo, dhi + 1, size=pt.n)
    cstart = first_low[cpid] + delay[cpid] + course * L["ivig_interval_days"]
    keep = cstart <= disp.end_day[cpid]
    ivig = {"pid": cpid[keep], "start": cstart[keep],
            "end": cstart[keep] + L["ivig_course_days"] - 1}
    return LabResult(table=table, ivig=ivig, aqp4_baseline=aqp4_bl)
