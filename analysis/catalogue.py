"""The catalogue of displays (SAP section 5): the single source of every
display's number, title, analysis set, chapter and source datasets.

Notebooks, the RTF package, the ARD files and the tests all read it; a
display's title is never typed anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

KIND_WORD = {"T": "Table", "F": "Figure", "L": "Listing", "N": "Narratives"}

# analysis set code -> (name, ADSL flag)
ANALYSIS_SETS = {
    "ENR": ("Enrolled", "ENRLFL"),
    "SAF": ("Safety", "SAFFL"),
    "INF": ("Infused", "INFFL"),
    "DLT": ("DLT-evaluable", "DLTEVLFL"),
}


@dataclass(frozen=True)
class Display:
    id: str                 # e.g. "T14.3.1"
    title: str
    analysis_set: str       # key of ANALYSIS_SETS
    chapter: str            # notebook stem under chapters/
    datasets: tuple[str, ...]

    @property
    def kind(self) -> str:
        return KIND_WORD[self.id[0]]

    @property
    def number(self) -> str:
        return self.id[1:]

    @property
    def label(self) -> str:
        """The Quarto cross-reference label, e.g. ``tbl-t14-3-1`` / ``fig-f14-2-1``."""
        prefix = "fig" if self.id[0] == "F" else "tbl"
        return f"{prefix}-{self.id.lower().replace('.', '-')}"

    @property
    def heading(self) -> str:
        """``Table 14.3.1 Dose-limiting toxicities by dose level (primary)``."""
        return f"{self.kind} {self.number} {self.title}"

    @property
    def set_name(self) -> str:
        return ANALYSIS_SETS[self.analysis_set][0]

    @property
    def program(self) -> str:
        """The production program of the display (``analysis/displays/<id>.py``)."""
        return f"analysis/displays/{self.id.lower().replace('.', '_')}.py"


_D = Display
DISPLAYS: tuple[Display, ...] = (
    _D("T14.1.1", "Participant disposition", "ENR", "10-participants", ("ADSL",)),
    _D("T14.1.2", "Analysis sets by dose level", "ENR", "10-participants", ("ADSL",)),
    _D("T14.1.3", "Demographics and baseline characteristics", "SAF", "10-participants", ("ADSL",)),
    _D("T14.1.4", "NMOSD history: disease duration, relapses in prior 12/24 months, prior "
       "immunosuppressants, baseline EDSS, AQP4-IgG titre", "SAF", "10-participants", ("ADSL",)),
    _D("T14.1.5", "Extent of exposure: lymphodepletion and CAR-T dose", "SAF", "12-01-exposure",
       ("ADSL", "ADEX")),
    _D("T14.1.6", "Important protocol deviations by category", "ENR", "10-participants",
       ("ADSL", "ADDV")),
    _D("T14.1.7", "Prior and concomitant medications by class and preferred name", "SAF",
       "10-participants", ("ADSL", "ADCM")),
    _D("T14.2.1", "Annualised relapse rate, pre-treatment vs post-infusion", "INF", "11-02-arr",
       ("ADSL", "ADRELAP")),
    _D("F14.2.1", "Relapse-free proportion after infusion (Kaplan-Meier)", "INF", "11-02-arr",
       ("ADSL", "ADRELAP")),
    _D("F14.2.2", "Swimmer plot: follow-up, relapses, CRS, B-cell aplasia per participant", "INF",
       "11-02-arr", ("ADSL", "ADRELAP", "ADAE", "ADLB")),
    _D("T14.2.2", "EDSS by visit and EDSS worsening", "INF", "11-06-edss", ("ADSL", "ADEDSS")),
    _D("T14.2.3", "Visual acuity (logMAR) by eye and visit", "INF", "11-07-visual-acuity",
       ("ADSL", "ADVA")),
    _D("T14.2.4", "Accumulated active MRI lesions", "INF", "11-08-mri", ("ADSL", "ADMRI")),
    _D("T14.2.5", "AQP4-IgG titre by visit", "INF", "11-04-aqp4", ("ADSL", "ADLB")),
    _D("F14.2.3", "AQP4-IgG titre over time per participant", "INF", "11-04-aqp4",
       ("ADSL", "ADLB")),
    _D("T14.2.6", "B cells in blood and bone marrow by visit; aplasia and reconstitution", "INF",
       "11-03-b-cells", ("ADSL", "ADLB")),
    _D("F14.2.4", "CD19+ B cells in blood over time", "INF", "11-03-b-cells", ("ADSL", "ADLB")),
    _D("T14.2.7", "Cytokines and serum BAFF: peak, fold change, time to peak", "INF",
       "11-05-cytokines", ("ADSL", "ADLB")),
    _D("F14.2.5", "Cytokines and BAFF over time (log scale)", "INF", "11-05-cytokines",
       ("ADSL", "ADLB")),
    _D("T14.2.8", "CAR-T kinetic parameters by dose level", "INF", "11-01-car-t-kinetics",
       ("ADSL", "ADPC")),
    _D("F14.2.6", "CAR-T cells in blood over time by dose level (log scale)", "INF",
       "11-01-car-t-kinetics", ("ADSL", "ADPC")),
    _D("T14.3.1", "Dose-limiting toxicities by dose level (primary)", "DLT", "12-01-dlt",
       ("ADSL", "ADAE")),
    # SAP 3: the primary AE window is labelled "lymphodepletion to Day 28" in every display
    _D("T14.3.2", "Overview of TEAEs (lymphodepletion to Day 28 and overall)", "SAF",
       "12-02-adverse-events", ("ADSL", "ADAE")),
    _D("T14.3.3", "TEAEs by SOC and PT, lymphodepletion to Day 28 (primary)", "SAF",
       "12-02-adverse-events", ("ADSL", "ADAE")),
    _D("T14.3.4", "TEAEs by SOC, PT and maximum grade, overall", "SAF", "12-02-adverse-events",
       ("ADSL", "ADAE")),
    _D("T14.3.5", "CRS and ICANS: incidence by max grade, onset, duration, management", "INF",
       "12-02-adverse-events", ("ADSL", "ADAE")),
    _D("T14.3.6", "Serious TEAEs and deaths", "SAF", "12-03-deaths-serious", ("ADSL", "ADAE")),
    _D("T14.3.7", "Cytopenias: worst CTCAE grade shift from baseline, ICAHT, recovery", "SAF",
       "12-03-laboratory-safety", ("ADSL", "ADLB")),
    _D("T14.3.8", "Immunoglobulins and hypogammaglobulinaemia; IVIG use", "SAF",
       "12-03-laboratory-safety", ("ADSL", "ADLB", "ADCM")),
    _D("T14.3.9", "Infections by max grade", "SAF", "12-02-adverse-events", ("ADSL", "ADAE")),
    _D("T14.3.10", "Vital signs: maximum temperature, minimum systolic blood pressure and "
       "minimum SpO2, Day 0-28, by maximum CRS grade", "INF", "12-05-vital-signs",
       ("ADSL", "ADVS", "ADAE")),
    _D("L16.2.1", "Disposition and discontinuations", "ENR", "16-listings", ("ADSL",)),
    _D("L16.2.2", "Protocol deviations", "ENR", "16-listings", ("ADSL", "ADDV")),
    _D("L16.2.3", "Participants excluded from analysis sets, with reason", "ENR", "16-listings",
       ("ADSL",)),
    _D("L16.2.4", "Demographics and baseline", "ENR", "16-listings", ("ADSL",)),
    _D("L16.2.5", "Exposure: lymphodepletion and CAR-T infusion", "SAF", "16-listings",
       ("ADSL", "ADEX")),
    _D("L16.2.6", "Relapses", "INF", "16-listings", ("ADSL", "ADRELAP")),
    _D("L16.2.6.1", "Individual EDSS by visit", "INF", "16-listings", ("ADSL", "ADEDSS")),
    _D("L16.2.6.2", "Individual visual acuity (as recorded and logMAR) by eye and visit", "INF",
       "16-listings", ("ADSL", "ADVA")),
    _D("L16.2.6.3", "Individual MRI lesion counts by scan", "INF", "16-listings",
       ("ADSL", "ADMRI")),
    _D("L16.2.6.4", "Individual AQP4-IgG titres, B cells and cytokines by visit", "INF",
       "16-listings", ("ADSL", "ADLB")),
    _D("L16.2.6.5", "Individual CAR-T levels (flow and qPCR) and kinetic parameters", "INF",
       "16-listings", ("ADSL", "ADPC")),
    _D("L16.2.7.1", "All adverse events", "SAF", "16-listings", ("ADSL", "ADAE")),
    _D("L16.2.7.2", "DLTs, CRS and ICANS events", "SAF", "16-listings", ("ADSL", "ADAE")),
    _D("L16.2.7.3", "Serious adverse events and deaths", "SAF", "16-listings", ("ADSL", "ADAE")),
    _D("L16.2.8.1", "Individual haematology values with CTCAE grade", "SAF", "16-listings",
       ("ADSL", "ADLB")),
    _D("L16.2.8.2", "Individual immunoglobulin values and IVIG administrations", "SAF",
       "16-listings", ("ADSL", "ADLB", "ADCM")),
)
# Displays that are text of the CSR, not tables, figures or listings: not in the TLF package
# nor in the lists of tables, figures and listings (``DISPLAYS``). ADEX, ADLB and ADCM add
# facts to the narratives when the snapshot holds them (analysis.derive.narratives).
NARRATIVES: tuple[Display, ...] = (
    _D("N14.3.3", "Narratives of deaths, serious adverse events, DLTs and grade ≥3 CRS or ICANS",
       "SAF", "14-03-03-narratives", ("ADSL", "ADAE")),
)
ALL_DISPLAYS: tuple[Display, ...] = DISPLAYS + NARRATIVES

BY_ID: dict[str, Display] = {d.id: d for d in ALL_DISPLAYS}


def get(display_id: str) -> Display:
    try:
        return BY_ID[display_id]
    except KeyError:
        raise KeyError(f"no display {display_id!r} in the SAP catalogue") from None
