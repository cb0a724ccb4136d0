"""Read a recording back into arrays and metadata."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from drivers.model import DeviceEvent, DeviceInfo
from recordings import schema
from recordings.errors import NotARecordingError, TruncatedRecordingError, UnsupportedSchemaError
from recordings.metadata import Subject

__all__ = ["Recording", "open_recording"]


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
        Missing datasets or datasets of unequal length.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no such recording: {p}")
    if not h5py.is_hdf5(p):
        raise NotARecordingError(f"{p} is not an HDF5 file, so not a balance-station recording")
    try:
        f = h5py.File(p, "r")
    except OSError as exc:
        raise TruncatedRecordingError(f"{p} is damaged and cannot be opened by HDF5 ({exc})") from None
    with f:
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
            return _read_v1(p, f, version)
        except KeyError as exc:
            raise TruncatedRecordingError(f"{p} is incomplete: {exc}") from None


def _read_v1(p: Path, f: h5py.File, version: int) -> Recording:
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
    t = f[schema.TIME][()]
    seq = f[schema.SEQ][()]
    forces = f[schema.FORCES][()]
    raw = f[schema.RAW][()] if device.raw_counts else None
    lengths = {"t_s": t.shape[0], "seq": seq.shape[0], "forces_n": forces.shape[0]}
    if raw is not None:
        lengths["raw"] = raw.shape[0]
    frames = f[schema.FRAMES][()] if device.frame_shape is not None else None
    if frames is not None:
        lengths["frames"] = frames.shape[0]
    if len(set(lengths.values())) != 1:
        raise TruncatedRecordingError(f"{p} is damaged: sample datasets have unequal lengths {lengths}")
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
        status=_plain(f.attrs.get("status", "")),
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
        block_first_sample=f[schema.BLOCK_FIRST_SAMPLE][()],
        block_host_rx_s=f[schema.BLOCK_HOST_RX][()],
        events=events,
        frames=frames,
    )
