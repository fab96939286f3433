"""QC harness: the snapshots every QC program runs on, loaded once per session.

Snapshots (brief, issue 3): the committed ``sim-interim`` and ``sim-final``
(``data/snapshots``) and the stress snapshot ``sim-500`` (:data:`compare.STRESS`),
simulated once per session with 500 participants and frozen to a temporary root. A committed snapshot that
does not exist yet skips its cases.

Test modules parametrise with :func:`compare.cases` (ids like
``T14.3.1-sim-final``) and call :func:`compare.run_case` with the session
fixtures ``qc_snapshots`` and ``qc_config``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from compare import SNAPSHOTS, STRESS, STRESS_N  # noqa: F401  (SNAPSHOTS re-exported)

from analysis.config import PROJECT_ROOT, load_config

COMMITTED_ROOT = PROJECT_ROOT / "data" / "snapshots"
SIM_SEED = 20240901


@dataclass
class QCSnapshot:
    name: str
    root: Path
    folder: Path
    data: object  # analysis.data.StudyData, for production's build_ard


class SnapshotStore:
    """Loads each snapshot at most once; ``store(name)`` returns a :class:`QCSnapshot`."""

    def __init__(self, tmp_root: Path):
        self._tmp_root = tmp_root
        self._cache: dict[str, QCSnapshot] = {}
        self._prod: dict[tuple[str, str], object] = {}

    def _make_sim(self) -> Path:
        from data_contract.simulator import simulate_trial
        from data_contract.snapshot import freeze

        trial = simulate_trial(n=STRESS_N, seed=SIM_SEED)
        freeze(trial.datasets, STRESS, trial.final_cutoff, source=f"qc simulate_trial"
               f"(n={STRESS_N}, seed={SIM_SEED})", simulated=True, root=self._tmp_root)
        return self._tmp_root

    def __call__(self, name: str) -> QCSnapshot:
        if name not in self._cache:
            from analysis.data import from_snapshot

            if name == STRESS:
                root = self._make_sim()
            else:
                root = COMMITTED_ROOT
                if not (root / name / "manifest.json").exists():
                    pytest.skip(f"snapshot {name} is not committed under {root} yet")
            self._cache[name] = QCSnapshot(name, root, root / name, from_snapshot(name, root=root))
        return self._cache[name]

    def production_ard(self, display_id: str, name: str):
        """The production ARD of a display on a snapshot (built once per session)."""
        from analysis.displays import build_ard

        if (display_id, name) not in self._prod:
            self._prod[(display_id, name)] = build_ard(display_id, self(name).data, load_config())
        return self._prod[(display_id, name)]


@pytest.fixture(scope="session")
def qc_snapshots(tmp_path_factory) -> SnapshotStore:
    return SnapshotStore(tmp_path_factory.mktemp("qc-snapshots"))


@pytest.fixture(scope="session")
def qc_config():
    return load_config()
