"""Record one trial from a device into an HDF5 file: the step every assessment protocol shares.

The device is opened and closed here. A device fault ends the trial early: the file is kept, marked
``interrupted``, and the fault is raised after the file is closed. A failing writer (disk full) is raised
as it is, the file marked ``interrupted`` too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any, TypeVar

from drivers.device import Device
from recordings.metadata import Subject
from recordings.reader import Recording, open_recording
from recordings.schema import RecordingStatus
from recordings.writer import RecordingWriter
from station.engine.acquisition import Acquisition, AcquisitionStats

__all__ = ["ANALYSIS_PREFIX", "analysis_settings_from_recording", "analysis_settings_to_store", "record_trial"]

#: Analysis settings are stored in a recording's settings under this prefix ("analysis.lowpass_hz").
ANALYSIS_PREFIX = "analysis."

_Settings = TypeVar("_Settings")


def analysis_settings_to_store(with_units: Mapping[str, tuple[Any, str]]) -> dict[str, tuple[Any, str]]:
    """Analysis settings (name -> (value, unit)) as recording settings: prefixed, None stored as ""."""
    return {ANALYSIS_PREFIX + k: ("" if v is None else v, u) for k, (v, u) in with_units.items()}


def analysis_settings_from_recording(rec: Recording, settings_class: type[_Settings]) -> _Settings:
    """Rebuild a settings dataclass from the analysis settings stored in ``rec`` ("" read back as None)."""
    names = {f.name for f in fields(settings_class)}  # type: ignore[arg-type]
    stored: dict[str, Any] = {}
    for key, value in rec.settings.items():
        name = key[len(ANALYSIS_PREFIX) :]
        if key.startswith(ANALYSIS_PREFIX) and name in names:
            stored[name] = None if value == "" else value
    return settings_class(**stored)


def record_trial(
    device: Device,
    out_path: str | os.PathLike[str],
    subject: Subject,
    *,
    protocol: str,
    seconds: float,
    settings: Mapping[str, tuple[Any, str]],
    condition: str = "",
    progress: Callable[[AcquisitionStats], None] | None = None,
) -> tuple[Recording, AcquisitionStats]:
    """Record ``seconds`` of device time with every setting (name -> (value, unit)), then read the file back.

    The device's own ``recording_settings()`` (tare, calibration, orientation, ...) are stored too.
    """
    if not seconds > 0:
        raise ValueError(f"the trial duration must be > 0 s, got {seconds}")
    if subject.affected_side is None:
        raise ValueError("say which side is affected (left or right)")
    recorded: dict[str, tuple[Any, str]] = {"duration_s": (float(seconds), "s")}
    recorded.update(settings)
    with device:
        recorded.update(device.recording_settings())  # known once the device is open (tare, calibration)
        writer = RecordingWriter(out_path, device.info, subject, recorded, protocol=protocol, condition=condition)
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
    return open_recording(out_path), stats
