"""C3D force platforms (types 1, 2 and 4) through ezc3d, in the station frame.

The analog channels of one platform (``FORCE_PLATFORM:CHANNEL``, 1-based) are read with ezc3d and the COP is
computed here, in the plate's own frame, with the C3D conventions (c3d.org FORCE_PLATFORM; BTK
ForcePlatform types):

* Plate frame from ``CORNERS`` (3×4, in ``POINT:UNITS``): corner 1 is in the plate's (+x, +y) quadrant, 2 in
  (−x, +y), 3 in (−x, −y), 4 in (+x, −y); x_p = mean(c1, c4) − mean(c2, c3), y_p = mean(c1, c2) − mean(c3, c4)
  (normalised), z_p = x_p × y_p; C = the mean of the corners (the surface centre).
* ``ORIGIN`` = the vector from the transducer origin O to the surface centre C, in plate coordinates
  (so AMTI plates, z_p down, have ORIGIN z < 0).
* Type 2: channels Fx Fy Fz Mx My Mz, moments about O. With r = P − O = (o_x + u, o_y + v, o_z) for the COP
  (u, v) relative to C, M = r × F gives ``u = (o_z·Fx − My)/Fz − o_x`` and ``v = (Mx + o_z·Fy)/Fz − o_y``.
* Type 4: as type 2 after ``CAL_MATRIX`` (6×6) times the six channels.
* Type 1: channels Fx Fy Fz COPx COPy Tz, the COP already in plate coordinates about the surface centre.
* Type 3 (Kistler, eight channels): **not supported** (refused with a clear error).

Axis mapping onto the subject (stated, not detected): the laboratory frame has **X to the subject's right,
Y forward, Z up**. The station COP is the plate COP in the laboratory frame relative to the plate centre
(x = ML, y = AP, mm). The vertical load is the force along the laboratory Z with the sign that makes it
positive under load (plates report either the subject's action or the reaction); the shear forces get the
same sign. Moments are converted from the file's ``ANALOG:UNITS`` (Nmm or Nm).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from recordings.importers._trial import ImportedTrial, PlateSeries

__all__ = ["read_c3d"]

_LENGTH_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0}
_MOMENT_NMM = {"nmm": 1.0, "n.mm": 1.0, "n·mm": 1.0, "nm": 1000.0, "n.m": 1000.0, "n·m": 1000.0}
MIN_MEAN_FZ_N = 10.0


def _param(c: Any, group: str, name: str, path: Path) -> np.ndarray:
    try:
        return np.asarray(c["parameters"][group][name]["value"])
    except KeyError:
        raise ValueError(f"{path.name}: missing C3D parameter {group}:{name}") from None


def _plate_frame(corners_mm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c1, c2, c3, c4 = corners_mm.T
    x = (c1 + c4) / 2 - (c2 + c3) / 2
    y = (c1 + c2) / 2 - (c3 + c4) / 2
    x, y = x / np.linalg.norm(x), y / np.linalg.norm(y)
    return np.column_stack([x, y, np.cross(x, y)]), corners_mm.mean(axis=1)  # rotation plate->lab, centre


def read_c3d(path: str | os.PathLike[str], *, platform: int = 0) -> ImportedTrial:
    """Read force platform ``platform`` (0-based) of a C3D file as one plate.

    Raises
    ------
    ValueError
        No force platform, an unsupported type (3, 5+), a missing parameter or channel, unknown units,
        or an unloaded plate.
    """
    try:
        import ezc3d
    except ImportError as exc:  # pragma: no cover - the [c3d] extra is in [dev]
        raise ValueError("C3D import needs ezc3d: pip install 'balance-station[c3d]'") from exc
    p = Path(path)
    try:
        c = ezc3d.c3d(str(p))
    except (RuntimeError, OSError) as exc:
        raise ValueError(f"{p.name} is not a readable C3D file: {exc}") from None
    used = int(np.asarray(_param(c, "FORCE_PLATFORM", "USED", p)).ravel()[0])
    if not 0 <= platform < used:
        raise ValueError(f"{p.name}: force platform {platform} requested, the file has {used}")
    types = _param(c, "FORCE_PLATFORM", "TYPE", p).astype(int).ravel()  # INT or FLOAT (ezc3d's add_parameter)
    plate_type = int(types[platform])
    channels = _param(c, "FORCE_PLATFORM", "CHANNEL", p).astype(int)
    channels = channels.reshape(channels.shape[0], -1)[:, platform] if channels.ndim > 1 else channels
    length_unit = str(_param(c, "POINT", "UNITS", p).ravel()[0]).strip().lower() or "mm"
    if length_unit not in _LENGTH_MM:
        raise ValueError(f"{p.name}: POINT:UNITS {length_unit!r} is not mm, cm or m")
    to_mm = _LENGTH_MM[length_unit]
    corners = _param(c, "FORCE_PLATFORM", "CORNERS", p).astype(float)
    corners = (corners.reshape(3, 4, -1)[:, :, platform]) * to_mm
    rotation, centre = _plate_frame(corners)
    analogs = np.asarray(c["data"]["analogs"], dtype=np.float64)[0]  # (channels, samples)
    labels = [str(s) for s in _param(c, "ANALOG", "LABELS", p).ravel()]
    units = [str(s).strip() for s in _param(c, "ANALOG", "UNITS", p).ravel()]
    rate = float(_param(c, "ANALOG", "RATE", p).ravel()[0])

    if plate_type == 3 or plate_type not in (1, 2, 4):
        raise ValueError(f"{p.name}: force platform type {plate_type} is not supported (types 1, 2 and 4 are)")
    needed = 6
    if channels.size < needed:
        raise ValueError(f"{p.name}: FORCE_PLATFORM:CHANNEL lists {channels.size} channels, type {plate_type} "
                         f"needs {needed}")
    index = channels[:needed] - 1
    if np.any(index < 0) or np.any(index >= analogs.shape[0]):
        raise ValueError(f"{p.name}: FORCE_PLATFORM:CHANNEL {channels[:needed].tolist()} points outside the "
                         f"{analogs.shape[0]} analog channels")
    sig = analogs[index]
    if plate_type == 4:
        cal = _param(c, "FORCE_PLATFORM", "CAL_MATRIX", p).astype(float)
        cal = cal.reshape(6, 6, -1)[:, :, platform]
        sig = cal @ sig
    force = sig[:3]
    if plate_type == 1:
        u, v = sig[3] * to_mm, sig[4] * to_mm
        mz_nmm = sig[5] * _moment_scale(units, index[5], labels, p)
    else:
        moment = sig[3:6] * np.array([_moment_scale(units, i, labels, p) for i in index[3:6]])[:, None]
        origin = _param(c, "FORCE_PLATFORM", "ORIGIN", p).astype(float)
        ox, oy, oz = origin.reshape(3, -1)[:, platform] * to_mm
        fz = force[2]
        if not np.all(np.abs(fz) > 0):
            raise ValueError(f"{p.name}: Fz is 0 at some samples: the COP is undefined there")
        u = (oz * force[0] - moment[1]) / fz - ox
        v = (moment[0] + oz * force[1]) / fz - oy
        mz_nmm = moment[2]
    cop_lab = centre[:, None] + rotation[:, :2] @ np.vstack([u, v])
    force_lab = rotation @ force
    sign = 1.0 if np.mean(force_lab[2]) > 0 else -1.0
    fz_lab = sign * force_lab[2]
    if not np.mean(fz_lab) >= MIN_MEAN_FZ_N:
        raise ValueError(f"{p.name}: platform {platform} carries a mean vertical force of {np.mean(fz_lab):.1f} N")
    plate = PlateSeries(
        fz_n=fz_lab,
        cop_x_mm=cop_lab[0] - centre[0],
        cop_y_mm=cop_lab[1] - centre[1],
        fx_n=sign * force_lab[0],
        fy_n=sign * force_lab[1],
        mz_nm=sign * rotation[2, 2] * mz_nmm / 1000.0,
    )
    n = analogs.shape[1]
    return ImportedTrial(
        t_s=np.arange(n) / rate,
        plates=(plate,),
        source_format="c3d",
        source_file=p.name,
        axis_mapping=f"C3D platform {platform} (type {plate_type}); lab X = subject's right, Y = forward, Z = up; "
                     "COP relative to the plate centre",
        extra_settings={"import.c3d_platform_type": (plate_type, ""), "import.c3d_platform": (platform, "")},
        surface_size_mm=(float(np.linalg.norm(corners[:, 0] - corners[:, 1])),
                         float(np.linalg.norm(corners[:, 0] - corners[:, 3]))),
    )


def _moment_scale(units: list[str], i: int, labels: list[str], p: Path) -> float:
    unit = units[i].lower().replace(" ", "") if i < len(units) else ""
    if unit not in _MOMENT_NMM:
        name = labels[i] if i < len(labels) else f"#{i + 1}"
        raise ValueError(f"{p.name}: analog channel {name!r} has unit {unit!r}; a moment must be in Nmm or Nm")
    return _MOMENT_NMM[unit]
