"""Edge snapshots: lawful but unusual data on which every chapter must still render
(issue 11, part 5), derived from the committed simulated snapshot ``sim-final``
with the project's own code: the data cut-off (:func:`data_contract.cutoff.apply_cutoff`,
as ``nox -s snapshot -- cut`` runs it) and :func:`data_contract.snapshot.freeze`, which
validates the result against the contract like any delivery. Every date and
participant is chosen from the data, never typed in.

- :func:`freeze_no_infusion`: cut the day before the first infusion. One participant
  has had lymphodepletion, nobody is infused (Infused and DLT-evaluable sets empty);
  the second and third dose levels have nobody at all; ADAE and ADPC are present
  with zero rows (nothing had happened yet), ADCM holds the prior medications.
- :func:`freeze_death_and_empty_level`: cut the day before the first participant of the
  highest dose level enrolled (that level is an empty column in every set), with AEs
  ongoing at the cut-off (the cut makes them so); one participant dies of an
  infection (that AE becomes fatal, grade 5 and serious, and the participant's records
  after the death date are dropped by the same cut-off rule); ADPC and ADMRI are
  present with zero rows (kinetics and MRI reads not yet delivered).

The conditions of the second snapshot do not hide each other: a death, an ongoing
AE and an empty dose level are all seen by the safety chapters, and the zero-row
datasets by their own chapters with a non-empty Infused set.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from data_contract.cutoff import apply_cutoff
from data_contract.snapshot import freeze, load_snapshot

SOURCE = "sim-final"
NO_INFUSION = "edge-no-infusion"
DEATH_AND_EMPTY_LEVEL = "edge-death-empty-level"
INFECTIONS = "Infections and infestations"


def _source(root: Path) -> dict[str, pd.DataFrame]:
    snap = load_snapshot(SOURCE, root)
    return {name: snap.datasets[name] for name in snap.datasets}


def _day_before(ts) -> date:
    return (pd.Timestamp(ts) - pd.Timedelta(days=1)).date()


def _freeze(data: dict[str, pd.DataFrame], snapshot_id: str, cutoff: date, what: str,
            root: Path) -> str:
    freeze(data, snapshot_id, cutoff, source=f"{SOURCE}, {what} (edge snapshot of the tests)",
           simulated=True, root=root)
    return snapshot_id


def freeze_no_infusion(root: Path) -> str:
    """Snapshot :data:`NO_INFUSION` in ``root``: nobody infused (see the module doc)."""
    data = _source(root)
    adsl = data["ADSL"]
    cutoff = _day_before(adsl["INFDT"].min())
    assert pd.Timestamp(adsl["LDSTDT"].min()) <= pd.Timestamp(cutoff), \
        "the source has nobody lymphodepleted before the first infusion"
    cut = apply_cutoff(data, cutoff)
    assert (cut["ADSL"]["INFFL"] == "N").all()
    return _freeze(cut, NO_INFUSION, cutoff, f"cut at {cutoff} (day before the first "
                   "infusion)", root)


def _with_death(data: dict[str, pd.DataFrame], cutoff: date) -> tuple[dict, str, date]:
    """The first participant (ADSL order) with an infection that ended by ``cutoff``
    dies of it on its end date: the AE is fatal (AEOUT FATAL, AESDTH Y, grade 5,
    serious), ADSL records the death and the end of study, and the participant's
    records after the death date go, as a cut-off at that date drops them."""
    ae = data["ADAE"]
    ended = ae[(ae["AEBODSYS"] == INFECTIONS) & ae["AENDT"].notna()
               & (pd.to_datetime(ae["AENDT"]) <= pd.Timestamp(cutoff))]
    order = {u: i for i, u in enumerate(data["ADSL"]["USUBJID"])}
    ended = ended.assign(_o=ended["USUBJID"].map(order)).sort_values(["_o", "AESEQ"])
    fatal = ended.iloc[0]
    subject, died = fatal["USUBJID"], pd.Timestamp(fatal["AENDT"]).date()

    mine = {n: df[df["USUBJID"] == subject] for n, df in data.items()}
    mine = apply_cutoff(mine, died)
    is_fatal = mine["ADAE"]["AESEQ"] == fatal["AESEQ"]
    mine["ADAE"].loc[is_fatal, ["AEOUT", "AESDTH", "AETOXGR", "AESER"]] = \
        ["FATAL", "Y", 5, "Y"]
    sl = mine["ADSL"]
    sl["DTHDT"] = pd.Timestamp(died)
    sl["DTHFL"] = "Y"
    sl["EOSSTT"] = "DISCONTINUED"
    sl["DCSREAS"] = "DEATH"
    sl["EOSDT"] = pd.Timestamp(died)
    sl["LSTALVDT"] = pd.Timestamp(died)

    out = {}
    for name, df in data.items():
        others = df[df["USUBJID"] != subject]
        combined = pd.concat([others, mine[name].astype(others.dtypes.to_dict(), errors="ignore")],
                             ignore_index=True)
        rank = combined["USUBJID"].map(order)
        out[name] = combined.iloc[rank.argsort(kind="stable")].reset_index(drop=True)
    return out, subject, died


def freeze_death_and_empty_level(root: Path) -> str:
    """Snapshot :data:`DEATH_AND_EMPTY_LEVEL` in ``root`` (see the module doc)."""
    data = _source(root)
    adsl = data["ADSL"]
    top = adsl.loc[adsl["TRT01AN"].idxmax(), "TRT01A"]
    cutoff = _day_before(adsl.loc[adsl["TRT01A"] == top, "ENRLDT"].min())
    cut = apply_cutoff(data, cutoff)
    ae = cut["ADAE"]
    assert (ae["AEOUT"] == "NOT RECOVERED/NOT RESOLVED").any(), "no AE ongoing at the cut-off"
    cut, subject, died = _with_death(cut, cutoff)
    for name in ("ADPC", "ADMRI"):
        cut[name] = cut[name].iloc[0:0]
    what = (f"cut at {cutoff} (day before the first participant of {top} enrolled), "
            f"{subject} dies on {died} of an infection, ADPC and ADMRI hold no rows")
    return _freeze(cut, DEATH_AND_EMPTY_LEVEL, cutoff, what, root)
