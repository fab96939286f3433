"""How ``nox -s tests`` shares the suite between the cores (tests/conftest.py): each render
group of the end-to-end tests stays in one worker, every other module in one worker, and
the longest work is handed out first."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _suite_conftest():
    """tests/conftest.py as a module of its own (``import conftest`` may give another
    folder's conftest, whichever pytest registered under that name first)."""
    path = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("csr_suite_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


suite = _suite_conftest()


def test_the_e2e_tests_form_two_render_groups_and_other_tests_their_module():
    group = suite.xdist_group_of
    assert group("tests/e2e/test_render_e2e.py::test_x") == suite.E2E_GROUP
    assert group("tests/e2e/test_publication_pdf.py::test_y[quarto]") == suite.E2E_GROUP
    assert group("tests/e2e/test_real_adam_e2e.py::test_z") == suite.E2E_OTHER_SNAPSHOTS
    assert group("tests/e2e/test_edge_snapshots_e2e.py::t[a@b]") == suite.E2E_OTHER_SNAPSHOTS
    assert group("tests/unit/test_redline.py::test_a[x@y]") == "tests/unit/test_redline.py"


def test_the_scheduler_takes_the_group_as_the_scope_of_a_test():
    split = suite.scheduler_class()._split_scope
    assert split(None, "tests/e2e/test_language_e2e.py::t") == suite.E2E_GROUP
    assert split(None, "tests/qc/test_qc_trace.py::t[1]") == "tests/qc/test_qc_trace.py"


def test_the_render_groups_then_the_long_modules_come_first():
    ids = ["tests/unit/test_a.py::t", "tests/contract/test_real_adam.py::t",
           "tests/e2e/test_render_e2e.py::t", "tests/unit/test_b.py::t",
           "tests/e2e/test_real_adam_e2e.py::t"]
    items = [_Item(i) for i in ids]
    suite.pytest_collection_modifyitems(None, items)
    assert [i.nodeid for i in items] == [
        "tests/e2e/test_render_e2e.py::t", "tests/e2e/test_real_adam_e2e.py::t",
        "tests/contract/test_real_adam.py::t", "tests/unit/test_a.py::t",
        "tests/unit/test_b.py::t"]


class _Item:
    def __init__(self, nodeid):
        self.nodeid = nodeid

