"""The PDS two-plate format (dos Santos, Fukuchi, Fukuchi & Duarte 2017, PeerJ 5:e3626), as the real files are.

One trial per ``PDSnnCSRgrf.txt`` file: a tab-separated header line, then one row per sample at 100 Hz. The
header of the published files, verbatim (read in regifukuchi/datasets ``PDS/data/PDS13OR1grf.txt`` and
``PDS13CF2grf.txt``, commit f17e4e77: the same line in both; the data set is figshare 10.6084/m9.figshare.4525082)::

    Time RGRF_X RGRF_Y RGRF_Z LGRF_X LGRF_Y LGRF_Z GRFNET_X GRFNET_Y GRFNET_Z RCOP_X RCOP_Y RCOP_Z
    LCOP_X LCOP_Y LCOP_Z COPNET_X COPNET_Y COPNET_Z RFREEMOMENT_Y LFREEMOMENT_Y

(21 names, tab-separated, no units in the header). Time in s, forces in N, COP in m, in one laboratory frame.
The axes and signs, as checked on those files:

* **Y vertical, up**: ``RGRF_Y`` ≈ 274 N, ``LGRF_Y`` ≈ 363 N, ``GRFNET_Y`` ≈ 637 N (the reaction on the
  subject, positive), and ``RCOP_Y = LCOP_Y = 0`` (the plates' surface).
* **Z medio-lateral, + to the subject's right**: the right plate's ``RCOP_Z`` ≈ +0.086 m and the left's
  ``LCOP_Z`` ≈ −0.087 m (PDS13OR1; +0.117 / −0.121 m in PDS13CF2); the feet's shear reactions point to the
  midline (``RGRF_Z`` ≈ −11 N, ``LGRF_Z`` ≈ +11 N; −28 / +28 N); in the subject's kinematics file
  (``PDS13static.txt``) the right heel marker's Z is larger than the left one's.
* **X antero-posterior, + forward**: in ``PDS13static.txt`` the toe markers lie at larger X than the heel
  markers (``R.MT2_X`` ≈ −0.24 m, ``R.Heel_X`` ≈ −0.44 m), and with Y up and Z right a right-handed frame
  has X forward (the ISB convention). This is read from the kinematics of the same laboratory frame; the
  force files alone do not show the AP sign. The COP X is a laboratory position (≈ 0.21 m), not centred.

``GRFNET_*`` and ``COPNET_*`` (the force-weighted net COP; docs/methods.md §2.1 reconstructs it to
< 0.01 mm) are not needed: the station rebuilds the net COP from the two plates. The free moments
``RFREEMOMENT_Y``/``LFREEMOMENT_Y`` are not imported (their unit is not stated in the files or in the sources
read, and a two-plate recording stores vertical loads only).

Mapping onto the station frame (x = ML + right, y = AP + forward, mm): ``x = 1000·(COP_Z − m)`` with m the
midpoint between the two feet's mean ML positions (so the left foot is at x < 0), ``y = 1000·COP_X``,
Fz(station) = GRF_Y, Fx(station) = GRF_Z, Fy(station) = GRF_X. The right plate's mean COP must lie to the
right of the left plate's: if not, the file's Z does not point to the right and the import stops rather
than swap the feet. A file without the header is read as the 21 columns above, in that order.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from recordings.importers._table import Table, read_table
from recordings.importers._trial import ImportedTrial, PlateSeries

__all__ = ["COLUMNS", "REQUIRED", "read_pds"]

COLUMNS = ("Time", "RGRF_X", "RGRF_Y", "RGRF_Z", "LGRF_X", "LGRF_Y", "LGRF_Z", "GRFNET_X", "GRFNET_Y", "GRFNET_Z",
           "RCOP_X", "RCOP_Y", "RCOP_Z", "LCOP_X", "LCOP_Y", "LCOP_Z", "COPNET_X", "COPNET_Y", "COPNET_Z",
           "RFREEMOMENT_Y", "LFREEMOMENT_Y")
REQUIRED = ("Time", "RGRF_X", "RGRF_Y", "RGRF_Z", "LGRF_X", "LGRF_Y", "LGRF_Z", "RCOP_X", "RCOP_Z", "LCOP_X",
            "LCOP_Z")
_UNITS = {"Time": "s", "GRF": "N", "COP": "m"}
MIN_MEAN_FZ_N = 10.0


def _expected_unit(name: str) -> str:
    return _UNITS["Time"] if name == "Time" else _UNITS["GRF" if "GRF" in name else "COP"]


def _check(table: Table) -> None:
    for name in REQUIRED:
        table.index(name)  # a clear "missing column" error naming the columns present
    for name in REQUIRED:
        unit, expected = table.unit(name), _expected_unit(name)
        if unit and unit != expected:
            raise ValueError(f"{table.path.name}: field {name!r} is in {unit!r}; the PDS format has {expected}")


def read_pds(path: str | os.PathLike[str]) -> ImportedTrial:
    """Read one PDS ``...grf.txt`` trial (see the module notes for the header, the axes and the mapping).

    Raises
    ------
    ValueError
        A missing column, a unit (in brackets after a name) other than the format's, a truncated or
        non-numeric row (naming the line and field), an unloaded plate, or a right plate that is not right of
        the left one.
    """
    p = Path(path)
    table = read_table(p, delimiter=None, default_names=COLUMNS)
    _check(table)
    for side in ("R", "L"):
        mean_fz = float(np.mean(table.column(f"{side}GRF_Y")))
        if not mean_fz >= MIN_MEAN_FZ_N:
            raise ValueError(f"{p.name}: field '{side}GRF_Y' (vertical) has a mean of {mean_fz:.1f} N: that foot is "
                             f"not on its plate")
    ml = {side: 1000.0 * table.column(f"{side}COP_Z") for side in ("L", "R")}
    if not np.mean(ml["R"]) > np.mean(ml["L"]):
        raise ValueError(f"{p.name}: the right plate's mean RCOP_Z ({np.mean(ml['R']) / 1000:.3f} m) is not right "
                         f"of the left plate's LCOP_Z ({np.mean(ml['L']) / 1000:.3f} m): Z does not point to the right")
    midline = 0.5 * (np.mean(ml["L"]) + np.mean(ml["R"]))
    plates = tuple(
        PlateSeries(
            fz_n=table.column(f"{side}GRF_Y"),
            cop_x_mm=ml[side] - midline,
            cop_y_mm=1000.0 * table.column(f"{side}COP_X"),
            fx_n=table.column(f"{side}GRF_Z"),
            fy_n=table.column(f"{side}GRF_X"),
            mz_nm=np.zeros(table.data.shape[0]),
        )
        for side in ("L", "R")
    )
    return ImportedTrial(
        t_s=table.column("Time"),
        plates=plates,
        source_format="pds",
        source_file=p.name,
        axis_mapping=f"x = 1000*(COP_Z - {midline / 1000:.6f} m) (ML, Z + right), y = 1000*COP_X (AP, X + forward), "
                     "Fz = GRF_Y (vertical, Y up), Fx = GRF_Z, Fy = GRF_X; (left, right) plates as six virtual cells",
    )
