"""Text of the investigational plan (CSR section 9) drawn from the study
configuration, so the report prints exactly the assumptions the analysis used.

Nothing here computes results: it formats ``study.yml`` (design, registry
definitions, every SAP [assumption]) as Markdown for chapter 9.
"""

from __future__ import annotations

from analysis.catalogue import ANALYSIS_SETS
from analysis.config import StudyConfig
from analysis.formats import day_text, signed
from analysis.style.markdown import table as _md_table
from data_contract.dlt_criteria import parse_dlt_criteria


def design_table(config: StudyConfig) -> str:
    """Markdown table of the study's design facts (registry record)."""
    s = config.study
    rows = [
        ("Protocol", s["protocol_id"]),
        ("Title", s["full_title"]),
        ("Sponsor", s["sponsor"]),
        ("Phase", s["phase"]),
        ("Design", s["design"]),
        ("Condition", s["condition"]),
        ("Intervention", s["intervention"]),
        ("Target enrolment", str(s["target_enrolment"])),
        ("Ages", f"{s['age_range'][0]} to {s['age_range'][1]} years"),
    ]
    return _md_table(("Item", "Registry record"), rows, widths=(1, 4))


def assumptions_table(config: StudyConfig) -> str:
    """Markdown table of every SAP [assumption] with the text the analysis used."""
    rows = [(v.get("label") or key.replace("_", " ").capitalize(), " ".join(str(v["text"]).split()))
            for key, v in config.assumptions.items()]
    return _md_table(("Assumption", "As configured for this analysis"), rows, widths=(1, 4))


def dlt_criteria_table(config: StudyConfig) -> str:
    """Markdown table of the DLT criteria (SAP 3 [assumption]) as study.yml lists them
    (``assumptions.dlt_criteria.criteria``, the same records the simulator and the
    consistency check apply), numbered in the order configured."""
    crit = parse_dlt_criteria(config.assumptions["dlt_criteria"])
    lo, hi = crit.window_days
    rows = [(str(i), c.text) for i, c in enumerate(crit.criteria, start=1)]
    return _md_table(("No.", f"DLT criterion (onset Day {lo}-{hi}, flagged by the investigator)"),
                     rows, align="rl", widths=(0.4, 4))


def dose_level_table(config: StudyConfig) -> str:
    rows = [(lv.name, f"{lv.dose_per_kg:g}", config.assumptions["dose_levels"]["dose_unit"])
            for lv in config.dose_levels]
    return _md_table(("Dose level", "CAR-T dose", "Unit"), rows, align="lrl")


def visit_table(config: StudyConfig) -> str:
    rows = [(day_text(v["avisit"]), signed(str(v["avisitn"]))) for v in config.visits]
    return _md_table(("Visit", "Nominal study day"), rows, align="lr")


def analysis_sets_table() -> str:
    definitions = {
        "ENR": "consented and met eligibility",
        "SAF": "received any lymphodepletion chemotherapy",
        "INF": "received the CAR-T infusion",
        "DLT": "infused and either completed 28 days of follow-up after infusion or had a DLT",
    }
    # the ADSL flag of each set is a variable name: it belongs to the appendix (SAP 4)
    rows = [(f"{name} ({code})", definitions[code]) for code, (name, _flag) in ANALYSIS_SETS.items()]
    return _md_table(("Analysis set", "Definition (SAP 2)"), rows, widths=(1.2, 3))
