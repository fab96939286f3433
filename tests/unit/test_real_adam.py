"""How the analysis reads another study's standard ADaM (issue 11, part 4), on small
literal tables shaped like the pharmaverse ADaM: ADaM-derived records, an ADNCA-style
ADPC, a BDS ADEX, upper-case MedDRA names, labs without ANC."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analysis import sets
from analysis.config import load_config
from analysis.data import StudyData
from analysis.derive.adverse_events import is_infection
from analysis.derive.baseline import derive_var_base
from analysis.derive.exposure import compute_treatment_exposure, is_this_studys_exposure
from analysis.derive.kinetics import compute_nca, kinetic_records
from analysis.displays import build_ard, spec
from analysis.style.decode import term_label
from data_contract.specs.adlb import ADLB_PARAMS

D = pd.Timestamp
ADSL = pd.DataFrame({
    "USUBJID": ["P1", "H1"], "TRT01A": ["Placebo", "Drug"], "SAFFL": ["Y", "Y"],
    "TRTSDT": [D("2014-01-02"), D("2014-01-05")], "TRTEDT": [D("2014-01-31"), D("2014-01-14")],
})


def _population(display_id: str) -> sets.Population:
    return sets.population(StudyData({"ADSL": ADSL}), load_config(), display_id)


def test_records_leave_out_what_the_adam_dataset_derived_itself():
    lb = pd.DataFrame({"USUBJID": ["P1", "P1", "P1"], "PARAMCD": ["PLAT"] * 3,
                       "AVAL": [200.0, 180.0, 180.0], "DTYPE": [None, None, "MINIMUM"]})
    assert list(_population("T14.3.7").records(lb)["AVAL"]) == [200.0, 180.0]


def test_a_display_lacking_its_parameters_names_them_or_the_empty_dataset():
    pop = _population("T14.2.6")
    lb = pd.DataFrame({"USUBJID": ["P1"], "PARAMCD": ["ALT"]})
    with pytest.raises(KeyError, match="ADLB holds no CD19ABS, CD19PCT or CD19BM"):
        pop.params_present(lb, ("CD19ABS", "CD19PCT", "CD19BM"), "ADLB")
    with pytest.raises(KeyError, match="ADLB holds no records"):
        pop.params_present(lb.iloc[0:0], ("CD19ABS",), "ADLB")
    assert pop.params_present(lb.assign(PARAMCD="PLAT"), ("ANC", "PLAT"), "ADLB") == ["PLAT"]


def test_baseline_without_an_infusion_date_is_the_last_value_on_or_before_the_first_dose():
    lb = pd.DataFrame({"USUBJID": ["P1"] * 3, "PARAMCD": ["PLAT"] * 3,
                       "AVAL": [210.0, 190.0, 150.0],
                       "ADT": [D("2013-12-26"), D("2014-01-02"), D("2014-01-16")]})
    out = derive_var_base(lb, ADSL)
    assert list(out["ABLFL"]) == ["", "Y", ""] and list(out["BASE"]) == [190.0] * 3


def test_meddra_soc_names_match_and_show_whatever_their_case():
    ae = pd.DataFrame({"AEBODSYS": ["INFECTIONS AND INFESTATIONS", "Infections and infestations",
                                    "CARDIAC DISORDERS", None]})
    assert list(is_infection(ae)) == [True, True, False, False]
    assert term_label("GASTROINTESTINAL DISORDERS") == "Gastrointestinal disorders"
    assert term_label("BLACK OR AFRICAN AMERICAN") == "Black or African American"
    # no PT list: the one rule for upper-case values without an entry (SAP 4, study/decode.py)
    assert term_label("APPLICATION SITE PRURITUS") == "Application site pruritus"


ADPC = pd.DataFrame({
    "USUBJID": ["H1"] * 7,
    "PARAMCD": ["XAN", "DOSE", "XAN", "XAN", "XAN", "XAN", "XAN"],
    "PARAM": ["Xanomeline conc", "Patch dose", "Xanomeline conc", "Xanomeline conc",
              "Xanomeline conc", "Xanomeline conc", "Xanomeline conc"],
    "PARCAT1": ["PLASMA", None, "PLASMA", "PLASMA", "PLASMA", "URINE", "URINE"],
    "SRCDOM": ["PC", "EX", "PC", "PC", "PC", "PC", "PC"],
    "AVAL": [0.0, 54.0, 2.0, 1.0, math.nan, 20.0, 10.0],
    "AVALU": ["ug/mL", "mg", "ug/mL", "ug/mL", "ug/mL", "ug/mL", "ug/mL"],
    "ALLOQ": [0.01, math.nan, 0.01, 0.01, 0.01, 0.01, 0.01],
    "AFRLT": [-0.5, 0.0, 12.0, 24.0, 48.0, 6.0, 18.0],
    "NFRLT": [0.0, 0.0, 12.0, 24.0, 48.0, 6.0, 18.0],
    "FRLTU": ["HOURS", None, "HOURS", "HOURS", "HOURS", "HOURS", "HOURS"],
    "ADY": [-1, 1, 1, 2, 3, 1, 1],
})


def test_an_adnca_adpc_gives_samples_in_days_with_blq_and_one_analyte_per_specimen():
    rec = kinetic_records(ADPC)
    assert "DOSE" not in set(rec["PARAMCD"])  # dosing records are not samples
    plasma = rec[rec["ANALYTE"] == "XAN PLASMA"]
    assert list(plasma["TIME"]) == [-0.5 / 24, 0.5, 1.0, 2.0]
    assert list(plasma["BLQ"]) == [True, False, False, True]  # 0 < LLOQ; missing value
    assert set(rec["LABEL"]) == {"Xanomeline conc (Plasma)", "Xanomeline conc (Urine)"}
    assert list(plasma["NOMLABEL"]) == ["0 h", "12 h", "24 h", "48 h"]


def test_nca_of_an_adnca_profile_follows_the_sap_definitions_in_days():
    r = compute_nca(ADPC).set_index("ANALYTE").loc["XAN PLASMA"]
    # 0.5 d -> 2, 1 d -> 1, 2 d -> BLQ (0); the profile ends at 2 days, so AUC0-28 days is
    # not estimable (SAP 3: NE without a sample on or after Day 28)
    assert (r["NSAMP"], r["CMAX"], r["TMAX"], r["TLAST"]) == (3, 2.0, 0.5, 1.0)
    assert math.isnan(r["AUC"])
    # AUC0-2 d, level 0 at the dose: (0+2)/2*0.5 + (2+1)/2*0.5 + (1+0)/2*1 = 1.75
    r2 = compute_nca(ADPC, window=(0, 2)).set_index("ANALYTE").loc["XAN PLASMA"]
    assert r2["AUC"] == pytest.approx(1.75)


BDS_ADEX = pd.DataFrame({
    "USUBJID": ["P1", "P1", "P1", "H1", "H1"],
    "EXTRT": ["PLACEBO", "PLACEBO", None, "DRUG", None],
    "PARAMCD": ["DOSE", "DOSE", "TDOSE", "DOSE", "TDOSE"],
    "ASTDT": [D("2014-01-02"), D("2014-01-17"), D("2014-01-02"), D("2014-01-05"), D("2014-01-05")],
    "AENDT": [D("2014-01-16"), D("2014-01-31"), D("2014-01-31"), D("2014-01-14"), D("2014-01-14")],
})


def test_another_studys_exposure_is_per_treatment_with_the_duration_of_treatment():
    assert not is_this_studys_exposure(BDS_ADEX, load_config())
    assert is_this_studys_exposure(BDS_ADEX.iloc[0:0], load_config())
    exp = compute_treatment_exposure(BDS_ADEX, ADSL)
    assert exp.to_dict("records") == [{"USUBJID": "H1", "EXTRT": "DRUG", "DURDAYS": 10},
                                      {"USUBJID": "P1", "EXTRT": "PLACEBO", "DURDAYS": 30}]


def test_the_cytopenia_table_shows_the_graded_parameters_present_and_says_what_is_not():
    lb = pd.DataFrame({
        "USUBJID": ["P1", "P1", "H1", "H1"], "PARAMCD": ["PLAT"] * 4,
        "AVAL": [200.0, 60.0, 180.0, 170.0], "ANRLO": [130.0] * 4,
        "ADT": [D("2014-01-01"), D("2014-01-20"), D("2014-01-04"), D("2014-01-20")],
        "ADY": [-1, 19, -1, 16],
    })
    data = StudyData({"ADSL": ADSL, "ADLB": lb}, cutoff=date(2014, 3, 1))
    ard = build_ard("T14.3.7", data, load_config())
    assert set(ard["group2_level"]) - {""} == {ADLB_PARAMS["PLAT"][0],
                                              f"{ADLB_PARAMS['PLAT'][0]}: nadir and recovery"}
    shift = ard[(ard["variable"] == "Baseline grade 0") & (ard["group1_level"] == "Total")
                & (ard["stat_name"] == "n")].set_index("variable_level")["stat"]
    assert shift["Worst grade 2"] == 1 and shift["Worst grade 1"] == 0  # 60: grade 2
    notes = " ".join(spec("T14.3.7").footnotes(data, load_config()))
    assert "Not shown: ADLB holds no Absolute Neutrophil Count" in notes
    assert "Early ICAHT is not derived: ADLB holds no ANC." in notes
