"""Sway of a recording through a named preset (:mod:`analysis.presets`), whatever made the recording.

Load cells (boards, plate pairs, the virtual cells of a two-plate import) give the COP by
:func:`analysis.cop.cop_from_cells`; six-component plates (OFP-1, single-plate imports) by
:func:`analysis.cop.cop_from_six_component` with the plate's origin offset. The trial must be loaded
throughout: a sample below the threshold means the subject stepped off, and the error says when.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis.cop import DEFAULT_MIN_FZ_N, CopResult, cop_from_cells, cop_from_six_component
from analysis.presets import PresetResult, preset_report, run_preset
from drivers.model import ChannelLayout
from recordings.reader import Recording

__all__ = ["analyze_preset_recording", "preset_recording_report", "recording_cop"]


def recording_cop(rec: Recording, *, min_fz_n: float = DEFAULT_MIN_FZ_N) -> CopResult:
    """Fz (N) and COP (mm) of every sample of a recording; an error if the subject was ever off the device."""
    if rec.device.frame_shape is not None:
        raise ValueError(f"{rec.path}: sway presets take force plates and boards, not pressure-mat frames")
    if rec.n_samples < 2:
        raise ValueError(f"{rec.path} holds {rec.n_samples} samples: nothing to analyse")
    forces = np.asarray(rec.forces_n, dtype=np.float64)
    if rec.device.layout == ChannelLayout.SIX_COMPONENT:
        cop = cop_from_six_component(forces, rec.device.origin_offset_mm, min_fz_n=min_fz_n)
    else:
        cop = cop_from_cells(forces, rec.device.sensor_positions(), min_fz_n=min_fz_n)
    if not cop.loaded.all():
        off = np.flatnonzero(~cop.loaded)
        t = rec.t_s
        raise ValueError(
            f"{rec.path}: the subject was off the device: {off.size} samples below {min_fz_n:g} N between "
            f"{t[off[0]] - t[0]:.2f} s and {t[off[-1]] - t[0]:.2f} s"
        )
    return cop


def analyze_preset_recording(rec: Recording, preset: str) -> PresetResult:
    """Sway measures of a recording through the named preset."""
    cop = recording_cop(rec)
    return run_preset(rec.t_s, cop.cop_x_mm, cop.cop_y_mm, preset)


def preset_recording_report(rec: Recording, preset: str) -> dict[str, Any]:
    """JSON-ready report: the recording's identity, the preset with every setting, and the measures."""
    result = analyze_preset_recording(rec, preset)
    return {
        "file": str(rec.path),
        "protocol": rec.protocol,
        "subject_id": rec.subject.id,
        "session": rec.session,
        "trial": rec.trial,
        "condition": rec.condition,
        "device": {"driver": rec.device.driver, "model": rec.device.model, "layout": str(rec.device.layout)},
        "recording_status": rec.status,
        "created_utc": rec.created_utc,
        **preset_report(result),
    }
