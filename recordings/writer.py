"""Write a trial to an HDF5 recording, block by block, crash-safe (layout in :mod:`recordings.schema`).

Every group, dataset and attribute is created when the file is opened (``libver="latest"``); the file
then switches to SWMR mode (single writer, multiple readers). Appended blocks are written to all sample
datasets and flushed every ``flush_interval_s`` (default 0.25 s of data or of wall time, whichever comes
first; 0 = after every block), and the file is ``fsync``-ed to disk at most once per ``fsync_interval_s``
(default 1 s, and on close). In SWMR mode HDF5 flushes metadata in an order that keeps the file readable
at every instant, so:

* a writer killed at any moment (SIGKILL, crash) leaves a file that opens with ``swmr=True`` and holds
  every sample flushed before the kill, i.e. all but the last ``flush_interval_s`` (a plain
  ``h5py.File(path)`` refuses it until it is recovered, see :mod:`recordings.recover`);
* another process can read the file while it is being recorded, with ``h5py.File(path, "r", swmr=True)``
  or :func:`recordings.open`;
* power loss loses at most the last ``fsync_interval_s`` seconds.

Why not flush after every block by default: every flush compresses and rewrites the partly filled last
chunk of each dataset, and in SWMR mode HDF5 does not reuse the space of the old copy. Measured with
1 kHz × 8 channels and 1 s chunks (``benchmarks/bench_recording.py``, h5py 3.16 / HDF5 2.0), flushing every
10 ms block ran at 17× real time and made files 28× larger than needed; coalescing to 0.25 s with 0.5 s
chunks runs at a few hundred × real time with files about 1.6× the ideal compressed size, and loses at
most 0.25 s in a crash (the issue allows 1 s). Blocks keep their boundaries and host receive times.

The status attribute says ``recording`` until :meth:`RecordingWriter.close` sets ``complete`` (or
``interrupted``). The attribute is rewritten in SWMR mode: HDF5 2.0 (h5py 3.16, what we ship with)
allows changing the value of an existing attribute there (``tests/recordings/test_writer.py`` checks it);
with an HDF5 that refuses, the writer closes the SWMR file and sets the status in a normal reopen.

The writer is not thread-safe: the acquisition engine calls it from one writer thread only (h5py holds
one global lock; DESIGN.md §5).
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import time
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

_COMPRESSION = {"compression": "gzip", "compression_opts": 4, "shuffle": True, "fletcher32": True}


_APPENDED = (*schema.SAMPLE_DATASETS, schema.BLOCK_FIRST_SAMPLE, schema.BLOCK_HOST_RX, schema.EVENTS)


def software_version() -> str:
    """Installed version of balance-station ("0+unknown" when running from a plain checkout)."""
    try:
        return metadata.version("balance-station")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def utc_now_iso() -> str:
    """Current UTC time as ISO-8601 with milliseconds, e.g. 2026-11-25T21:53:05.123Z: the stamp of every file and
    every store row."""
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
    calibration : mapping of name -> (value, unit), optional
        The device's calibration (e.g. counts per kg per cell), stored under ``/device/calibration``.
    session, trial : str
        Optional labels of the session and trial this recording belongs to (used by the metrics export).
    fsync_interval_s : float or None
        Force the file to disk at most this often, s (default 1 s; ``None``: only on close).
    flush_interval_s : float
        Write and flush the blocks received so far once they hold this many seconds of samples (at the
        nominal rate) or this much wall time has passed, s (default 0.25 s; 0 = after every block). A crash
        loses at most about this much plus the block being appended; see the module notes.
    chunk_s : float
        Rows per HDF5 chunk, in seconds at the nominal rate (default 0.5 s, at least 16 rows).
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
        calibration: Mapping[str, tuple[Any, str]] | None = None,
        session: str = "",
        trial: str = "",
        fsync_interval_s: float | None = 1.0,
        flush_interval_s: float = 0.25,
        chunk_s: float = 0.5,
    ) -> None:
        if not (math.isfinite(flush_interval_s) and flush_interval_s >= 0):
            raise ValueError(f"flush_interval_s must be >= 0 s, got {flush_interval_s}")
        if not (math.isfinite(chunk_s) and chunk_s > 0):
            raise ValueError(f"chunk_s must be > 0 s, got {chunk_s}")
        self.chunk_s = float(chunk_s)
        if fsync_interval_s is not None and not fsync_interval_s >= 0:
            raise ValueError(f"fsync_interval_s must be >= 0 s or None, got {fsync_interval_s}")
        self.path = Path(path)
        if self.path.exists():
            raise FileExistsError(f"{self.path} exists; recordings are never overwritten")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.device = device
        self._n = 0
        self._n_blocks = 0
        self._n_events = 0
        self.fsync_interval_s = fsync_interval_s
        self.flush_interval_s = float(flush_interval_s)
        self._last_fsync = self._last_flush = time.monotonic()
        self._pending: list[SampleBlock] = []
        self._pending_samples = 0
        self._pending_events: list[DeviceEvent] = []
        self._file: h5py.File | None = h5py.File(self.path, "w-", libver="latest")
        try:
            self._create_layout(device, subject, settings or {}, protocol, condition)
            self._write_mapping(schema.CALIBRATION, schema.CALIBRATION_UNITS, calibration or {})
            self._file.attrs["session"] = session
            self._file.attrs["trial"] = trial
            self._datasets = {name: self._file[name] for name in _APPENDED if name in self._file}
            self._file.flush()
            self._file.swmr_mode = True  # from here on: no new objects, only appends
            self._fsync()
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

        self._write_mapping(schema.SETTINGS, schema.UNITS, settings)

        k = device.n_channels
        chunk = max(math.ceil(device.nominal_rate_hz * self.chunk_s), 16)
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

    def _write_mapping(self, group_name: str, units_name: str, values: Mapping[str, tuple[Any, str]]) -> None:
        f = self._file
        assert f is not None
        group = f.require_group(group_name)
        units = f.require_group(units_name)
        for name, item in values.items():
            if not (isinstance(item, tuple) and len(item) == 2):
                raise ValueError(f"{group_name} {name!r} must be a (value, unit) pair, got {item!r}")
            value, unit = item
            group.attrs[name] = _attr_value(value)
            units.attrs[name] = str(unit)

    # -- appending ----------------------------------------------------------------------------------

    @property
    def n_samples(self) -> int:
        """Samples accepted so far (written, or waiting for the next flush)."""
        return self._n + self._pending_samples

    @property
    def n_flushed(self) -> int:
        """Samples written and flushed to the file (what a crash now would keep)."""
        return self._n

    def _require_open(self) -> h5py.File:
        if self._file is None:
            raise ValueError(f"recording {self.path} is closed")
        return self._file

    @staticmethod
    def _append(dataset: h5py.Dataset, start: int, values: np.ndarray) -> None:
        """Grow ``dataset`` along axis 0 and write ``values`` at ``start`` (low-level h5py: ~5x less overhead)."""
        values = np.ascontiguousarray(values, dtype=dataset.dtype)
        stop = start + values.shape[0]
        dataset.id.set_extent((stop, *values.shape[1:]))
        file_space = dataset.id.get_space()
        file_space.select_hyperslab((start,) + (0,) * (values.ndim - 1), values.shape)
        dataset.id.write(h5py.h5s.create_simple(values.shape), file_space, values)

    def append(self, block: SampleBlock) -> None:
        """Append a block of samples and its events.

        The pending blocks are written and flushed when they hold ``flush_interval_s`` worth of samples at
        the nominal rate, or when ``flush_interval_s`` of wall time has passed since the last flush.
        """
        self._require_open()
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
        self._pending.append(block)
        self._pending_events.extend(block.events)
        self._pending_samples += block.n_samples
        if (
            self._pending_samples >= self.flush_interval_s * self.device.nominal_rate_hz
            or time.monotonic() - self._last_flush >= self.flush_interval_s
        ):
            self.flush()

    def add_event(self, event: DeviceEvent) -> None:
        """Record a trial marker or protocol phase (written with the next flush, in arrival order)."""
        self._require_open()
        self._pending_events.append(event)
        if time.monotonic() - self._last_flush >= self.flush_interval_s:
            self.flush()

    def flush(self) -> None:
        """Write every pending block and event, flush the file (SWMR readers see them), ``fsync`` if due."""
        f = self._require_open()
        blocks, self._pending = self._pending, []
        events, self._pending_events = self._pending_events, []
        self._pending_samples = 0
        if blocks:
            n0 = self._n
            ds = self._datasets
            lengths = np.array([b.n_samples for b in blocks], dtype=np.uint64)
            firsts = n0 + np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.uint64)
            self._append(ds[schema.TIME], n0, np.concatenate([b.t_s for b in blocks]))
            self._append(ds[schema.SEQ], n0, np.concatenate([b.seq for b in blocks]))
            self._append(ds[schema.FORCES], n0, np.concatenate([b.forces_n for b in blocks]))
            if self.device.raw_counts:
                self._append(ds[schema.RAW], n0, np.concatenate([b.raw for b in blocks]))  # type: ignore[misc]
            if self.device.frame_shape is not None:
                self._append(ds[schema.FRAMES], n0, np.concatenate([b.frames for b in blocks]))  # type: ignore[misc]
            self._append(ds[schema.BLOCK_FIRST_SAMPLE], self._n_blocks, firsts)
            self._append(ds[schema.BLOCK_HOST_RX], self._n_blocks, np.array([b.host_rx_s for b in blocks]))
            self._n += int(lengths.sum())
            self._n_blocks += len(blocks)
        if events:
            self._write_events(events)
        f.flush()
        self._last_flush = time.monotonic()
        self._maybe_fsync()

    def _fsync(self) -> None:
        f = self._require_open()
        os.fsync(f.id.get_vfd_handle())
        self._last_fsync = time.monotonic()

    def _maybe_fsync(self) -> None:
        if self.fsync_interval_s is not None and time.monotonic() - self._last_fsync >= self.fsync_interval_s:
            self._fsync()

    def _write_events(self, events: list[DeviceEvent]) -> None:
        rows = np.array(
            [(e.t_s, e.seq, e.code.encode()[:32], e.label.encode()[:256]) for e in events], dtype=schema.EVENT_DTYPE
        )
        self._require_open()
        self._append(self._datasets[schema.EVENTS], self._n_events, rows)
        self._n_events += len(rows)

    def close(self, status: RecordingStatus = RecordingStatus.COMPLETE) -> None:
        """Mark the file ``status`` and close it. Safe to call twice."""
        if self._file is None:
            return
        value = RecordingStatus(status).value
        f = self._file
        try:
            self.flush()
            try:
                f.attrs["status"] = value
                in_swmr = True
            except (OSError, RuntimeError, KeyError):  # an HDF5 that refuses attribute writes in SWMR mode
                in_swmr = False
            f.flush()
            self._fsync()
        finally:
            f.close()
            self._file = None
        if not in_swmr:
            with h5py.File(self.path, "r+", libver="latest") as g:
                g.attrs["status"] = value
                g.flush()
                os.fsync(g.id.get_vfd_handle())

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(RecordingStatus.COMPLETE if exc_type is None else RecordingStatus.INTERRUPTED)
