"""The quiet-standing assessment: record a trial to HDF5, then analyse the file.

The analysis always runs on what was written to the file, so ``station analyze FILE`` gives the same
numbers as the assessment that made it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from analysis.standing import StandingResult, StandingSettings, analyze_standing
from drivers.device import Device
from drivers.model import ChannelLayout
from recordings.metadata import Subject
from recordings.reader import Recording, open_recording
from recordings.schema import RecordingStatus
from recordings.writer import RecordingWriter
from station.engine.acquisition import Acquisition, AcquisitionStats

__all__ = ["PROTOCOL", "StandingOutcome", "analyze_standing_recording", "run_standing"]

PROTOCOL = "standing"
_ANALYSIS_PREFIX = "analysis."


@dataclass(frozen=True)
class StandingOutcome:
    """What a standing assessment produced."""

    path: Path
    recording: Recording
    result: StandingResult
    stats: AcquisitionStats


def _settings_from_recording(rec: Recording) -> StandingSettings:
    names = {f.name for f in fields(StandingSettings)}
    stored: dict[str, Any] = {}
    for key, value in rec.settings.items():
        if key.startswith(_ANALYSIS_PREFIX) and key[len(_ANALYSIS_PREFIX) :] in names:
            name = key[len(_ANALYSIS_PREFIX) :]
            stored[name] = None if value == "" else value
    return StandingSettings(**stored)


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
        settings or _settings_from_recording(rec),
    )


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
    if not seconds > 0:
        raise ValueError(f"the trial duration must be > 0 s, got {seconds}")
    if subject.affected_side is None:
        raise ValueError("say which side is affected (left or right)")
    settings = settings or StandingSettings()
    recorded: dict[str, tuple[Any, str]] = {"duration_s": (float(seconds), "s")}
    recorded.update({_ANALYSIS_PREFIX + k: ("" if v is None else v, u) for k, (v, u) in settings.with_units().items()})
    with device:
        # Device settings known only once it is open (e.g. a Wii board's tare and calibration).
        recorded.update(getattr(device, "recording_settings", dict)())
        writer = RecordingWriter(out_path, device.info, subject, recorded, protocol=PROTOCOL, condition=condition)
        acquisition = Acquisition(device, writer.append, duration_s=seconds)
        status = RecordingStatus.INTERRUPTED
        try:
            stats = acquisition.run(progress)
            if acquisition.sink_fault is not None:
                raise acquisition.sink_fault
            if acquisition.device_fault is None:
                status = RecordingStatus.COMPLETE
        finally:
            writer.close(status)
    if acquisition.device_fault is not None:
        raise acquisition.device_fault
    recording = open_recording(out_path)
    try:
        result = analyze_standing_recording(recording)
    except ValueError as exc:
        raise ValueError(f"{exc} (the recording is kept in {out_path})") from exc
    return StandingOutcome(Path(out_path), recording, result, stats)
