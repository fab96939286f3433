"""Light QC of the listings L16.2.1, L16.2.4, L16.2.5, L16.2.7.1: the content.

A listing's ARD is the listing in long form (one ``text`` row per cell;
``variable_level`` = ``<USUBJID>/<row>``). QC recomputes, from the snapshot's
Parquet files in SQL, which records the listing must hold and the values of
its identifying columns, and compares the set of records (not the layout).
"""

from __future__ import annotations

import math

import pandas as pd
from qc_db import connect


def records(prod_ard: pd.DataFrame, columns) -> set[tuple]:
    """The (columns...) tuples of a listing's long-form ARD, one per listing row."""
    wide = prod_ard.pivot(index="variable_level", columns="variable", values="stat_fmt")
    return set(map(tuple, wide[list(columns)].astype(str).itertuples(index=False)))


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.strftime("%Y-%m-%d")


def qc_l16_2_1(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.1: one row per enrolled participant (ENRLFL = "Y"), dates ISO."""
    sl = connect(snapshot_dir).execute(
        "SELECT USUBJID, TRT01A, ENRLDT, INFDT, EOSSTT FROM ADSL WHERE ENRLFL = 'Y'").df()
    cols = ["Participant", "Dose level", "Enrolment", "End-of-study status"]
    return cols, set(zip(sl["USUBJID"], sl["TRT01A"], _dates(sl["ENRLDT"]), sl["EOSSTT"],
                         strict=True))


def qc_l16_2_4(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.4: one row per enrolled participant with age and sex."""
    sl = connect(snapshot_dir).execute(
        "SELECT USUBJID, TRT01A, AGE, SEX FROM ADSL WHERE ENRLFL = 'Y'").df()
    cols = ["Participant", "Dose level", "Age (years)", "Sex"]
    return cols, set(zip(sl["USUBJID"], sl["TRT01A"], sl["AGE"].astype(int).astype(str),
                         sl["SEX"], strict=True))


def qc_l16_2_5(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.5: every ADEX administration of the Safety set, with its study day."""
    ex = connect(snapshot_dir).execute("""
      SELECT ex.USUBJID, ex.EXTRT, ex.ASTDT,
             date_diff('day', CAST(sl.INFDT AS DATE), CAST(ex.ASTDT AS DATE)) AS DY
      FROM ADEX ex JOIN ADSL sl USING (USUBJID) WHERE sl.SAFFL = 'Y'""").df()
    cols = ["Participant", "Treatment", "Date", "Study day"]
    return cols, set(zip(ex["USUBJID"], ex["EXTRT"], _dates(ex["ASTDT"]),
                         [str(int(d)) for d in ex["DY"]], strict=True))


def qc_l16_2_7_1(snapshot_dir, config) -> tuple[list[str], set[tuple]]:
    """L16.2.7.1: every ADAE record of the Safety set; TEAE = onset on or after
    lymphodepletion; Day 0-28 = TEAE with onset day <= 28 (SAP 3)."""
    prim = int(config.raw["registry"]["ae_primary_window_days"])
    ae = connect(snapshot_dir).execute("""
      SELECT ae.USUBJID, ae.AESEQ, ae.AEDECOD, ae.ASTDT,
             date_diff('day', CAST(sl.INFDT AS DATE), CAST(ae.ASTDT AS DATE)) AS DY,
             CAST(ae.ASTDT AS DATE) >= CAST(sl.LDSTDT AS DATE) AS TEAE
      FROM ADAE ae JOIN ADSL sl USING (USUBJID) WHERE sl.SAFFL = 'Y'""").df()
    teae = ["Y" if t else "N" for t in ae["TEAE"]]
    prim_fl = ["Y" if t and not math.isnan(d) and d <= prim else "N"
               for t, d in zip(ae["TEAE"], ae["DY"].astype(float), strict=True)]
    cols = ["Participant", "Seq.", "Preferred term", "Start date", "TEAE", "Day 0-28"]
    return cols, set(zip(ae["USUBJID"], ae["AESEQ"].astype(int).astype(str), ae["AEDECOD"],
                         _dates(ae["ASTDT"]), teae, prim_fl, strict=True))


def compare_listing(prod_ard: pd.DataFrame, qc_result, display_id: str) -> list[str]:
    """Records only in production or only in QC, as text lines."""
    cols, qc_set = qc_result
    prod_set = records(prod_ard, cols)
    out = [f"{display_id} {dict(zip(cols, r, strict=True))}: in production, not in QC"
           for r in sorted(prod_set - qc_set)]
    out += [f"{display_id} {dict(zip(cols, r, strict=True))}: in QC, not in production"
            for r in sorted(qc_set - prod_set)]
    return out
