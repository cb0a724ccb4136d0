"""Recordings: the versioned HDF5 format (schema, writer, reader).

>>> import recordings
>>> rec = recordings.open("trial.h5")     # doctest: +SKIP
>>> rec.forces_n.shape, rec.device.channel_names   # doctest: +SKIP
"""

from recordings.errors import NotARecordingError, RecordingError, TruncatedRecordingError, UnsupportedSchemaError
from recordings.metadata import Subject
from recordings.reader import Recording, open_recording
from recordings.schema import FORMAT_NAME, SCHEMA_VERSION, RecordingStatus
from recordings.writer import RecordingWriter

open = open_recording

__all__ = [
    "FORMAT_NAME",
    "SCHEMA_VERSION",
    "NotARecordingError",
    "Recording",
    "RecordingError",
    "RecordingStatus",
    "RecordingWriter",
    "Subject",
    "TruncatedRecordingError",
    "UnsupportedSchemaError",
    "open",
    "open_recording",
]
