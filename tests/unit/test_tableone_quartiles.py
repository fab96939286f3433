"""T14.1.3 is built with tableone, but its median and quartiles follow SAP 4's one
definition, the SAS default (PCTLDEF=5), not tableone's linear interpolation (issue 14)."""

from __future__ import annotations

import pandas as pd

from analysis.stats.tableone_ard import tableone_rows


def test_t14_1_3_quartiles_are_the_sas_definition_not_tableones():
    df = pd.DataFrame({"USUBJID": ["A", "B", "C"], "TRT01A": ["DL1"] * 3, "AGE": [29, 44, 46],
                       "SEX": ["F", "M", "F"]})
    rows = tableone_rows(df, display_id="T", group_var="TRT01A", bign={"DL1": 3, "Total": 3},
                         continuous={"AGE": 0}, categorical=["SEX"])
    got = {r["stat_name"]: r["stat"] for r in rows
           if r["variable"] == "AGE" and r["group1_level"] == "DL1"}
    assert (got["q1"], got["median"], got["q3"]) == (29.0, 44.0, 46.0)
