"""Vital signs by day (ADVS rows), coherent with the simulated CRS (SAP 3 CRS, SAP 5 ADVS).

One value per participant, parameter and day from the first lymphodepletion day to
Day 28 (the day's extreme: maximum temperature and heart rate, minimum blood
pressure and SpO2, maximum oxygen flow and number of vasopressors). Outside a CRS
the participant is afebrile (< 38.0 C), normotensive and on room air. On every day
of a CRS event the temperature is >= 38.0 C (ASTCT 2019: fever defines CRS); from
the second day of a grade 2 event hypotension without vasopressors and/or low-flow
oxygen (<= 6 L/min), of a grade 3 event one vasopressor and/or high-flow oxygen,
of a grade 4 event two vasopressors and/or positive pressure (ASTCT 2019 grading),
so the grade ADAE records is the grade the vital signs define.
"""

from __future__ import annotations

import numpy as np

from data_contract.simulator.enrolment import Participants
from data_contract.simulator.safety import Safety
from data_contract.simulator.visits import Disposition
from data_contract.specs.advs import ADVS_PARAMS, OXYGEN_DEVICES


def simulate_vitals(pt: Participants, disp: Disposition, saf: Safety, rng,
                    params: dict) -> dict[str, np.ndarray]:
    """ADVS rows: pid, PARAMCD, PARAM, AVAL, AVALC, AVALU, ADY."""
    v = params["vitals"]
    lo, hi = v["days"]
    days = np.arange(lo, hi + 1)
    n, k = pt.n, len(days)
    pid = np.repeat(np.arange(n), k)
    day = np.tile(days, n)
    keep = day <= disp.end_day[pid]
    pid, day = pid[keep], day[keep]
    m = len(pid)

    def base(name):
        b = v["baseline"][name]
        x = rng.normal(b["mean"], b["sd"], n)
        return np.clip(x, *b["range"])[pid] + rng.normal(0.0, b["daily_sd"], m)

    temp, sbp, dbp, hr, spo2 = (base(x) for x in ("TEMP", "SYSBP", "DIABP", "HR", "SPO2"))
    temp = np.minimum(temp, v["afebrile_max"])
    sbp = np.maximum(sbp, v["normotensive_sbp_min"])
    dbp = np.maximum(dbp, v["normotensive_dbp_min"])
    spo2 = np.clip(spo2, v["room_air_spo2_min"], 100.0)
    flow = np.zeros(m)
    vaso = np.zeros(m)
    device = np.zeros(m, dtype=np.int64)  # index into OXYGEN_DEVICES

    # The CRS events: grade by participant-day over each event's days.
    e = saf.events
    crs = np.flatnonzero(e["crs"])
    g_day = np.zeros(m, dtype=np.int64)
    first_day = np.zeros(m, dtype=bool)
    row = {(p, d): i for i, (p, d) in enumerate(zip(pid.tolist(), day.tolist(), strict=True))}
    for j in crs:
        end = e["end"][j] if np.isfinite(e["end"][j]) else hi
        for d in range(int(e["start"][j]), int(min(end, hi)) + 1):
            i = row.get((int(e["pid"][j]), d))
            if i is not None:
                g_day[i] = max(g_day[i], int(e["grade"][j]))
                first_day[i] |= d == int(e["start"][j])
    on = g_day > 0
    temp = np.where(on, rng.uniform(*v["fever_range"], m), temp)
    hr = np.where(on, hr + rng.uniform(*v["tachycardia_rise"], m), hr)
    # grade-defining features from the second day of the event (the first is fever only,
    # unless the event lasts one day)
    feat = on & (g_day >= 2) & ~first_day
    kind = rng.choice(3, size=m, p=np.asarray(v["feature_weights"], dtype=float)
                      / np.sum(v["feature_weights"]))  # 0 hypotension, 1 hypoxia, 2 both
    hypo = feat & (kind != 1)
    hypox = feat & (kind != 0)
    sbp = np.where(hypo, rng.uniform(*v["hypotension_sbp"], m), sbp)
    dbp = np.where(hypo, np.minimum(dbp, rng.uniform(*v["hypotension_dbp"], m)), dbp)
    vaso = np.where(hypo & (g_day == 3), 1, np.where(hypo & (g_day >= 4), 2, 0))
    low, high, pp = (g_day == 2) & hypox, (g_day == 3) & hypox, (g_day >= 4) & hypox
    spo2 = np.where(hypox, rng.uniform(*v["hypoxia_spo2"], m), spo2)
    flow = np.where(low, rng.integers(v["low_flow_l_min"][0], v["low_flow_l_min"][1] + 1, m),
                    flow)
    flow = np.where(high | pp, rng.integers(v["high_flow_l_min"][0],
                                            v["high_flow_l_min"][1] + 1, m), flow)
    device = np.where(low, 1, np.where(high, 2, np.where(pp, 4, device)))

    dec = v["decimals"]
    values = {"TEMP": np.round(temp, dec["TEMP"]), "SYSBP": np.round(sbp), "DIABP": np.round(dbp),
              "HR": np.round(hr), "SPO2": np.round(spo2), "OXYFLOW": flow.astype(float),
              "VASOPN": vaso.astype(float)}
    codes = list(ADVS_PARAMS)
    out_pid = np.tile(pid, len(codes))
    out_day = np.tile(day, len(codes))
    code = np.repeat(np.asarray(codes, dtype=object), m)
    aval = np.concatenate([values[c] for c in codes])
    devices = np.asarray(OXYGEN_DEVICES, dtype=object)
    avalc = np.concatenate([devices[device] if c == "OXYFLOW" else np.full(m, None, object)
                            for c in codes])
    return {"pid": out_pid, "ADY": out_day, "PARAMCD": code,
            "PARAM": np.repeat(np.asarray([ADVS_PARAMS[c][0] for c in codes], object), m),
            "AVAL": aval, "AVALC": avalc,
            "AVALU": np.repeat(np.asarray([ADVS_PARAMS[c][1] for c in codes], object), m)}
