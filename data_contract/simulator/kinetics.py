"""CAR-T cellular kinetics in blood (ADPC): qPCR transgene copies and flow CAR+ %.

Exponential expansion to a peak on day 7-14 whose height rises with dose and
varies lognormally between participants, biphasic contraction, persistence
past 6 months in a minority; values below the LLOQ are BLQ (SAP 3, CAR-T
kinetics).
"""

from __future__ import annotations

import numpy as np

from data_contract.simulator.enrolment import Participants
from data_contract.simulator.visits import VisitGrid


def simulate_kinetics(pt: Participants, grid: VisitGrid, rng, params: dict) -> dict[str, np.ndarray]:
    """ADPC rows: one per participant, assay and attended post-infusion visit."""
    k = params["kinetics"]
    n = pt.n
    cmax = (k["cmax_copies_median"] * (pt.dose_kg / k["reference_dose"]) ** k["dose_exponent"]
            * np.exp(rng.normal(0.0, k["cmax_log_sd"], n)))
    tmax = rng.integers(k["tmax_days"][0], k["tmax_days"][1] + 1, size=n).astype(float)
    persist = rng.random(n) < k["persist_probability"]
    slow = np.where(persist, k["persist_half_life_days"], k["slow_half_life_days"])
    pid, vis, nom, day = grid.long(k["visits"])
    t = day.astype(float)
    tm = tmax[pid]
    first = float(grid.nominal[grid.column(k["visits"][0])])
    rise = k["day1_fraction"] ** ((tm - t) / (tm - first))
    dt = np.clip(t - tm, 0, None)
    ff = k["fast_fraction"]
    fall = ff * np.exp(-k["ln2"] * dt / k["fast_half_life_days"]) + (1 - ff) * np.exp(
        -k["ln2"] * dt / slow[pid])
    copies = cmax[pid] * np.where(t <= tm, rise, fall)
    copies = copies * np.exp(rng.normal(0.0, k["noise_log_sd"], len(pid)))
    pct = np.minimum(copies * k["pct_per_copy"] * np.exp(rng.normal(0.0, k["pct_noise_log_sd"],
                                                                     len(pid))), k["pct_max"])
    out = []
    for code, val, lloq, dec in (("CARTPCT", pct, k["pct_lloq"], k["pct_decimals"]),
                                 ("CARTCOPY", copies, k["copies_lloq"], k["copies_decimals"])):
        val = np.round(val, dec)
        blq = val < lloq
        aval = np.where(blq, np.nan, val)
        avalc = np.where(blq, k["blq_label"], None).astype(object)
        m = len(pid)
        out.append({"pid": pid, "AVISIT": vis, "AVISITN": nom, "ADY": day,
                    "PARAMCD": np.full(m, code, dtype=object), "AVAL": aval, "AVALC": avalc,
                    "BLQFL": np.where(blq, "Y", "N").astype(object),
                    "LLOQ": np.full(m, lloq, dtype=float)})
    return {key: np.concatenate([o[key] for o in out]) for key in out[0]}
