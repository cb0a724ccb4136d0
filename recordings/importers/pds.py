"""The PDS two-plate format (dos Santos, Fukuchi & Duarte 2017, PeerJ 5:e3626).

One trial per file, a header line of names (optionally with units in brackets) and whitespace- or
tab-separated rows: ``Time``, then for the right plate ``RFx RFy RFz RCOPx RCOPz`` and for the left plate
``LFx LFy LFz LCOPx LCOPz``; forces in N, COP in **m**, in the laboratory frame of the data set: **Y
vertical**, **X antero-posterior**, **Z medio-lateral**. (The column names are this importer's reading of
the paper's description; a file named otherwise imports with ``--format csv`` one plate at a time.)

Mapping onto the station frame (x = ML + right, y = AP + forward, mm): ``x = 1000·(COPz − m)`` with m the
midpoint between the two feet's mean ML positions (so the left foot is at x < 0), ``y = 1000·COPx``,
Fz(station) = Fy(file) (vertical, > 0), Fx(station) = Fz(file), Fy(station) = Fx(file). The right plate's
mean COP must lie to the right of the left plate's: if not, the file's Z does not point to the right and the
import stops rather than swap the feet.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from recordings.importers._table import Table, read_table
from recordings.importers._trial import ImportedTrial, PlateSeries

__all__ = ["COLUMNS", "read_pds"]

COLUMNS = ("Time", "RFx", "RFy", "RFz", "RCOPx", "RCOPz", "LFx", "LFy", "LFz", "LCOPx", "LCOPz")
_UNITS = {"F": "N", "C": "m", "T": "s"}
MIN_MEAN_FZ_N = 10.0


def _check_units(table: Table) -> None:
    for name in COLUMNS:
        unit = table.unit(name)
        expected = _UNITS["T" if name == "Time" else name[1]]
        if unit and unit != expected:
            raise ValueError(f"{table.path.name}: field {name!r} is in {unit!r}; the PDS format has {expected}")


def read_pds(path: str | os.PathLike[str]) -> ImportedTrial:
    """Read one PDS two-plate trial file (see the module notes for the columns and the axis mapping).

    Raises
    ------
    ValueError
        A missing column, a unit other than the format's, a truncated or non-numeric row (naming the line
        and field), an unloaded plate, or a right plate that is not right of the left one.
    """
    p = Path(path)
    table = read_table(p, delimiter=None, default_names=COLUMNS)
    _check_units(table)
    for side in ("R", "L"):
        mean_fz = float(np.mean(table.column(f"{side}Fy")))
        if not mean_fz >= MIN_MEAN_FZ_N:
            raise ValueError(f"{p.name}: field '{side}Fy' (vertical) has a mean of {mean_fz:.1f} N: that foot is "
                             f"not on its plate")
    ml = {side: 1000.0 * table.column(f"{side}COPz") for side in ("L", "R")}
    if not np.mean(ml["R"]) > np.mean(ml["L"]):
        raise ValueError(f"{p.name}: the right plate's mean COPz ({np.mean(ml['R']) / 1000:.3f} m) is not right of "
                         f"the left plate's ({np.mean(ml['L']) / 1000:.3f} m): Z does not point to the right")
    midline = 0.5 * (np.mean(ml["L"]) + np.mean(ml["R"]))
    plates = tuple(
        PlateSeries(
            fz_n=table.column(f"{side}Fy"),
            cop_x_mm=ml[side] - midline,
            cop_y_mm=1000.0 * table.column(f"{side}COPx"),
            fx_n=table.column(f"{side}Fz"),
            fy_n=table.column(f"{side}Fx"),
            mz_nm=np.zeros(table.data.shape[0]),
        )
        for side in ("L", "R")
    )
    return ImportedTrial(
        t_s=table.column("Time"),
        plates=plates,
        source_format="pds",
        source_file=p.name,
        axis_mapping=f"x = 1000*(COPz - {midline / 1000:.6f} m) (ML), y = 1000*COPx (AP), Fz = file Fy (vertical), "
                     "Fx = file Fz, Fy = file Fx; (left, right) plates as six virtual cells",
    )
