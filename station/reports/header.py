"""The part of every assessment report that describes the recording: file, subject, device."""

from __future__ import annotations

from typing import Any

from recordings.reader import Recording

__all__ = ["ROBINSON_SI_FORMULA", "recording_header"]

ROBINSON_SI_FORMULA = "Robinson 1987: (affected - unaffected) / (0.5 (affected + unaffected)) x 100"


def recording_header(recording: Recording, protocol: str) -> dict[str, Any]:
    """JSON-ready description of the recording a report was computed from."""
    return {
        "protocol": protocol,
        "file": str(recording.path),
        "recording_status": recording.status,
        "created_utc": recording.created_utc,
        "subject_id": recording.subject.id,
        "subject_mass_kg": recording.subject.mass_kg,
        "condition": recording.condition,
        "device": {
            "driver": recording.device.driver,
            "model": recording.device.model,
            "serial": recording.device.serial,
            "simulated": recording.device.simulated,
        },
    }
