"""The appendix's data contract (A.4): each dataset's specification under its own
heading, which the PDF keeps with its table, with each key variable's place in the keys."""

from analysis import appendix
from data_contract.specs import DATASETS


def _rows(markdown: str) -> list[list[str]]:
    lines = [ln for ln in markdown.splitlines() if ln.startswith("|")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]


def test_each_dataset_specification_starts_with_its_own_heading_and_then_its_table():
    for name, spec in DATASETS.items():
        text = appendix.contract_table(name)
        first, _, rest = text.partition("\n\n")
        assert first == f"### {spec.name}: {spec.label} {{.unnumbered .unlisted}}"
        assert rest.startswith("| Variable | Label | Type | Key |")


def test_the_key_column_gives_each_key_variable_its_place_in_the_dataset_keys():
    for name, spec in DATASETS.items():
        keyed = {r[0].replace("\\", ""): r[3] for r in _rows(appendix.contract_table(name)) if r[3]}
        assert keyed == {k: str(i) for i, k in enumerate(spec.keys, start=1)}, name


def test_variable_types_are_named_for_a_reader_not_as_python_types():
    types = {r[2] for name in DATASETS for r in _rows(appendix.contract_table(name))}
    assert types <= {"text", "number", "integer", "date"} and "text" in types
