"""Errors for files that cannot be read as recordings. Each message says what to do."""

from __future__ import annotations

__all__ = ["NotARecordingError", "RecordingError", "TruncatedRecordingError", "UnsupportedSchemaError"]


class RecordingError(ValueError):
    """Base class: the file exists but is not a usable balance-station recording."""


class NotARecordingError(RecordingError):
    """Not an HDF5 file, or an HDF5 file that was not written by balance-station."""


class UnsupportedSchemaError(RecordingError):
    """Written with a schema version this software does not know (usually a newer one)."""


class TruncatedRecordingError(RecordingError):
    """The file is damaged: datasets missing or of unequal length."""
