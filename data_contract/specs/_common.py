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
    return Variable("ADT", label, "date", required=required)


def ady(label: str = "Analysis Relative Day (infusion = Day 0)") -> Variable:
    return Variable("ADY", label, "int", range=(-3650, 3650))


def visit_variables() -> tuple[Variable, ...]:
    """AVISIT / AVISITN: the analysis visit and its nominal study day."""
    return (
        Variable("AVISIT", "Analysis Visit", "str", required=True, allowed=VISIT_NAMES),
        Variable("AVISITN", "Analysis Visit (N): nominal study day", "int", required=True,
                 range=(-60, 400)),
    )
