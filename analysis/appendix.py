"""Content of the CSR appendix: the data contract, the validation of the
snapshot against it, the snapshot manifest and the software used.

The validation summary is recomputed at render time (the snapshot is
validated again against the contract), not copied from the manifest.
Nothing here carries wall-clock time, host names or absolute paths.
"""

from __future__ import annotations

import hashlib
from importlib import metadata

from analysis.config import PROJECT_ROOT
from analysis.data import StudyData
from analysis.style.markdown import grouped, inline_code, table

KEY_PACKAGES = (
    "pandas", "numpy", "scipy", "statsmodels", "lifelines", "pandera", "pyreadstat",
    "great-tables", "tableone", "matplotlib", "papermill", "nbclient", "pypandoc-binary",
    "typst", "rtflite",
)


def manifest_table(data: StudyData) -> str:
    """Markdown table of the snapshot's datasets: file, rows, SHA-256."""
    m = data.manifest
    head = [
        ("Snapshot", m.get("snapshot_id", data.snapshot_id)),
        ("Data cut-off", str(m.get("cutoff", ""))),
        ("Contract version", str(m.get("contract_version", ""))),
        ("Profile", str(m.get("profile", ""))),
        ("Simulated", "yes" if m.get("simulated") else "no"),
        ("Source", str(m.get("source", ""))),
    ]
    out = [table(("Item", "Value"), head), ""]
    rows = [(name, str(d.get("file", "")), str(d.get("rows", "")),
             inline_code(grouped(d.get("sha256", ""))))
            for name, d in sorted(m.get("datasets", {}).items())]
    out.append(table(("Dataset", "File", "Rows", "SHA-256"), rows, raw=(3,),
                     widths=(1.2, 1.6, 0.8, 3), align="llrl"))
    out += ["", "SHA-256 digests are shown in groups of 16 hexadecimal digits; the "
                "snapshot's manifest.json and the report's provenance.json hold them "
                "unbroken."]
    return "\n".join(out)


def validation_summary(data: StudyData) -> str:
    """Validate the snapshot again against the contract and summarise the result: the
    verdict, each dataset's rows, variables and profile, and every warning and note
    grouped by dataset, variable and rule (count, first message, first examples)."""
    from data_contract.validate import requested_profile, validate
    from data_contract.validation_report import groups

    report = validate(data.transient(), cutoff=data.cutoff,
                      profile=requested_profile(data.manifest), codelists=data.codelists)
    counts = report.counts()
    rows = [(name, str(report.datasets[name]), str(report.variables[name]),
             report.profiles.get(name, "not in the contract"))
            for name in sorted(report.datasets)]
    if report.ok:
        verdict = ("The snapshot satisfies every rule of the data contract "
                   f"(profile {report.profile})")
        verdict += (f", with {counts['warning']} warning(s) and {counts['note']} note(s) "
                    "listed below." if counts["warning"] or counts["note"] else ".")
    else:
        verdict = f"The snapshot breaks {counts['error']} contract rule(s); see below."
    text = [verdict, "", table(("Dataset", "Rows", "Variables", "Profile"), rows,
                                align="lrrl")]
    found = [g for g in groups(report.findings) if g.severity != "error"]
    if found:
        text += ["", "Warnings and notes (rule table in the data contract section below):", "",
                 table(("Severity", "Dataset", "Variable", "Rule", "Count", "Finding (first)"),
                       [(g.severity, g.dataset, g.variable or "", g.rule, str(g.count),
                         g.message) for g in found],
                       widths=(0.9, 1, 1.1, 2, 0.7, 5), align="llllrl")]
    if not report.ok:
        text += ["", "```", report.format(), "```"]
    return "\n".join(text)


def rule_table() -> str:
    """The contract's rule table (:mod:`data_contract.rules`): each rule's severity,
    where it applies and what it checks."""
    from data_contract.rules import RULES

    rows = [(r.id, r.severity, r.scope, r.description) for r in RULES.values()]
    return ("Every finding is an error (the snapshot is not frozen), a warning (frozen; "
            "recorded in the manifest and listed above) or a note (lawful input the analysis "
            "does not use). Applies to: all datasets, this study's datasets (full profile), "
            "or a delivery translated by a mapping file.\n\n"
            + table(("Rule", "Severity", "Applies to", "Checks"), rows,
                    widths=(2.4, 0.9, 0.9, 5.8), align="llll"))


# the contract's variable types as the appendix names them for a reader
TYPE_NAMES = {"str": "text", "float": "number", "int": "integer", "date": "date"}


def contract_table(dataset: str) -> str:
    """The specification of one dataset: a heading (kept with its table on the page) and
    a Markdown table of its variables (variable, label, type, key position, required,
    standard CDISC variable, unit, rules)."""
    from data_contract.specs import DATASETS

    if dataset not in DATASETS:
        return (f"**{dataset}**: not a dataset of the contract; kept in the snapshot as "
                "delivered and not analysed.")
    spec = DATASETS[dataset]
    rows = []
    for v in spec.variables:
        rule = []
        if v.allowed:
            rule.append("one of: " + "; ".join(v.allowed))
        if v.range:
            rule.append(f"{v.range[0]:g} to {v.range[1]:g}")
        if v.step:
            rule.append(f"steps of {v.step:g}")
        if v.pattern:
            rule.append(f"pattern {v.pattern}")
        key = str(spec.keys.index(v.name) + 1) if v.name in spec.keys else ""
        rows.append((v.name, v.label, TYPE_NAMES.get(v.type, v.type), key,
                     "yes" if v.required else "", "yes" if v.core else "", v.unit or "",
                     ", ".join(rule)))
    header = ("Variable", "Label", "Type", "Key", "Required", "Standard", "Unit",
              "Allowed values / range")
    return (f"### {spec.name}: {spec.label} {{.unnumbered .unlisted}}\n\n"
            # Variable, Type and Standard as wide as "DLTEVLFL", "integer" and "Standard"
            # in the DOCX (narrower, Word broke them into "integ er", "Stand ard")
            + table(header, rows, widths=(1.8, 2.2, 1.1, 0.6, 1.2, 1.3, 1.0, 3.2),
                    align="lllcccll"))


def contract_overview() -> str:
    from data_contract import CONTRACT_VERSION
    from data_contract.specs import DATASETS

    rows = [(s.name, s.label, ", ".join(s.keys), str(len(s.variables)), "yes" if s.core else "")
            for s in DATASETS.values()]
    return (f"Data contract version {CONTRACT_VERSION}. Each dataset's table below gives, "
            "for every variable, its place in the dataset's keys (Key: 1 first), whether it "
            "is required and whether it is a standard CDISC variable (not an extension of this "
            "study).\n\n"
            + table(("Dataset", "Label", "Keys", "Variables", "Standard"), rows,
                    widths=(1, 3, 2.5, 1, 1), align="lllrc"))


def software_table() -> str:
    """Versions of the key packages and the hash of the lock file that pinned them."""
    rows = []
    for pkg in KEY_PACKAGES:
        try:
            rows.append((pkg, metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            rows.append((pkg, "not installed"))
    lock = PROJECT_ROOT / "requirements.lock"
    lock_hash = hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else "absent"
    import platform

    rows.insert(0, ("python", platform.python_version()))
    return (table(("Package", "Version"), rows)
            + f"\n\nEnvironment pinned by `requirements.lock` (SHA-256 `{lock_hash}`).")
