"""define.xml (CDISC Define-XML 2.1 with Analysis Results Metadata 1.0) of the analysis
datasets of a CSR version (issue 18, item 2).

:func:`write` writes ``ctx.datasets_dir / "define.xml"``, beside the SAS transport files
``<name>.xpt`` that :mod:`submission.datasets` writes; :func:`check` validates it and
returns one line per failure ([] when valid). What it holds, and where each part comes
from:

- one ``ItemGroupDef`` per dataset of the snapshot: label and keys of the data contract
  (:mod:`data_contract.specs`), ``def:Class`` from the dataset's structure (ADSL: SUBJECT
  LEVEL ANALYSIS DATASET; a dataset with PARAMCD and AVAL/AVALC: BASIC DATA STRUCTURE; a
  dataset keyed by subject and a sequence number: OCCURRENCE DATA STRUCTURE; any other:
  ADAM OTHER), ``def:Structure`` from the keys, and ``def:leaf`` pointing at
  ``<name lower>.xpt``. A dataset the contract does not list (another study's ADPP) is
  described from its data only: its structure is said to be outside the contract;
- one ``ItemDef`` per variable: the contract's label (a variable the contract does not
  list is labelled with its name, as :mod:`data_contract.export` writes it); DataType as
  the frozen column is written to XPT (text; integer; float; the contract's dates and
  other date-times as SAS numbers, integer with ``def:DisplayFormat`` DATE9. or
  DATETIME20.); Length of text as the longest value of the snapshot in UTF-8 bytes;
  Length and SignificantDigits of numbers from their shortest decimal representation
  (15 significant digits at most, so binary noise is not counted);
- CodeLists: the sponsor codelists of the contract (AREL, AESEV, AEOUT, AEACN) with the
  terms the snapshot's configuration gives them (manifest ``codelists``: study.yml
  extended by a delivery's mapping file; :mod:`data_contract.codelists`), in the order of
  their meanings; and each closed list of controlled terms (``allowed``) of the
  specification the dataset was validated against (its profile). Decodes are the labels
  people read (study.yml ``decode``, :func:`study.decode.decode_term`); a codelist whose
  terms all read as coded is written with ``EnumeratedItem``;
- value-level metadata of BDS datasets: AVAL and AVALC per PARAMCD value found in the
  snapshot's data (``def:ValueListDef`` with ``def:WhereClauseDef`` PARAMCD EQ value),
  each with the type, length and digits of that parameter's values and its PARAM;
- derivations, for this study's datasets (the ``full`` profile; another study's
  derivations are its sponsor's and are not described): a ``MethodDef`` per row rule
  of the specification that defines a flag (``X=Y iff ...``, :mod:`data_contract.rules`),
  on each flag it defines (Origin Derived); a ``def:CommentDef`` with the dataset's
  description and one per unit of measure of a variable;
- Analysis Results Metadata: one ``arm:ResultDisplay`` per display of
  :mod:`analysis.catalogue` whose datasets the snapshot holds, with one analysis result
  naming its datasets and analysis set (the ADSL flag as a where clause), SAP section 5
  as its reason, and as purpose the registry outcome measure its chapter evaluates
  (study.yml ``registry.outcome_measures``, ``evaluated_in``).

Nothing here reads the clock: CreationDateTime is the snapshot's ledger ``frozen_at``
(provenance.json), so a second write of the same version is byte-identical. A version
built from simulated data says SIMULATED DATA in the study and metadata descriptions.

Library: odmlib (PyPI, MIT, by Sam Hume) is the one maintained Python object model of
ODM 1.3.2 / Define-XML 2.1 with the ARM 1.0 extension: its classes serialise elements and
attributes in schema order with the right namespaces, which a hand-written lxml or
ElementTree tree would have to re-implement (and R's tools are not Python). xmlschema
(PyPI, MIT) is the XSD 1.0 validator odmlib itself builds on.

Schema validation and licence: :func:`check` validates against the Define-XML 2.1 schema
with the ARM 1.0 extension (root ``arm1-0-0.xsd`` of odmlib's
``schemas/arm/1.0-define2.1``, which includes the Define-XML 2.1.9 and ODM 1.3.2 schemas),
as odmlib's wheel installs them from the lock. The schema files are not copied into this
repository: CDISC publishes the ODM 1.3.2 schema under the MIT licence
(github.com/cdisc-org/DataExchange-ODM, ``archive/ODM1-3-2``), but the Define-XML 2.1
schema only inside another project (cdisc-org/DataExchange-RWD-Lineage, ``tools/schema``:
a copy whose define-extension.xsd is changed for that project's extension, under an MIT
licence whose copyright line is an unfilled template), and ARM 1.0 over Define-XML 2.1 is
odmlib's own pairing of the ARM 1.0 schema (written for Define-XML 2.0); no licence found
clearly covers redistributing those files from here; they reach a machine inside
odmlib's MIT-licensed wheel. The structural checks run in any case, without the schema:
OIDs unique within each kind of definition, every reference (ItemRef ItemOID and MethodOID, CodeListRef, ValueListRef,
WhereClauseRef, RangeCheck def:ItemOID, def:CommentOID, def:ArchiveLocationID, ARM
ItemGroupOID/ItemOID) resolves, and every def:leaf's file exists beside define.xml.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pandas as pd

from submission.context import SubmissionContext

DEFINE_FILE = "define.xml"
CODE_ROOT = Path(__file__).resolve().parents[1]   # the project's code (catalogue, chapters)

NS = {
    "odm": "http://www.cdisc.org/ns/odm/v1.3",
    "def": "http://www.cdisc.org/ns/def/v2.1",
    "xlink": "http://www.w3.org/1999/xlink",
    "arm": "http://www.cdisc.org/ns/arm/v1.0",
}
DEFINE_VERSION = "2.1.0"
SCHEMA = ("arm", "1.0-define2.1")   # odmlib's schema set: ARM 1.0 over Define-XML 2.1

SUBJECT_LEVEL = "SUBJECT LEVEL ANALYSIS DATASET"
BDS = "BASIC DATA STRUCTURE"
OCCDS = "OCCURRENCE DATA STRUCTURE"
OTHER = "ADAM OTHER"
YN = ("Y", "N")
MAX_DIGITS = 15   # significant digits a float's decimal form is read to
SAS_FORMATS = {"date": "DATE9.", "datetime": "DATETIME20.", "time": "TIME8."}
VALUE_LEVEL = ("AVAL", "AVALC")
# ARM AnalysisPurpose of a display that evaluates no registry outcome measure: a sponsor
# term (the schema's AnalysisPurpose is the three outcome-measure terms or any text)
NO_OUTCOME_MEASURE = "NOT A REGISTERED OUTCOME MEASURE"
_FLAG_RULE = re.compile(r"\b([A-Z][A-Z0-9]{1,7})=Y (?:iff|only if)\b(?: ([A-Z][A-Z0-9]{1,7})\b)?")
_SECTION_ID = re.compile(r"\{#(sec-[A-Za-z0-9_-]+)\}")
_OID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class DefineError(ValueError):
    """The inputs of a define.xml cannot be read (no provenance, snapshot, study.yml)."""


# --------------------------------------------------------------------------- helpers


def oid_part(value: object) -> str:
    """``value`` as a piece of an OID: characters other than letters, digits, '.', '_' and
    '-' become '_' (PARAMCD values are such codes already)."""
    return _OID_UNSAFE.sub("_", str(value)) or "_"


def dataset_class(name: str, columns: Iterable[str], keys: Sequence[str] = ()) -> str:
    """The ADaM class of a dataset (Define-XML 2.1 ``def:Class``): ADSL is the subject-level
    dataset; one with PARAMCD and AVAL or AVALC the basic data structure; one keyed by a
    sequence number (``--SEQ``) the occurrence data structure; any other ADAM OTHER."""
    cols = set(columns)
    if name == "ADSL":
        return SUBJECT_LEVEL
    if "PARAMCD" in cols and cols & set(VALUE_LEVEL):
        return BDS
    if any(k.endswith("SEQ") for k in keys):
        return OCCDS
    return OTHER


def structure(keys: Sequence[str], labels: Mapping[str, str], name: str = "",
              in_contract: bool = True) -> str:
    """``def:Structure`` from the dataset's keys: "One record per subject, parameter code
    and analysis date" (USUBJID reads "subject", another key its label in lower case).
    Without keys it says why: a dataset the contract does not list, or one whose keys the
    contract checks only in this study's datasets (another study's, the core profile)."""
    if not keys:
        if not in_contract:
            return "Not described by the data contract (a dataset delivered beyond it)"
        return f"Not specified: the data contract checks no keys of another study's {name}"
    words = ["subject" if k == "USUBJID" else labels.get(k, k).lower() for k in keys]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"One record per {text}"


def distinct_values(values: Iterable) -> list:
    """The distinct values that are not missing (None, NaN, NaT, pd.NA), first seen first."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    return [v for v in series.unique() if not pd.isna(v)]


def column_kind(series: pd.Series, contract_type: str | None,
                distinct: Sequence | None = None) -> str:
    """How a frozen column is written to SAS transport (as :mod:`data_contract.export`
    writes it): ``text``, ``integer``, ``float``, ``date``, ``datetime`` or ``time``.
    ``distinct``: the column's :func:`distinct_values`, when already known."""
    dtype = series.dtype
    if contract_type == "date":
        return "date"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.BooleanDtype) or pd.api.types.is_bool_dtype(dtype):
        return "integer"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    values = distinct_values(series) if distinct is None else distinct
    if values and all(hasattr(v, "hour") and not hasattr(v, "year") for v in values):
        return "time"
    if values and all(hasattr(v, "year") for v in values):
        return "date"
    return "text"


def data_type(kind: str) -> str:
    """The Define-XML DataType of a column kind: SAS dates and times are integers."""
    return {"text": "text", "float": "float"}.get(kind, "integer")


def text_length(values: Iterable) -> int:
    """The longest value in bytes of UTF-8 (SAS transport stores bytes); 1 when there is
    no value (a variable's length is at least 1)."""
    return max([len(str(v).encode("utf-8")) for v in distinct_values(values)] + [1])


def number_digits(values: Iterable) -> tuple[int, int]:
    """(Length, SignificantDigits) of numbers: the most digits and the most decimal
    places of a value written in its shortest decimal form, read to
    :data:`MAX_DIGITS` significant digits (0.1 + 0.2 is 0.3, not 0.30000000000000004).
    (1, 0) when there is no value."""
    length, decimals = 1, 0
    for v in distinct_values(values):   # each distinct value once
        d = Decimal(format(float(v), f".{MAX_DIGITS}g")).normalize()
        sign, digits, exponent = d.as_tuple()
        if not isinstance(exponent, int):   # inf: not a number a dataset holds
            continue
        places = max(0, -exponent)
        whole = max(1, len(digits) + exponent)
        decimals = max(decimals, places)
        length = max(length, whole + places)
    return length, decimals


def derived_flags(description: str, columns: Iterable[str]) -> tuple[str, ...]:
    """The flags a row rule defines (``X=Y iff SOURCE`` or ``X=Y only if SOURCE``), in the
    order written, each only where the dataset holds it and the variable it is read from
    (when the rule names one)."""
    cols = set(columns)
    out: list[str] = []
    for flag, source in _FLAG_RULE.findall(description):
        if flag in cols and (not source or source in cols) and flag not in out:
            out.append(flag)
    return tuple(out)


def codelist_terms(meanings: Mapping[str, Sequence[str]], order: Sequence[str]) -> tuple[str, ...]:
    """The terms of a sponsor codelist: the values of each meaning, meanings in the
    contract's order (:data:`data_contract.codelists.MEANINGS`), each value once."""
    out: list[str] = []
    for meaning in [*order, *sorted(set(meanings) - set(order))]:
        for v in meanings.get(meaning, ()):
            if v not in out:
                out.append(v)
    return tuple(out)


def parameter_values(df: pd.DataFrame) -> tuple[str, ...]:
    """The PARAMCD values of a BDS dataset's data, sorted."""
    if "PARAMCD" not in df.columns:
        return ()
    return tuple(sorted({str(v) for v in df["PARAMCD"].dropna()}))


def has_values(series: pd.Series) -> bool:
    """Whether a column holds a value (an empty string is no value)."""
    s = series.dropna()
    if s.dtype == object:
        s = s[s.astype(str) != ""]
    return bool(len(s))


def chapter_sections(chapter: str, root: Path = CODE_ROOT) -> tuple[str, ...]:
    """The heading ids (``{#sec-...}``) of a chapter notebook."""
    path = root / "chapters" / f"{chapter}.ipynb"
    if not path.is_file():
        return ()
    return tuple(dict.fromkeys(_SECTION_ID.findall(path.read_text(encoding="utf-8"))))


def analysis_purpose(sections: Iterable[str], outcome_measures: Mapping) -> str:
    """ARM AnalysisPurpose: PRIMARY or SECONDARY OUTCOME MEASURE when one of the sections
    is where a registry outcome measure of that kind is evaluated (``evaluated_in``);
    else a display that supports the report without evaluating one."""
    ids = set(sections)
    for kind in ("primary", "secondary"):
        if any(m.get("evaluated_in") in ids for m in outcome_measures.get(kind) or []):
            return f"{kind.upper()} OUTCOME MEASURE"
    return NO_OUTCOME_MEASURE


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Inputs:
    """Everything a define.xml is built from (read once by :func:`read_inputs`)."""

    study: Mapping
    registry: Mapping
    version: str
    frozen_at: str
    simulated: bool
    commit: str
    manifest: Mapping
    frames: Mapping[str, pd.DataFrame]


def read_inputs(ctx: SubmissionContext) -> Inputs:
    """The version's provenance, study.yml and the verified snapshot's datasets."""
    import yaml

    from data_contract.snapshot import load_snapshot

    try:
        prov = ctx.provenance
    except (OSError, json.JSONDecodeError) as exc:
        raise DefineError(f"report/{ctx.version}/provenance.json cannot be read: {exc}") from exc
    snap = prov.get("snapshot") or {}
    frozen_at = (snap.get("ledger") or {}).get("frozen_at")
    if not frozen_at:
        raise DefineError(f"report/{ctx.version}/provenance.json: snapshot.ledger.frozen_at "
                          "is missing (the define.xml's CreationDateTime)")
    config = yaml.safe_load((ctx.root / "study.yml").read_text(encoding="utf-8"))
    snapshot = load_snapshot(ctx.snapshot_id, ctx.snapshot_dir.parent)
    frames = {name: snapshot.datasets[name] for name in snapshot.datasets}
    return Inputs(study=config["study"], registry=config.get("registry") or {},
                  version=ctx.version, frozen_at=frozen_at,
                  simulated=bool(snap.get("simulated", snapshot.manifest.get("simulated"))),
                  commit=str((prov.get("git") or {}).get("commit", "")),
                  manifest=snapshot.manifest, frames=frames)


# --------------------------------------------------------------------------- document


def _text(model, text: str):
    return model.Description(TranslatedText=[model.TranslatedText(_content=text, lang="en")])


class _Builder:
    """Builds the odmlib document of one define.xml (one instance per document)."""

    def __init__(self, inputs: Inputs):
        import odmlib.arm_1_0.model as model

        from data_contract.codelists import MEANINGS, Codelists
        from data_contract.profiles import spec_for
        from data_contract.rules import RULES

        self.m = model
        self.inputs = inputs
        self.meanings = MEANINGS
        self.rules = RULES
        self.codelists = Codelists.from_record(inputs.manifest.get("codelists")) or Codelists()
        profiles = inputs.manifest.get("profiles") or {}
        self.profiles = {n: profiles.get(n, "full") for n in inputs.frames}
        self.specs = {n: spec_for(n, self.profiles[n]) for n in inputs.frames}
        self.item_defs: list = []
        self.code_lists: dict[str, object] = {}
        self.code_list_terms: dict[tuple, str] = {}
        self.methods: dict[str, object] = {}
        self.comments: dict[str, object] = {}
        self.value_lists: list = []
        self.where_clauses: dict[str, object] = {}
        self.leaves: list = []

    # ---- codelists
    def _decode(self, value: str, variable: str | None) -> str:
        from study.decode import decode_term

        return decode_term(value, variable)

    def _code_list(self, oid: str, name: str, terms: Sequence[str], variable: str | None):
        if oid in self.code_lists:
            return oid
        m = self.m
        decodes = [self._decode(t, variable) for t in terms]
        if any(d != t for d, t in zip(decodes, terms, strict=True)):
            items = dict(CodeListItem=[
                m.CodeListItem(CodedValue=t, OrderNumber=i,
                               Decode=m.Decode(TranslatedText=[
                                   m.TranslatedText(_content=d, lang="en")]))
                for i, (t, d) in enumerate(zip(terms, decodes, strict=True), start=1)])
        else:
            items = dict(EnumeratedItem=[m.EnumeratedItem(CodedValue=t, OrderNumber=i)
                                         for i, t in enumerate(terms, start=1)])
        self.code_lists[oid] = m.CodeList(OID=oid, Name=name, DataType="text", **items)
        return oid

    def code_list_for(self, dataset: str, var) -> str | None:
        if var.codelist:
            meanings = self.codelists.meanings.get(var.codelist)
            if not meanings:
                return None
            terms = codelist_terms(meanings, self.meanings.get(var.codelist, ()))
            return self._code_list(f"CL.{var.codelist}", f"{var.codelist} (sponsor codelist)",
                                   terms, None) if terms else None
        if not var.allowed or var.type != "str":
            return None
        terms = tuple(var.allowed)
        if terms == YN:
            return self._code_list("CL.NY", "No Yes Response", terms, None)
        key = (var.name, terms)
        if key not in self.code_list_terms:
            taken = {k[0] for k in self.code_list_terms}
            oid = f"CL.{var.name}" if var.name not in taken else f"CL.{dataset}.{var.name}"
            self.code_list_terms[key] = oid
        oid = self.code_list_terms[key]
        return self._code_list(oid, f"{var.name} ({dataset})" if oid.count(".") > 1
                               else var.name, terms, var.name)

    # ---- comments and methods
    def _comment(self, oid: str, text: str) -> str:
        if oid not in self.comments:
            self.comments[oid] = self.m.CommentDef(OID=oid, Description=_text(self.m, text))
        return oid

    def _method(self, rule_id: str) -> str:
        oid = f"MT.{rule_id}"
        if oid not in self.methods:
            self.methods[oid] = self.m.MethodDef(
                OID=oid, Name=f"Derivation ({rule_id})", Type="Computation",
                Description=_text(self.m, self.rules[rule_id].description))
        return oid

    # ---- items
    def _item_def(self, oid: str, name: str, label: str, series: pd.Series,
                  contract_type: str | None, **extra):
        m = self.m
        values = distinct_values(series)
        kind = column_kind(series, contract_type, values)
        attrs: dict = dict(OID=oid, Name=name, DataType=data_type(kind),
                           SASFieldName=name[:8], Description=_text(m, label))
        if kind == "text":
            attrs["Length"] = text_length(values)
        elif kind == "float":
            attrs["Length"], attrs["SignificantDigits"] = number_digits(values)
        elif kind == "integer":
            attrs["Length"] = number_digits([float(v) for v in values])[0]
        else:
            attrs["Length"] = 8
            attrs["DisplayFormat"] = SAS_FORMATS[kind]
        for key, value in extra.items():
            if value is not None:
                attrs[key] = value
        item = m.ItemDef(**attrs)
        self.item_defs.append(item)
        return item

    def _value_list(self, ds: str, var: str, df: pd.DataFrame, label: str,
                    contract_type: str | None) -> str | None:
        m = self.m
        refs = []
        groups = dict(tuple(df.groupby(df["PARAMCD"].astype(str), sort=True)))
        for code in parameter_values(df):
            rows = groups[code]
            sub = rows[var]
            if not has_values(sub):
                continue
            params = sorted({str(p) for p in rows["PARAM"].dropna()}) \
                if "PARAM" in df.columns else []
            text = "; ".join(params) if params else f"{label} ({code})"
            oid = f"IT.{ds}.{var}.{oid_part(code)}"
            self._item_def(oid, var, text, sub, contract_type)
            wc = f"WC.{ds}.PARAMCD.{oid_part(code)}"
            if wc not in self.where_clauses:
                self.where_clauses[wc] = m.WhereClauseDef(OID=wc, RangeCheck=[m.RangeCheck(
                    Comparator="EQ", SoftHard="Soft", ItemOID=f"IT.{ds}.PARAMCD",
                    CheckValue=[m.CheckValue(_content=code)])])
            refs.append(m.ItemRef(ItemOID=oid, OrderNumber=len(refs) + 1, Mandatory="No",
                                  WhereClauseRef=[m.WhereClauseRef(WhereClauseOID=wc)]))
        if not refs:
            return None
        oid = f"VL.{ds}.{var}"
        self.value_lists.append(m.ValueListDef(OID=oid, ItemRef=refs))
        return oid

    # ---- datasets
    def item_group(self, ds: str, df: pd.DataFrame):
        m = self.m
        spec = self.specs[ds]
        full = spec is not None and self.profiles[ds] == "full"
        known = {v.name: v for v in spec.variables} if spec else {}
        labels = {c: (known[c].label if c in known else c) for c in df.columns}
        keys = tuple(k for k in (spec.keys if spec else ()) if k in df.columns)
        klass = dataset_class(ds, df.columns, keys)
        methods: dict[str, str] = {}
        if full:
            for rule_id in spec.row_rules:
                for flag in derived_flags(self.rules[rule_id].description, df.columns):
                    methods.setdefault(flag, self._method(rule_id))
        refs = []
        for n, col in enumerate(df.columns, start=1):
            var = known.get(col)
            ctype = var.type if var else None
            extra: dict = {}
            cl = self.code_list_for(ds, var) if var else None
            if cl:
                extra["CodeListRef"] = m.CodeListRef(CodeListOID=cl)
            if klass == BDS and col in VALUE_LEVEL:
                vl = self._value_list(ds, col, df, labels[col], ctype)
                if vl:
                    extra["ValueListRef"] = m.ValueListRef(ValueListOID=vl)
            if col in methods:
                extra["Origin"] = [m.Origin(Type="Derived")]
            if full and var is not None and var.unit:
                extra["CommentOID"] = self._comment(f"COM.UNIT.{oid_part(var.unit)}",
                                                    f"Unit: {var.unit}")
            self._item_def(f"IT.{ds}.{col}", col, labels[col], df[col], ctype, **extra)
            required = bool(var and (var.required or col in keys))
            refs.append(m.ItemRef(ItemOID=f"IT.{ds}.{col}", OrderNumber=n,
                                  Mandatory="Yes" if required else "No",
                                  KeySequence=keys.index(col) + 1 if col in keys else None,
                                  MethodOID=methods.get(col)))
        leaf = f"LF.{ds}"
        href = f"{ds.lower()}.xpt"
        self.leaves.append(m.leaf(ID=leaf, href=href, title=m.title(_content=href)))
        attrs: dict = dict(
            OID=f"IG.{ds}", Name=ds, SASDatasetName=ds[:8],
            Repeating="No" if klass == SUBJECT_LEVEL else "Yes", IsReferenceData="No",
            Purpose="Analysis", Structure=structure(keys, labels, ds, spec is not None),
            ArchiveLocationID=leaf,
            Description=_text(m, spec.label if spec else ds), ItemRef=[r for r in refs],
            Class=m.Class(Name=klass))
        if ds == "ADAE" and klass == OCCDS:
            attrs["Class"] = m.Class(Name=klass, SubClass=[m.SubClass(Name="ADVERSE EVENT")])
        if spec is None:
            attrs["IsNonStandard"] = "Yes"
        if full and spec.description:
            attrs["CommentOID"] = self._comment(f"COM.{ds}", spec.description)
        return m.ItemGroupDef(**{k: v for k, v in attrs.items() if v is not None})

    # ---- analysis results
    def result_displays(self):
        from odmlib import ValidationMode, permissive

        from analysis.catalogue import ALL_DISPLAYS, ANALYSIS_SETS

        m = self.m
        held = set(self.inputs.frames)
        adsl = self.inputs.frames.get("ADSL")
        measures = self.inputs.registry.get("outcome_measures") or {}
        displays = []
        for d in ALL_DISPLAYS:
            if not set(d.datasets) <= held:
                continue
            set_name, flag = ANALYSIS_SETS[d.analysis_set]
            datasets = []
            for name in d.datasets:
                where = None
                if name == "ADSL" and adsl is not None and flag in adsl.columns:
                    wc = f"WC.ADSL.{flag}.Y"
                    if wc not in self.where_clauses:
                        self.where_clauses[wc] = m.WhereClauseDef(OID=wc, RangeCheck=[
                            m.RangeCheck(Comparator="EQ", SoftHard="Soft",
                                         ItemOID=f"IT.ADSL.{flag}",
                                         CheckValue=[m.CheckValue(_content="Y")])])
                    where = m.WhereClauseRef(WhereClauseOID=wc)
                extra = {"WhereClauseRef": where} if where is not None else {}
                datasets.append(m.AnalysisDataset(ItemGroupOID=f"IG.{name}", **extra))
            doc = (f"SAP section 5, catalogue of displays. Analysis set (SAP section 2): "
                   f"{set_name} ({flag} = 'Y'). Datasets: {', '.join(d.datasets)}.")
            purpose = analysis_purpose(chapter_sections(d.chapter), measures)
            # odmlib accepts only the three standard purposes; the schema also any text
            with permissive(ValidationMode.SKIP_VALUESET) if purpose == NO_OUTCOME_MEASURE \
                    else nullcontext():
                result = m.AnalysisResult(
                    OID=f"AR.{d.id}", AnalysisReason="SPECIFIED IN SAP",
                    AnalysisPurpose=purpose, Description=_text(m, d.heading),
                    AnalysisDatasets=m.AnalysisDatasets(AnalysisDataset=datasets),
                    Documentation=m.Documentation(Description=_text(m, doc)))
            displays.append(m.ResultDisplay(OID=f"RD.{d.id}", Name=f"{d.kind} {d.number}",
                                            Description=_text(m, d.title),
                                            AnalysisResult=[result]))
        return m.AnalysisResultDisplays(ResultDisplay=displays) if displays else None

    def document(self):
        m = self.m
        inputs = self.inputs
        study = inputs.study
        sid = str(study["studyid"])
        groups = [self.item_group(ds, df) for ds, df in inputs.frames.items()]
        displays = self.result_displays()
        sim = "SIMULATED DATA. " if inputs.simulated else ""
        mdv = dict(
            OID=f"MDV.{oid_part(sid)}.{oid_part(inputs.version)}",
            Name=f"{sid} analysis data, CSR version {inputs.version}",
            Description=(f"{sim}Analysis datasets (ADaM) of snapshot "
                         f"{inputs.manifest.get('snapshot_id', '')}, data cut-off "
                         f"{inputs.manifest.get('cutoff', '')}, as analysed in CSR version "
                         f"{inputs.version}."),
            DefineVersion=DEFINE_VERSION,
            ValueListDef=self.value_lists,
            WhereClauseDef=[self.where_clauses[k] for k in self.where_clauses],
            ItemGroupDef=groups, ItemDef=self.item_defs,
            CodeList=[self.code_lists[k] for k in self.code_lists],
            MethodDef=[self.methods[k] for k in self.methods],
            CommentDef=[self.comments[k] for k in self.comments],
            leaf=self.leaves)
        if displays is not None:
            mdv["AnalysisResultDisplays"] = displays
        return m.ODM(
            FileOID=f"DEF.{oid_part(sid)}.{oid_part(inputs.version)}", FileType="Snapshot",
            CreationDateTime=inputs.frozen_at, ODMVersion="1.3.2", Context="Submission",
            Originator=str(study.get("sponsor", "")),
            SourceSystem="nct06561009-csr (submission.define, odmlib)",
            SourceSystemVersion=inputs.commit or "unknown",
            Study=m.Study(
                OID=f"ST.{oid_part(sid)}",
                GlobalVariables=m.GlobalVariables(
                    StudyName=m.StudyName(_content=sid),
                    StudyDescription=m.StudyDescription(
                        _content=sim + " ".join(str(study.get("full_title", sid)).split())),
                    ProtocolName=m.ProtocolName(_content=str(study.get("protocol_id", sid)))),
                MetaDataVersion=m.MetaDataVersion(**mdv)))


def document(inputs: Inputs):
    """The odmlib ODM document (Define-XML 2.1 + ARM 1.0) of ``inputs``."""
    return _Builder(inputs).document()


def to_bytes(odm) -> bytes:
    """The document as UTF-8 XML, indented, namespaces declared on the root in a fixed
    order (odm default, def, xlink, arm): the same document gives the same bytes."""
    elem = odm.to_xml()
    for prefix, uri in NS.items():
        elem.set("xmlns" if prefix == "odm" else f"xmlns:{prefix}", uri)
    ET.indent(elem, space="  ")
    return ET.tostring(elem, encoding="UTF-8", xml_declaration=True) + b"\n"


def define_bytes(inputs: Inputs) -> bytes:
    return to_bytes(document(inputs))


def write(ctx: SubmissionContext) -> list[Path]:
    """Write ``ctx.datasets_dir / "define.xml"`` for the version's snapshot; returns
    ``[path]``."""
    data = define_bytes(read_inputs(ctx))
    path = ctx.datasets_dir / DEFINE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return [path]


# --------------------------------------------------------------------------- checks


@lru_cache(maxsize=1)
def schema():
    """The Define-XML 2.1 + ARM 1.0 schema as odmlib installs it (module doc)."""
    import xmlschema
    from odmlib.schema_manager import get_schema_path

    return xmlschema.XMLSchema(get_schema_path(*SCHEMA))


def schema_errors(path: Path) -> list[str]:
    """One line per violation of the Define-XML 2.1 / ARM 1.0 schema."""
    return [f"{path.name}: schema: {e.reason} (at {e.path})"
            for e in schema().iter_errors(str(path))]


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def structural_errors(root: ET.Element, folder: Path, name: str = DEFINE_FILE) -> list[str]:
    """The structure of a parsed define.xml, without a schema: OIDs unique per element
    kind, every reference resolves, every leaf's file exists in ``folder``."""
    out: list[str] = []
    owner = _owners(root)
    defs: dict[str, set[str]] = {}
    for tag, prefix in (("ItemGroupDef", "odm"), ("ItemDef", "odm"), ("CodeList", "odm"),
                        ("MethodDef", "odm"), ("ValueListDef", "def"),
                        ("WhereClauseDef", "def"), ("CommentDef", "def"),
                        ("ResultDisplay", "arm"), ("AnalysisResult", "arm")):
        seen: set[str] = set()
        for el in root.iter(_q(prefix, tag)):
            oid = el.get("OID")
            if not oid:
                out.append(f"{name}: a {tag}{owner.get(el, '')} has no OID")
            elif oid in seen:
                out.append(f"{name}: OID {oid} is not unique ({tag})")
            seen.add(oid or "")
        defs[tag] = seen
    leaves: dict[str, str | None] = {}
    for el in root.iter(_q("def", "leaf")):
        lid = el.get("ID") or ""
        if lid in leaves:
            out.append(f"{name}: def:leaf ID {lid} is not unique")
        leaves[lid] = el.get(_q("xlink", "href"))
    refs = (  # (element, its namespace prefix, attribute, what it must name)
        ("ItemRef", "odm", "ItemOID", "ItemDef"),
        ("ItemRef", "odm", "MethodOID", "MethodDef"),
        ("CodeListRef", "odm", "CodeListOID", "CodeList"),
        ("ValueListRef", "def", "ValueListOID", "ValueListDef"),
        ("WhereClauseRef", "def", "WhereClauseOID", "WhereClauseDef"),
        ("RangeCheck", "odm", _q("def", "ItemOID"), "ItemDef"),
        ("AnalysisDataset", "arm", "ItemGroupOID", "ItemGroupDef"),
        ("AnalysisVariable", "arm", "ItemOID", "ItemDef"),
    )
    for tag, prefix, attr, target in refs:
        shown = "def:ItemOID" if attr.startswith("{") else attr
        for el in root.iter(_q(prefix, tag)):
            value = el.get(attr)
            if value is not None and value not in defs[target]:
                out.append(f"{name}: {tag} {shown}={value}{owner.get(el, '')} names no "
                           f"{target}")
    for el in root.iter():
        value = el.get(_q("def", "CommentOID"))
        if value is not None and value not in defs["CommentDef"]:
            out.append(f"{name}: def:CommentOID={value} of {_local(el.tag)} "
                       f"{el.get('OID', '')}{owner.get(el, '')} names no CommentDef")
    for el in root.iter(_q("odm", "ItemGroupDef")):
        loc = el.get(_q("def", "ArchiveLocationID"))
        if loc is not None and loc not in leaves:
            out.append(f"{name}: ItemGroupDef {el.get('OID')} def:ArchiveLocationID={loc} "
                       "names no def:leaf")
    for lid, href in sorted(leaves.items()):
        if not href:
            out.append(f"{name}: def:leaf {lid} has no xlink:href")
        elif not (folder / href).is_file():
            out.append(f"{name}: def:leaf {lid} points at {href}, which is not in "
                       f"{folder.name}/")
    return out


def _local(tag: str) -> str:
    return tag.split("}")[-1]


def _owners(root: ET.Element) -> dict[ET.Element, str]:
    """For each element, " in <Kind> <OID>" of the nearest enclosing element with an OID."""
    out: dict[ET.Element, str] = {}

    def walk(el: ET.Element, where: str) -> None:
        for child in el:
            out[child] = where
            oid = child.get("OID")
            walk(child, f" in {_local(child.tag)} {oid}" if oid else where)

    walk(root, "")
    return out


def check_file(path: Path) -> list[str]:
    """Every failure of the define.xml at ``path``: schema, then structure."""
    if not path.is_file():
        return [f"{path.name}: missing ({path})"]
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        return [f"{path.name}: not well-formed XML ({exc})"]
    return schema_errors(path) + structural_errors(root, path.parent, path.name)


def check(ctx: SubmissionContext) -> list[str]:
    """Validate ``ctx.datasets_dir / "define.xml"``: one line per failure, [] when valid."""
    return check_file(ctx.datasets_dir / DEFINE_FILE)
