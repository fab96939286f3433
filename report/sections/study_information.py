"""ICH E3 section 16.1, study information: the study configuration's facts (``study.yml``),
printed once. What section 9 already prints (design facts, assumptions, DLT criteria, dose
levels, visit schedule) is linked, not repeated; the registry-stated definitions and the
fixed SAP constants, printed nowhere else, are listed here; the study period comes from the
snapshot (first enrolment, data cut-off)."""

from __future__ import annotations

from analysis.style.escape import escape_markdown
from analysis.style.markdown import table
from report.sections.book_text import BookText

# what section 9 prints -> heading id
PRINTED_IN_9 = (("Design facts of the registry record", "sec-design"),
                ("Study assumptions (dose levels, escalation rule, lymphodepletion, visits)",
                 "sec-assumptions"),
                ("Dose-limiting toxicity criteria", "sec-dlt-criteria"),
                ("Outcome measures and analysis sets", "sec-outcomes"))
REGISTRY_LABELS = {
    "id": "Registry identifier",
    "dlt_window_days": "DLT observation window (days after infusion)",
    "ae_primary_window_days": "Primary adverse-event window (days)",
    "follow_up_months": "Follow-up (months)",
    "va_test_distance_m": "Visual acuity test distance (m)",
}
# the SAP 3 constants of study.yml (``constants``), in words; a constant without a label here
# is shown by its name
CONSTANT_LABELS = {
    "days_per_year": "Days per year (annualised rates)",
    "relapse_merge_days": "Relapse onsets within this many days count as one relapse",
    "pre_treatment_arr_months": "Pre-treatment relapse period (months before enrolment)",
    "hypogammaglobulinaemia_igg_mg_dl": "Hypogammaglobulinaemia: IgG below (mg/dL)",
    "va_worsening_logmar": "Clinically meaningful visual acuity worsening (logMAR increase)",
    "low_vision_logmar": "Low vision (logMAR)",
    "icaht_anc_threshold_per_ul": "Early ICAHT: ANC at or below (/µL)",
    "icaht_g4_anc_per_ul": "Early ICAHT grade 4: ANC at or below (/µL)",
    "icaht_window_days": "Early ICAHT window (study days)",
    "confidence_level": "Confidence level of intervals",
}


def _value(value) -> str:
    if isinstance(value, list):
        return " to ".join(_value(v) for v in value) if len(value) == 2 else \
            ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k} {_value(v)}" for k, v in value.items())
    return str(value)


def _band(b: dict) -> str:
    lo, hi = f"{b['baseline_min']:.1f}", f"{b['baseline_max']:.1f}"
    return f"baseline {lo if lo == hi else lo + ' to ' + hi}: increase of at least {b['increase']:.1f}"


def section(book: BookText, config, meta) -> str:
    """The Markdown of section 16.1."""
    ids = {h.ident for ch in book.chapters for h in ch.headings if h.ident}
    where = [(what, f"@{ident}" if ident in ids else "not in this report")
             for what, ident in PRINTED_IN_9]
    registry = [(label, _value(config.registry[k])) for k, label in REGISTRY_LABELS.items()
                if k in config.registry]
    if "edss_worsening" in config.registry:
        registry.append(("EDSS worsening", "; ".join(map(_band, config.registry["edss_worsening"]))))
    constants = [(CONSTANT_LABELS.get(k, k), _value(v)) for k, v in config.constants.items()]
    lines = ["# 16.1 Study information", "",
             escape_markdown(f"Study period: {meta.study_period}. Data snapshot: "
                             f"{meta.snapshot_id}."), "",
             "## Protocol facts printed in section 9", "",
             table(("Information", "Section"), where, raw=(1,), widths=(4, 1)), "",
             "## Registry-stated definitions", "",
             table(("Definition", "Value"), registry, widths=(2, 3)), "",
             "## Fixed constants of the statistical analysis plan", "",
             table(("Constant", "Value"), constants, widths=(2, 3)), ""]
    return "\n".join(lines)
