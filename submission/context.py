"""What every part of the submission package is built from (issue 18): one version of
the CSR, its frozen snapshot, and the folder the package is written to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class SubmissionContext:
    """``root``: the project; ``version``: a published report version (report/<version>/);
    ``out``: the folder the part writes into (a staging folder, moved into place by
    :mod:`submission.package` only when every part succeeded)."""

    root: Path
    version: str
    out: Path

    @property
    def version_dir(self) -> Path:
        return self.root / "report" / self.version

    @property
    def provenance(self) -> dict:
        return json.loads((self.version_dir / "provenance.json").read_text(encoding="utf-8"))

    @property
    def snapshot_id(self) -> str:
        return self.provenance["snapshot"]["id"]

    @property
    def snapshot_dir(self) -> Path:
        snap = self.provenance["snapshot"]
        return self.root / snap.get("root", "data/snapshots") / snap["id"]

    @property
    def adam_dir(self) -> Path:
        """The eCTD module 5 folder of the analysis data (ICH M8 / FDA Study Data
        Technical Conformance Guide): ``m5/datasets/<study>/analysis/adam``."""
        return self.out / "m5" / "datasets" / self.study_id.lower() / "analysis" / "adam"

    @property
    def study_id(self) -> str:
        """STUDYID of study.yml (``study.studyid``)."""
        study = yaml.safe_load((self.root / "study.yml").read_text(encoding="utf-8"))
        return str(study["study"]["studyid"])

    @property
    def datasets_dir(self) -> Path:
        """Datasets (XPT, Dataset-JSON), define.xml and the reviewer's guide."""
        return self.adam_dir / "datasets"

    @property
    def programs_dir(self) -> Path:
        return self.adam_dir / "programs"


# Every part module (submission/datasets.py, define.py, ars.py, adrg.py, programs.py) has
#   def write(ctx: SubmissionContext) -> list[Path]   # the files it wrote under ctx.out
#   def check(ctx: SubmissionContext) -> list[str]    # one line per failure, [] when valid
# and submission/package.py runs the parts in order (PARTS), writes index and manifest.
