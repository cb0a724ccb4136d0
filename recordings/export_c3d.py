"""Export a recording as C3D (ezc3d): analog channels with units and a FORCE_PLATFORM of type 2.

C3D is what Visual3D, Mokka, OpenSim pipelines, kineticstoolkit (``ktk.read_c3d``) and pyomeca
(``Analogs.from_c3d``) read. The file has no markers (legal C3D) and these analog channels:

* ``Fx1 Fy1 Fz1 Mx1 My1 Mz1`` (N, N, N, N·mm, N·mm, N·mm): the plate as a type-2 force platform
  (AMTI/Bertec: Fx Fy Fz Mx My Mz about the plate origin; BTK / has-motion FORCE_PLATFORM docs).
  For load cells (vertical only): Fx = Fy = 0, Fz = Σ F_i, and the moments about the origin on the top
  surface are ``Mx = Fz · COPy``, ``My = −Fz · COPx``, ``Mz = 0``, so that a type-2 reader's
  ``COPx = −My / Fz``, ``COPy = Mx / Fz`` gives back our COP (``analysis.cop``); where Fz is below the
  COP threshold (nobody on the plate) the moments are 0 and the COP is undefined, as in the source.
  Six-component plates are written as they are (moments converted from N·m to N·mm).
* the device's own channels (e.g. the four cells ``TR BR TL BL``, N).

``FORCE_PLATFORM``: ``USED=1``, ``TYPE=2``, ``CORNERS`` (3×4, mm, numbered by quadrant of the plate's
axes: +x+y, −x+y, −x−y, +x−y, z = 0 on the surface; the plate frame is the lab frame), ``ORIGIN`` (mm,
``(0, 0, z)`` of ``DeviceInfo.origin_offset_mm``: a horizontal offset of the moments' origin, as in
imported recordings, is moved into the moments before writing), ``CHANNEL`` = 1..6, ``ZERO = (1, 0)``
(no baseline subtraction). The INT parameters are written as INT (docs/sources.md [ezc3d]: ezc3d's
``add_parameter`` makes FLOATs of Python ints and its force-platform reader then refuses ``USED``).

C3D needs a uniform sampling rate. A recording on a device clock with no lost samples and intervals within
1 % of ``1 / nominal_rate_hz`` is written as it is; otherwise (the Wii board's jittered ~100 Hz, gaps) every
channel is first resampled with SWARII (``analysis.resample``, Audiffren & Contal 2016) to ``rate_hz``
(default: the nominal rate rounded), and ``MANUFACTURER:RESAMPLED`` says so. The time of the first frame is
not stored by C3D: the export starts at the first sample.

Exports are de-identified by default (no serial number, pseudonymous subject id only).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from analysis.cop import cop_from_cells
from analysis.resample import REGULAR_CLOCK_TOLERANCE, regular_rate_hz, swarii
from drivers.model import ChannelLayout, ClockSource
from recordings.reader import Recording

__all__ = ["PLATFORM_CHANNELS", "export_c3d", "is_uniform", "platform_signals"]

PLATFORM_CHANNELS = ("Fx1", "Fy1", "Fz1", "Mx1", "My1", "Mz1")
PLATFORM_UNITS = ("N", "N", "N", "Nmm", "Nmm", "Nmm")


def is_uniform(rec: Recording) -> bool:
    """True when samples are on a device clock, with no lost samples, and regular
    (:func:`analysis.resample.regular_rate_hz`) at the nominal rate (within the same 1 %)."""
    if rec.device.clock != ClockSource.DEVICE or rec.n_samples < 2:
        return rec.device.clock == ClockSource.DEVICE
    rate = regular_rate_hz(rec.t_s)
    gaps = np.diff(rec.seq.astype(np.int64))
    return bool(np.all(gaps == 1) and rate is not None
                and abs(rate / rec.device.nominal_rate_hz - 1.0) <= REGULAR_CLOCK_TOLERANCE)


def platform_signals(rec: Recording, forces_n: np.ndarray) -> np.ndarray:
    """Type-2 platform channels (n, 6): Fx, Fy, Fz in N and Mx, My, Mz in N·mm about the plate origin."""
    forces = np.asarray(forces_n, dtype=np.float64)
    if rec.device.layout == ChannelLayout.SIX_COMPONENT:
        out = forces.copy()
        out[:, 3:] *= 1000.0  # N·m -> N·mm
        # moments stored about O = origin_offset_mm; written about (0, 0, oz), below the surface centre:
        # M' = M + (O − (0, 0, oz)) × F (an imported trial stores them about its median COP, _trial.py)
        ox, oy = (float(v) for v in rec.device.origin_offset_mm[:2])
        fx, fy, fz = forces[:, 0], forces[:, 1], forces[:, 2]
        out[:, 3] += oy * fz
        out[:, 4] -= ox * fz
        out[:, 5] += ox * fy - oy * fx
        return out
    cop = cop_from_cells(forces, rec.device.sensor_positions())
    out = np.zeros((forces.shape[0], 6))
    out[:, 2] = cop.fz_n
    out[:, 3] = np.where(cop.loaded, cop.fz_n * cop.cop_y_mm, 0.0)
    out[:, 4] = np.where(cop.loaded, -cop.fz_n * cop.cop_x_mm, 0.0)
    return out


def _corners_mm(rec: Recording) -> np.ndarray:
    dev = rec.device
    if dev.surface_size_mm is not None:
        half_w, half_d = dev.surface_size_mm[0] / 2.0, dev.surface_size_mm[1] / 2.0
    elif dev.sensor_positions_mm is not None:
        pos = dev.sensor_positions()
        half_w, half_d = float(np.abs(pos[:, 0]).max()), float(np.abs(pos[:, 1]).max())
    else:
        raise ValueError(f"{rec.path}: the device declares neither its surface size nor sensor positions")
    return np.array([[half_w, half_d, 0.0], [-half_w, half_d, 0.0], [-half_w, -half_d, 0.0], [half_w, -half_d, 0.0]]).T


def _set_int(c3d: object, name: str, values: np.ndarray) -> None:
    param = c3d["parameters"]["FORCE_PLATFORM"][name]  # type: ignore[index]
    param["type"] = 2
    param["value"] = np.asarray(values, dtype=int)


def export_c3d(
    rec: Recording, out: str | os.PathLike[str], *, rate_hz: float | None = None, keep_identifiers: bool = False
) -> Path:
    """Write ``rec`` as a C3D file (never overwritten); returns the path.

    Parameters
    ----------
    rec : Recording
    out : path
    rate_hz : float, optional
        Sampling rate of the C3D when the recording must be resampled, Hz (default: nominal, rounded).
    keep_identifiers : bool
        Also store the device serial number.
    """
    try:
        import ezc3d
    except ImportError as exc:  # pragma: no cover - the [c3d] extra is in [dev]
        raise ImportError("C3D export needs ezc3d: pip install 'balance-station[c3d]'") from exc
    path = Path(out)
    if path.exists():
        raise FileExistsError(f"{path} exists; exports never overwrite a file")
    if rec.n_samples < 2:
        raise ValueError(f"{rec.path} has {rec.n_samples} samples; C3D needs at least 2")
    resampled = not is_uniform(rec)
    if resampled:
        fs = float(rate_hz) if rate_hz is not None else float(max(round(rec.device.nominal_rate_hz), 1))
        if not (math.isfinite(fs) and fs > 0):
            raise ValueError(f"rate_hz must be a positive number, got {rate_hz}")
        grid = swarii(rec.t_s, rec.forces_n.astype(np.float64), fs_hz=fs, window_s=2.0 / fs)
        forces = np.asarray(grid.values, dtype=np.float64)
    else:
        fs = float(rec.device.nominal_rate_hz)
        forces = rec.forces_n.astype(np.float64)
    platform = platform_signals(rec, forces)
    own = [] if rec.device.layout == ChannelLayout.SIX_COMPONENT else list(rec.device.channel_names)
    data = np.vstack([platform.T, forces.T] if own else [platform.T])
    labels = list(PLATFORM_CHANNELS) + own
    units = list(PLATFORM_UNITS) + ([u for u in rec.device.channel_units] if own else [])
    n = data.shape[1]

    c = ezc3d.c3d()
    c["parameters"]["POINT"]["RATE"]["value"] = [fs]
    c["parameters"]["POINT"]["UNITS"]["value"] = ["mm"]
    c["parameters"]["ANALOG"]["RATE"]["value"] = [fs]
    c["parameters"]["ANALOG"]["LABELS"]["value"] = labels
    c["parameters"]["ANALOG"]["UNITS"]["value"] = units
    c["data"]["points"] = np.zeros((4, 0, n))
    c["data"]["analogs"] = data[None, :, :]
    c.add_parameter("FORCE_PLATFORM", "USED", [1])
    c.add_parameter("FORCE_PLATFORM", "TYPE", [2])
    c.add_parameter("FORCE_PLATFORM", "ZERO", [1, 0])
    c.add_parameter("FORCE_PLATFORM", "CORNERS", _corners_mm(rec)[:, :, None])
    origin = np.array([0.0, 0.0, float(rec.device.origin_offset_mm[2])])  # x, y moved into the moments
    c.add_parameter("FORCE_PLATFORM", "ORIGIN", origin[:, None])
    c.add_parameter("FORCE_PLATFORM", "CHANNEL", np.arange(1.0, 7.0)[:, None])
    for name, values in (("USED", [1]), ("TYPE", [2]), ("ZERO", [1, 0]), ("CHANNEL", np.arange(1, 7)[:, None])):
        _set_int(c, name, np.asarray(values))
    c.add_parameter("SUBJECTS", "NAMES", [rec.subject.id])
    c.add_parameter("MANUFACTURER", "COMPANY", ["balance-station"])
    c.add_parameter("MANUFACTURER", "SOFTWARE", [f"balance-station {rec.software_version}".strip()])
    c.add_parameter("MANUFACTURER", "DEVICE", [rec.device.model])
    c.add_parameter("MANUFACTURER", "RESAMPLED", [f"SWARII to {fs:g} Hz" if resampled else "no"])
    if keep_identifiers:
        c.add_parameter("MANUFACTURER", "SERIAL", [rec.device.serial])
    c.write(str(path))
    return path
