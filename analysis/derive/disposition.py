"""Participant disposition (SAP 2 analysis sets; SAP 5 T14.1.1, L16.2.1).

Per participant of the Enrolled set, from ADSL:

- ``LYMPHODEPLETED``: received any lymphodepletion chemotherapy (SAFFL = "Y";
  SAP 2, Safety set);
- ``INFUSED``: received the CAR-T infusion (INFFL = "Y", else INFDT present;
  SAP 2, Infused set);
- ``COMPLETED``: completed the study, i.e. the Month 12 visit (EOSSTT = "COMPLETED");
- ``DISCONTINUED``: left the study early (EOSSTT = "DISCONTINUED"), reason DCSREAS;
- ``ONGOING``: still in follow-up at the data cut-off (EOSSTT = "ONGOING");
- ``DIED``: died (DTHFL = "Y", else DTHDT present).

A variable the ADSL lacks gives a missing (``pd.NA``) status for everyone, so a
standard ADSL of another study still has its enrolled and treated counts.
"""

from __future__ import annotations

import pandas as pd

STATUSES = ("LYMPHODEPLETED", "INFUSED", "COMPLETED", "DISCONTINUED", "ONGOING", "DIED")


def _flag(adsl: pd.DataFrame, flag: str, date: str | None = None) -> pd.Series:
    if flag in adsl.columns:
        return adsl[flag].astype("string").eq("Y").astype("boolean")
    if date and date in adsl.columns:
        return adsl[date].notna().astype("boolean")
    return pd.Series(pd.NA, index=adsl.index, dtype="boolean")


def derive_disposition(adsl: pd.DataFrame) -> pd.DataFrame:
    """ADSL with boolean columns LYMPHODEPLETED, INFUSED, COMPLETED, DISCONTINUED,
    ONGOING, DIED (``pd.NA`` where ADSL lacks the source variable) and DCSREAS
    ("" unless discontinued; "Not recorded" when the reason is missing)."""
    if "USUBJID" not in adsl.columns:
        raise KeyError("derive_disposition: ADSL has no variable USUBJID")
    out = adsl.copy()
    out["LYMPHODEPLETED"] = _flag(adsl, "SAFFL", "LDSTDT")
    out["INFUSED"] = _flag(adsl, "INFFL", "INFDT")
    if "EOSSTT" in adsl.columns:
        eos = adsl["EOSSTT"].astype("string")
        for status in ("COMPLETED", "DISCONTINUED", "ONGOING"):
            out[status] = eos.eq(status).fillna(False).astype("boolean")
    else:
        for status in ("COMPLETED", "DISCONTINUED", "ONGOING"):
            out[status] = pd.Series(pd.NA, index=adsl.index, dtype="boolean")
    out["DIED"] = _flag(adsl, "DTHFL", "DTHDT")
    reason = (adsl["DCSREAS"].astype("string") if "DCSREAS" in adsl.columns
              else pd.Series(pd.NA, index=adsl.index, dtype="string"))
    reason = reason.str.strip().replace("", pd.NA)
    disc = out["DISCONTINUED"].fillna(False).astype(bool)
    out["DCSREAS"] = reason.where(~disc | reason.notna(), "Not recorded").where(disc, "")
    return out
