"""Settings of every test session.

- The process settings the entry points apply (:func:`analysis.runtime.configure`;
  importing the packages applies none).
- Work sharing under pytest-xdist: ``nox -s tests`` runs the suite on every core
  (``-n auto``) with the scheduler of :func:`pytest_xdist_make_scheduler`: xdist's
  load-scope scheduling, a unit of work being a group of :func:`xdist_group_of`. (Not
  ``--dist loadgroup`` with ``xdist_group`` marks: pytest-xdist 3.8 marks a grouped test by
  rewriting ``item._nodeid``, which pytest 9 no longer reads, so every test was scheduled
  on its own and each worker rendered the whole CSR.) A module's tests stay in one worker
  (its module fixtures, such as the pharmaverse deliveries of ``test_real_adam``, are
  built once). The end-to-end tests of ``tests/e2e`` are two groups, each in one worker, so that
  their session renders (``tests/e2e/conftest.py``) are built once and shared as in a
  plain ``pytest`` run: the renders of the default snapshot (final, interim, pilot,
  Quarto, the writer's edits) and the renders of other snapshots (the real pharmaverse
  ADaM and the edge snapshots), which need no render of the first group.
- Order: the longest work first (the two render groups, then the modules that take a
  minute), so that the workers finish together (xdist hands out the groups in this
  order; ``--no-loadscope-reorder`` keeps it from sorting them by test count).
  ``tests/unit/test_test_scheduling.py`` checks the groups and their order.
"""

from analysis import runtime

E2E_GROUP = "e2e-renders"
E2E_OTHER_SNAPSHOTS = "e2e-other-snapshots"
OTHER_SNAPSHOT_MODULES = ("tests/e2e/test_real_adam_e2e.py",
                          "tests/e2e/test_edge_snapshots_e2e.py",
                          "tests/e2e/test_other_study_e2e.py")
# Modules that take about a minute or more (``--durations``): handed out right after the
# render groups.
LONG_MODULES = ("tests/contract/test_real_adam.py", "tests/contract/test_simulator_trial.py",
                "tests/unit/test_bench_smoke.py")


def pytest_configure(config):
    runtime.configure()


def xdist_group_of(nodeid: str) -> str:
    """The pytest-xdist group of a test: one of the two render groups for ``tests/e2e``,
    otherwise its module."""
    module = nodeid.split("::", 1)[0]
    if module in OTHER_SNAPSHOT_MODULES:
        return E2E_OTHER_SNAPSHOTS
    return E2E_GROUP if module.startswith("tests/e2e/") else module


def _rank(nodeid: str) -> int:
    group = xdist_group_of(nodeid)
    if group in (E2E_GROUP, E2E_OTHER_SNAPSHOTS):
        return 0
    return 1 if group in LONG_MODULES else 2


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: _rank(item.nodeid))  # stable: file order within a rank


def scheduler_class():
    """xdist's load-scope scheduling with :func:`xdist_group_of` as the scope of a test
    (imported here: a plain ``pytest`` run needs no xdist)."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group_of(nodeid)

    return GroupScheduling


def pytest_xdist_make_scheduler(config, log):
    return scheduler_class()(config, log)
