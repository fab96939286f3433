"""N14.3.3 Narratives of deaths, serious adverse events, DLTs and grade ≥3 CRS or ICANS.
Set: Safety.

Who gets a narrative and the facts it is written from: :mod:`analysis.derive.narratives`
(SAP 5). The ARD is the facts, as delivered (machine-readable): one ``value`` row per fact,
``group1`` = ``USUBJID`` / its level the participant, ``group2`` = ``TOPIC`` / its level
the topic (participant, history, treatment, event, death, laboratory, medication),
``variable`` = the fact's field, ``variable_level`` = its key (AESEQ, PARAMCD, CMSEQ or
drug), ``stat`` the number and ``stat_fmt`` the text. Two summary rows head it: ``BIGN``
(N of the Safety set) and ``NARR`` (participants with a narrative). The text is written
from the ARD by :func:`analysis.style.narrative_text.narratives_markdown`; ADEX, ADLB and
ADCM add facts when the snapshot holds them.
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.cytopenia import RECOVERY_THRESHOLDS
from analysis.derive.narratives import (
    compute_narrative_facts,
    derive_narrative_triggers,
    narrative_participants,
    unapplied_triggers,
)
from analysis.displays._safety import safety_population
from analysis.displays.registry import declare
from analysis.formats import unit_text
from analysis.style.narrative_text import narrative_anchor, narratives_markdown

ID = "N14.3.3"
OPTIONAL = {"ADEX": None, "ADLB": "laboratory", "ADCM": "concomitant medication"}


def _optional(data: StudyData, name: str) -> pd.DataFrame | None:
    return data[name] if data.has(name) else None


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    triggers = derive_narrative_triggers(s.adae, s.adsl, config, data.codelists)
    facts = compute_narrative_facts(s.adsl, s.adae, triggers, config, group_var=group_var,
                                    adex=_optional(data, "ADEX"), adlb=_optional(data, "ADLB"),
                                    adcm=_optional(data, "ADCM"), cutoff=data.cutoff)
    rows = [A.row(ID, "BIGN", "N", float(len(s.adsl)), group1_level=A.TOTAL,
                  stat_label="Safety set"),
            A.row(ID, "NARR", "n", float(len(narrative_participants(triggers))),
                  group1_level=A.TOTAL, stat_label="Participants with a narrative")]
    rows += [A.row(ID, r.FIELD, "value", r.NUM, group1="USUBJID", group1_level=r.USUBJID,
                   group2="TOPIC", group2_level=r.TOPIC, variable_level=r.KEY,
                   stat_fmt=r.VALUE)
             for r in facts.itertuples(index=False)]
    return A.frame(rows)


def narrative(result: pd.DataFrame, data: StudyData, config: StudyConfig) -> str:
    """The narratives' Markdown, from the ARD ``result``."""
    absent = [word for name, word in OPTIONAL.items() if word and not data.has(name)]
    return narratives_markdown(result, absent=absent,
                               unapplied=unapplied_triggers(data["ADAE"]))


def event_links(listing: pd.DataFrame, data: StudyData, config: StudyConfig,
                group_var: str = "TRT01A") -> list[str]:
    """For the AE listings (L16.2.7.1-3): per row, the anchor of the narrative of its event
    (columns ``Participant`` and ``Seq.``; a row without a sequence number, a death without
    an AE record, links when the death is the trigger), "" for a row no narrative is about."""
    s = safety_population(data, config, ID, group_var)
    trig = derive_narrative_triggers(s.adae, s.adsl, config, data.codelists)
    keys = {(u, None if pd.isna(q) else int(q)) for u, q in zip(trig["USUBJID"], trig["AESEQ"],
                                                                 strict=True)}
    seqs = listing["Seq."] if "Seq." in listing.columns else pd.Series(pd.NA, index=listing.index)
    return [narrative_anchor(u) if (u, None if pd.isna(q) else int(q)) in keys else ""
            for u, q in zip(listing["Participant"], seqs, strict=True)]


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    return [
        "A narrative is written for every participant of the Safety set with an adverse event "
        "leading to death or a death, a serious adverse event, a DLT (onset Day 0-28) or CRS "
        "or ICANS of grade ≥3 (any onset). Day: study day relative to the CAR-T infusion "
        "(Day 0).",
        "Grades: CTCAE v5.0; CRS and ICANS by ASTCT consensus (Lee et al., 2019). Duration: "
        "end date − start date + 1. Laboratory nadir: lowest value from Day 1; recovery: "
        f"first later value ≥{RECOVERY_THRESHOLDS['ANC']:g} {unit_text('cells/uL')} "
        f"(neutrophils) or ≥{RECOVERY_THRESHOLDS['PLAT']:g} × {unit_text('10^3/uL')} "
        "(platelets). Medication started during an event: start date from the event's start "
        "to its end. Doses of lymphodepletion from ADEX, laboratory values from ADLB and "
        "medication from ADCM, when the snapshot holds them.",
    ]


DISPLAY = declare(ID, ard=ard, footnotes=footnotes, narrative=narrative)
