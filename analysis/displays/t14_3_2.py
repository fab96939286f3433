"""T14.3.2 Overview of TEAEs (lymphodepletion to Day 28 and overall). Set: Safety.

Registry primary outcome: "Incidence and severity of adverse events ...
following the chemotherapy preparative regimen and infusion of BAFFR CART
cells within the first 28 days."

Columns: dose levels + Total, N = Safety set. Row blocks ``group2 = WINDOW``:
``Lymphodepletion to Day 28`` (primary window) then ``Overall`` (to Month 12 or the cut-off)
(SAP 3, TEAE). In each block, participants with >= 1 TEAE of the kind
(``n``, ``N``, ``pct`` of the column N):

- ``ANY`` any TEAE; ``HIGHGR`` grade >= 3 (CTCAE AETOXGR; ``Severe`` when the
  data are graded by AESEV only); ``SERIOUS`` AESER = "Y"; relatedness (SAP 3):
  ``RELCAR`` related to the CAR-T product (ARELCAR) and ``RELLD`` related to the
  lymphodepleting chemotherapy (ARELLD), each when ADAE records it; without either,
  ``RELATED`` AREL (related to study treatment); each with the meaning related in the
  configuration (:attr:`StudyData.codelists`); ``FATAL`` TEAE leading to death
  (AESDTH = "Y", AEOUT fatal or grade 5);
- this study's extension flags, when ADAE holds them: ``DLT`` (DLTFL = "Y",
  onset Day 0-28; the same in both windows by definition), ``CRS`` (CRSFL),
  ``ICANS`` (ICANSFL).
"""

from __future__ import annotations

import pandas as pd

from analysis import ard as A
from analysis.config import StudyConfig
from analysis.data import StudyData
from analysis.derive.adverse_events import (
    RELATED_TO,
    high_grade_label,
    is_fatal,
    is_high_grade,
    is_related,
    is_related_to,
    is_serious,
    resolve_grade_var,
)
from analysis.derive.dlt import dlt_events
from analysis.derive.teae import WINDOW_OVERALL, teae_in_window, window_label
from analysis.displays._safety import safety_population
from analysis.displays.registry import declare
from analysis.stats.summaries import count_rows

ID = "T14.3.2"

# Relatedness rows (SAP 3): one per treatment whose causality ADAE records.
RELATED_ROWS = {"product": ("RELCAR", "TEAE related to the CAR-T product"),
                "lymphodepletion": ("RELLD", "TEAE related to lymphodepleting chemotherapy")}


def ard(data: StudyData, config: StudyConfig, group_var: str = "TRT01A",
        grade_var: str = "auto") -> pd.DataFrame:
    s = safety_population(data, config, ID, group_var)
    gv = resolve_grade_var(s.adae if len(s.adae) else data["ADAE"], grade_var)
    rows = s.bign_rows()
    for window in (window_label(config), WINDOW_OVERALL):
        te = teae_in_window(s.adae, window)
        kinds: list[tuple[str, str, pd.Series]] = [
            ("ANY", "Any TEAE", pd.Series(True, index=te.index)),
            ("HIGHGR", f"{high_grade_label(gv)} TEAE", is_high_grade(te, gv)),
            ("SERIOUS", "Serious TEAE", is_serious(te)),
        ]
        split = [t for t, (var, _) in RELATED_TO.items() if var in te.columns]
        if split:
            for treatment in split:
                code, label = RELATED_ROWS[treatment]
                kinds.append((code, label, is_related_to(te, treatment, data.codelists)))
        elif "AREL" in te.columns:
            kinds.append(("RELATED", "Related TEAE", is_related(te, data.codelists)))
        kinds.append(("FATAL", "TEAE leading to death", is_fatal(te, data.codelists)))
        if "DLTFL" in te.columns:
            dl = dlt_events(s.adae, config)
            kinds.append(("DLT", "Dose-limiting toxicity", te.index.isin(dl.index)))
        for var, label, flag in (("CRS", "Cytokine release syndrome", "CRSFL"),
                                 ("ICANS", "ICANS", "ICANSFL")):
            if flag in te.columns:
                kinds.append((var, label, te[flag].eq("Y")))
        for var, label, mask in kinds:
            rows += count_rows(te.loc[pd.Series(mask, index=te.index).astype(bool)], s.bign,
                               display_id=ID, variable=var, group_var=group_var,
                               group2="WINDOW", group2_level=window, stat_label=label)
    return A.frame(rows)


def footnotes(data: StudyData, config: StudyConfig) -> list[str]:
    from analysis.derive.teae import overall_window_days, primary_window_days
    drugs = " and ".join(d["name"].lower() for d in config.assumptions["lymphodepletion"]["drugs"])
    return [
        "TEAE: adverse event with onset on or after the start of lymphodepletion. "
        f"{window_label(config)}: onset from the start of lymphodepletion through Day "
        f"{primary_window_days(config)} after infusion (Day 0); Overall: to Month 12 (Day {overall_window_days(config)}) or "
        "the data cut-off.",
        "Participants are counted once per row. Grades: CTCAE v5.0; CRS and ICANS by ASTCT "
        "consensus (Lee et al., 2019).",
        "Relatedness as assessed by the investigator, separately to the CAR-T product and to "
        f"the lymphodepleting chemotherapy ({drugs}); the sponsor's "
        "causality terms are mapped to related yes/no in the study configuration.",
        "TEAE leading to death: outcome fatal or grade 5. DLT: investigator-flagged, onset "
        "Day 0-28 (by definition the same in both windows).",
        "CRS: cytokine release syndrome; ICANS: immune effector cell-associated neurotoxicity "
        "syndrome; DLT: dose-limiting toxicity; TEAE: treatment-emergent adverse event.",
    ]


LAYOUT = {"variable_labels": {
    "ANY": "Any TEAE", "SERIOUS": "Serious TEAE", "RELATED": "Related TEAE",
    "RELCAR": RELATED_ROWS["product"][1], "RELLD": RELATED_ROWS["lymphodepletion"][1],
    "FATAL": "TEAE leading to death", "DLT": "Dose-limiting toxicity",
    "CRS": "Cytokine release syndrome", "ICANS": "ICANS",
}}


DISPLAY = declare(ID, ard=ard, layout=LAYOUT, footnotes=footnotes)
