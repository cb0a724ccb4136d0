"""Write a trial to an HDF5 recording, block by block (layout in :mod:`recordings.schema`).

Every dataset and attribute is created when the file is opened; blocks are then appended and the file
is flushed after each one, so a recording cut short keeps what was flushed. The status attribute says
``recording`` until :meth:`RecordingWriter.close` sets ``complete`` (or ``interrupted``).

The writer is not thread-safe: the acquisition engine calls it from one writer thread only (h5py holds
one global lock; DESIGN.md §5).
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import h5py
import numpy as np

from drivers.model import DeviceEvent, DeviceInfo, SampleBlock
from recordings import schema
from recordings.metadata import Subject
from recordings.schema import RecordingStatus

__all__ = ["RecordingWriter", "software_version"]

_COMPRESSION = {"compression": "gzip", "compression_opts": 4, "shuffle": True}


def software_version() -> str:
    """Installed version of balance-station ("0+unknown" when running from a plain checkout)."""
    try:
        return metadata.version("balance-station")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def utc_now_iso() -> str:
    """Current UTC time as ISO-8601 with milliseconds, e.g. 2026-11-25T21:53:05.123Z."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _attr_value(value: Any) -> Any:
    if isinstance(value, str | bool | int | float | np.generic):
        return value
    if value is None:
        return ""
    return np.asarray(value)


class RecordingWriter:
    """Create a recording file and append sample blocks to it.

    Parameters
    ----------
    path : str or Path
        File to create. An existing file is never overwritten.
    device : DeviceInfo
    subject : Subject
    settings : mapping of name -> (value, unit)
        Every setting of the trial with its unit ("" for none), e.g. ``{"duration_s": (30.0, "s")}``.
    protocol, condition : str
        What was done (e.g. "standing") and how (e.g. "eyes open, firm surface").
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        device: DeviceInfo,
        subject: Subject,
        settings: Mapping[str, tuple[Any, str]] | None = None,
        *,
        protocol: str = "",
        condition: str = "",
    ) -> None:
        self.path = Path(path)
        if self.path.exists():
            raise FileExistsError(f"{self.path} exists; recordings are never overwritten")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.device = device
        self._n = 0
        self._n_blocks = 0
        self._n_events = 0
        self._file: h5py.File | None = h5py.File(self.path, "w-")
        try:
            self._create_layout(device, subject, settings or {}, protocol, condition)
            self._file.flush()
        except BaseException:
            self._file.close()
            self._file = None
            raise

    def _create_layout(
        self,
        device: DeviceInfo,
        subject: Subject,
        settings: Mapping[str, tuple[Any, str]],
        protocol: str,
        condition: str,
    ) -> None:
        f = self._file
        assert f is not None
        f.attrs["format"] = schema.FORMAT_NAME
        f.attrs["schema_version"] = schema.SCHEMA_VERSION
        f.attrs["software_version"] = software_version()
        f.attrs["created_utc"] = utc_now_iso()
        f.attrs["status"] = RecordingStatus.RECORDING.value
        f.attrs["protocol"] = protocol
        f.attrs["condition"] = condition

        dev = f.create_group(schema.DEVICE)
        for key in ("driver", "model", "serial", "firmware"):
            dev.attrs[key] = getattr(device, key)
        dev.attrs["nominal_rate_hz"] = float(device.nominal_rate_hz)
        dev.attrs["layout"] = device.layout.value
        dev.attrs["clock"] = device.clock.value
        dev.attrs["raw_counts"] = bool(device.raw_counts)
        dev.attrs["simulated"] = bool(device.simulated)
        dev.attrs["channel_names"] = list(device.channel_names)
        dev.attrs["channel_units"] = list(device.channel_units)
        dev.attrs["origin_offset_mm"] = np.asarray(device.origin_offset_mm, dtype=np.float64)
        if device.sensor_positions_mm is not None:
            dev.attrs["sensor_positions_mm"] = device.sensor_positions()
        if device.surface_size_mm is not None:
            dev.attrs["surface_size_mm"] = np.asarray(device.surface_size_mm, dtype=np.float64)
        if device.frame_shape is not None:
            dev.attrs["frame_shape"] = np.asarray(device.frame_shape, dtype=np.int64)
            dev.attrs["cell_pitch_mm"] = float(device.cell_pitch_mm)  # type: ignore[arg-type]

        subj = f.create_group(schema.SUBJECT)
        subj.attrs["id"] = subject.id
        for key in ("mass_kg", "height_m", "affected_side"):
            value = getattr(subject, key)
            if value is not None:
                subj.attrs[key] = value

        group = f.create_group(schema.SETTINGS)
        units = f.create_group(schema.UNITS)
        for name, (value, unit) in settings.items():
            group.attrs[name] = _attr_value(value)
            units.attrs[name] = unit

        k = device.n_channels
        chunk = max(math.ceil(device.nominal_rate_hz), 16)  # about one second per chunk
        f.create_group(schema.ACQUISITION)
        t = f.create_dataset(schema.TIME, (0,), "<f8", maxshape=(None,), chunks=(chunk,), **_COMPRESSION)
        t.attrs["units"] = "s"
        t.attrs["clock"] = device.clock.value
        f.create_dataset(schema.SEQ, (0,), "<u8", maxshape=(None,), chunks=(chunk,), **_COMPRESSION)
        forces = f.create_dataset(schema.FORCES, (0, k), "<f4", maxshape=(None, k), chunks=(chunk, k), **_COMPRESSION)
        forces.attrs["units"] = list(device.channel_units)
        forces.attrs["channel_names"] = list(device.channel_names)
        if device.raw_counts:
            raw = f.create_dataset(schema.RAW, (0, k), "<i4", maxshape=(None, k), chunks=(chunk, k), **_COMPRESSION)
            raw.attrs["units"] = "counts"
        if device.frame_shape is not None:
            rows, cols = device.frame_shape
            frames = f.create_dataset(schema.FRAMES, (0, rows, cols), "<u2", maxshape=(None, rows, cols),
                                      chunks=(chunk, rows, cols), **_COMPRESSION)
            frames.attrs["units"] = "counts"
            frames.attrs["cell_pitch_mm"] = float(device.cell_pitch_mm)  # type: ignore[arg-type]
        f.create_dataset(schema.BLOCK_FIRST_SAMPLE, (0,), "<u8", maxshape=(None,), chunks=(256,))
        rx = f.create_dataset(schema.BLOCK_HOST_RX, (0,), "<f8", maxshape=(None,), chunks=(256,))
        rx.attrs["units"] = "s"
        f.create_dataset(schema.EVENTS, (0,), schema.EVENT_DTYPE, maxshape=(None,), chunks=(64,))

    # -- appending ----------------------------------------------------------------------------------

    @property
    def n_samples(self) -> int:
        """Samples written so far."""
        return self._n

    def _require_open(self) -> h5py.File:
        if self._file is None:
            raise ValueError(f"recording {self.path} is closed")
        return self._file

    @staticmethod
    def _append(dataset: h5py.Dataset, start: int, values: np.ndarray) -> None:
        dataset.resize(start + values.shape[0], axis=0)
        dataset[start:] = values

    def append(self, block: SampleBlock) -> None:
        """Append a block of samples and its events, then flush."""
        f = self._require_open()
        if block.n_channels != self.device.n_channels:
            raise ValueError(f"block has {block.n_channels} channels, the device {self.device.n_channels}")
        if self.device.raw_counts and block.raw is None:
            raise ValueError("the device declares raw counts but the block carries none")
        if self.device.frame_shape is not None:
            if block.frames is None or block.frames.shape[1:] != self.device.frame_shape:
                raise ValueError(f"a mat block needs frames of shape (n, {self.device.frame_shape}), got "
                                 f"{None if block.frames is None else block.frames.shape}")
            if block.frames.dtype.itemsize > 2:
                raise ValueError(f"frames are stored as uint16; got {block.frames.dtype}")
        n0 = self._n
        self._append(f[schema.TIME], n0, block.t_s)
        self._append(f[schema.SEQ], n0, block.seq)
        self._append(f[schema.FORCES], n0, block.forces_n)
        if self.device.raw_counts:
            self._append(f[schema.RAW], n0, block.raw)
        if self.device.frame_shape is not None:
            self._append(f[schema.FRAMES], n0, block.frames)
        self._append(f[schema.BLOCK_FIRST_SAMPLE], self._n_blocks, np.array([n0], dtype=np.uint64))
        self._append(f[schema.BLOCK_HOST_RX], self._n_blocks, np.array([block.host_rx_s]))
        self._n += block.n_samples
        self._n_blocks += 1
        if block.events:
            self._write_events(block.events)
        f.flush()

    def add_event(self, event: DeviceEvent) -> None:
        """Record a trial marker or protocol phase."""
        self._write_events((event,))
        self._require_open().flush()

    def _write_events(self, events: tuple[DeviceEvent, ...]) -> None:
        rows = np.array(
            [(e.t_s, e.seq, e.code.encode()[:32], e.label.encode()[:256]) for e in events], dtype=schema.EVENT_DTYPE
        )
        self._append(self._require_open()[schema.EVENTS], self._n_events, rows)
        self._n_events += len(rows)

    def close(self, status: RecordingStatus = RecordingStatus.COMPLETE) -> None:
        """Mark the file ``status`` and close it. Safe to call twice."""
        if self._file is None:
            return
        try:
            self._file.attrs["status"] = RecordingStatus(status).value
            self._file.flush()
        finally:
            self._file.close()
            self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(RecordingStatus.COMPLETE if exc_type is None else RecordingStatus.INTERRUPTED)
