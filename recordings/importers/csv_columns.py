"""Any delimited text file of one plate's force and COP, with an explicit column mapping.

``station import FILE --format csv --columns t=Time,fz=Fz,cop_x=COPy,cop_y=COPx --units cm``: each key is a
station quantity, each value a column name of the file's header (case-insensitive); a leading ``-``
negates the column (to flip an axis). Keys: ``t`` (s), ``fz`` (N), ``cop_x`` (medio-lateral, + right),
``cop_y`` (antero-posterior, + forward) are required; ``fx``, ``fy`` (N) and ``mz`` (the free moment about the
vertical at the COP, N·m) are optional (zeros otherwise). ``--units`` is the COP's length unit: mm, cm or m.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from recordings.importers._table import read_table
from recordings.importers._trial import ImportedTrial, PlateSeries

__all__ = ["KEYS", "LENGTH_UNITS_MM", "parse_column_map", "read_csv_columns"]

KEYS = ("t", "fz", "cop_x", "cop_y", "fx", "fy", "mz")
REQUIRED = ("t", "fz", "cop_x", "cop_y")
LENGTH_UNITS_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0}


def parse_column_map(text: str) -> dict[str, str]:
    """``"t=Time,fz=Fz"`` -> ``{"t": "Time", "fz": "Fz"}``, with clear errors for unknown or missing keys."""
    mapping: dict[str, str] = {}
    for item in (s.strip() for s in text.split(",") if s.strip()):
        key, sep, column = item.partition("=")
        key, column = key.strip(), column.strip()
        if not sep or not column:
            raise ValueError(f"--columns: {item!r} is not KEY=COLUMN")
        if key not in KEYS:
            raise ValueError(f"--columns: unknown key {key!r} (keys: {', '.join(KEYS)})")
        if key in mapping:
            raise ValueError(f"--columns: {key!r} is given twice")
        mapping[key] = column
    missing = [k for k in REQUIRED if k not in mapping]
    if missing:
        raise ValueError(f"--columns: missing {', '.join(missing)} (required: {', '.join(REQUIRED)})")
    return mapping


def read_csv_columns(
    path: str | os.PathLike[str], columns: dict[str, str], *, units: str = "mm", delimiter: str | None = ","
) -> ImportedTrial:
    """Read one plate's trial from a delimited file through an explicit column mapping.

    Parameters
    ----------
    path : str or Path
    columns : dict
        Station key -> file column (``-Name`` negates), see :func:`parse_column_map`.
    units : {"mm", "cm", "m"}
        Length unit of the COP columns.
    delimiter : str or None
        Field separator (None: any whitespace).
    """
    if units not in LENGTH_UNITS_MM:
        raise ValueError(f"--units must be one of {', '.join(LENGTH_UNITS_MM)}, got {units!r}")
    p = Path(path)
    table = read_table(p, delimiter=delimiter)

    def get(key: str) -> np.ndarray:
        name = columns[key]
        sign = -1.0 if name.startswith("-") else 1.0
        return sign * table.column(name.lstrip("-"))

    n = table.data.shape[0]
    zeros = np.zeros(n)
    scale = LENGTH_UNITS_MM[units]
    fz = get("fz")
    if not np.mean(fz) > 0:
        raise ValueError(f"{p.name}: mean Fz ({columns['fz']}) is {np.mean(fz):.1f} N; map a compressive Fz > 0 "
                         f"(negate the column with '-{columns['fz']}')")
    plate = PlateSeries(
        fz_n=fz,
        cop_x_mm=scale * get("cop_x"),
        cop_y_mm=scale * get("cop_y"),
        fx_n=get("fx") if "fx" in columns else zeros,
        fy_n=get("fy") if "fy" in columns else zeros,
        mz_nm=get("mz") if "mz" in columns else zeros,
    )
    mapping = ", ".join(f"{k} = {v}" for k, v in columns.items())
    return ImportedTrial(get("t"), (plate,), "csv", p.name, f"{mapping}; COP in {units}")
