"""The COP trace a standing page draws: the same processing the analysis used (SWARII, zero-lag low-pass).

Only the drawing uses it; every number on the page comes from the stored analysis result.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from analysis.cop import cop_from_cells
from analysis.filters import butterworth_lowpass_zero_lag
from analysis.resample import swarii
from analysis.standing import StandingSettings

__all__ = ["CopTrace", "cop_trace"]


@dataclass(frozen=True)
class CopTrace:
    """Resampled, filtered COP about its mean, mm; time from the first sample, s."""

    t_s: np.ndarray
    ml_mm: np.ndarray
    ap_mm: np.ndarray


def cop_trace(path: str | Path, settings: dict[str, Any], sha256: str | None = None) -> CopTrace | None:
    """The trace of a standing recording, or None when the file is gone or is not the registered one."""
    from recordings.reader import open_recording
    from station.store.register import file_sha256

    if not Path(path).exists() or (sha256 is not None and file_sha256(path) != sha256):
        return None
    rec = open_recording(path)
    names = {f.name for f in fields(StandingSettings)}
    s = StandingSettings(**{k: v for k, v in settings.items() if k in names})
    cop = cop_from_cells(rec.forces_n, rec.device.sensor_positions(), min_fz_n=s.min_fz_n)
    res = swarii(rec.t_s, np.column_stack([cop.cop_x_mm, cop.cop_y_mm]), fs_hz=s.resample_hz,
                 window_s=s.swarii_window_s)
    xy = res.values
    if s.lowpass_hz is not None:
        xy = butterworth_lowpass_zero_lag(xy, fs_hz=s.resample_hz, cutoff_hz=s.lowpass_hz, order=s.lowpass_order)
    xy = xy - xy.mean(axis=0)
    t = np.arange(xy.shape[0]) / s.resample_hz
    return CopTrace(t, xy[:, 0], xy[:, 1])
