"""C3D force platforms (types 1, 2, 3 and 4) through ezc3d, in the station frame.

The analog channels of one platform (``FORCE_PLATFORM:CHANNEL``, 1-based) are read with ezc3d; force, COP and
free moment are computed in the plate's own frame by :mod:`.c3d_platforms` (C3D User Guide, Kistler's force
plate formulae, checked against ezc3d's force-platform module; sources and the named differences there):

* Plate frame from ``CORNERS`` (3×4, in ``POINT:UNITS``): corner 1 is in the plate's (+x, +y) quadrant, 2 in
  (−x, +y), 3 in (−x, −y), 4 in (+x, −y); x_p = mean(c1, c4) − mean(c2, c3), y_p = mean(c1, c2) − mean(c3, c4)
  (normalised), z_p = x_p × y_p; C = the mean of the corners (the surface centre).
* Type 1: channels Fx Fy Fz Px Py Tz, the COP already in plate coordinates about C (in ``POINT:UNITS``).
* Type 2: channels Fx Fy Fz Mx My Mz about the transducer origin O; ``ORIGIN`` = C − O in plate
  coordinates (z < 0 for a z-down AMTI plate). Type 4: type 2 after ``CAL_MATRIX`` (6×6).
* Type 3 (Kistler): channels Fx12 Fx34 Fy14 Fy23 Fz1 Fz2 Fz3 Fz4 in N; ``ORIGIN`` = (a, b, az0), the sensor
  offsets (a, b > 0) and the top surface's z in plate coordinates (< 0 for Kistler's z-down frame). The
  sensor pattern is centred under C. A non-zero Kistler COP correction (``FORCE_PLATFORM:FPCOPPOLY``) is
  refused, not ignored.
* The sign of ORIGIN's z (types 2, 3, 4) is checked against the plate's z direction: the top surface must be
  above the transducer origin; a file using the older positive convention gets only that sign changed, and
  which convention was read is stored (``import.c3d_origin_z``).

Axis mapping onto the subject (stated, not detected): the laboratory frame has **X to the subject's right,
Y forward, Z up**. The station COP is the plate COP in the laboratory frame relative to the plate centre
(x = ML, y = AP, mm). The vertical load is the force along the laboratory Z with the sign that makes it
positive under load (plates report either the subject's action or the reaction); the shear forces and the
free moment get the same sign. Moments are converted from the file's ``ANALOG:UNITS`` (Nmm or Nm).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from recordings.importers import c3d_platforms as fp
from recordings.importers._trial import ImportedTrial, PlateSeries

__all__ = ["SUPPORTED_TYPES", "read_c3d"]

SUPPORTED_TYPES = (1, 2, 3, 4)
_CHANNELS = {1: 6, 2: 6, 3: 8, 4: 6}
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


def _per_platform(values: np.ndarray, rows: int, platform: int, name: str, p: Path, what: str,
                  stride: int | None = None) -> np.ndarray:
    """The ``rows`` values of platform ``platform`` in a C3D parameter (first index fastest, platform last)."""
    v = np.asarray(values, dtype=np.float64)
    if stride is None:
        stride = v.shape[0] if v.ndim > 1 else rows
    flat = v.ravel(order="F")
    start = stride * platform
    if stride < rows or flat.size < start + rows:
        raise ValueError(f"{p.name}: FORCE_PLATFORM:{name} has shape {v.shape}; platform {platform} needs {rows} "
                         f"values ({what})")
    return flat[start:start + rows]


def read_c3d(path: str | os.PathLike[str], *, platform: int = 0) -> ImportedTrial:
    """Read force platform ``platform`` (0-based) of a C3D file as one plate.

    Raises
    ------
    ValueError
        No force platform, an unsupported type (5+), a missing or malformed parameter (CHANNEL with too few
        channels, ORIGIN without three values, Kistler offsets that are not positive, a COP correction
        polynomial), a channel outside the analog data, unknown units, Fz = 0, or an unloaded plate.
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
    used_values = _param(c, "FORCE_PLATFORM", "USED", p).ravel()
    used = int(used_values[0]) if used_values.size else 0
    if not 0 <= platform < used:
        raise ValueError(f"{p.name}: force platform {platform} requested, the file has {used}")
    types = _param(c, "FORCE_PLATFORM", "TYPE", p).astype(int).ravel()  # INT or FLOAT (ezc3d's add_parameter)
    if types.size <= platform:
        raise ValueError(f"{p.name}: FORCE_PLATFORM:TYPE has {types.size} values, platform {platform} has none")
    plate_type = int(types[platform])
    if plate_type not in SUPPORTED_TYPES:
        raise ValueError(f"{p.name}: force platform type {plate_type} is not supported (types 1, 2, 3 and 4 are)")
    needed = _CHANNELS[plate_type]
    channel_param = _param(c, "FORCE_PLATFORM", "CHANNEL", p)
    rows = channel_param.shape[0] if channel_param.ndim > 1 else channel_param.size // max(used, 1)
    if rows < needed:
        names = " ".join(fp.KISTLER_CHANNELS) if plate_type == 3 else "Fx Fy Fz and three more"
        raise ValueError(f"{p.name}: FORCE_PLATFORM:CHANNEL lists {rows} channels per platform, type {plate_type} "
                         f"needs {needed} ({names})")
    channels = _per_platform(channel_param, rows, platform, "CHANNEL", p, "channel numbers").astype(int)
    length_unit = str(_param(c, "POINT", "UNITS", p).ravel()[0]).strip().lower() or "mm"
    if length_unit not in _LENGTH_MM:
        raise ValueError(f"{p.name}: POINT:UNITS {length_unit!r} is not mm, cm or m")
    to_mm = _LENGTH_MM[length_unit]
    corners = _per_platform(_param(c, "FORCE_PLATFORM", "CORNERS", p), 12, platform, "CORNERS", p,
                            "3 coordinates of 4 corners", stride=12).reshape(4, 3).T * to_mm
    rotation, centre = _plate_frame(corners)
    analogs = np.asarray(c["data"]["analogs"], dtype=np.float64)[0]  # (channels, samples)
    labels = [str(s) for s in _param(c, "ANALOG", "LABELS", p).ravel()]
    units = [str(s).strip() for s in _param(c, "ANALOG", "UNITS", p).ravel()]
    rate = float(_param(c, "ANALOG", "RATE", p).ravel()[0])

    index = channels[:needed] - 1
    if np.any(index < 0) or np.any(index >= analogs.shape[0]):
        raise ValueError(f"{p.name}: FORCE_PLATFORM:CHANNEL {channels[:needed].tolist()} points outside the "
                         f"{analogs.shape[0]} analog channels")
    sig = analogs[index]
    settings: dict[str, tuple[object, str]] = {"import.c3d_platform_type": (plate_type, ""),
                                               "import.c3d_platform": (platform, "")}
    try:
        wrench = _platform_wrench(c, p, plate_type, platform, sig, index, labels, units, to_mm, rotation, settings)
    except ValueError as exc:
        if str(exc).startswith(p.name):
            raise
        raise ValueError(f"{p.name}: platform {platform} (type {plate_type}): {exc}") from None

    cop_lab = centre[:, None] + rotation[:, :2] @ wrench.cop_mm
    force_lab = rotation @ wrench.force_n
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
        mz_nm=sign * rotation[2, 2] * wrench.free_moment_nmm / 1000.0,
    )
    n = analogs.shape[1]
    return ImportedTrial(
        t_s=np.arange(n) / rate,
        plates=(plate,),
        source_format="c3d",
        source_file=p.name,
        axis_mapping=f"C3D platform {platform} (type {plate_type}); lab X = subject's right, Y = forward, Z = up; "
                     "COP relative to the plate centre",
        extra_settings=settings,
        surface_size_mm=(float(np.linalg.norm(corners[:, 0] - corners[:, 1])),
                         float(np.linalg.norm(corners[:, 0] - corners[:, 3]))),
    )


def _platform_wrench(c: Any, p: Path, plate_type: int, platform: int, sig: np.ndarray, index: np.ndarray,
                     labels: list[str], units: list[str], to_mm: float, rotation: np.ndarray,
                     settings: dict[str, tuple[object, str]]) -> fp.PlateWrench:
    """Force, COP and free moment in the plate frame for one supported type (see :mod:`.c3d_platforms`)."""
    if plate_type == 1:
        return fp.type1(sig[:3], sig[3:5] * to_mm, sig[5] * _moment_scale(units, index[5], labels, p))
    origin_param = _param(c, "FORCE_PLATFORM", "ORIGIN", p)
    if origin_param.size == 0:
        raise ValueError(f"{p.name}: FORCE_PLATFORM:ORIGIN is empty; type {plate_type} needs it "
                         + ("(a, b, az0: the Kistler sensor offsets)" if plate_type == 3 else
                            "(the surface centre relative to the transducer origin)"))
    origin = _per_platform(origin_param, 3, platform, "ORIGIN", p, "x, y, z") * to_mm
    z, convention = fp.surface_offset_z(float(origin[2]), plate_z_up=bool(rotation[2, 2] > 0))
    settings["import.c3d_origin_z"] = (convention, "")
    settings["import.c3d_origin_mm"] = (f"{origin[0]:g}, {origin[1]:g}, {z:g}", "mm")
    if plate_type == 3:
        _refuse_cop_correction(c, p, platform)
        for i in index:
            unit = units[i].lower() if i < len(units) else ""
            if unit != "n":
                name = labels[i] if i < len(labels) else f"#{i + 1}"
                raise ValueError(f"{p.name}: analog channel {name!r} has unit {unit!r}; Kistler channels must be in N")
        return fp.kistler_type3(sig, float(origin[0]), float(origin[1]), z)
    if plate_type == 4:
        cal = _param(c, "FORCE_PLATFORM", "CAL_MATRIX", p).astype(float)
        if cal.size < 36 * (platform + 1):
            raise ValueError(f"{p.name}: FORCE_PLATFORM:CAL_MATRIX has {cal.size} values; type 4 needs 6×6 per "
                             "platform")
        sig = cal.reshape(6, 6, -1)[:, :, platform] @ sig
    moment = sig[3:6] * np.array([_moment_scale(units, i, labels, p) for i in index[3:6]])[:, None]
    return fp.six_component(sig[:3], moment, np.array([origin[0], origin[1], z]))


def _refuse_cop_correction(c: Any, p: Path, platform: int) -> None:
    group = c["parameters"]["FORCE_PLATFORM"]
    if "FPCOPPOLY" not in group:
        return
    poly = np.asarray(group["FPCOPPOLY"]["value"], dtype=np.float64).ravel()
    mine = poly[12 * platform: 12 * (platform + 1)]
    if np.any(mine != 0):
        raise ValueError(f"{p.name}: FORCE_PLATFORM:FPCOPPOLY holds a Kistler COP correction polynomial for "
                         f"platform {platform}; this importer does not apply it (the uncorrected COP would differ)")


def _moment_scale(units: list[str], i: int, labels: list[str], p: Path) -> float:
    unit = units[i].lower().replace(" ", "") if i < len(units) else ""
    if unit not in _MOMENT_NMM:
        name = labels[i] if i < len(labels) else f"#{i + 1}"
        raise ValueError(f"{p.name}: analog channel {name!r} has unit {unit!r}; a moment must be in Nmm or Nm")
    return _MOMENT_NMM[unit]
