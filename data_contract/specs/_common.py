"""Variables shared by several datasets (identifiers, dates, visits)."""

from __future__ import annotations

from data_contract.spec import Variable

STUDYID = Variable("STUDYID", "Study Identifier", "str", required=True, core=True)
USUBJID = Variable("USUBJID", "Unique Subject Identifier", "str", required=True, core=True,
                   pattern=r"[A-Za-z0-9][A-Za-z0-9._-]*")

VISIT_NAMES = (
    "Screening", "Day -4", "Day 0", "Day 1", "Day 4", "Day 7", "Day 10", "Day 14",
    "Day 21", "Day 28", "Month 2", "Month 3", "Month 6", "Month 9", "Month 12",
    "Unscheduled",
)


def adt(label: str = "Analysis Date", required: bool = True) -> Variable:
    return Variable("ADT", label, "date", required=required, core=True)


def ady(label: str = "Analysis Relative Day (infusion = Day 0)") -> Variable:
    """The study day: an integer without a fixed range (a study's days are what its
    dates give; SAP 3 checks them against INFDT where the study has one)."""
    return Variable("ADY", label, "int", core=True)


def visit_variables() -> tuple[Variable, ...]:
    """AVISIT / AVISITN: the analysis visit and its nominal study day (standard BDS
    variables; the visit names are this study's schedule)."""
    return (
        Variable("AVISIT", "Analysis Visit", "str", required=True, core=True, study_terms=True,
                 allowed=VISIT_NAMES),
        Variable("AVISITN", "Analysis Visit (N): nominal study day", "int", required=True,
                 core=True, study_terms=True, core_type="float"),
    )
