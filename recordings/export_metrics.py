"""Tidy per-trial metrics: one row per (subject, session, trial, metric) with its value and unit.

Columns ``subject, session, trial, metric, value, unit`` (docs/sources.md [tidy-data]): a cohort is the
concatenation of such files, ready for ``pandas.read_csv`` + ``pivot`` or R's tidyverse. Metric names
are the analysis result's field names with their group (``weight_bearing.affected_load_pct_bw``,
``sway.mean_velocity_mm_s``); the unit is read from the name's suffix, the project's naming convention.
Text fields (method names) are written with an empty unit. The subject is the pseudonymous id only.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import os
from pathlib import Path
from typing import Any

from analysis.standing import StandingResult
from recordings.reader import Recording

__all__ = ["standing_metric_rows", "unit_of", "write_metrics_csv"]

COLUMNS = ("subject", "session", "trial", "metric", "value", "unit")

# Longest suffix first: "_mm_s" before "_s", "_mm2" before "_mm", "_pct_bw" before "_pct".
_SUFFIX_UNITS = (
    ("_mm_s", "mm/s"),
    ("_mm2", "mm²"),
    ("_pct_bw", "%BW"),
    ("_pct", "%"),
    ("_deg", "deg"),
    ("_mm", "mm"),
    ("_kg", "kg"),
    ("_hz", "Hz"),
    ("_n", "N"),
    ("_s", "s"),
)
_COUNTS = ("n_samples", "dropped_samples", "empty_resample_windows", "lowpass_order")


def unit_of(name: str) -> str:
    """The unit a field name declares by its suffix ("" for counts and unitless values)."""
    if name in _COUNTS:
        return "count"
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix):
            return unit
    return ""


def _rows(prefix: str, obj: Any) -> list[tuple[str, Any, str]]:
    rows = []
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        name = f"{prefix}{field.name}"
        if dataclasses.is_dataclass(value):
            rows += _rows(f"{name}.", value)
        elif value is None or isinstance(value, bool | int | float | str):
            rows.append((name, value, unit_of(field.name) if not isinstance(value, str) else ""))
    return rows


def standing_metric_rows(result: StandingResult, rec: Recording) -> list[dict[str, Any]]:
    """Every number of a standing result as tidy rows; session and trial from the file (or its date/name)."""
    session = rec.session or rec.created_utc[:10]
    trial = rec.trial or rec.path.stem
    return [
        {"subject": rec.subject.id, "session": session, "trial": trial, "metric": m, "value": v, "unit": u}
        for m, v, u in _rows("", result)
    ]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def write_metrics_csv(rows: list[dict[str, Any]], out: str | os.PathLike[str]) -> Path:
    """Write tidy rows (never overwrites); floats with ``repr`` precision, missing values empty."""
    path = Path(out)
    if path.exists():
        raise FileExistsError(f"{path} exists; exports never overwrite a file")
    with path.open("x", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_text(row[c]) for c in COLUMNS])
    return path
