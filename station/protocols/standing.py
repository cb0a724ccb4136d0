"""The quiet-standing assessment: record a trial to HDF5, then analyse the file.

The analysis always runs on what was written to the file, so ``station analyze FILE`` gives the same
numbers as the assessment that made it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.pressure_feet import foot_loading
from analysis.standing import StandingResult, StandingSettings, analyze_standing
from analysis.weight_bearing import LimbLoads, weight_bearing
from drivers.device import Device
from drivers.model import ChannelLayout
from recordings.metadata import Subject
from recordings.reader import Recording
from station.engine.acquisition import AcquisitionStats
from station.protocols.trial import analysis_settings_from_recording, analysis_settings_to_store, record_trial

__all__ = ["MAT_CONTACT_FRACTION", "PROTOCOL", "StandingOutcome", "analyze_mat_feet", "analyze_standing_recording",
           "run_standing"]

PROTOCOL = "standing"


@dataclass(frozen=True)
class StandingOutcome:
    """What a standing assessment produced."""

    path: Path
    recording: Recording
    result: StandingResult
    stats: AcquisitionStats




def analyze_standing_recording(rec: Recording, settings: StandingSettings | None = None) -> StandingResult:
    """Analyse a standing recording with the settings stored in it (or the ones given)."""
    if rec.protocol and rec.protocol != PROTOCOL:
        raise ValueError(f"{rec.path} is a {rec.protocol!r} recording, not a standing assessment")
    if rec.device.layout != ChannelLayout.LOAD_CELLS:
        raise ValueError(f"{rec.path}: standing analysis from a {rec.device.layout} device is not supported yet")
    side = rec.subject.affected_side
    if side is None:
        raise ValueError(f"{rec.path} does not say which side is affected; weight bearing needs it")
    return analyze_standing(
        rec.t_s,
        rec.seq,
        rec.forces_n,
        rec.device.sensor_positions(),
        side,  # type: ignore[arg-type]
        settings or analysis_settings_from_recording(rec, StandingSettings),
    )


#: Mats: a cell is in contact at >= this fraction of the median peak cell force of the frames.
MAT_CONTACT_FRACTION = 0.02


def _mean_or_none(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else None


def analyze_mat_feet(rec: Recording) -> dict[str, Any] | None:
    """Per-foot loading of a pressure-mat recording (None for other devices).

    The recorded per-cell forces (N) are segmented into feet by :func:`analysis.pressure_feet.foot_loading`
    (8-connected contact regions, the two heaviest named by COP x, touching feet split at the valley of
    the medio-lateral contact profile). The contact threshold is ``MAT_CONTACT_FRACTION`` of the median
    over frames of the highest cell force. Loads are reported as the affected/unaffected limb with the
    Robinson SI, like the whole-body weight bearing, plus each foot's mean COP and contact area.
    """
    device = rec.device
    if device.frame_shape is None or device.cell_pitch_mm is None:
        return None
    side = rec.subject.affected_side
    if side is None:
        raise ValueError(f"{rec.path} does not say which side is affected; weight bearing needs it")
    rows, cols = device.frame_shape
    cells = np.asarray(rec.forces_n, dtype=np.float64).reshape(-1, rows, cols)
    if cells.shape[0] == 0:
        raise ValueError(f"{rec.path} holds no frames")
    peak = float(np.median(cells.max(axis=(1, 2))))
    if not peak > 0:
        raise ValueError(f"{rec.path}: the mat was empty in most frames (median peak cell force {peak} N)")
    threshold = MAT_CONTACT_FRACTION * peak
    feet = foot_loading(cells, device.cell_pitch_mm, threshold)
    wb = weight_bearing(LimbLoads(feet.left_force_n, feet.right_force_n, "mat_foot_segmentation"), side)  # type: ignore[arg-type]
    report: dict[str, Any] = {
        "method": "mat foot segmentation: 8-connected contact regions, two heaviest named by COP x, "
                  "touching feet split at the valley of the medio-lateral contact-width profile",
        "contact_threshold_n": threshold,
        "affected_load_n": wb.affected_load_n,
        "unaffected_load_n": wb.unaffected_load_n,
        "affected_load_pct_bw": wb.affected_load_pct_bw,
        "unaffected_load_pct_bw": wb.unaffected_load_pct_bw,
        "affected_load_sd_pct_bw": wb.affected_load_sd_pct_bw,
        "symmetry_index_pct": wb.symmetry_index_pct,
        "frames": int(cells.shape[0]),
        "frames_feet_touching": int(feet.merged.sum()),
        "frames_missing_a_foot": int(np.sum(~(feet.left_present & feet.right_present))),
    }
    for name in ("left", "right"):
        cop = getattr(feet, f"{name}_cop_mm")
        report[f"{name}_load_n"] = float(getattr(feet, f"{name}_force_n").mean())
        report[f"{name}_cop_x_mm"] = _mean_or_none(cop[:, 0])
        report[f"{name}_cop_y_mm"] = _mean_or_none(cop[:, 1])
        report[f"{name}_contact_area_mm2"] = float(getattr(feet, f"{name}_area_mm2").mean())
    return report


def run_standing(
    device: Device,
    out_path: str | os.PathLike[str],
    subject: Subject,
    *,
    seconds: float = 30.0,
    settings: StandingSettings | None = None,
    condition: str = "eyes open, firm surface",
    progress: Callable[[AcquisitionStats], None] | None = None,
) -> StandingOutcome:
    """Record ``seconds`` of quiet standing from ``device`` into ``out_path`` and analyse it.

    The device is opened and closed here. A device fault ends the trial early: the file is kept,
    marked ``interrupted``, and the fault is raised after the file is closed.
    """
    settings = settings or StandingSettings()
    recording, stats = record_trial(
        device,
        out_path,
        subject,
        protocol=PROTOCOL,
        seconds=seconds,
        settings=analysis_settings_to_store(settings.with_units()),
        condition=condition,
        progress=progress,
    )
    try:
        result = analyze_standing_recording(recording)
    except ValueError as exc:
        raise ValueError(f"{exc} (the recording is kept in {out_path})") from exc
    return StandingOutcome(Path(out_path), recording, result, stats)
