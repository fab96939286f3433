"""Importing the packages changes no global state (issue 17): pandas options, matplotlib's
rcParams and backend, and rtflite's functions stay as they were; the entry points apply
the project's settings with one explicit call, :func:`analysis.runtime.configure`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import importlib, json, pkgutil, sys
import matplotlib, pandas as pd, rtflite.strwidth as sw

def state():
    return {"cow": pd.get_option("mode.copy_on_write"),
            "backend": matplotlib.rcParams._get_backend_or_none(),
            # dict's own lookup: rcParams["backend"] would resolve the backend
            "rc": {k: repr(dict.__getitem__(matplotlib.rcParams, k))
                   for k in list(dict.keys(matplotlib.rcParams)) if k != "backend"},
            "strwidth": hasattr(sw.get_string_width, "cache_info")}

before = state()
names = []
for pkg in ("study", "data_contract", "analysis", "report"):
    mod = importlib.import_module(pkg)
    names.append(pkg)
    for info in pkgutil.walk_packages(mod.__path__, pkg + "."):
        if info.name.rsplit(".", 1)[-1] != "__main__":
            importlib.import_module(info.name)
            names.append(info.name)
after = state()
from analysis import runtime
runtime.configure()
print(json.dumps({"before": before, "after": after, "configured": state(), "n": len(names)}))
"""


def test_importing_every_module_changes_no_global_state():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=300)
    got = json.loads(out.stdout)
    assert got["n"] > 100
    assert got["after"] == got["before"]
    # and configure() is what applies them (so the probe can see a change)
    configured = got["configured"]
    assert configured["cow"] is True and configured["strwidth"] is True
    assert configured["backend"].lower() == "agg"
    assert configured["rc"] != got["before"]["rc"]
