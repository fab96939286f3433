"""The data an analysis runs on: the datasets of one frozen snapshot.

``StudyData`` is what every display's ``ard(data, config)`` receives. It is
read-only by convention: derivations return new frames and never modify
``data[...]`` in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class StudyData:
    datasets: Mapping[str, pd.DataFrame]
    cutoff: date | None = None
    snapshot_id: str = ""
    simulated: bool = False
    manifest: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.datasets[name]
        except KeyError:
            raise KeyError(
                f"dataset {name} is not in snapshot {self.snapshot_id or '(in memory)'}; "
                f"it holds {sorted(self.datasets)}"
            ) from None

    @property
    def codelists(self):
        """The meanings of the sponsor codelists (which AREL values count as related,
        AEOUT as fatal, ...: :class:`data_contract.codelists.Codelists`): those the
        snapshot was frozen with (study.yml's, extended by the delivery's mapping file,
        recorded in the manifest), else study.yml's."""
        from data_contract.codelists import Codelists
        from data_contract.study import contract_config

        recorded = Codelists.from_record(self.manifest.get("codelists"))
        return recorded if recorded is not None else contract_config().codelists

    def has(self, *names: str) -> bool:
        return all(n in self.datasets for n in names)

    def transient(self) -> Mapping[str, pd.DataFrame]:
        """The datasets for one pass over all of them (e.g. validation): a snapshot's
        are read when asked and not kept, so the pass holds one dataset at a time;
        datasets already in use, and in-memory data, are shared as they are."""
        transient = getattr(self.datasets, "transient", None)
        return transient() if transient else self.datasets


def from_snapshot(snapshot_id: str, root: str | Path | None = None) -> StudyData:
    """Open a frozen snapshot (hashes verified) as :class:`StudyData`.

    Each dataset is read on first use, so a chapter holds in memory only the
    datasets its displays use (:class:`data_contract.snapshot.SnapshotDatasets`).
    """
    from data_contract.snapshot import load_snapshot

    snap = load_snapshot(snapshot_id, root=root)
    cutoff = snap.manifest.get("cutoff")
    return StudyData(
        datasets=snap.datasets,
        cutoff=date.fromisoformat(cutoff) if cutoff else None,
        snapshot_id=snapshot_id,
        simulated=bool(snap.manifest.get("simulated", False)),
        manifest=snap.manifest,
    )
