"""Read a recording back into arrays and metadata.

Files of schema version 1 and 2 are read. A file still marked ``recording`` (being written now, or left by
a writer that died) is opened in SWMR mode and read up to its last flushed sample; the ``status`` of the
returned :class:`Recording` says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from drivers.model import DeviceEvent, DeviceInfo
from recordings import schema
from recordings.errors import NotARecordingError, RecordingError, TruncatedRecordingError, UnsupportedSchemaError
from recordings.metadata import Subject

__all__ = ["Recording", "open_h5", "open_recording"]


@dataclass(frozen=True, eq=False)
class Recording:
    """Everything in a recording file, loaded into memory.

    Arrays follow :mod:`recordings.schema`: ``t_s`` (n,) s, ``seq`` (n,) counter, ``forces_n`` (n, k) N,
    ``raw`` (n, k) counts or None, ``frames`` (n, rows, cols) mat cell values or None,
    ``block_first_sample`` / ``block_host_rx_s`` per received block.
    """

    path: Path
    schema_version: int
    software_version: str
    created_utc: str
    status: str
    protocol: str
    condition: str
    device: DeviceInfo
    subject: Subject
    settings: dict[str, Any]
    setting_units: dict[str, str]
    t_s: np.ndarray
    seq: np.ndarray
    forces_n: np.ndarray
    raw: np.ndarray | None
    block_first_sample: np.ndarray
    block_host_rx_s: np.ndarray
    events: list[DeviceEvent] = field(default_factory=list)
    calibration: dict[str, Any] = field(default_factory=dict)
    calibration_units: dict[str, str] = field(default_factory=dict)
    session: str = ""
    trial: str = ""
    #: True when the file had to be opened in SWMR mode (it is being written, or its writer died).
    opened_swmr: bool = False
    frames: np.ndarray | None = None

    @property
    def n_samples(self) -> int:
        return int(self.t_s.shape[0])

    @property
    def lost_samples(self) -> int:
        """Samples the device produced that never arrived (jumps in the counter)."""
        if self.seq.size < 2:
            return 0
        return int(np.sum(np.diff(self.seq.astype(np.int64)) - 1))


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()] if value.dtype.kind in "OS" else value
    if isinstance(value, np.generic):
        return value.item()
    return value


def _str_list(values: Any) -> tuple[str, ...]:
    return tuple(v.decode() if isinstance(v, bytes) else str(v) for v in np.atleast_1d(values))


def open_recording(path: str | os.PathLike[str]) -> Recording:
    """Load a recording written by :class:`~recordings.writer.RecordingWriter`.

    Raises
    ------
    FileNotFoundError
        No such file.
    NotARecordingError
        Not HDF5, or not a balance-station recording.
    UnsupportedSchemaError
        A schema version this software cannot read.
    TruncatedRecordingError
        Missing datasets, datasets of unequal length (in a file not marked ``recording``), or parts HDF5
        cannot read (a file cut short by a copy, a checksum failure).
    RecordingError
        The file is held open for writing by a program that did not enable SWMR.
    """
    p = Path(path)
    f, swmr = open_h5(p)
    with f:
        try:
            return _check_and_read(p, f, swmr)
        except (OSError, RuntimeError) as exc:  # HDF5 could open it, but parts are unreadable
            raise TruncatedRecordingError(f"{p} is damaged: HDF5 cannot read part of it ({exc})") from None


def _check_and_read(p: Path, f: h5py.File, swmr: bool) -> Recording:
    if f.attrs.get("format") != schema.FORMAT_NAME and _plain(f.attrs.get("format")) != schema.FORMAT_NAME:
        raise NotARecordingError(f"{p} is an HDF5 file but not a balance-station recording (no format attribute)")
    version = f.attrs.get("schema_version")
    if version is None:
        raise UnsupportedSchemaError(f"{p} has no schema_version attribute")
    version = int(version)
    if version > schema.SCHEMA_VERSION:
        raise UnsupportedSchemaError(
            f"{p} uses schema version {version}, newer than this software reads ({schema.SCHEMA_VERSION}); "
            "upgrade balance-station"
        )
    if version < 1:
        raise UnsupportedSchemaError(f"{p} has an invalid schema version {version}")
    try:
        return _read(p, f, version, swmr)
    except KeyError as exc:
        raise TruncatedRecordingError(f"{p} is incomplete: {exc}") from None


def open_h5(path: str | os.PathLike[str]) -> tuple[h5py.File, bool]:
    """Open a recording file read-only with h5py; returns ``(file, opened_in_swmr_mode)``.

    A closed file opens normally. A file being written in SWMR mode, or left open by a writer that died,
    refuses a normal open; it is then opened with ``swmr=True``.

    Raises
    ------
    FileNotFoundError, NotARecordingError, RecordingError, TruncatedRecordingError
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no such recording: {p}")
    if not h5py.is_hdf5(p):
        raise NotARecordingError(f"{p} is not an HDF5 file, so not a balance-station recording")
    try:
        return h5py.File(p, "r"), False
    except OSError as plain_exc:
        plain = plain_exc
    try:
        return h5py.File(p, "r", swmr=True), True
    except OSError as swmr_exc:
        if "lock" in f"{plain} {swmr_exc}".lower():
            raise RecordingError(
                f"{p} is open for writing by another program that did not enable SWMR, so it cannot be read "
                "until that program closes it (or read a copy)"
            ) from None
        raise TruncatedRecordingError(f"{p} is damaged and cannot be opened by HDF5 ({plain})") from None


def _committed_length(p: Path, f: h5py.File, names: list[str], status: str) -> int:
    """Number of samples present in every sample dataset; unequal lengths only in a ``recording`` file."""
    lengths = {name: f[name].shape[0] for name in names}
    if len(set(lengths.values())) != 1 and status != schema.RecordingStatus.RECORDING:
        raise TruncatedRecordingError(f"{p} is damaged: sample datasets have unequal lengths {lengths}")
    return min(lengths.values())


def _read(p: Path, f: h5py.File, version: int, swmr: bool) -> Recording:
    dev = f[schema.DEVICE].attrs
    positions = dev.get("sensor_positions_mm")
    surface = dev.get("surface_size_mm")
    frame_shape = dev.get("frame_shape")
    device = DeviceInfo(
        driver=_plain(dev["driver"]),
        model=_plain(dev["model"]),
        serial=_plain(dev["serial"]),
        firmware=_plain(dev["firmware"]),
        nominal_rate_hz=float(dev["nominal_rate_hz"]),
        channel_names=_str_list(dev["channel_names"]),
        channel_units=_str_list(dev["channel_units"]),
        layout=_plain(dev["layout"]),
        clock=_plain(dev["clock"]),
        raw_counts=bool(dev["raw_counts"]),
        simulated=bool(dev["simulated"]),
        sensor_positions_mm=None if positions is None else tuple(map(tuple, np.asarray(positions, float).tolist())),
        surface_size_mm=None if surface is None else tuple(np.asarray(surface, float).tolist()),
        origin_offset_mm=tuple(np.asarray(dev["origin_offset_mm"], float).tolist()),
        frame_shape=None if frame_shape is None else tuple(int(v) for v in frame_shape),
        cell_pitch_mm=float(dev["cell_pitch_mm"]) if frame_shape is not None else None,
    )
    subj = f[schema.SUBJECT].attrs
    subject = Subject(
        id=_plain(subj["id"]),
        mass_kg=float(subj["mass_kg"]) if "mass_kg" in subj else None,
        height_m=float(subj["height_m"]) if "height_m" in subj else None,
        affected_side=_plain(subj["affected_side"]) if "affected_side" in subj else None,
    )
    settings = {k: _plain(v) for k, v in f[schema.SETTINGS].attrs.items()}
    units = {k: _plain(v) for k, v in f[schema.UNITS].attrs.items()}
    calibration = {k: _plain(v) for k, v in f[schema.CALIBRATION].attrs.items()} if schema.CALIBRATION in f else {}
    cal_units = (
        {k: _plain(v) for k, v in f[schema.CALIBRATION_UNITS].attrs.items()} if schema.CALIBRATION_UNITS in f else {}
    )
    status = _plain(f.attrs.get("status", ""))
    names = [schema.TIME, schema.SEQ, schema.FORCES] + ([schema.RAW] if device.raw_counts else [])
    if device.frame_shape is not None:
        names.append(schema.FRAMES)
    n = _committed_length(p, f, names, status)
    t = f[schema.TIME][:n]
    seq = f[schema.SEQ][:n]
    forces = f[schema.FORCES][:n]
    raw = f[schema.RAW][:n] if device.raw_counts else None
    frames = f[schema.FRAMES][:n] if device.frame_shape is not None else None
    block_first = f[schema.BLOCK_FIRST_SAMPLE][()]
    block_rx = f[schema.BLOCK_HOST_RX][()]
    m = min(block_first.shape[0], block_rx.shape[0])
    if m != max(block_first.shape[0], block_rx.shape[0]) and status != schema.RecordingStatus.RECORDING:
        raise TruncatedRecordingError(f"{p} is damaged: {block_first.shape[0]} block starts, {block_rx.shape[0]} times")
    keep = int(np.searchsorted(block_first[:m], n, side="left"))  # blocks whose first sample was written
    block_first, block_rx = block_first[:keep], block_rx[:keep]
    if forces.shape[1] != device.n_channels:
        raise TruncatedRecordingError(f"{p}: forces have {forces.shape[1]} columns for {device.n_channels} channels")
    events = [
        DeviceEvent(t_s=float(row["t_s"]), seq=int(row["seq"]), code=row["code"].decode(), label=row["label"].decode())
        for row in f[schema.EVENTS][()]
    ]
    return Recording(
        path=p,
        schema_version=version,
        software_version=_plain(f.attrs.get("software_version", "")),
        created_utc=_plain(f.attrs.get("created_utc", "")),
        status=status,
        protocol=_plain(f.attrs.get("protocol", "")),
        condition=_plain(f.attrs.get("condition", "")),
        device=device,
        subject=subject,
        settings=settings,
        setting_units=units,
        t_s=t,
        seq=seq,
        forces_n=forces,
        raw=raw,
        block_first_sample=block_first,
        block_host_rx_s=block_rx,
        events=events,
        calibration=calibration,
        calibration_units=cal_units,
        session=_plain(f.attrs.get("session", "")),
        trial=_plain(f.attrs.get("trial", "")),
        opened_swmr=swmr,
        frames=frames,
    )
