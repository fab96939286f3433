"""Who gets a narrative (N14.3.3) and the facts it is written from (SAP 5, narrative rule).

SAP 5: "A narrative (N14.3.3) is written for every participant with a death, a serious AE,
a DLT or grade ≥3 CRS/ICANS: demographics and NMOSD history, lymphodepletion and CAR-T
dose, the event (onset day, grade, seriousness, relatedness, management such as
tocilizumab, corticosteroids or IVIG, outcome and duration), relevant laboratory course
and concomitant medication, all drawn from the data".

Triggers, per ADAE record of the Safety set (:func:`derive_narrative_triggers`; codes in
:data:`TRIGGERS`), any onset (a narrative is about the participant, not a window):

- ``DEATH``: an AE leading to death (:func:`analysis.derive.adverse_events.is_fatal`), or a
  participant who died (ADSL DTHFL = "Y" or DTHDT; :func:`analysis.displays.t14_3_6.deaths`
  defines the same) without such a record (then the trigger has no AE: AESEQ missing);
- ``SERIOUS``: AESER = "Y";
- ``DLT``: a DLT as T14.3.1 counts it (DLTFL = "Y", onset Day 0-28;
  :func:`analysis.derive.dlt.dlt_events`);
- ``CRS_G3`` / ``ICANS_G3``: CRSFL / ICANSFL = "Y" with ASTCT grade (AETOXGR) ≥ 3.

A trigger whose variables the delivery lacks (another study's ADaM has no DLTFL, CRSFL,
ICANSFL) cannot be applied; :func:`unapplied_triggers` names them so the report says so.

Facts (:func:`compute_narrative_facts`): one row per fact, tidy: ``USUBJID``, ``TOPIC``
(:data:`TOPICS`), ``KEY`` (the event's AESEQ, the laboratory PARAMCD, the medication's
CMSEQ, the lymphodepletion drug; "" otherwise), ``FIELD`` (the ADaM variable, or a derived
name listed below), ``VALUE`` (the text as delivered; dates ISO; numbers with the decimals
of the data, :func:`analysis.formats.raw_decimals`) and ``NUM`` (the number, NaN for text).
Only facts the data hold are rows (a missing value is no row). Derived fields:

- ``participant``: the ADSL variables of :data:`PARTICIPANT_VARS` and ``GROUP`` (the
  dose-level column of the display);
- ``history``: :data:`HISTORY_VARS`;
- ``treatment``: ``LDSTDY`` (study day of the start of lymphodepletion, infusion = Day 0),
  INFDT, DOSEKG, DOSETOT; per lymphodepletion drug of the study configuration (KEY = the
  drug): ``TOTDOSE``, ``NDAYS`` (:func:`analysis.derive.exposure.compute_lymphodepletion_exposure`)
  and ``DOSU`` (its unit);
- ``event`` (KEY = AESEQ): the ADAE variables of :data:`EVENT_VARS`, ``ONSETDY`` (study day,
  :mod:`analysis.derive.teae`), ``DURDY`` (AENDT - ASTDT + 1) or ``ONGOING`` = "Y" when
  there is no end date, ``TRIGGER`` (the codes, "; "-joined, in :data:`TRIGGERS` order);
- ``death``: DTHDT, ``DTHDY`` (study day of death) and, for a death without a fatal AE
  record, ``TRIGGER`` = "DEATH";
- ``laboratory`` (KEY = PARAMCD, ANC and platelets, the cytopenias of the DLT criteria):
  ``NADIR``, ``NADIRDY``, ``RECFL``, ``RECDY``
  (:func:`analysis.derive.cytopenia.compute_nadir_recovery`) and ``AVALU``;
- ``medication`` (KEY = CMSEQ): CMDECOD, CMCAT, ``STARTDY``/``ENDDY`` (study days of
  ASTDT/AENDT) and ``EVENTS``: the AESEQs of the participant's triggering events during
  which the course started (ASTDT from the event's start to its end, or to the cut-off when
  ongoing), ", "-joined.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.config import StudyConfig
from analysis.derive.adverse_events import is_fatal, is_serious
from analysis.derive.cytopenia import compute_nadir_recovery
from analysis.derive.dlt import dlt_events
from analysis.derive.exposure import compute_lymphodepletion_exposure, lymphodepletion_drugs
from analysis.derive.studyday import study_day
from analysis.derive.teae import reference_dates
from analysis.formats import fmt_num, raw_decimals

TRIGGERS = ("DEATH", "SERIOUS", "DLT", "CRS_G3", "ICANS_G3")
# the variables each trigger reads besides USUBJID (absent -> the trigger is not applied)
TRIGGER_VARS = {"DLT": ("DLTFL",), "CRS_G3": ("CRSFL", "AETOXGR"),
                "ICANS_G3": ("ICANSFL", "AETOXGR")}
TOPICS = ("participant", "history", "treatment", "event", "death", "laboratory",
          "medication")
PARTICIPANT_VARS = ("SUBJID", "AGE", "AGEU", "SEX", "RACE", "ETHNIC", "COHORT", "WEIGHTBL")
HISTORY_VARS = ("DISDURY", "RELP12", "RELP24", "NPRIMSUP", "PRIMSUP", "EDSSBL", "AQP4BL")
TREATMENT_VARS = ("INFDT", "DOSEKG", "DOSETOT")
EVENT_VARS = ("AEDECOD", "AEBODSYS", "ASTDT", "AENDT", "AETOXGR", "AESEV", "AESER", "ARELCAR",
              "ARELLD", "AREL", "AEOUT", "AESDTH", "DLTFL", "CRSFL", "ICANSFL", "TOCIFL",
              "CORTFL")
LAB_PARAMS = ("ANC", "PLAT")
FACT_COLUMNS = ["USUBJID", "TOPIC", "KEY", "FIELD", "VALUE", "NUM"]
TRIGGER_COLUMNS = ["USUBJID", "AESEQ", "TRIGGER"]


def unapplied_triggers(adae: pd.DataFrame) -> list[str]:
    """The trigger codes whose ADAE variables this delivery lacks (in :data:`TRIGGERS` order)."""
    return [t for t in TRIGGERS if any(v not in adae.columns for v in TRIGGER_VARS.get(t, ()))]


def derive_narrative_triggers(adae_flagged: pd.DataFrame, adsl_set: pd.DataFrame,
                              config: StudyConfig, codelists=None) -> pd.DataFrame:
    """One row per (USUBJID, AESEQ, TRIGGER) of the participants of ``adsl_set`` (module
    doc); ``adae_flagged`` carries ONSETDY (:func:`analysis.derive.teae.derive_var_teae`).
    A death without a fatal AE record has AESEQ missing. Sorted by USUBJID, AESEQ
    (missing last), trigger order."""
    ae = adae_flagged[adae_flagged["USUBJID"].isin(adsl_set["USUBJID"])]
    hits: list[tuple[str, object, str]] = []
    absent = set(unapplied_triggers(ae))
    masks = {"DEATH": is_fatal(ae, codelists), "SERIOUS": is_serious(ae)}
    if "DLT" not in absent:
        masks["DLT"] = ae.index.isin(dlt_events(ae, config).index)
    grade = pd.to_numeric(ae["AETOXGR"], errors="coerce") if "AETOXGR" in ae.columns else None
    for code, flag in (("CRS_G3", "CRSFL"), ("ICANS_G3", "ICANSFL")):
        if code not in absent:
            masks[code] = ae[flag].eq("Y") & (grade >= 3).fillna(False)
    for code in TRIGGERS:
        if code in masks:
            mask = pd.Series(masks[code], index=ae.index).fillna(False).astype(bool)
            hits += [(u, int(s), code) for u, s in zip(ae.loc[mask, "USUBJID"],
                                                        ae.loc[mask, "AESEQ"], strict=True)]
    fatal_subjects = {u for u, _, c in hits if c == "DEATH"}
    died = pd.Series(False, index=adsl_set.index)
    if "DTHFL" in adsl_set.columns:
        died |= adsl_set["DTHFL"].eq("Y")
    if "DTHDT" in adsl_set.columns:
        died |= adsl_set["DTHDT"].notna()
    hits += [(u, None, "DEATH") for u in adsl_set.loc[died, "USUBJID"] if u not in fatal_subjects]
    out = pd.DataFrame(hits, columns=TRIGGER_COLUMNS)
    out["AESEQ"] = out["AESEQ"].astype("Int64")
    order = {c: i for i, c in enumerate(TRIGGERS)}
    out = out.assign(_t=out["TRIGGER"].map(order)).sort_values(
        ["USUBJID", "AESEQ", "_t"], kind="mergesort", na_position="last")
    return out.drop(columns="_t").drop_duplicates().reset_index(drop=True)


def narrative_participants(triggers: pd.DataFrame) -> list[str]:
    """The participants who get a narrative, sorted."""
    return sorted(set(triggers["USUBJID"]))


def _text(value) -> tuple[str, float] | None:
    """(VALUE, NUM) of one delivered value; None when missing."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp) or hasattr(value, "strftime"):
        return pd.Timestamp(value).strftime("%Y-%m-%d"), math.nan
    if isinstance(value, bool):
        return ("Y" if value else "N"), math.nan
    if isinstance(value, (int, float)) or pd.api.types.is_number(value):
        x = float(value)
        return fmt_num(x, raw_decimals([x])), x
    return str(value), math.nan


def _facts(usubjid: str, topic: str, key, fields: dict) -> list[dict]:
    rows = []
    for field, value in fields.items():
        t = _text(value)
        if t is not None:
            rows.append({"USUBJID": usubjid, "TOPIC": topic, "KEY": "" if key is None else str(key),
                         "FIELD": field, "VALUE": t[0], "NUM": t[1]})
    return rows


def _day(date, day0) -> float | None:
    if date is None or day0 is None or pd.isna(date) or pd.isna(day0):
        return None
    return float(study_day(pd.Series([pd.Timestamp(date)]), pd.Series([pd.Timestamp(day0)])).iloc[0])


def compute_narrative_facts(adsl_set: pd.DataFrame, adae_flagged: pd.DataFrame,
                            triggers: pd.DataFrame, config: StudyConfig, *, group_var: str,
                            adex: pd.DataFrame | None = None, adlb: pd.DataFrame | None = None,
                            adcm: pd.DataFrame | None = None, cutoff=None) -> pd.DataFrame:
    """The facts of every narrative participant (module doc), in participant, topic and
    key order; ``adex``/``adlb``/``adcm`` None when the snapshot lacks them (their topics
    then have no rows)."""
    who = narrative_participants(triggers)
    rows: list[dict] = []
    if not who:
        return pd.DataFrame(rows, columns=FACT_COLUMNS)
    sl = adsl_set.set_index("USUBJID")
    day0 = reference_dates(adsl_set, config)
    ae = adae_flagged.set_index(["USUBJID", "AESEQ"], drop=False)
    exposure = (compute_lymphodepletion_exposure(adex, adsl_set[adsl_set["USUBJID"].isin(who)],
                                                 config)
                if adex is not None and {"EXTRT", "EXDOSE", "ASTDT"} <= set(adex.columns)
                else None)
    units = {d["name"]: d["unit"] for d in lymphodepletion_drugs(config)}
    labs = None
    if adlb is not None and {"PARAMCD", "AVAL", "ADY"} <= set(adlb.columns):
        lb = adlb[adlb["USUBJID"].isin(who)]
        labs = compute_nadir_recovery(lb, LAB_PARAMS)
        lab_units = lb.groupby("PARAMCD")["AVALU"].first() if "AVALU" in lb.columns else {}
    for u in who:
        s = sl.loc[u]
        d0 = day0.get(u)
        rows += _facts(u, "participant", None,
                       {**{v: s.get(v) for v in PARTICIPANT_VARS}, "GROUP": s.get(group_var)})
        rows += _facts(u, "history", None, {v: s.get(v) for v in HISTORY_VARS})
        rows += _facts(u, "treatment", None,
                       {"LDSTDY": _day(s.get("LDSTDT"), d0),
                        **{v: s.get(v) for v in TREATMENT_VARS}})
        if exposure is not None:
            for r in exposure[exposure["USUBJID"] == u].itertuples():
                rows += _facts(u, "treatment", r.EXTRT, {"TOTDOSE": r.TOTDOSE, "NDAYS": r.NDAYS,
                                                         "DOSU": units.get(r.EXTRT)})
        mine = triggers[triggers["USUBJID"] == u]
        seqs = [int(q) for q in dict.fromkeys(mine["AESEQ"].dropna())]
        spans = {}
        for q in seqs:
            r = ae.loc[(u, q)]
            r = r.iloc[0] if isinstance(r, pd.DataFrame) else r
            start, end = r.get("ASTDT"), r.get("AENDT")
            ongoing = end is None or pd.isna(end)
            fields = {"ONSETDY": r.get("ONSETDY"), **{v: r.get(v) for v in EVENT_VARS}}
            if not ongoing and start is not None and not pd.isna(start):
                fields["DURDY"] = float((pd.Timestamp(end) - pd.Timestamp(start)).days + 1)
            if ongoing:
                fields["ONGOING"] = "Y"
            fields["TRIGGER"] = "; ".join(mine.loc[mine["AESEQ"] == q, "TRIGGER"])
            rows += _facts(u, "event", q, fields)
            if start is not None and not pd.isna(start):
                stop = pd.Timestamp(end) if not ongoing else (
                    pd.Timestamp(cutoff) if cutoff is not None else pd.Timestamp.max)
                spans[q] = (pd.Timestamp(start), stop)
        no_record = bool(mine["AESEQ"].isna().any())   # died without a fatal AE record
        rows += _facts(u, "death", None, {"DTHDT": s.get("DTHDT"),
                                          "DTHDY": _day(s.get("DTHDT"), d0),
                                          "TRIGGER": "DEATH" if no_record else None})
        if labs is not None:
            for r in labs[labs["USUBJID"] == u].itertuples():
                rows += _facts(u, "laboratory", r.PARAMCD,
                               {"NADIR": r.NADIR, "NADIRDY": r.NADIRDY,
                                "RECFL": r.RECFL or None, "RECDY": r.RECDY,
                                "AVALU": lab_units.get(r.PARAMCD) if len(lab_units) else None})
        if adcm is not None and "USUBJID" in adcm.columns:
            cm = adcm[adcm["USUBJID"] == u].sort_values("CMSEQ", kind="mergesort")
            for r in cm.to_dict("records"):
                st = r.get("ASTDT")
                during = [str(q) for q, (a, b) in spans.items()
                          if st is not None and not pd.isna(st) and a <= pd.Timestamp(st) <= b]
                rows += _facts(u, "medication", r["CMSEQ"],
                               {"CMDECOD": r.get("CMDECOD"), "CMCAT": r.get("CMCAT"),
                                "STARTDY": _day(st, d0), "ENDDY": _day(r.get("AENDT"), d0),
                                "EVENTS": ", ".join(during) or None})
    out = pd.DataFrame(rows, columns=FACT_COLUMNS)
    out["NUM"] = out["NUM"].astype(float)
    return out
