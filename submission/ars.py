"""CDISC Analysis Results Standard (ARS) v1.0 ReportingEvent of a CSR version (issue 18, item 3):
``<out>/ars/reporting-event.json``.

Built from the SAP section 5 catalogue (:mod:`analysis.catalogue`: display id, title, analysis
set, source datasets), the analysis sets (SAP 2, :data:`analysis.catalogue.ANALYSIS_SETS`:
each set is its ADSL flag = "Y", :func:`analysis.sets.analysis_set`) and the version's
analysis results data (``report/<version>/ard/<display>.csv``, :mod:`analysis.ard`). Nothing
is computed here: every result is an ARD row as published.

The model (ARS v1.0 logical data model):

- one **Output** per display with an ARD, with its display (title = the catalogue heading) and
  its ARD file; ``mainListOfContents`` lists them in catalogue order;
- one **AnalysisSet** per analysis set used (condition ``ADSL.<flag> EQ "Y"``); a display
  whose set the snapshot's ADSL cannot form uses the enclosing one, as the display did
  (:func:`analysis.sets.display_set`), and its analyses say so;
- **DataSubsets** where a display selects records in code: the TEAE windows of
  :func:`analysis.derive.teae.teae_in_window` (``ADAE.PRIMWFL`` / ``ADAE.OVERWFL`` = "Y",
  flags that :mod:`analysis.derive.teae` derives), named with that module's labels;
- one **AnalysisMethod** per statistic group: the set of ``stat_name`` values of an ARD
  variable (e.g. n/N/pct, descriptive statistics, Kaplan-Meier, Clopper-Pearson CI), each
  ``stat_name`` one **Operation**; groups the stats modules do not name are listed by their
  statistic names only;
- one **Analysis** per display, ARD variable and method, with its analysis set, data subset,
  grouping factors (``group1``, ``group2`` and the category ``variable_level``, all
  data-driven) and **results**: one OperationResult per ARD row, ``rawValue`` the ARD's
  ``stat`` as written in the CSV (absent when not estimable or text), ``formattedValue`` its
  ``stat_fmt``, ``resultGroups`` its group levels. Reason: SPECIFIED IN SAP (every display
  is in SAP section 5); purpose: :func:`purpose`. An ARD variable is not always a dataset
  variable (``ANY``, a preferred term), so an analysis names no ``dataset``: its description
  lists the display's source datasets.

Deterministic: keys sorted, no clock, order from the catalogue and the ARD row order.
Validated against the ARS v1.0 JSON schema (draft-07) bundled in ``submission/schemas/``
(CDISC's MIT-licensed ``model/ars_ldm.json``), with the jsonschema library.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import pandas as pd

from analysis import ard as ardlib
from analysis.catalogue import ALL_DISPLAYS, ANALYSIS_SETS, Display
from analysis.config import StudyConfig, load_config
from analysis.data import from_snapshot
from analysis.derive.teae import WINDOW_OVERALL, window_label
from analysis.sets import display_set
from data_contract.snapshot import SnapshotError
from submission.context import SubmissionContext

OUTPUT = Path("ars") / "reporting-event.json"
SCHEMA = Path(__file__).parent / "schemas" / "ars_ldm.json"


# --- methods: one per statistic group (set of ARD stat_name values) --------------------------

@dataclass(frozen=True)
class Method:
    id: str
    name: str
    description: str
    stats: tuple[str, ...]  # the operations, in this order


_M = Method
METHODS: tuple[Method, ...] = (
    _M("MTH_BIGN", "Column N of the analysis set",
       "Participants of the analysis set per column (SAP 2; analysis.sets.big_n, "
       "analysis.stats.summaries.bign_rows).", ("N",)),
    _M("MTH_COUNT_PCT", "Count and percentage",
       "n participants (or events) of the category, the denominator N and the percentage "
       "(SAP 4; analysis.stats.summaries.count_rows / categorical_rows).", ("n", "N", "pct")),
    _M("MTH_DESC", "Descriptive statistics",
       "n, mean, SD, median, Q1, Q3, min, max of the non-missing values (SAP 4; "
       "analysis.stats.summaries.continuous_stats).",
       ("n", "mean", "sd", "median", "q1", "q3", "min", "max")),
    _M("MTH_GEOM", "Geometric summary",
       "n, n of zero values, geometric mean, geometric CV, median, min, max (SAP 3; "
       "analysis.stats.geometric.geometric_stats).",
       ("n", "n_zero", "geomean", "geocv", "median", "min", "max")),
    _M("MTH_KM", "Kaplan-Meier estimate",
       "KM estimate with its 95% CI (exponential Greenwood) and number at risk at each time "
       "(SAP 3; lifelines KaplanMeierFitter, analysis.stats.survival.km_at).",
       ("estimate", "lcl", "ucl", "n_risk")),
    _M("MTH_RATE_RATIO", "Poisson rate ratio",
       "Post/pre rate ratio from a Poisson GLM with log(exposure) offset and cluster-robust "
       "variance, Wald 95% CI (SAP 3; statsmodels, analysis.stats.rates.rate_ratio).",
       ("estimate", "lcl", "ucl", "n_subj")),
    _M("MTH_POISSON_RATE", "Pooled event rate",
       "Pooled rate with its exact Poisson 95% CI (SAP 3; analysis.stats.rates.pooled_rate, "
       "analysis.stats.ci.poisson_rate_ci).", ("rate", "lcl", "ucl")),
    _M("MTH_EXACT_CI", "Proportion with exact CI",
       "Proportion with its exact (Clopper-Pearson) 95% CI (SAP 3; statsmodels, "
       "analysis.stats.ci.clopper_pearson).", ("estimate", "lcl", "ucl")),
    _M("MTH_TEXT", "Text result",
       "A result that is text (a 3+3 decision, a list of terms, a listing value as "
       "recorded): stat_name 'text' of the ARD.", ("text",)),
)
_BY_STATS = {frozenset(m.stats): m for m in METHODS}


def method_for(stat_names: Sequence[str]) -> Method:
    """The method of a statistic group: a named method when the set of ``stat_names`` is one
    of :data:`METHODS`, else a method named by its statistics only (sorted)."""
    known = _BY_STATS.get(frozenset(stat_names))
    if known is not None:
        return known
    ordered = tuple(sorted(set(stat_names)))
    return Method("MTH_" + "_".join(s.upper() for s in ordered),
                  "Statistics: " + ", ".join(ordered),
                  "ARD statistics " + ", ".join(ordered) + ".", ordered)


def operation_id(method: Method, stat_name: str) -> str:
    return f"{method.id}_{stat_name}"


def method_model(method: Method) -> dict:
    return {
        "id": method.id, "name": method.name, "description": method.description,
        "operations": [{"id": operation_id(method, s), "name": s, "order": i}
                       for i, s in enumerate(method.stats, 1)],
    }


# --- analysis sets and data subsets ---------------------------------------------------------

def analysis_set_id(code: str) -> str:
    return f"AS_{code}"


def analysis_sets_model(codes: Sequence[str], adsl_columns: Collection[str]) -> list[dict]:
    """One AnalysisSet per code, in :data:`ANALYSIS_SETS` order: ``ADSL.<flag> EQ "Y"``
    (:func:`analysis.sets.analysis_set`). An Enrolled set whose ADSL has no ENRLFL is
    formed otherwise (by RANDFL or ARMNRS); it is then described, without a condition."""
    out = []
    for order, (code, (name, flag)) in enumerate(ANALYSIS_SETS.items(), 1):
        if code not in codes:
            continue
        model = {"id": analysis_set_id(code), "name": name, "label": f"{name} set",
                 "level": 1, "order": order}
        if flag in adsl_columns:
            model["condition"] = {"dataset": "ADSL", "variable": flag, "comparator": "EQ",
                                  "value": ["Y"]}
        else:
            model["description"] = (f"ADSL has no {flag}: the set is formed as "
                                     "analysis.sets.analysis_set states")
        out.append(model)
    return out


def set_of(display: Display, adsl_columns: Collection[str]) -> tuple[str, str | None]:
    """The analysis set the display used and why it is not its own (SAP 2,
    :func:`analysis.sets.display_set`: DLT -> INF -> SAF when ADSL lacks the flag)."""
    return display_set(pd.DataFrame(columns=sorted(adsl_columns)), display.analysis_set)


# The TEAE windows a display selects its ADAE records by (analysis.derive.teae.teae_in_window;
# tests/unit/test_ars.py checks this against the display programs). T14.3.2 shows both windows
# as a grouping (group2 WINDOW), not as a subset.
PRIMARY, OVERALL = "DS_TEAE_PRIMARY", "DS_TEAE_OVERALL"
DISPLAY_SUBSET = {
    "T14.3.3": PRIMARY,
    "T14.3.4": OVERALL,
    "T14.3.5": OVERALL,
    "T14.3.6": OVERALL,
    "T14.3.9": OVERALL,
}
# Variables of those displays counted from ADSL, not from the TEAE records (T14.3.6: deaths
# of any cause, analysis.displays.t14_3_6.deaths); BIGN is the analysis set's N everywhere.
NOT_SUBSET = {"T14.3.6": ("DEATH", "DEATH28")}


def subsets(config: StudyConfig) -> dict[str, tuple[str, str]]:
    """Data subset id -> (label, ADAE flag): the windows' labels as the displays print them."""
    return {PRIMARY: (window_label(config), "PRIMWFL"), OVERALL: (WINDOW_OVERALL, "OVERWFL")}


def data_subsets_model(ids: Sequence[str], labels: Mapping[str, tuple[str, str]]) -> list[dict]:
    out = []
    for order, (sid, (label, flag)) in enumerate(labels.items(), 1):
        if sid in ids:
            out.append({"id": sid, "name": f"TEAE, {label}", "label": label,
                        "description": f"ADAE records with {flag} = \"Y\" "
                                       "(derived by analysis.derive.teae, SAP 3 TEAE)",
                        "level": 1, "order": order,
                        "condition": {"dataset": "ADAE", "variable": flag,
                                      "comparator": "EQ", "value": ["Y"]}})
    return out


# --- grouping factors -------------------------------------------------------------------------

LEVEL_GROUPING = "GRP_VARIABLE_LEVEL"


def grouping_id(variable: str) -> str:
    return f"GRP_{variable}"


def groupings_model(variables: Sequence[str], with_level: bool) -> list[dict]:
    """Data-driven grouping factors: one per ``group1``/``group2`` variable of the ARDs
    (results give the level as ``groupValue``), and the category of the analysis variable."""
    out = [{"id": grouping_id(v), "name": v, "groupingVariable": v, "dataDriven": True}
           for v in sorted(variables)]
    if with_level:
        out.append({"id": LEVEL_GROUPING, "name": "Category of the analysis variable",
                    "description": "The ARD's variable_level (e.g. a preferred term, a grade, "
                                   "a listing row)", "dataDriven": True})
    return out


# --- analyses and results ---------------------------------------------------------------------

def purpose(display: Display) -> dict:
    """ARS AnalysisPurpose: the catalogue title marks the primary displays (SAP 5); chapter 11
    evaluates the secondary outcome measures (SAP 8/11); other displays are no outcome measure."""
    if "(primary)" in display.title:
        return {"controlledTerm": "PRIMARY OUTCOME MEASURE"}
    if display.chapter.startswith("11-"):
        return {"controlledTerm": "SECONDARY OUTCOME MEASURE"}
    return {"sponsorTermId": PURPOSE_OTHER}


PURPOSE_OTHER = "PURPOSE_NOT_OUTCOME"
TERMINOLOGY = [{
    "id": "TERMEX_PURPOSE", "enumeration": "AnalysisPurposeEnum",
    "sponsorTerms": [{"id": PURPOSE_OTHER, "submissionValue": "NOT AN OUTCOME MEASURE",
                      "description": "A display of the SAP section 5 catalogue that evaluates "
                                     "none of the registered outcome measures (participants, "
                                     "exposure, listings, further safety)"}],
}]


def raw_value(stat: float) -> str | None:
    """The ARD's ``stat`` as its CSV writes it (:func:`analysis.ard.to_csv_text`); None for NaN."""
    return None if math.isnan(stat) else repr(float(stat))


def result_model(row: Mapping, method: Method) -> dict:
    groups = [{"groupingId": grouping_id(row[g]), "groupValue": row[f"{g}_level"]}
              for g in ("group1", "group2") if row[g]]
    if row["variable_level"]:
        groups.append({"groupingId": LEVEL_GROUPING, "groupValue": row["variable_level"]})
    out = {"operationId": operation_id(method, row["stat_name"]),
           "formattedValue": row["stat_fmt"], "resultGroups": groups}
    raw = raw_value(row["stat"])
    if raw is not None:
        out["rawValue"] = raw
    return out


def display_analyses(display: Display, ard: pd.DataFrame,
                     adsl_columns: Collection[str]) -> list[tuple[dict, Method]]:
    """The analyses of one display: one per ARD variable and statistic group, in ARD order."""
    set_code, why = set_of(display, adsl_columns)
    about = f"{display.heading}; source datasets {', '.join(display.datasets)} (SAP 5)"
    if why:
        about += f"; {why}, so the {ANALYSIS_SETS[set_code][0]} set is used"
    rows = ard.to_dict("records")
    by_variable: dict[str, list[dict]] = {}
    for r in rows:
        by_variable.setdefault(r["variable"], []).append(r)
    out = []
    for k, (variable, vrows) in enumerate(by_variable.items(), 1):
        method = method_for([r["stat_name"] for r in vrows])
        factors = list(dict.fromkeys(r[g] for g in ("group1", "group2") for r in vrows if r[g]))
        groupings = [{"order": i, "groupingId": grouping_id(v), "resultsByGroup": True}
                     for i, v in enumerate(factors, 1)]
        if any(r["variable_level"] for r in vrows):
            groupings.append({"order": len(groupings) + 1, "groupingId": LEVEL_GROUPING,
                              "resultsByGroup": True})
        analysis = {
            "id": f"AN_{display.id}_{k:03d}",
            "name": f"{display.id} {variable}: {method.name}",
            "description": about,
            "reason": {"controlledTerm": "SPECIFIED IN SAP"},
            "purpose": purpose(display),
            "analysisSetId": analysis_set_id(set_code),
            "methodId": method.id,
            "variable": variable,
            "orderedGroupings": groupings,
            "results": [result_model(r, method) for r in vrows],
        }
        if (display.id in DISPLAY_SUBSET and variable != "BIGN"
                and variable not in NOT_SUBSET.get(display.id, ())):
            analysis["dataSubsetId"] = DISPLAY_SUBSET[display.id]
        out.append((analysis, method))
    return out


def output_model(display: Display) -> dict:
    return {
        "id": f"OUT_{display.id}", "name": display.heading, "label": display.id,
        "fileSpecifications": [{"name": f"{display.id}.csv", "location": f"ard/{display.id}.csv",
                                "label": "Analysis results data (ARD), in the report version"}],
        "displays": [{"order": 1, "display": {"id": f"DSP_{display.id}", "name": display.id,
                                              "displayTitle": display.heading}}],
    }


def reporting_event(version: str, ards: Mapping[str, pd.DataFrame],
                    subset_labels: Mapping[str, tuple[str, str]],
                    adsl_columns: Collection[str], *, snapshot_id: str, simulated: bool,
                    displays: Sequence[Display] = ALL_DISPLAYS) -> dict:
    """The ReportingEvent of a version from its ARDs (display id -> ARD; catalogue order),
    the data subsets' labels (:func:`subsets`) and the columns of the snapshot's ADSL (which
    analysis sets it can form). Simulated data say SIMULATED DATA in the name and the
    description, as every output of simulated data does."""
    shown = [d for d in displays if d.id in ards]
    analyses, methods, group_vars, with_level = [], {}, set(), False
    items = []
    for order, display in enumerate(shown, 1):
        ard = ards[display.id]
        pairs = display_analyses(display, ard, adsl_columns)
        analyses += [a for a, _ in pairs]
        methods.update({m.id: m for _, m in pairs})
        group_vars |= {v for g in ("group1", "group2") for v in ard[g] if v}
        with_level |= bool((ard["variable_level"] != "").any())
        items.append({"level": 1, "order": order, "name": display.heading,
                      "outputId": f"OUT_{display.id}",
                      "sublist": {"listItems": [
                          {"level": 2, "order": i, "name": a["name"], "analysisId": a["id"]}
                          for i, (a, _) in enumerate(pairs, 1)]}})
    mark = "SIMULATED DATA: " if simulated else ""
    used = sorted({a["dataSubsetId"] for a in analyses if "dataSubsetId" in a})
    return {
        "id": f"RE_{version}", "name": f"{mark}Clinical study report {version}",
        "description": f"{mark}Analyses and results of the CSR version {version} (snapshot "
                       f"{snapshot_id}), from the SAP section 5 catalogue and the version's "
                       "analysis results data",
        "mainListOfContents": {"name": "Tables, figures and listings (SAP 5)",
                               "contentsList": {"listItems": items}},
        "outputs": [output_model(d) for d in shown],
        "analysisSets": analysis_sets_model({set_of(d, adsl_columns)[0] for d in shown},
                                            adsl_columns),
        "dataSubsets": data_subsets_model(used, subset_labels),
        "analysisGroupings": groupings_model(sorted(group_vars), with_level),
        "methods": [method_model(methods[k]) for k in sorted(methods)],
        "analyses": analyses,
        "terminologyExtensions": TERMINOLOGY,
    }


def to_json(event: Mapping) -> str:
    """Deterministic JSON text (sorted keys, UTF-8, one trailing newline)."""
    return json.dumps(event, sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


@cache
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def schema_errors(event: object) -> list[str]:
    """One line per violation of the ARS v1.0 JSON schema (draft-07), by JSON path."""
    validator = jsonschema.Draft7Validator(schema())
    errors = sorted(validator.iter_errors(event), key=lambda e: (list(map(str, e.path)), e.message))
    return [f"{OUTPUT}: schema: at {e.json_path}: {e.message}" for e in errors]


def first_difference(expected: object, actual: object, path: str = "$") -> str | None:
    """The JSON path of the first place ``actual`` differs from ``expected`` (None if equal)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in sorted(set(expected) | set(actual)):
            if k not in actual:
                return f"{path}.{k} missing"
            if k not in expected:
                return f"{path}.{k} unexpected"
            d = first_difference(expected[k], actual[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            d = first_difference(e, a, f"{path}[{i}]")
            if d:
                return d
        if len(expected) != len(actual):
            return f"{path}: {len(actual)} items, the ARDs give {len(expected)}"
        return None
    if expected != actual:
        return f"{path}: {actual!r}, the ARDs give {expected!r}"
    return None


# --- the part: write and check ----------------------------------------------------------------

def read_ard(path: Path, display_id: str) -> pd.DataFrame:
    """One ARD file, checked (:func:`analysis.ard.check`); a ``ValueError`` naming the file
    when its header lacks ARD columns or its rows break the ARD schema."""
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh), [])
    missing = [c for c in ardlib.ARD_COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{path}: not an ARD file, it lacks the columns {missing}")
    try:
        return ardlib.check(ardlib.read_csv(path), display_id)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from e


def read_ards(ard_dir: Path, displays: Sequence[Display] = ALL_DISPLAYS) -> dict[str, pd.DataFrame]:
    """The ARD of every catalogue display that has one in ``ard_dir``."""
    if not ard_dir.is_dir():
        raise FileNotFoundError(f"{ard_dir}: the version has no ARD folder")
    out = {}
    for d in displays:
        path = ard_dir / f"{d.id}.csv"
        if path.exists():
            out[d.id] = read_ard(path, d.id)
    if not out:
        raise FileNotFoundError(f"{ard_dir}: no ARD of any catalogue display")
    return out


def build(ctx: SubmissionContext) -> dict:
    """The ReportingEvent of ``ctx.version`` (its ARDs, the study configuration of ``ctx.root``)."""
    if not ctx.version_dir.is_dir():
        raise FileNotFoundError(f"{ctx.version_dir}: no such report version")
    ards = read_ards(ctx.version_dir / "ard")
    config = load_config(ctx.root / "study.yml")
    data = from_snapshot(ctx.snapshot_id, ctx.snapshot_dir.parent)
    return reporting_event(ctx.version, ards, subsets(config), frozenset(data["ADSL"].columns),
                           snapshot_id=ctx.snapshot_id, simulated=data.simulated)


def write(ctx: SubmissionContext) -> list[Path]:
    """Write ``ctx.out / "ars" / "reporting-event.json"``; the written files."""
    text = to_json(build(ctx))  # built whole before anything is written
    path = ctx.out / OUTPUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return [path]


def check(ctx: SubmissionContext) -> list[str]:
    """One line per failure of the written ReportingEvent: missing or unreadable, invalid
    against the ARS v1.0 schema, or not what the version's ARDs give (first difference)."""
    path = ctx.out / OUTPUT
    if not path.exists():
        return [f"{OUTPUT}: missing"]
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return [f"{OUTPUT}: not JSON: {e}"]
    failures = schema_errors(event)
    try:
        expected = build(ctx)
    except (OSError, ValueError, KeyError, SnapshotError) as e:
        return [*failures, f"{OUTPUT}: the version's ARDs or snapshot cannot be read: {e}"]
    diff = first_difference(expected, event)
    if diff:
        failures.append(f"{OUTPUT}: differs from the version's ARDs at {diff}")
    elif path.read_bytes() != to_json(expected).encode("utf-8"):
        failures.append(f"{OUTPUT}: not in canonical form (sorted keys, indent 1)")
    return failures
