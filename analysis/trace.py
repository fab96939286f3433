"""Who each count of a display counts: the participants behind its ``n`` cells (issue 16,
"Traceability for a reviewer").

Kept beside the ARD, never in it (the ARD schema and its CSV files are unchanged):
:func:`analysis.stats.summaries.count_rows` calls :func:`record` for every column of
every count row it makes, :func:`analysis.stats.summaries.column_rows` for the ``n`` of
every continuous summary (the participants with a value) and
:func:`analysis.stats.tableone_ard.tableone_rows` for both kinds of its rows; while :func:`collect` is active (the chapter builds one
display's ARD inside it) the call is kept, else it costs nothing. The records of a display
are published as ``trace/<display_id>.json`` (:func:`to_json_text`) beside ``ard/``, and
each traced cell of the HTML table carries :func:`cell_title` (shown on hover, no script,
no network) and ``data-trace`` = ``trace/<display_id>.json#<index>``.

A record names its ARD row by the ARD key columns (display_id, group1, group1_level,
group2, group2_level, variable, variable_level), the statistics that cell shows
(``n``, ``N``, ``pct`` of a count; ``n`` of a continuous summary), ``n`` and the sorted
USUBJID counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

TRACE_DIR = "trace"
KEY_COLUMNS = ("display_id", "group1", "group1_level", "group2", "group2_level",
               "variable", "variable_level")
SHOWN_IN_TITLE = 20  # participants named in a cell's hover text; the JSON lists all

_active: ContextVar[list[dict] | None] = ContextVar("trace_records", default=None)


@contextmanager
def collect() -> Iterator[list[dict]]:
    """Keep the records made inside the block (one display's ARD build) in the yielded list."""
    records: list[dict] = []
    token = _active.set(records)
    try:
        yield records
    finally:
        _active.reset(token)


def record(keys: Mapping[str, str], usubjids: Iterable[str],
           stat_names: Iterable[str] = ("n", "N", "pct")) -> None:
    """Note that the ARD row ``keys`` counts ``usubjids`` (only inside :func:`collect`)."""
    records = _active.get()
    if records is None:
        return
    ids = sorted({str(u) for u in usubjids})
    records.append({**{k: str(keys.get(k, "")) for k in KEY_COLUMNS},
                    "stat_names": list(stat_names), "n": len(ids), "usubjid": ids})


def to_json_text(display_id: str, records: list[dict]) -> str:
    """Deterministic JSON text of a display's records (in ARD order)."""
    return json.dumps({"display_id": display_id, "cells": records}, ensure_ascii=False,
                      indent=1, sort_keys=True) + "\n"


def cell_key(rec: Mapping[str, str]) -> tuple[str, str, str, str]:
    """The (group2_level, variable, variable_level, group1_level) of a record: where its
    cell stands in the table layout (:func:`analysis.style.tables.layout`)."""
    return (rec["group2_level"], rec["variable"], rec["variable_level"], rec["group1_level"])


def cell_title(rec: Mapping) -> str:
    """The hover text of a traced cell: its ARD row and who it counts."""
    parts = [f"ARD {rec['display_id']}", f"{rec['group1']} = {rec['group1_level']}"]
    if rec["group2"]:
        parts.append(f"{rec['group2']} = {rec['group2_level']}")
    parts.append("variable " + rec["variable"] + (f" = {rec['variable_level']}" if rec["variable_level"]
                                    else ""))
    parts.append("statistics " + ", ".join(rec["stat_names"]))
    ids = rec["usubjid"]
    who = ", ".join(ids[:SHOWN_IN_TITLE])
    if len(ids) > SHOWN_IN_TITLE:
        who += f", ... ({len(ids) - SHOWN_IN_TITLE} more in trace/{rec['display_id']}.json)"
    noun = "participant" if len(ids) == 1 else "participants"
    parts.append(f"{len(ids)} {noun}" + (f": {who}" if ids else ""))
    return "; ".join(parts)


def by_cell(records: list[dict]) -> dict[tuple[str, str, str, str], tuple[int, dict]]:
    """Cell key -> (index in the JSON ``cells``, record)."""
    return {cell_key(r): (i, r) for i, r in enumerate(records)}


def matching(records: list[dict], ard) -> list[dict]:
    """The records that stand for an ``n`` row of the finished ARD with the same count
    (a count the display made and then left out or changed is not published)."""
    n_rows = ard[ard["stat_name"] == "n"]
    have = {(*(str(getattr(r, k)) for k in KEY_COLUMNS), float(r.stat))
            for r in n_rows.itertuples(index=False)}
    return [r for r in records if (*(r[k] for k in KEY_COLUMNS), float(r["n"])) in have]
