"""Register a recording in the store: hash the file, analyse it, store the result with its settings.

The stored result is the JSON report of the protocol (its row in :mod:`station.protocols.table`), so the
clinical report later prints exactly those numbers and never recomputes them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from recordings.reader import Recording, open_recording
from station.store.store import Store, StoreError, Trial

__all__ = ["analysis_result", "file_sha256", "register_recording"]


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, lower-case hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def analysis_result(recording: Recording) -> dict[str, Any]:
    """The protocol's JSON report of a recording (:mod:`station.protocols.table`), analysed with its settings."""
    from station.protocols.table import protocol_spec  # the analysers and reports: only when one is needed

    try:
        spec = protocol_spec(recording.protocol)
    except ValueError as exc:
        raise StoreError(f"{recording.path}: {exc}") from None
    if spec.analyse is None:
        raise StoreError(f"{recording.path}: no clinical report for protocol {recording.protocol!r}: its result is "
                         "stored by the session that recorded it")
    return spec.analysed_report(recording)


def register_recording(
    store: Store,
    patient_id: str,
    path: str | os.PathLike[str],
    *,
    session_id: int | None = None,
    place: str = "clinic",
    clinician: str = "",
    result: dict[str, Any] | None = None,
) -> Trial:
    """Add a recording to a patient's session (today's session at ``place`` unless ``session_id``).

    ``result`` is the analysis already made (an assessment that just ran); otherwise the file is analysed
    here with the settings stored in it. The recording's subject id must be the patient's id.
    """
    patient = store.patient(patient_id)
    path = Path(path).resolve()
    sha = file_sha256(path)
    known = store.trial_by_sha256(sha)
    if known is not None:
        raise StoreError(f"{path} is already registered as trial {known.id} of session {known.session_id}")
    recording = open_recording(path)
    if recording.subject.id != patient.id:
        raise StoreError(f"{path} was recorded for subject {recording.subject.id!r}, not patient {patient.id}")
    if result is None:
        result = analysis_result(recording)
    if session_id is None:
        date = (recording.created_utc or "")[:10]
        session_id = store.session_for(patient.id, date, place=place, clinician=clinician).id
    elif store.session(session_id).patient_id != patient.id:
        raise StoreError(f"session {session_id} belongs to another patient, not {patient.id}")
    return store.add_trial(
        session_id,
        protocol=recording.protocol,
        condition=recording.condition,
        path=path,
        sha256=sha,
        recorded_utc=recording.created_utc,
        result=result,
        settings=dict(result.get("settings", {})),
    )
