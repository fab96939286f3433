"""Adverse-event derivations shared by the safety displays (SAP 3, TEAE; SAP 5 T14.3.x).

- Grade: CTCAE v5.0 toxicity grade AETOXGR 1-5 (ASTCT 2019 for CRS and ICANS).
  Another study's standard ADaM with AESEV but no AETOXGR is summarised by
  severity (MILD < MODERATE < SEVERE) instead: :func:`resolve_grade_var`.
- Maximum grade: per participant and per key (e.g. SOC, PT), the highest
  grade of the participant's events; a participant is counted once.
- Serious: AESER = "Y".
- Related (SAP 3, relatedness): AREL is one of the values the configuration
  gives the meaning "related" (study.yml ``codelists``, extended by the
  delivery's mapping file; e.g. RELATED, or PROBABLE and POSSIBLE). Severity
  ranks and fatal outcomes are read the same way (meanings mild / moderate /
  severe of AESEV, fatal of AEOUT). A value without a meaning raises
  :class:`~data_contract.codelists.UnmappedTermError` naming it and where to map
  it. ``codelists`` is :attr:`analysis.data.StudyData.codelists`; None means
  study.yml's.
- Related to the CAR-T product / to the lymphodepleting chemotherapy (SAP 3:
  recorded separately): ARELCAR / ARELLD read with AREL's meanings
  (:func:`is_related_to`, :func:`derive_var_relfl`: RELCARFL, RELLDFL "Y"/"N");
  a delivery without them has only AREL, and the flag is missing.
- Fatal (TEAE leading to death): AESDTH = "Y", or AEOUT fatal, or grade 5
  (:func:`study.rules.is_fatal`, shared with the contract's rule).
- Infections: MedDRA SOC (AEBODSYS) "Infections and infestations", matched
  ignoring case as MedDRA SOC names are ("INFECTIONS AND INFESTATIONS").
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from data_contract.codelists import Codelists, UnmappedTermError, require_mapped
from study import rules

INFECTIONS_SOC = "Infections and infestations"

GRADE_SCALES: dict[str, dict] = {
    "AETOXGR": {
        "values": [1, 2, 3, 4, 5],
        "labels": ["Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5"],
        "high_from": 3,
        "high_label": "Grade ≥3",
    },
    "AESEV": {
        "values": ["MILD", "MODERATE", "SEVERE"],
        "labels": ["Mild", "Moderate", "Severe"],
        "high_from": 3,
        "high_label": "Severe",
    },
}
ANY_GRADE = "Any"
MISSING_GRADE = "Missing"


def resolve_grade_var(adae: pd.DataFrame, grade_var: str = "auto") -> str:
    """The grade variable to summarise: ``grade_var`` if given, else AETOXGR when
    ADAE holds it with a value, else AESEV; ``KeyError`` naming both when neither."""
    if grade_var != "auto":
        if grade_var not in GRADE_SCALES:
            raise ValueError(f"grade_var {grade_var!r} is not one of {sorted(GRADE_SCALES)}")
        if grade_var not in adae.columns:
            raise KeyError(f"ADAE has no {grade_var}")
        return grade_var
    if "AETOXGR" in adae.columns and (adae["AETOXGR"].notna().any() or "AESEV" not in adae.columns
                                      or adae["AESEV"].isna().all()):
        return "AETOXGR"
    if "AESEV" in adae.columns:
        return "AESEV"
    raise KeyError("ADAE has neither AETOXGR nor AESEV: AEs cannot be graded")


def _codelists(codelists: Codelists | None) -> Codelists:
    if codelists is not None:
        return codelists
    from data_contract.study import contract_config

    return contract_config().codelists


def grade_rank(adae: pd.DataFrame, grade_var: str, codelists: Codelists | None = None
               ) -> pd.Series:
    """Numeric rank of each event's grade (1..5 for AETOXGR, 1..3 for AESEV by the
    meanings mild/moderate/severe of its codelist; NaN when missing). An unknown value
    raises ``ValueError`` naming it and the participant (:class:`UnmappedTermError`
    for an AESEV value without a meaning)."""
    scale = GRADE_SCALES[grade_var]
    vals = adae[grade_var]
    cl = None
    if grade_var == "AETOXGR":
        rank = pd.to_numeric(vals, errors="coerce").astype(float)
    else:
        cl = _codelists(codelists)
        order = {v: i + 1 for i, meaning in enumerate(("mild", "moderate", "severe"))
                 for v in cl.values("AESEV", meaning)}
        rank = vals.map(order).astype(float)
    bad = vals.notna() & rank.isna() | (rank.notna() & ~rank.isin(range(1, len(scale["values"]) + 1)))
    if bad.any():
        r = adae.loc[bad].iloc[0]
        if cl is not None:
            raise UnmappedTermError(f"ADAE USUBJID {r['USUBJID']}: AESEV value "
                                    f"{r[grade_var]!r} has no meaning in the configuration: "
                                    f"map it under {cl.where('AESEV')}")
        raise ValueError(f"ADAE USUBJID {r['USUBJID']}: {grade_var} value {r[grade_var]!r} "
                         f"is not one of {scale['values']}")
    return rank


def grade_labels(grade_var: str) -> list[str]:
    """Row labels of the grades in order (``Grade 1``.. or ``Mild``..)."""
    return list(GRADE_SCALES[grade_var]["labels"])


def high_grade_label(grade_var: str) -> str:
    return GRADE_SCALES[grade_var]["high_label"]


def is_high_grade(adae: pd.DataFrame, grade_var: str, codelists: Codelists | None = None
                  ) -> pd.Series:
    """Grade >= 3 (CTCAE) or severe (severity scale)."""
    rank = grade_rank(adae, grade_var, codelists)
    return (rank >= GRADE_SCALES[grade_var]["high_from"]).fillna(False)


def max_grade(adae: pd.DataFrame, keys: list[str], grade_var: str,
              codelists: Codelists | None = None) -> pd.DataFrame:
    """One row per (USUBJID, *keys) with ``MAXGR`` (rank) and ``MAXGRC`` (label;
    ``Missing`` when every event of the group lacks a grade)."""
    df = adae.assign(_rank=grade_rank(adae, grade_var, codelists))
    g = df.groupby(["USUBJID", *keys], sort=False, dropna=False)["_rank"].max().reset_index()
    labels = grade_labels(grade_var)
    g = g.rename(columns={"_rank": "MAXGR"})
    g["MAXGRC"] = [MISSING_GRADE if pd.isna(r) else labels[int(r) - 1] for r in g["MAXGR"]]
    return g


def is_serious(adae: pd.DataFrame) -> pd.Series:
    return adae["AESER"].eq("Y")


def is_related(adae: pd.DataFrame, codelists: Codelists | None = None) -> pd.Series:
    """AREL has the meaning "related" (SAP 3: the sponsor's causality codelist maps to
    related yes/no in the configuration). A missing AREL is not related; a value
    without a meaning raises :class:`UnmappedTermError` naming it."""
    if "AREL" not in adae.columns:
        raise KeyError("ADAE has no AREL")
    cl = _codelists(codelists)
    require_mapped(cl, "AREL", adae["AREL"].dropna().unique().tolist())
    return adae["AREL"].isin(list(cl.values("AREL", "related")))


# SAP 3 relatedness: the treatment a causality variable refers to -> (variable, flag added).
RELATED_TO = {"product": ("ARELCAR", "RELCARFL"), "lymphodepletion": ("ARELLD", "RELLDFL")}


def is_related_to(adae: pd.DataFrame, treatment: str,
                  codelists: Codelists | None = None) -> pd.Series:
    """The event is related to ``treatment`` (``"product"``: the CAR-T product, ARELCAR;
    ``"lymphodepletion"``: the lymphodepleting chemotherapy, ARELLD), by AREL's codelist
    meanings (SAP 3). A missing value is not related; ``KeyError`` when ADAE lacks the
    variable; an unmapped value raises :class:`UnmappedTermError` naming it."""
    var = RELATED_TO[treatment][0]
    if var not in adae.columns:
        raise KeyError(f"ADAE has no {var}: relatedness to the {treatment} is not recorded")
    cl = _codelists(codelists)
    require_mapped(cl, "AREL", adae[var].dropna().unique().tolist())
    return adae[var].isin(list(cl.values("AREL", "related")))


def derive_var_relfl(adae: pd.DataFrame, codelists: Codelists | None = None) -> pd.DataFrame:
    """Add RELCARFL (related to the CAR-T product) and RELLDFL (related to the
    lymphodepleting chemotherapy), "Y"/"N" (SAP 3, relatedness; T14.3.2 shows both).
    A flag whose causality variable ADAE lacks is missing (None) on every row."""
    out = adae.copy()
    for treatment, (var, flag) in RELATED_TO.items():
        if var in out.columns:
            out[flag] = is_related_to(out, treatment, codelists).map({True: "Y", False: "N"})
        else:
            out[flag] = None
    return out


def is_fatal(adae: pd.DataFrame, codelists: Codelists | None = None) -> pd.Series:
    """AE leading to death (:func:`study.rules.is_fatal`: AESDTH = "Y", AEOUT with the
    meaning fatal, or AETOXGR = 5)."""
    return rules.is_fatal(adae, _codelists(codelists).values("AEOUT", "fatal"))


def is_infection(adae: pd.DataFrame) -> pd.Series:
    """AE in the MedDRA SOC Infections and infestations, matched as MedDRA names match:
    whatever the case (many sponsors store SOC names in upper case)."""
    return adae["AEBODSYS"].astype("string").str.casefold().eq(INFECTIONS_SOC.casefold()) \
        .fillna(False).astype(bool)


def attach_group(adae: pd.DataFrame, adsl_set: pd.DataFrame, group_var: str) -> pd.DataFrame:
    """AEs of the participants of the analysis set ``adsl_set`` with their ``group_var``."""
    if group_var not in adsl_set.columns:
        raise KeyError(f"ADSL has no grouping variable {group_var}")
    sub = adae.drop(columns=[group_var], errors="ignore")
    return sub.merge(adsl_set[["USUBJID", group_var]], on="USUBJID", how="inner")


def sort_by_frequency(counts: pd.DataFrame, key: str, n: str = "n") -> list[str]:
    """Levels of ``key`` by descending ``n`` then alphabetically (SAP 5, T14.3.3)."""
    c = counts.groupby(key, sort=False)[n].sum().reset_index()
    c["_alpha"] = c[key].astype(str).str.casefold()
    c = c.sort_values([n, "_alpha", key], ascending=[False, True, True], kind="mergesort")
    return list(c[key])


def most_frequent(counts: Mapping[str, float]) -> list[str]:
    """Every key sharing the highest count, in the order given (ties are all named,
    never one of them arbitrarily: the CSR text says "the most frequent TEAEs were A and
    B" when both reach the maximum). Empty when ``counts`` is."""
    if not counts:
        return []
    top = max(counts.values())
    return [k for k, v in counts.items() if v == top]


def subjects_per_key(adae: pd.DataFrame, key: str) -> pd.DataFrame:
    """Distinct participants per level of ``key``: columns ``key``, ``n``."""
    return (adae.drop_duplicates(["USUBJID", key]).groupby(key, sort=False).size()
            .rename("n").reset_index())
