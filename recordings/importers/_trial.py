"""An imported trial in the station's frame and units, and how it becomes an ordinary recording.

Frame (DESIGN.md §2): x medio-lateral, + to the subject's right; y antero-posterior, + forward; z up;
forces in N, COP in mm, time in s.

* One plate becomes a six-component device (``ChannelLayout.SIX_COMPONENT``): Fx, Fy, Fz in N and Mx, My,
  Mz in N·m **about a point R on the top surface at the trial's median COP** (``origin_offset_mm =
  (x̃, ỹ, 0)``, float64), so that ``COPx = x̃ − My/Fz`` and ``COPy = ỹ + Mx/Fz``
  (:func:`analysis.cop.cop_from_six_component`) give back the imported COP. The moments are derived from
  the source's COP and Fz: the source's own moments are about its transducer origin, whose offset the text
  formats do not state. Why R and not the surface centre: a recording stores forces as float32 (7 digits);
  a moment about the centre carries the whole COP position (80 mm on an HBEDB trial) and Fz's rounding
  scales every COP alike, so the published area and velocity of a real trial came back only to 4.9e-8 and
  6.5e-8 (a bias); about R with Fz as stored the moments carry only the sway and the rounding is independent
  per sample: -0.3e-9 and -3.6e-9, ~1e-9 to 9e-9 for other loads (tests/recordings/importers/test_public_hbedb.py).
  :func:`recordings.export_c3d.platform_signals` translates the moments back to the surface centre.
* Two plates (one under each foot) become a load-cell device of six *virtual cells*, three per plate at
  fixed positions on that plate's side of the midline, whose forces are chosen so that their sum is the
  plate's Fz and their centre of pressure is the plate's COP (exactly, cells may carry negative forces).
  The standing analysis then gets per-limb loads (cells left and right of x = 0) and the net COP, which is
  the Fz-weighted mean of the two plates' COPs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from drivers.model import (
    SIX_COMPONENT_CHANNELS,
    SIX_COMPONENT_UNITS,
    ChannelLayout,
    ClockSource,
    DeviceInfo,
    SampleBlock,
)
from recordings.metadata import Subject
from recordings.schema import RecordingStatus
from recordings.writer import RecordingWriter

__all__ = ["VIRTUAL_CELL_SPACING_MM", "ImportedTrial", "PlateSeries", "moment_reference_mm", "write_recording"]

#: Largest spacing of the virtual cells on a plate, mm (shrunk to stay on the plate's side of the midline).
VIRTUAL_CELL_SPACING_MM = 100.0


@dataclass(frozen=True)
class PlateSeries:
    """One plate's ground reaction force and COP in the station frame.

    Attributes
    ----------
    fz_n : ndarray (n,)
        Vertical force, N (> 0 when loaded).
    cop_x_mm, cop_y_mm : ndarray (n,)
        COP, mm.
    fx_n, fy_n : ndarray (n,)
        Shear forces, N (zeros when the source has none).
    mz_nm : ndarray (n,)
        Free moment about the vertical at the COP (Tz), N·m (zeros when the source has none). The stored
        six-component Mz about the surface centre adds x·Fy − y·Fx to it.
    """

    fz_n: np.ndarray
    cop_x_mm: np.ndarray
    cop_y_mm: np.ndarray
    fx_n: np.ndarray
    fy_n: np.ndarray
    mz_nm: np.ndarray


@dataclass(frozen=True)
class ImportedTrial:
    """A trial read from another lab's file.

    Attributes
    ----------
    t_s : ndarray (n,)
        Sample times, s.
    plates : tuple of PlateSeries
        One plate, or two: (left, right).
    source_format : str
        ``hbedb``, ``pds``, ``csv`` or ``c3d``.
    source_file : str
        The file's name.
    axis_mapping : str
        How the source's axes and units became the station's, in words.
    extra_settings : dict
        More name -> (value, unit) settings to store (e.g. the C3D platform type).
    surface_size_mm : (width, depth) or None
        The plate's surface, mm, when the source states it (C3D corners).
    """

    t_s: np.ndarray
    plates: tuple[PlateSeries, ...]
    source_format: str
    source_file: str
    axis_mapping: str
    extra_settings: dict[str, tuple[object, str]] = field(default_factory=dict)
    surface_size_mm: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        n = self.t_s.shape[0]
        if n < 2:
            raise ValueError(f"{self.source_file}: {n} samples, nothing to import")
        if np.any(np.diff(self.t_s) <= 0):
            i = int(np.flatnonzero(np.diff(self.t_s) <= 0)[0])
            raise ValueError(f"{self.source_file}: time does not increase at sample {i + 1} ({self.t_s[i + 1]} s)")
        if len(self.plates) not in (1, 2):
            raise ValueError(f"one or two plates, got {len(self.plates)}")

    @property
    def rate_hz(self) -> float:
        """Mean sampling rate, Hz."""
        return float((self.t_s.shape[0] - 1) / (self.t_s[-1] - self.t_s[0]))


def moment_reference_mm(plate: PlateSeries) -> tuple[float, float, float]:
    """The point R = (x̃, ỹ, 0) the stored moments are about: the trial's median COP on the surface, mm (the
    median, not the mean, so that a few samples at a tiny Fz with a far-off COP do not move R away from
    where the subject stands)."""
    return (float(np.median(plate.cop_x_mm)), float(np.median(plate.cop_y_mm)), 0.0)


def _six_component(plate: PlateSeries, reference_mm: tuple[float, float, float]) -> np.ndarray:
    """Fx Fy Fz (N), Mx My Mz (N·m) about R = ``reference_mm`` (on the surface) of a force F at the COP
    (x, y, 0) plus the free moment Tz: with d = COP − R, M = (dy·Fz, −dx·Fz, dx·Fy − dy·Fx + Tz).

    Fz enters the moments as the float32 value the recording will store, so that M / Fz read back is d with
    independent per-sample rounding, not d scaled by Fz's rounding (a constant factor up to 6e-8 on a
    steady load, which would bias the ellipse area by twice that)."""
    fz = plate.fz_n.astype(np.float32).astype(np.float64)
    dx_m = (plate.cop_x_mm - reference_mm[0]) / 1000.0
    dy_m = (plate.cop_y_mm - reference_mm[1]) / 1000.0
    return np.column_stack([plate.fx_n, plate.fy_n, fz, fz * dy_m, -fz * dx_m,
                            plate.mz_nm + dx_m * plate.fy_n - dy_m * plate.fx_n])


def _virtual_cells(plates: tuple[PlateSeries, ...]) -> tuple[np.ndarray, tuple[tuple[float, float], ...]]:
    forces, positions = [], []
    for name, plate, sign in (("left", plates[0], -1.0), ("right", plates[1], 1.0)):
        cx = float(np.mean(plate.cop_x_mm))
        if sign * cx <= 0:
            raise ValueError(f"the {name} plate's mean COP is at x = {cx:.1f} mm, on the wrong side of the midline")
        spacing = min(VIRTUAL_CELL_SPACING_MM, abs(cx) / 2.0)
        # cells at (cx, 0), (cx + sign·s, 0), (cx, s): F2·sign·s = Fz (copx − cx), F3·s = Fz·copy, F1 = rest
        f2 = plate.fz_n * (plate.cop_x_mm - cx) / (sign * spacing)
        f3 = plate.fz_n * plate.cop_y_mm / spacing
        forces += [plate.fz_n - f2 - f3, f2, f3]
        positions += [(cx, 0.0), (cx + sign * spacing, 0.0), (cx, spacing)]
    return np.column_stack(forces), tuple(positions)


def write_recording(
    trial: ImportedTrial,
    out: str | os.PathLike[str],
    subject: Subject,
    *,
    condition: str = "",
    session: str = "",
    trial_label: str = "",
) -> Path:
    """Write an imported trial as an ordinary standing recording (never overwrites ``out``)."""
    if len(trial.plates) == 1:
        reference = moment_reference_mm(trial.plates[0])
        forces = _six_component(trial.plates[0], reference)
        info = DeviceInfo(
            driver=f"import-{trial.source_format}", model=f"{trial.source_format} import (one six-component plate)",
            serial="", nominal_rate_hz=trial.rate_hz, channel_names=SIX_COMPONENT_CHANNELS,
            channel_units=SIX_COMPONENT_UNITS, layout=ChannelLayout.SIX_COMPONENT, origin_offset_mm=reference,
            clock=ClockSource.DEVICE, surface_size_mm=trial.surface_size_mm,
        )
    else:
        forces, positions = _virtual_cells(trial.plates)
        info = DeviceInfo(
            driver=f"import-{trial.source_format}", model=f"{trial.source_format} import (two plates, virtual cells)",
            serial="", nominal_rate_hz=trial.rate_hz,
            channel_names=tuple(f"{side} plate virtual cell {i}" for side in ("left", "right") for i in (1, 2, 3)),
            channel_units=("N",) * 6, layout=ChannelLayout.LOAD_CELLS, sensor_positions_mm=positions,
            clock=ClockSource.DEVICE,
        )
    settings: dict[str, tuple[object, str]] = {
        "import.format": (trial.source_format, ""),
        "import.source_file": (trial.source_file, ""),
        "import.axis_mapping": (trial.axis_mapping, ""),
        "duration_s": (float(trial.t_s[-1] - trial.t_s[0]), "s"),
        **trial.extra_settings,
    }
    n = trial.t_s.shape[0]
    block = SampleBlock(t_s=np.asarray(trial.t_s, dtype=np.float64), seq=np.arange(n, dtype=np.uint64),
                        forces_n=forces.astype(np.float32), host_rx_s=0.0)
    with RecordingWriter(out, info, subject, settings, protocol="standing", condition=condition, session=session,
                         trial=trial_label, fsync_interval_s=None) as writer:
        writer.append(block)
        writer.close(RecordingStatus.COMPLETE)
    return Path(out)
