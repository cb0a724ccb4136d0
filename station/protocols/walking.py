"""Walking and stepping-in-place trials: record the load under each foot to HDF5, then analyse the file.

The device must give each foot its own load: two plates, two boards, a split-belt treadmill, or (stepping
in place) one board's left and right cell pairs, whose load cells lie left (x < 0) and right (x > 0) of
the midline. A regular clock is analysed at its own samples; an irregular one (the Wii board) is first
resampled with SWARII onto a uniform grid (:mod:`analysis.gait_resampled`, :data:`RESAMPLE_HZ`). The
analysis runs on what was written to the file, so ``station analyze FILE`` gives the same numbers as the
trial that made it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from analysis.gait import GaitResult, analyze_gait
from analysis.gait_resampled import analyze_gait_resampled
from analysis.resample import regular_rate_hz
from analysis.stance import StanceSettings
from analysis.weight_bearing import limb_loads_from_cell_pairs
from drivers.device import Device
from drivers.model import ChannelLayout
from physical import STANDARD_GRAVITY_M_S2
from recordings.metadata import Subject
from recordings.reader import Recording
from station.engine.acquisition import AcquisitionStats
from station.protocols.trial import analysis_settings_from_recording, analysis_settings_to_store, record_trial

__all__ = ["PROTOCOLS", "WalkingAnalysis", "WalkingOutcome", "analyze_walking_recording", "run_walking"]

PROTOCOLS = ("walking", "stepping")
RESAMPLE_HZ = 100.0
"""Lowest grid rate for a device with an irregular clock, Hz: the Wii board's ~100 Hz goes onto 100 Hz; a
faster device with an irregular clock (two merged 1 kHz plate clocks) onto its nominal rate, rounded."""
RESAMPLE_WINDOW_INTERVALS = 2.0
"""SWARII window in grid intervals (0.02 s at 100 Hz; the authors' 0.08 s at 25 Hz, scaled)."""
_SETTING_UNITS = {
    "on_threshold_n": "N",
    "off_threshold_n": "N",
    "on_threshold_pct_bw": "%BW",
    "off_threshold_pct_bw": "%BW",
    "min_stance_s": "s",
    "max_stance_s": "s",
    "min_peak_pct_bw": "%BW",
    "lowpass_hz": "Hz",
}


@dataclass(frozen=True)
class WalkingAnalysis:
    """A walking/stepping analysis and where its body weight came from.

    ``body_weight_source`` is ``"subject_mass"`` (m·g of the entered mass) or ``"mean_total_force"`` (the
    mean of left + right over the trial, which equals the body weight over whole gait cycles).
    """

    result: GaitResult
    body_weight_source: str
    fs_hz: float
    duration_s: float
    n_samples: int


@dataclass(frozen=True)
class WalkingOutcome:
    """What a walking trial produced."""

    path: Path
    recording: Recording
    analysis: WalkingAnalysis
    stats: AcquisitionStats


def analyze_walking_recording(rec: Recording, settings: StanceSettings | None = None) -> WalkingAnalysis:
    """Analyse a walking or stepping recording with the settings stored in it (or the ones given)."""
    if rec.protocol not in PROTOCOLS:
        raise ValueError(f"{rec.path} is a {rec.protocol!r} recording, not a walking or stepping trial")
    if rec.device.layout != ChannelLayout.LOAD_CELLS:
        raise ValueError(f"{rec.path}: walking analysis from a {rec.device.layout} device is not supported yet")
    side = rec.subject.affected_side
    if side is None:
        raise ValueError(f"{rec.path} does not say which side is affected; symmetry needs it")
    if rec.n_samples < 2:
        raise ValueError(f"{rec.path} holds {rec.n_samples} samples: nothing to analyse")
    loads = limb_loads_from_cell_pairs(rec.forces_n, rec.device.sensor_positions())
    if rec.subject.mass_kg is not None:
        body_weight, source = rec.subject.mass_kg * STANDARD_GRAVITY_M_S2, "subject_mass"
    else:
        body_weight, source = float(np.mean(loads.left_n + loads.right_n)), "mean_total_force"
        if not body_weight > 0:
            raise ValueError(f"{rec.path}: nobody on the device (mean total load {body_weight:.1f} N)")
    settings = settings or analysis_settings_from_recording(rec, StanceSettings)
    dt = np.diff(rec.t_s)
    fs = regular_rate_hz(rec.t_s)
    if fs is not None:  # a regular clock: its own samples
        result = analyze_gait(
            loads.left_n,
            loads.right_n,
            fs_hz=fs,
            body_weight_n=body_weight,
            affected_side=side,  # type: ignore[arg-type]
            settings=settings,
            t0_s=float(rec.t_s[0]),
        )
    else:  # an irregular clock (the Wii board): SWARII onto a uniform grid first
        grid_hz = max(RESAMPLE_HZ, float(round(rec.device.nominal_rate_hz)))
        try:
            result = analyze_gait_resampled(
                rec.t_s,
                loads.left_n,
                loads.right_n,
                body_weight_n=body_weight,
                affected_side=side,  # type: ignore[arg-type]
                settings=settings,
                fs_hz=grid_hz,
                window_s=RESAMPLE_WINDOW_INTERVALS / grid_hz,
            )
        except ValueError as exc:
            raise ValueError(
                f"{rec.path}: irregular sample times (intervals {dt.min() * 1e3:.3f}-{dt.max() * 1e3:.3f} ms, "
                f"{rec.lost_samples} samples lost), resampled with SWARII: {exc}"
            ) from exc
        fs = result.fs_hz
    return WalkingAnalysis(result, source, fs, float(rec.t_s[-1] - rec.t_s[0]), rec.n_samples)


def run_walking(
    device: Device,
    out_path: str | os.PathLike[str],
    subject: Subject,
    *,
    seconds: float = 60.0,
    protocol: str = "walking",
    settings: StanceSettings | None = None,
    condition: str = "self-selected speed",
    progress: Callable[[AcquisitionStats], None] | None = None,
) -> WalkingOutcome:
    """Record ``seconds`` of walking or stepping from ``device`` into ``out_path`` and analyse it.

    A device fault ends the trial early: the file is kept, marked ``interrupted``, and the fault is
    raised after the file is closed.
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")
    settings = settings or StanceSettings()
    stored = analysis_settings_to_store({k: (v, _SETTING_UNITS[k]) for k, v in asdict(settings).items()})
    recording, stats = record_trial(
        device,
        out_path,
        subject,
        protocol=protocol,
        seconds=seconds,
        settings=stored,
        condition=condition,
        progress=progress,
    )
    try:
        analysis = analyze_walking_recording(recording)
    except ValueError as exc:
        raise ValueError(f"{exc} (the recording is kept in {out_path})") from exc
    return WalkingOutcome(Path(out_path), recording, analysis, stats)
