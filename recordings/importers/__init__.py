"""Importers: other labs' force-plate files become ordinary station recordings.

``read_trial(path, fmt)`` returns an :class:`ImportedTrial` in the station frame (x = ML + right, y = AP +
forward, mm, N, s); :func:`write_recording` stores it as a standing recording that ``station analyze``,
``report``, ``replay`` and ``export`` read like any other. Formats: ``hbedb`` (:mod:`.hbedb`), ``pds``
(:mod:`.pds`), ``csv`` with a column mapping (:mod:`.csv_columns`), ``c3d`` through ezc3d (:mod:`.c3d`,
the ``c3d`` extra).
"""

from __future__ import annotations

import os

from recordings.importers._trial import ImportedTrial, PlateSeries, write_recording

__all__ = ["FORMATS", "ImportedTrial", "PlateSeries", "read_trial", "write_recording"]

FORMATS = ("c3d", "csv", "hbedb", "pds")


def read_trial(
    path: str | os.PathLike[str], fmt: str, *, columns: dict[str, str] | None = None, units: str = "mm",
    platform: int = 0,
) -> ImportedTrial:
    """Read one trial file of format ``fmt`` (``columns``/``units`` for csv, ``platform`` for c3d)."""
    if fmt == "hbedb":
        from recordings.importers.hbedb import read_hbedb

        return read_hbedb(path)
    if fmt == "pds":
        from recordings.importers.pds import read_pds

        return read_pds(path)
    if fmt == "csv":
        from recordings.importers.csv_columns import read_csv_columns

        if columns is None:
            raise ValueError("csv import needs a column mapping (--columns t=Time,fz=Fz,cop_x=...,cop_y=...)")
        return read_csv_columns(path, columns, units=units)
    if fmt == "c3d":
        from recordings.importers.c3d import read_c3d

        return read_c3d(path, platform=platform)
    raise ValueError(f"unknown import format {fmt!r}: choose one of {', '.join(FORMATS)}")
