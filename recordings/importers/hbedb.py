"""The HBEDB / BDS balance data set text format (Santos & Duarte 2016, PeerJ 4:e2648).

One trial per file, tab-separated columns ``Time Fx Fy Fz Mx My Mz COPx COPy`` (a header line of names,
optionally with units in brackets, or none), time in s, forces in N, moments in N·m, COP in **cm**, 100 Hz,
from an AMTI plate whose COPx is antero-posterior and COPy medio-lateral.

Mapping onto the station frame (x = ML + right, y = AP + forward, mm): ``x = 10·COPy``, ``y = 10·COPx``,
Fx(station) = Fy(file), Fy(station) = Fx(file), Fz as given (must be positive: compressive). The signs are
taken as in the file (COPx + anterior, COPy + right, the AMTI right-handed plate frame with z down); no
sway measure depends on them. The file's Mx, My are about the transducer origin, whose offset the format
does not give, so the stored moments are rebuilt from the file's COP (see :mod:`._trial`); the file's Mz is
kept as the moment about the surface centre (stored about the trial's median COP, :mod:`._trial`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from recordings.importers._table import read_table
from recordings.importers._trial import ImportedTrial, PlateSeries

__all__ = ["COLUMNS", "UNITS", "read_hbedb"]

COLUMNS = ("Time", "Fx", "Fy", "Fz", "Mx", "My", "Mz", "COPx", "COPy")
UNITS = {"Time": ("s",), "Fx": ("N",), "Fy": ("N",), "Fz": ("N",), "Mx": ("N.m", "Nm", "N·m", "N*m"),
         "My": ("N.m", "Nm", "N·m", "N*m"), "Mz": ("N.m", "Nm", "N·m", "N*m"), "COPx": ("cm",), "COPy": ("cm",)}
MIN_MEAN_FZ_N = 10.0


def read_hbedb(path: str | os.PathLike[str]) -> ImportedTrial:
    """Read one HBEDB trial file.

    Raises
    ------
    ValueError
        A missing column, a unit in the header other than the format's (e.g. COP in mm), a truncated or
        non-numeric row (the message names the line and the field), or no one on the plate.
    """
    p = Path(path)
    table = read_table(p, delimiter="\t", default_names=COLUMNS)
    for name in COLUMNS:
        unit = table.unit(name)
        if unit and unit not in UNITS[name]:
            raise ValueError(f"{p.name}: field {name!r} is in {unit!r}; the HBEDB format has {UNITS[name][0]}")
    fz = table.column("Fz")
    if not np.mean(fz) >= MIN_MEAN_FZ_N:
        raise ValueError(f"{p.name}: mean Fz is {np.mean(fz):.1f} N; HBEDB has Fz > 0 (someone on the plate)")
    x_mm, y_mm = 10.0 * table.column("COPy"), 10.0 * table.column("COPx")
    fx, fy = table.column("Fy"), table.column("Fx")
    plate = PlateSeries(
        fz_n=fz,
        cop_x_mm=x_mm,
        cop_y_mm=y_mm,
        fx_n=fx,
        fy_n=fy,
        # the free moment that makes the stored Mz about the surface centre equal the file's Mz (a vertical
        # offset of the transducer origin does not change Mz; a horizontal one is not given by the format)
        mz_nm=table.column("Mz") - (x_mm * fy - y_mm * fx) / 1000.0,
    )
    return ImportedTrial(
        t_s=table.column("Time"),
        plates=(plate,),
        source_format="hbedb",
        source_file=p.name,
        axis_mapping="x = 10*COPy (ML, cm to mm), y = 10*COPx (AP, cm to mm), Fx = file Fy, Fy = file Fx; "
                     "moments rebuilt from the file's COP about the surface centre",
    )
