"""A non-editable install holds every module of the project (issue 17: the packages were
listed by hand and four were missing): the project is built from a copy of its files and
installed into a fresh virtual environment, which then imports every module.

No network: the build runs without isolation (setuptools of the test environment) and the
fresh environment sees the test environment's libraries through a path file (not its
site directory, so the test environment's editable install of the project stays out)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("study", "data_contract", "analysis", "report", "submission")
DATA_FILES = ("data_contract/simulator/params.yml", "report/assets/reference.docx",
              "report/assets/quarto/csr-typst/typst-template.typ", "report/assets/typst.lua",
              "submission/templates/adrg.md.j2", "submission/templates/index.html.j2",
              "submission/schemas/ars_ldm.json")

IMPORT_ALL = r"""
import importlib, json, pkgutil, sys
from pathlib import Path
names, files = [], []
for pkg in sys.argv[1].split(","):
    mod = importlib.import_module(pkg)
    files.append(mod.__file__)
    names.append(pkg)
    for info in pkgutil.walk_packages(mod.__path__, pkg + "."):
        if info.name.rsplit(".", 1)[-1] != "__main__":
            files.append(importlib.import_module(info.name).__file__)
            names.append(info.name)
print(json.dumps({"names": names, "files": files}))
"""


def _source_modules() -> set[str]:
    out = set()
    for pkg in PACKAGES:
        for p in (ROOT / pkg).rglob("*.py"):
            parts = list(p.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__main__":
                continue
            out.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


@pytest.mark.packaging
def test_a_non_editable_install_imports_every_module(tmp_path):
    src = tmp_path / "src"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "pyproject.toml",
                            "README.md", *PACKAGES], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    for rel in files:
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-compile", "--target", str(site), str(src)],
                   cwd=tmp_path, check=True, capture_output=True, timeout=120)
    (site / "_test_libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    out = subprocess.run([py, "-c", IMPORT_ALL, ",".join(PACKAGES)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout)
    assert set(got["names"]) == _source_modules()
    assert all(Path(f).is_relative_to(site) for f in got["files"])
    assert [f for f in DATA_FILES if not (site / f).is_file()] == []
