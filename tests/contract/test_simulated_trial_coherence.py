"""The simulated trial is coherent across datasets (issue 14; SAP 3 and 5), the
consistency check finds what is not, and a snapshot id is re-frozen only on purpose."""

from __future__ import annotations

import json

import numpy as np
import pytest

from data_contract import ledger
from data_contract.cli import main
from data_contract.codelists import Codelists
from data_contract.consistency import consistency_findings, lab_grades
from data_contract.dlt_criteria import criteria_met, load_dlt_criteria
from data_contract.simulator import simulate_trial
from data_contract.validate import validate

CL = Codelists.from_config({"AREL": {"related": ["RELATED"], "not_related": ["NOT RELATED"]}},
                           "t")


@pytest.fixture(scope="module", params=[(20, None), (60, 7)])
def trial(request):
    n, seed = request.param
    return simulate_trial(n=n, seed=seed)


def test_a_simulated_trial_has_no_cross_dataset_discordance(trial):
    found = consistency_findings(trial.datasets, CL)
    assert found == [], [e.message for e in found][:5]
    report = validate(trial.datasets, cutoff=trial.final_cutoff)
    assert not [e for e in report.findings if e.rule.startswith("consistency.")
                or e.rule == "ADAE.dlt_meets_no_criterion"]


def test_laboratory_ae_grades_are_the_worst_laboratory_grades(trial):
    ae, lb = trial.datasets["ADAE"], trial.datasets["ADLB"]
    anc = lb[(lb.PARAMCD == "ANC") & (lb.ADY >= -4)]
    worst = anc.assign(g=lab_grades(anc)).groupby("USUBJID").g.max()
    neut = ae[ae.AEDECOD == "Neutrophil count decreased"].groupby("USUBJID").AETOXGR.max()
    assert (neut.astype(float) == worst.reindex(neut.index)).all()
    assert set(worst[worst >= 3].index) == set(neut.index)


def test_every_dlt_flag_meets_a_criterion_and_cytopenia_in_day_0_28_is_not_one(trial):
    ae, lb = trial.datasets["ADAE"], trial.datasets["ADLB"]
    crit = load_dlt_criteria()
    for r in ae[ae.DLTFL == "Y"].to_dict("records"):
        code = crit.cytopenia_terms.get(r["AEDECOD"])
        days = []
        if code:
            x = lb[(lb.USUBJID == r["USUBJID"]) & (lb.PARAMCD == code)]
            days = list(x.ADY[lab_grades(x) >= 4])
        assert criteria_met(r, crit, related_car=r["ARELCAR"] == "RELATED",
                            lab_grade_after=days), r
    g4 = ae[(ae.AEDECOD == "Neutrophil count decreased") & (ae.AETOXGR == 4)]
    assert len(g4) > ae.DLTFL.eq("Y").sum()  # most grade 4 neutropenia is not a DLT


def test_causality_to_the_product_is_never_before_the_infusion(trial):
    ae = trial.datasets["ADAE"]
    assert not ((ae.ASTDY < 0) & (ae.ARELCAR == "RELATED")).any()
    crs = ae[ae.CRSFL == "Y"]
    assert crs.ARELCAR.eq("RELATED").all() and crs.ARELLD.eq("NOT RELATED").all()
    either = ae.ARELCAR.eq("RELATED") | ae.ARELLD.eq("RELATED")
    assert (ae.AREL.eq("RELATED") == either).all()


def test_every_crs_day_is_febrile_and_grade_2_shows_hypotension_or_oxygen(trial):
    ae, vs = trial.datasets["ADAE"], trial.datasets["ADVS"]
    for r in ae[ae.CRSFL == "Y"].itertuples():
        end = 28 if np.isnan(float(r.AENDY)) else min(int(r.AENDY), 28)
        d = vs[(vs.USUBJID == r.USUBJID) & vs.ADY.between(r.ASTDY, end)]
        assert (d[d.PARAMCD == "TEMP"].AVAL >= 38.0).all()
        if r.AETOXGR >= 2:
            assert ((d[d.PARAMCD == "SYSBP"].AVAL < 90).any()
                    or (d[d.PARAMCD == "OXYFLOW"].AVAL > 0).any())


def test_prior_medications_are_the_prior_immunosuppressants_adsl_names(trial):
    sl, cm = trial.datasets["ADSL"], trial.datasets["ADCM"]
    prior = cm[cm.CMCAT == "IMMUNOSUPPRESSANT"]
    names = {"ORAL CORTICOSTEROIDS": "PREDNISONE"}
    want = {(u, names.get(a, a)) for u, p in zip(sl.USUBJID, sl.PRIMSUP, strict=True)
            for a in p.split("; ")}
    assert set(zip(prior.USUBJID, prior.CMDECOD, strict=True)) == want
    assert (prior.PREFL == "Y").all() and (prior.ASTDT >= prior.USUBJID.map(
        dict(zip(sl.USUBJID, sl.DIAGDT, strict=True)))).all()


def test_prior_and_concomitant_flags_follow_the_start_of_lymphodepletion(trial):
    sl, cm = trial.datasets["ADSL"], trial.datasets["ADCM"]
    ld = cm.USUBJID.map(dict(zip(sl.USUBJID, sl.LDSTDT, strict=True)))
    assert ((cm.PREFL == "Y") == (cm.ASTDT < ld)).all()
    assert ((cm.ONTRTFL == "Y") == (cm.AENDT.isna() | (cm.AENDT >= ld))).all()
    both = cm[(cm.PREFL == "Y") & (cm.ONTRTFL == "Y")]
    assert len(both) and set(both.CMDECOD) == {"PREDNISONE"}  # the taper spans the start


def test_g_csf_is_given_only_for_grade_4_neutropenia(trial):
    ae, cm = trial.datasets["ADAE"], trial.datasets["ADCM"]
    g4 = set(ae[(ae.AEDECOD == "Neutrophil count decreased") & (ae.AETOXGR == 4)].USUBJID)
    assert set(cm[cm.CMCAT == "G-CSF"].USUBJID) <= g4


def test_a_missed_visit_deviation_has_no_assessment_on_that_visit(trial):
    dv, lb = trial.datasets["ADDV"], trial.datasets["ADLB"]
    missed = dv[dv.DVCAT == "VISIT SCHEDULE"]
    assert len(missed) and (missed.DVIMPFL == "N").all()
    visits = set(zip(lb.USUBJID, lb.AVISIT, strict=True))
    for r in missed.itertuples():
        assert (r.USUBJID, r.DVTERM.removeprefix("Visit not done: ")) not in visits, r
    assert (dv.DVIMPFL == "Y").any()


def test_a_discordant_delivery_gets_one_warning_per_discordance(trial):
    d = dict(trial.datasets)
    ae = d["ADAE"].copy()
    i = ae.index[ae.AEDECOD == "Lymphocyte count decreased"][0]
    ae.loc[i, "AETOXGR"] = 1
    j = ae.index[(ae.CRSFL == "Y") & (ae.AETOXGR == 1)][0]
    ae.loc[j, "AETOXGR"] = 3
    k = ae.index[(ae.AEDECOD == "Nausea") | (ae.AEDECOD == "Headache")][0]
    ae.loc[k, "DLTFL"] = "Y"
    d["ADAE"] = ae
    report = validate(d, cutoff=trial.final_cutoff)
    got = sorted((e.rule, e.row, e.severity) for e in report.findings)
    assert got == sorted([("consistency.lab_ae_grade", i + 1, "warning"),
                          ("consistency.crs_vital_signs", j + 1, "warning"),
                          ("ADAE.dlt_meets_no_criterion", k + 1, "warning")])
    assert report.ok  # warnings do not block a freeze


def test_a_frozen_id_is_refused_unless_superseded_with_a_reason(tmp_path):
    assert main(["simulate", "--id", "s", "--n", "6", "--root", str(tmp_path)]) == 0
    assert main(["simulate", "--id", "s", "--n", "6", "--seed", "3", "--root",
                 str(tmp_path)]) != 0  # refused: already frozen
    assert len((tmp_path / "LEDGER.jsonl").read_text().splitlines()) == 1
    assert main(["simulate", "--id", "s", "--n", "6", "--seed", "3", "--root", str(tmp_path),
                 "--supersede", "new simulator"]) == 0
    lines = [json.loads(x) for x in (tmp_path / "LEDGER.jsonl").read_text().splitlines()]
    assert [x["seq"] for x in lines] == [1, 2] and lines[1]["supersedes"] == 1
    assert lines[1]["reason"] == "new simulator" and "supersedes" not in lines[0]
    assert ledger.entry_for(tmp_path, "s").seq == 2
    assert main(["verify", "s", "--root", str(tmp_path)]) == 0
    # a line that claims to supersede a line of another id breaks the chain check
    bad = dict(lines[1], supersedes=7)
    text = (tmp_path / "LEDGER.jsonl").read_text().splitlines()
    (tmp_path / "LEDGER.jsonl").write_text(text[0] + "\n" + ledger._line(bad) + "\n")
    with pytest.raises(ledger.LedgerError, match="entered twice"):
        ledger.read(tmp_path)
