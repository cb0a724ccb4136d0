"""The data model every driver, the engine, the recorder and the analysis share.

Units: force in newtons (N), positions in millimetres (mm), time in seconds (s). Axes (DESIGN.md §2):
x medio-lateral, + to the subject's right; y antero-posterior, + forward; origin at the centre of the
sensing surface.

A driver yields :class:`SampleBlock` objects: several samples at once, never one sample per wake-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

__all__ = [
    "SIX_COMPONENT_CHANNELS",
    "SIX_COMPONENT_UNITS",
    "ChannelLayout",
    "ClockSource",
    "DeviceEvent",
    "DeviceInfo",
    "SampleBlock",
    "concatenate_blocks",
]


class ChannelLayout(StrEnum):
    """What the force channels of a device are."""

    #: k vertical load cells at known (x, y) positions; every channel is a force in N.
    LOAD_CELLS = "load_cells"
    #: a six-component plate: Fx, Fy, Fz in N and Mx, My, Mz in N·m about the plate's origin.
    SIX_COMPONENT = "six_component"


class ClockSource(StrEnum):
    """Where the per-sample time ``t_s`` comes from."""

    #: the device's own sample clock (a counter and a nominal rate, or device timestamps).
    DEVICE = "device"
    #: the host's monotonic clock at arrival (devices without a clock, like the Wii Balance Board).
    HOST_ARRIVAL = "host_arrival"


SIX_COMPONENT_CHANNELS = ("Fx", "Fy", "Fz", "Mx", "My", "Mz")
SIX_COMPONENT_UNITS = ("N", "N", "N", "N·m", "N·m", "N·m")


@dataclass(frozen=True)
class DeviceInfo:
    """Static description of an opened device.

    Attributes
    ----------
    driver : str
        Registry name of the driver that made this device (e.g. ``"sim"``).
    model, serial, firmware : str
        As reported by the device. A serial is hardware-identifying: exports drop it.
    nominal_rate_hz : float
        Nominal sampling rate in Hz. For irregular devices this is the expected mean, not a promise.
    channel_names, channel_units : tuple of str
        One entry per force channel, in the column order of ``SampleBlock.forces_n``.
    layout : ChannelLayout
        Load cells, or a six-component plate.
    sensor_positions_mm : tuple of (x, y) pairs, or None
        For load cells: each cell's position in mm in the device frame, in channel order.
    surface_size_mm : (width, depth) or None
        Size of the sensing surface in mm (x by y).
    origin_offset_mm : (x, y, z)
        For six-component plates: the position of the plate's true origin relative to the
        centre of its top surface, in mm (the C3D ORIGIN convention).
    clock : ClockSource
        Whether ``t_s`` is a device clock or the host's arrival time.
    raw_counts : bool
        Whether blocks carry the device's raw counts in ``SampleBlock.raw``.
    simulated : bool
        True for simulators and replay devices.
    frame_shape : (rows, cols) or None
        Pressure mats: cells per column and per row of each frame in ``SampleBlock.frames``.
    cell_pitch_mm : float or None
        Pressure mats: centre-to-centre distance of the cells, mm.
    """

    driver: str
    model: str
    serial: str
    nominal_rate_hz: float
    channel_names: tuple[str, ...]
    channel_units: tuple[str, ...]
    layout: ChannelLayout = ChannelLayout.LOAD_CELLS
    sensor_positions_mm: tuple[tuple[float, float], ...] | None = None
    surface_size_mm: tuple[float, float] | None = None
    origin_offset_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    clock: ClockSource = ClockSource.DEVICE
    firmware: str = ""
    raw_counts: bool = False
    simulated: bool = False
    frame_shape: tuple[int, int] | None = None
    cell_pitch_mm: float | None = None

    def __post_init__(self) -> None:
        if not (np.isfinite(self.nominal_rate_hz) and self.nominal_rate_hz > 0):
            raise ValueError(f"nominal_rate_hz must be a positive number, got {self.nominal_rate_hz!r}")
        k = len(self.channel_names)
        if k == 0:
            raise ValueError("a device needs at least one channel")
        if len(self.channel_units) != k:
            raise ValueError(
                f"channel_units has {len(self.channel_units)} entries but channel_names has {k}"
            )
        if self.layout == ChannelLayout.LOAD_CELLS:
            if self.sensor_positions_mm is None or len(self.sensor_positions_mm) != k:
                raise ValueError(f"a load-cell device needs one (x, y) position in mm for each of its {k} cells")
            if any(unit != "N" for unit in self.channel_units):
                raise ValueError(f"load cells are reported in N, got units {self.channel_units}")
        elif self.channel_names != SIX_COMPONENT_CHANNELS or self.channel_units != SIX_COMPONENT_UNITS:
            raise ValueError(
                f"a six-component plate has channels {SIX_COMPONENT_CHANNELS} in units {SIX_COMPONENT_UNITS}"
            )
        if (self.frame_shape is None) != (self.cell_pitch_mm is None):
            raise ValueError("a pressure mat declares both frame_shape (rows, cols) and cell_pitch_mm")
        if self.frame_shape is not None:
            rows, cols = (int(v) for v in self.frame_shape)
            if rows < 1 or cols < 1:
                raise ValueError(f"frame_shape must be (rows >= 1, cols >= 1), got {self.frame_shape}")
            if not (np.isfinite(self.cell_pitch_mm) and self.cell_pitch_mm > 0):
                raise ValueError(f"cell_pitch_mm must be a positive number, got {self.cell_pitch_mm!r}")
            object.__setattr__(self, "frame_shape", (rows, cols))
            object.__setattr__(self, "cell_pitch_mm", float(self.cell_pitch_mm))
        # Normalise enums given as plain strings (e.g. when read back from a file).
        object.__setattr__(self, "layout", ChannelLayout(self.layout))
        object.__setattr__(self, "clock", ClockSource(self.clock))

    @property
    def n_channels(self) -> int:
        """Number of force channels."""
        return len(self.channel_names)

    def sensor_positions(self) -> np.ndarray:
        """Load-cell positions as a float64 array of shape (k, 2), mm."""
        if self.sensor_positions_mm is None:
            raise ValueError(f"{self.model} is not a load-cell device and has no sensor positions")
        return np.asarray(self.sensor_positions_mm, dtype=np.float64).reshape(-1, 2)


@dataclass(frozen=True)
class DeviceEvent:
    """Something that happened at a sample: a button press, a trial marker, a protocol phase.

    ``t_s`` is on the same clock as the samples; ``seq`` is the sample counter value it belongs to.
    """

    t_s: float
    seq: int
    code: str
    label: str = ""


def _as_readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class SampleBlock:
    """A run of consecutive samples from one device.

    Attributes
    ----------
    t_s : ndarray, float64, shape (n,)
        Sample times in s on the device clock (or host arrival clock, see ``DeviceInfo.clock``),
        non-decreasing.
    seq : ndarray, uint64, shape (n,)
        Sample counter. It increases by one per sample the device produced; a jump means lost
        samples. Gaps are recorded, never interpolated.
    forces_n : ndarray, float32, shape (n, k)
        Calibrated force per channel in N (six-component plates: moments in N·m).
    host_rx_s : float
        Host monotonic time in s when the block was received (latency and drift diagnostics).
    raw : ndarray of int32, shape (n, k), or None
        The device's raw counts, when it has them.
    events : tuple of DeviceEvent
        Events that occurred within the block.
    frames : ndarray of unsigned integers, shape (n, rows, cols), or None
        Pressure mats: the raw cell values of each sample's frame (DESIGN.md §2).

    The arrays are read-only: consumers share blocks between threads without copying.
    """

    t_s: np.ndarray
    seq: np.ndarray
    forces_n: np.ndarray
    host_rx_s: float
    raw: np.ndarray | None = None
    events: tuple[DeviceEvent, ...] = field(default=())
    frames: np.ndarray | None = None

    def __post_init__(self) -> None:
        t = np.asarray(self.t_s, dtype=np.float64)
        seq = np.asarray(self.seq, dtype=np.uint64)
        forces = np.asarray(self.forces_n, dtype=np.float32)
        if t.ndim != 1:
            raise ValueError(f"t_s must be one-dimensional, got shape {t.shape}")
        n = t.shape[0]
        if seq.shape != (n,):
            raise ValueError(f"seq must have shape ({n},), got {seq.shape}")
        if forces.ndim != 2 or forces.shape[0] != n:
            raise ValueError(f"forces_n must have shape ({n}, k), got {forces.shape}")
        if n > 1 and (np.any(np.diff(t) < 0) or np.any(np.diff(seq.astype(np.int64)) <= 0)):
            raise ValueError("t_s must be non-decreasing and seq strictly increasing within a block")
        object.__setattr__(self, "t_s", _as_readonly(t))
        object.__setattr__(self, "seq", _as_readonly(seq))
        object.__setattr__(self, "forces_n", _as_readonly(forces))
        if self.raw is not None:
            raw = np.asarray(self.raw, dtype=np.int32)
            if raw.shape != forces.shape:
                raise ValueError(f"raw must have the shape of forces_n {forces.shape}, got {raw.shape}")
            object.__setattr__(self, "raw", _as_readonly(raw))
        if self.frames is not None:
            frames = np.asarray(self.frames)
            if frames.ndim != 3 or frames.shape[0] != n:
                raise ValueError(f"frames must have shape ({n}, rows, cols), got {frames.shape}")
            if frames.dtype.kind != "u":
                raise ValueError(f"frames hold raw cell values as unsigned integers, got dtype {frames.dtype}")
            object.__setattr__(self, "frames", _as_readonly(frames))
        object.__setattr__(self, "host_rx_s", float(self.host_rx_s))
        object.__setattr__(self, "events", tuple(self.events))

    @property
    def n_samples(self) -> int:
        """Number of samples in the block."""
        return int(self.t_s.shape[0])

    @property
    def n_channels(self) -> int:
        """Number of force channels."""
        return int(self.forces_n.shape[1])


def concatenate_blocks(blocks: Sequence[SampleBlock]) -> SampleBlock:
    """Join consecutive blocks into one (``host_rx_s`` of the last block is kept)."""
    if not blocks:
        raise ValueError("need at least one block to concatenate")
    raws = [b.raw for b in blocks]
    has_raw = all(r is not None for r in raws)
    frames = [b.frames for b in blocks]
    has_frames = all(f is not None for f in frames)
    return SampleBlock(
        t_s=np.concatenate([b.t_s for b in blocks]),
        seq=np.concatenate([b.seq for b in blocks]),
        forces_n=np.concatenate([b.forces_n for b in blocks]),
        host_rx_s=blocks[-1].host_rx_s,
        raw=np.concatenate(raws) if has_raw else None,
        events=tuple(e for b in blocks for e in b.events),
        frames=np.concatenate(frames) if has_frames else None,
    )
