"""Record one trial from a device into an HDF5 file: the step every assessment protocol shares.

The device is opened and closed here (:class:`~station.engine.session.Session` owns how a trial ends). A
device fault ends the trial early: the file is kept, marked ``interrupted``, and the fault is raised after
the file is closed. A failing writer (disk full) is raised as it is, the file marked ``interrupted`` too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from typing import Any, TypeVar

from drivers.device import Device
from recordings.metadata import Subject
from recordings.reader import Recording, open_recording
from station.engine.acquisition import AcquisitionStats
from station.engine.session import Session
from station.engine.subscriber import BlockSubscriber

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
    subscribers: Sequence[BlockSubscriber] = (),
) -> tuple[Recording, AcquisitionStats]:
    """Record ``seconds`` of device time with every setting (name -> (value, unit)), then read the file back.

    A :class:`~station.engine.session.Session` with no display: the device's own ``recording_settings()``
    (tare, calibration, orientation, ...) are stored too; ``subscribers`` (a live count, say) get every block
    with its live measures.
    """
    if not seconds > 0:
        raise ValueError(f"the trial duration must be > 0 s, got {seconds}")
    if subject.affected_side is None:
        raise ValueError("say which side is affected (left or right)")
    session = Session(device, out_path, subject, protocol=protocol, settings=settings, condition=condition,
                      duration_s=seconds, subscribers=subscribers, live=bool(subscribers), ring_seconds=None)
    result = session.run(progress)
    return open_recording(out_path), result.stats
