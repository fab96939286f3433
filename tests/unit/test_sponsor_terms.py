"""SAP 3 on real ADaM conventions, on hand-worked literal tables (_safety_literals.py):
missing and imputed onset dates in the TEAE windows, relatedness and severity read from
the configured codelists (never from literal terms), infections in upper-case SOCs."""

from __future__ import annotations

import pandas as pd
import pytest
from _safety_literals import CFG, adae, adsl

from analysis.derive.adverse_events import grade_rank, is_fatal, is_infection, is_related
from analysis.derive.teae import derive_var_teae
from data_contract.codelists import Codelists, UnmappedTermError


def _flags(ae: pd.DataFrame, cutoff=None) -> dict:
    got = derive_var_teae(ae, adsl(), CFG, cutoff=cutoff)
    return {(r.USUBJID, int(r.AESEQ)): (r.TEAEFL, r.PRIMWFL, r.OVERWFL, r.ONSETMIS)
            for r in got.itertuples()}


def test_an_ae_without_onset_date_counts_as_treatment_emergent_in_both_windows():
    """S01-1 (Headache) had its onset two days before lymphodepletion: not a TEAE. Without
    the date it cannot be placed before it: TEAE (SAP 3), and cannot be placed outside
    either window, whatever the cut-off."""
    ae = adae().iloc[[0, 1]].copy()
    ae.loc[ae.index[0], "ASTDT"] = pd.NaT
    assert _flags(ae) == {("S01", 1): ("Y", "Y", "Y", "Y"), ("S01", 2): ("Y", "Y", "Y", "N")}
    assert _flags(ae, cutoff=pd.Timestamp("2024-01-20").date())[("S01", 1)] == \
        ("Y", "Y", "Y", "Y")


def test_an_imputed_onset_is_emergent_unless_its_latest_date_precedes_lymphodepletion():
    """S01 starts lymphodepletion on 2024-01-10 here. An onset imputed to 2024-01-01 from
    a known month (ASTDTF=D) may be as late as 2024-01-31: TEAE, though the imputed date
    is before; complete (no flag) it is not. Imputed to 2023-12-01 from a known month it
    is at the latest 2023-12-31: not a TEAE; from a known year only (M) at the latest
    2023-12-31: not; from nothing known (Y): TEAE."""
    sl = adsl()
    sl.loc[0, ["LDSTDT", "INFDT", "TRTSDT"]] = [pd.Timestamp("2024-01-10"),
                                                pd.Timestamp("2024-01-14"),
                                                pd.Timestamp("2024-01-10")]
    ae = adae().iloc[[0]].copy()
    cases = [("2024-01-01", None, "N"), ("2024-01-01", "D", "Y"), ("2023-12-01", "D", "N"),
             ("2023-12-01", "M", "N"), ("2024-01-01", "M", "Y"), ("2023-06-01", "Y", "Y")]
    for start, flag, expected in cases:
        got = derive_var_teae(ae.assign(ASTDT=pd.Timestamp(start), ASTDTF=flag), sl, CFG)
        assert got["TEAEFL"].iloc[0] == expected, (start, flag)


SPONSOR = Codelists.from_config({
    "AREL": {"related": ["PROBABLE", "POSSIBLE"], "not_related": ["REMOTE", "NONE"]},
    "AESEV": {"mild": ["GRADE 1"], "moderate": ["GRADE 2"], "severe": ["GRADE 3"]},
    "AEOUT": {"fatal": ["DIED"], "not_fatal": ["RESOLVED"]},
}, source="sponsor.yml")


def test_relatedness_is_read_from_the_codelist_meanings():
    ae = pd.DataFrame({"USUBJID": ["A"] * 5,
                       "AREL": ["PROBABLE", "POSSIBLE", "REMOTE", "NONE", None]})
    assert is_related(ae, SPONSOR).tolist() == [True, True, False, False, False]
    # study.yml's meanings (CDISC terms) know none of these values
    with pytest.raises(UnmappedTermError, match="'PROBABLE', 'POSSIBLE', 'REMOTE', 'NONE'.*"
                                                "codelists.AREL.<meaning> of study.yml"):
        is_related(ae)


def test_severity_ranks_and_fatal_outcomes_follow_the_codelist_meanings():
    ae = pd.DataFrame({"USUBJID": ["A", "B", "C"], "AESEV": ["GRADE 3", "GRADE 1", None],
                       "AEOUT": ["DIED", "RESOLVED", "RESOLVED"]})
    assert grade_rank(ae, "AESEV", SPONSOR).tolist()[:2] == [3.0, 1.0]
    assert is_fatal(ae, SPONSOR).tolist() == [True, False, False]
    assert is_fatal(ae).tolist() == [False, False, False]  # "DIED" is not CDISC's FATAL
    with pytest.raises(UnmappedTermError, match="USUBJID A: AESEV value 'GRADE 3'"):
        grade_rank(ae, "AESEV")


def test_infections_are_found_in_upper_case_soc_names():
    ae = pd.DataFrame({"AEBODSYS": ["INFECTIONS AND INFESTATIONS", "Infections and infestations",
                                    "Investigations", None]})
    assert is_infection(ae).tolist() == [True, True, False, False]
