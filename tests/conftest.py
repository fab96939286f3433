"""Settings of every test session.

- The process settings the entry points apply (:func:`analysis.runtime.configure`;
  importing the packages applies none).
- Work sharing under pytest-xdist: ``nox -s tests`` runs the suite on every core with
  ``--dist loadgroup``. A module's tests stay in one worker (its module fixtures, such as
  the pharmaverse deliveries of ``test_real_adam``, are built once), and the end-to-end
  tests of ``tests/e2e`` are one group, so that their session renders
  (``tests/e2e/conftest.py``: the final, interim, Quarto and edge reports) are built
  once and shared as in a plain ``pytest`` run.
"""

import pytest

from analysis import runtime

E2E_GROUP = "e2e-renders"


def pytest_configure(config):
    runtime.configure()


def xdist_group_of(nodeid: str) -> str:
    """The pytest-xdist group of a test: the shared-render group for ``tests/e2e``,
    otherwise its module."""
    module = nodeid.split("::", 1)[0]
    return E2E_GROUP if module.startswith("tests/e2e/") else module


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups in its own hook
def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(pytest.mark.xdist_group(xdist_group_of(item.nodeid)))
