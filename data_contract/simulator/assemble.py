"""Assemble the simulated trial into the contract's datasets and cut it (SAP 1).

:func:`simulate_trial` runs every step with its own random stream (derived
from one seed, so the same seed and n give identical datasets), builds the
datasets with the contract's columns, order and types, and applies the final
cut-off (12 months after the last infusion).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from data_contract.dlt_criteria import load_dlt_criteria
from data_contract.simulator.deviations import simulate_deviations
from data_contract.simulator.efficacy import simulate_edss, simulate_mri, simulate_va
from data_contract.simulator.enrolment import Participants, enrol
from data_contract.simulator.escalation import CohortDecision, run_escalation
from data_contract.simulator.history import Episodes, draw_episodes
from data_contract.simulator.kinetics import simulate_kinetics
from data_contract.simulator.labs import draw_bcells, draw_haematology, simulate_labs
from data_contract.simulator.medications import simulate_medications
from data_contract.simulator.parameters import load_params
from data_contract.simulator.safety import Safety, add_laboratory_events, simulate_safety
from data_contract.simulator.visits import Disposition, draw_disposition, draw_visits
from data_contract.simulator.vitals import simulate_vitals
from data_contract.specs import DATASETS
from data_contract.specs.admri import ADMRI_PARAMS
from data_contract.specs.adpc import ADPC_PARAMS
from study import rules
from study.config import load_config

STREAMS = ("escalation", "enrolment", "visits", "disposition", "history", "haematology",
           "bcells", "safety", "labs", "kinetics", "edss", "va", "mri", "vitals",
           "medications", "deviations")


@dataclass(frozen=True)
class SimulatedTrial:
    """A simulated trial: its datasets at the final cut-off and its two cut-off dates."""

    datasets: dict[str, pd.DataFrame]
    final_cutoff: date
    interim_cutoff: date
    seed: int
    n: int
    decisions: tuple[CohortDecision, ...] = ()
    recommended_level: int | None = None


def _dates(infdt: np.ndarray, pid: np.ndarray, day) -> np.ndarray:
    day = np.asarray(day, dtype=float)
    ok = np.isfinite(day)
    out = np.full(len(pid), np.datetime64("NaT"), dtype="datetime64[D]")
    out[ok] = infdt[pid[ok]] + day[ok].astype(np.int64).astype("timedelta64[D]")
    return out.astype("datetime64[ns]")


def _frame(name: str, cols: dict, studyid: str) -> pd.DataFrame:
    """Columns in spec order and with the contract's types (Int64, float64, datetime64[ns]).
    A permissible variable the simulator does not make (ADAE.ASTDTF: no onset date is
    imputed; AEACN: one infusion, no action on it) is left out."""
    spec = DATASETS[name]
    k = len(next(iter(cols.values())))
    data = {}
    for v in spec.variables:
        if v.permissible and v.name not in cols:
            continue
        if v.name == "STUDYID":
            x = np.full(k, studyid, dtype=object)
        else:
            x = cols.get(v.name)
        if x is None:
            x = np.full(k, None, dtype=object)
        if v.type == "int":
            f = np.asarray(x, dtype=float)
            s = pd.arrays.IntegerArray(np.nan_to_num(f).astype(np.int64), np.isnan(f))
        elif v.type == "float":
            s = np.asarray(x, dtype=float)
        elif v.type == "date":
            s = np.asarray(x, dtype="datetime64[ns]")
        else:
            s = _shared_text(np.asarray(x, dtype=object))
        data[v.name] = s
    return pd.DataFrame(data)


def _shared_text(x: np.ndarray) -> np.ndarray:
    """Text values with one object per distinct value, missing as None (as a snapshot
    read from Parquet holds them): ``np.full`` and string casts make one object per
    row, e.g. 3 million copies of the study id in ADLB at 20,000 participants."""
    codes, uniques = pd.factorize(x)
    return np.append(np.asarray(uniques, dtype=object), None)[codes]  # code -1 -> None


def _seq(usub: np.ndarray, *sort_keys) -> tuple[np.ndarray, np.ndarray]:
    """Order by subject then keys; sequence number 1.. within subject."""
    order = np.lexsort(tuple(reversed((usub, *sort_keys))))
    u = usub[order]
    first = np.r_[True, u[1:] != u[:-1]] if len(u) else np.zeros(0, bool)
    grp = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    seq = np.arange(len(u)) - starts[grp] + 1 if len(u) else np.zeros(0, int)
    return order, seq


def _bds(rows: dict, pt: Participants, order_keys=("PARAMCD",)) -> dict:
    """Attach USUBJID and ADT to participant-visit rows, sorted by subject, keys and day."""
    pid = rows["pid"]
    keys = [pd.factorize(rows[k], sort=True)[0] for k in order_keys if k in rows]
    order = np.lexsort(tuple(reversed((pid, *keys, rows["ADY"]))))
    out = {k: np.asarray(v)[order] for k, v in rows.items()}
    out["USUBJID"] = pt.usubjid[out["pid"]]
    out["ADT"] = _dates(pt.infdt, out["pid"], out["ADY"])
    return out


def build_adsl(pt: Participants, disp: Disposition, ep: Episodes, grid, edss, aqp4_bl,
               config, final_cut: np.datetime64) -> dict:
    idx = np.arange(pt.n)
    labels = config.dose_labels
    trt = np.asarray([labels[int(x)] for x in pt.level], dtype=object)
    ld_day = rules.first_lymphodepletion_day(config)
    end = _dates(pt.infdt, idx, disp.end_day)
    completed = (disp.status == "COMPLETED") & (end <= final_cut)
    ended = completed | (disp.status == "DISCONTINUED")
    eosstt = np.where(ended, disp.status, "ONGOING").astype(object)
    screen = edss["AVISIT"] == "Screening"
    edssbl = np.full(pt.n, np.nan)
    edssbl[edss["pid"][screen]] = edss["AVAL"][screen]
    nat = np.datetime64("NaT", "ns")
    return {
        "USUBJID": pt.usubjid, "SUBJID": pt.subjid, "SITEID": pt.siteid, "AGE": pt.age,
        "AGEU": np.full(pt.n, "YEARS", dtype=object), "SEX": pt.sex,
        "RACE": np.full(pt.n, load_params()["enrolment"]["race"], dtype=object),
        "ETHNIC": np.full(pt.n, load_params()["enrolment"]["ethnic"], dtype=object),
        "TRT01P": trt, "TRT01A": trt, "TRT01AN": pt.level, "SAFFL": np.full(pt.n, "Y", object),
        "ITTFL": np.full(pt.n, "Y", object),
        "TRTSDT": _dates(pt.infdt, idx, np.full(pt.n, ld_day)),
        "TRTEDT": _dates(pt.infdt, idx, np.zeros(pt.n)),
        "DTHDT": np.where(disp.death, end, nat), "DTHFL": np.where(disp.death, "Y", "N"),
        "EOSSTT": eosstt, "DCSREAS": np.where(disp.status == "DISCONTINUED", disp.reason, None),
        "EOSDT": np.where(ended, end, nat), "LSTALVDT": end,
        "TRT01PN": pt.level,
        "COHORT": np.where(pt.expansion, "EXPANSION", "ESCALATION").astype(object),
        "DOSEKG": pt.dose_kg, "DOSETOT": pt.dose_tot, "WEIGHTBL": pt.weight,
        "HEIGHTBL": pt.height, "BMIBL": pt.bmi, "BSABL": pt.bsa,
        "DIAGDT": _dates(pt.infdt, idx, pt.diag_day), "DISDURY": pt.disdur,
        "RELP12": ep.relp12, "RELP24": ep.relp24, "NPRIMSUP": pt.nprimsup,
        "PRIMSUP": pt.primsup, "EDSSBL": edssbl, "AQP4BL": aqp4_bl,
        "RFICDT": _dates(pt.infdt, idx, pt.consent_day),
        "ENRLDT": _dates(pt.infdt, idx, pt.enrol_day),
        "LDSTDT": _dates(pt.infdt, idx, np.full(pt.n, ld_day)),
        "INFDT": _dates(pt.infdt, idx, np.zeros(pt.n)),
        "ENRLFL": np.full(pt.n, "Y", object), "INFFL": np.full(pt.n, "Y", object),
        "DLTEVLFL": np.full(pt.n, "Y", object),
    }


def build_adae(pt: Participants, disp: Disposition, saf: Safety, params: dict) -> dict:
    e = saf.events
    pid = e["pid"]
    usub = pt.usubjid[pid]
    order, seq = _seq(usub, e["start"], e["term"])
    e = {k: v[order] for k, v in e.items()}
    pid = e["pid"]
    open_ = e["end"] > disp.end_day[pid]
    end = np.where(open_, np.nan, e["end"])
    yn = lambda m: np.where(m, "Y", "N").astype(object)  # noqa: E731
    rel = lambda m: np.where(m, "RELATED", "NOT RELATED").astype(object)  # noqa: E731
    sev = params["other_aes"]["severity_by_grade"]
    out = np.where(e["fatal"], "FATAL", np.where(open_, "NOT RECOVERED/NOT RESOLVED",
                                                 "RECOVERED/RESOLVED")).astype(object)
    ld_day = params["cytopenia"]["decline_start_day"]
    return {
        "USUBJID": pt.usubjid[pid], "AESEQ": seq, "AETERM": e["term"], "AEDECOD": e["term"],
        "AEBODSYS": e["soc"], "AESEV": np.asarray([sev[int(g)] for g in e["grade"]], dtype=object),
        "AETOXGR": e["grade"], "AESER": yn(e["serious"]),
        "AREL": rel(e["related"] | e["related_ld"]), "ARELCAR": rel(e["related"]),
        "ARELLD": rel(e["related_ld"]),
        "AEOUT": out, "AESDTH": yn(e["fatal"]),
        "ASTDT": _dates(pt.infdt, pid, e["start"]), "AENDT": _dates(pt.infdt, pid, end),
        "ASTDY": e["start"], "AENDY": end, "TRTEMFL": yn(e["start"] >= ld_day),
        "AEGRSCL": e["scale"], "DLTFL": yn(e["dlt"]), "CRSFL": yn(e["crs"]),
        "ICANSFL": yn(e["icans"]), "TOCIFL": yn(e["toci"]), "CORTFL": yn(e["cort"]),
    }


def build_adex(pt: Participants, config) -> dict:
    drugs = config.assumptions["lymphodepletion"]["drugs"]
    levels = {lv.code: lv.dose_per_kg for lv in config.dose_levels}
    per = [(d["name"], float(d["dose"]), d["unit"], day) for d in drugs for day in d["days"]]
    per.sort(key=lambda r: (r[3], r[0]))
    k = len(per) + 1
    pid = np.repeat(np.arange(pt.n), k)
    slot = np.tile(np.arange(k), pt.n)
    names = np.asarray([r[0] for r in per] + ["ANTI-BAFFR CAR-T"], dtype=object)
    units = np.asarray([r[2] for r in per] + ["10^6 cells/kg"], dtype=object)
    day = np.asarray([r[3] for r in per] + [0])[slot]
    planned = np.asarray([r[1] for r in per] + [np.nan])[slot]
    car = slot == k - 1
    planned_car = np.asarray([levels[int(x)] for x in pt.level], dtype=float)
    planned = np.where(car, planned_car[pid] if pt.n else planned, planned)
    dose = np.where(car, pt.dose_kg[pid] if pt.n else planned, planned)
    return {"USUBJID": pt.usubjid[pid], "EXSEQ": slot + 1, "EXTRT": names[slot],
            "EXDOSE": dose, "EXDOSU": units[slot], "EXPDOSE": planned,
            "ASTDT": _dates(pt.infdt, pid, day), "ASTDY": day}


def build_adcm(pt: Participants, saf: Safety, ivig: dict, meds: dict, params: dict,
               ld_start: int) -> dict:
    """CRS/ICANS management, IVIG and the other medications; ATC class from params.yml;
    PREFL / ONTRTFL relative to the start of lymphodepletion (the spec's definition)."""
    cm = saf.cm
    k = len(ivig["pid"])
    pid = np.concatenate([cm["pid"], ivig["pid"], meds["pid"]]).astype(np.int64)
    name = np.concatenate([cm["name"], np.full(k, params["labs"]["ivig_name"], dtype=object),
                           meds["name"]])
    cat = np.concatenate([cm["cat"], np.full(k, "IVIG", dtype=object), meds["cat"]])
    start = np.concatenate([cm["start"], ivig["start"], meds["start"]]).astype(np.int64)
    end = np.concatenate([cm["end"], ivig["end"], meds["end"]]).astype(np.int64)
    usub = pt.usubjid[pid]
    order, seq = _seq(usub, start, name)
    pid, name, cat, start, end = pid[order], name[order], cat[order], start[order], end[order]
    atc = params["medications"]["atc_class"]
    yn = lambda m: np.where(m, "Y", "N").astype(object)  # noqa: E731
    return {"USUBJID": pt.usubjid[pid], "CMSEQ": seq, "CMDECOD": name, "CMCAT": cat,
            "CMCLAS": np.asarray([atc[x] for x in name], dtype=object),
            "ASTDT": _dates(pt.infdt, pid, start), "AENDT": _dates(pt.infdt, pid, end),
            "ASTDY": start, "PREFL": yn(start < ld_start), "ONTRTFL": yn(end >= ld_start)}


def build_addv(pt: Participants, dv: dict) -> dict:
    usub = pt.usubjid[dv["pid"]]
    order, seq = _seq(usub, dv["day"], dv["term"])
    pid = dv["pid"][order]
    return {"USUBJID": pt.usubjid[pid], "DVSEQ": seq, "DVCAT": dv["cat"][order],
            "DVTERM": dv["term"][order], "ASTDT": _dates(pt.infdt, pid, dv["day"][order]),
            "ASTDY": dv["day"][order], "DVIMPFL": dv["important"][order]}


def build_adrelap(pt: Participants, ep: Episodes) -> dict:
    usub = pt.usubjid[ep.pid]
    order, seq = _seq(usub, ep.day)
    pid = ep.pid[order]
    return {"USUBJID": pt.usubjid[pid], "RLSEQ": seq, "ASTDT": _dates(pt.infdt, pid, ep.day[order]),
            "ASTDY": ep.day[order], "RLPHASE": ep.phase[order], "RLDESC": ep.desc[order],
            "RLGT24H": ep.gt24h[order], "RLFEVINF": ep.fevinf[order]}


def _add_months(d: np.datetime64, months: int) -> date:
    ts = pd.Timestamp(d) + pd.DateOffset(months=months)
    return ts.date()


def simulate_trial(n: int = 20, seed: int | None = None,
                   params_path: str | Path | None = None) -> SimulatedTrial:
    """Simulate the NCT06561009 trial for ``n`` participants (issue 2, section 4).

    Same ``seed`` and ``n`` give identical datasets. The datasets are those of the
    final cut-off, 12 months after the last infusion (SAP 1); ``interim_cutoff`` is
    the day every dose level 2 escalation participant has finished the 28-day DLT
    window (latest DL2 escalation infusion + the registry DLT window).
    """
    if n < 1:
        raise ValueError(f"simulate_trial: n must be at least 1, not {n}")
    params = load_params(params_path)
    config = load_config()
    seed = int(params["seed"]["default"] if seed is None else seed)
    streams = dict(zip(STREAMS, (np.random.default_rng(s) for s in
                                 np.random.SeedSequence(seed).spawn(len(STREAMS))), strict=True))
    esc = run_escalation(n, streams["escalation"], params, config)
    pt = enrol(esc, streams["enrolment"], params, config)
    grid = draw_visits(pt, streams["visits"], params, config)
    disp = draw_disposition(pt, grid, streams["disposition"], params, config)
    ep = draw_episodes(pt, disp, streams["history"], params)
    haem = draw_haematology(pt, streams["haematology"], params)
    bc = draw_bcells(pt, streams["bcells"], params)
    saf = simulate_safety(pt, disp, haem, streams["safety"], params)
    labs = simulate_labs(pt, grid, disp, haem, bc, saf.crs_grade, saf.crs_onset, streams["labs"],
                         params, config)
    saf = add_laboratory_events(saf, labs.table, pt, disp, streams["safety"], params,
                                load_dlt_criteria())
    vs = simulate_vitals(pt, disp, saf, streams["vitals"], params)
    pc = simulate_kinetics(pt, grid, streams["kinetics"], params)
    edss = simulate_edss(pt, grid, disp, ep, streams["edss"], params)
    va = simulate_va(pt, grid, disp, ep, streams["va"], params)
    mri = simulate_mri(pt, grid, streams["mri"], params)
    ld_days = sorted({d for drug in config.assumptions["lymphodepletion"]["drugs"]
                      for d in drug["days"]})
    meds = simulate_medications(pt, disp, saf.events, streams["medications"], params, ld_days)
    dv = simulate_deviations(pt, grid, disp, streams["deviations"], params)

    months = config.registry["follow_up_months"]
    final_cut = _add_months(pt.infdt.max(), months)
    window = config.registry["dlt_window_days"]
    dl2 = (pt.level == config.dose_levels[1].code) & ~pt.expansion
    ref = dl2 if dl2.any() else (pt.level == pt.level.max())
    interim_cut = (pd.Timestamp(pt.infdt[ref].max()) + pd.Timedelta(days=window)).date()

    studyid = config.study["studyid"]
    edss_rows = _bds(edss, pt)
    lb = _bds(labs.table, pt)
    pcr = _bds(pc, pt)
    pcr["PARAM"] = np.asarray([ADPC_PARAMS[c][0] for c in pcr["PARAMCD"]], dtype=object)
    pcr["AVALU"] = np.asarray([ADPC_PARAMS[c][1] for c in pcr["PARAMCD"]], dtype=object)
    mr = _bds(mri, pt)
    mr["PARAM"] = np.asarray([ADMRI_PARAMS[c] for c in mr["PARAMCD"]], dtype=object)
    vr = _bds(va, pt, order_keys=("LAT",))
    vsr = _bds(vs, pt)
    datasets = {
        "ADSL": _frame("ADSL", build_adsl(pt, disp, ep, grid, edss, labs.aqp4_baseline, config,
                                          np.datetime64(final_cut, "ns")), studyid),
        "ADAE": _frame("ADAE", build_adae(pt, disp, saf, params), studyid),
        "ADEX": _frame("ADEX", build_adex(pt, config), studyid),
        "ADCM": _frame("ADCM", build_adcm(pt, saf, labs.ivig, meds, params,
                                          rules.first_lymphodepletion_day(config)), studyid),
        "ADLB": _frame("ADLB", lb, studyid),
        "ADVS": _frame("ADVS", vsr, studyid),
        "ADPC": _frame("ADPC", pcr, studyid),
        "ADRELAP": _frame("ADRELAP", build_adrelap(pt, ep), studyid),
        "ADEDSS": _frame("ADEDSS", edss_rows, studyid),
        "ADVA": _frame("ADVA", vr, studyid),
        "ADMRI": _frame("ADMRI", mr, studyid),
        "ADDV": _frame("ADDV", build_addv(pt, dv), studyid),
    }
    # The participant-level intermediates are copied into the frames: free them before
    # the cut-off makes its own copies (3 million ADLB rows at 20,000 participants).
    del labs, lb, pc, pcr, edss, edss_rows, va, vr, mri, mr, vs, vsr
    datasets = finalise(datasets, final_cut, config)
    return SimulatedTrial(datasets=datasets, final_cutoff=final_cut, interim_cutoff=interim_cut,
                          seed=seed, n=n, decisions=esc.decisions,
                          recommended_level=esc.recommended_level)


def finalise(datasets: dict[str, pd.DataFrame], cutoff: date, config) -> dict[str, pd.DataFrame]:
    """Apply the final cut-off (SAP 1) and restore the contract's column order and types."""
    from data_contract.cutoff import apply_cutoff

    cut = apply_cutoff(datasets, cutoff, config)
    out = {}
    for name, df in cut.items():
        spec = DATASETS[name]
        kept = [v for v in spec.variables if v.name in df.columns or not v.permissible]
        df = df[[v.name for v in kept]].reset_index(drop=True)
        for v in kept:
            want = {"int": "Int64", "date": "datetime64[ns]", "float": "float64"}.get(v.type)
            if want is not None and str(df[v.name].dtype) != want:
                df[v.name] = df[v.name].astype(want)
        out[name] = df
    return out
