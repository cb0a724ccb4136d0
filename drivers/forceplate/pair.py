"""Two OFP-1 plates, one per foot, on one time base: per-limb load from the plates' own clocks.

Why here (``drivers/``) and not in ``station/engine``: aligning the plates needs the plates' clocks
(GET_TIME on EP0, the device sample times) and presents the result as an ordinary
:class:`~drivers.device.Device`, so the engine, the recorder and the standing analysis use a pair
exactly like one plate. The engine stays device-agnostic.

Time base. Each plate stamps its samples with its crystal (``t0 + k·T``). Crystals differ by tens of
ppm (50 ppm = 3 ms per minute), so one offset measured at connect is not enough. The pair measures
each plate's host-minus-device offset with a bracketed GET_TIME at start and every ``resync_s``
seconds, fits ``offset = a + b·t_device`` by least squares, and maps every sample to host time with
that line. The right plate is then linearly interpolated onto the left plate's sample times (forces
are smooth at 1-2 kHz); a left sample whose right neighbours are not consecutive samples (a gap on
the right plate) is dropped, never bridged, so the gap shows as lost samples.

Geometry. The combined device has 2k load cells: the left plate's cells shifted by
``−separation/2`` in x and the right plate's by ``+separation/2`` (plate centres, mm). Left/right
cell pairs about x = 0 are then exactly the two plates, so the standing analysis gives each limb's
load as its plate's total.

The block carries no raw counts (``DeviceInfo.raw_counts = False``): the right plate's values are
resampled. Record the plates separately when raw counts of both are needed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from drivers.device import FoundDevice
from drivers.errors import DeviceError
from drivers.forceplate.device import ForcePlate
from drivers.model import ChannelLayout, DeviceEvent, DeviceInfo, SampleBlock
from drivers.pairing import DevicePair, side_by_side_positions, side_channel_names

__all__ = ["ClockFit", "PlatePair"]


class ClockFit:
    """Host-minus-device offset of one plate as a straight line in device time (s)."""

    def __init__(self, max_points: int = 200) -> None:
        self.t_device: list[float] = []
        self.offset: list[float] = []
        self.max_points = max_points

    def add(self, t_device_s: float, offset_s: float) -> None:
        self.t_device.append(t_device_s)
        self.offset.append(offset_s)
        del self.t_device[: -self.max_points], self.offset[: -self.max_points]

    def coefficients(self) -> tuple[float, float]:
        """(a, b) with offset = a + b·(t_device − t_ref); b is the drift (1e-6 = 1 ppm)."""
        if not self.t_device:
            raise ValueError("no clock measurement yet")
        t = np.asarray(self.t_device)
        y = np.asarray(self.offset)
        if t.size < 2 or np.ptp(t) < 1e-3:
            return float(y.mean()), 0.0
        b, a = np.polyfit(t - t[0], y, 1)
        return float(a), float(b)

    def to_host(self, t_device_s: np.ndarray) -> np.ndarray:
        a, b = self.coefficients()
        return t_device_s + a + b * (t_device_s - self.t_device[0])


class PlatePair(DevicePair):
    """Two plates as one device: left foot on ``left``, right foot on ``right``.

    Parameters
    ----------
    left, right : ForcePlate
        Two load-cell plates at the same rate (not yet opened).
    separation_mm : float
        Distance between the plates' centres along x, mm.
    resync_s : float
        How often the clock offsets are measured again, s.
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        "separation_mm": (float, "distance between the plate centres, mm"),
        "resync_s": (float, "how often the plate clocks are re-measured, s"),
    }
    DRIVER = "plate-pair"
    NOT_OPEN_MESSAGE = "open the plate pair first"
    left: ForcePlate
    right: ForcePlate

    def __init__(self, left: ForcePlate, right: ForcePlate, *, separation_mm: float = 500.0,
                 resync_s: float = 2.0) -> None:
        super().__init__()
        if not separation_mm > 0:
            raise ValueError(f"separation_mm must be > 0, got {separation_mm}")
        if not resync_s > 0:
            raise ValueError(f"resync_s must be > 0 s, got {resync_s}")
        self.left, self.right = left, right
        self.separation_mm = float(separation_mm)
        self.resync_s = float(resync_s)
        self.fits = {"left": ClockFit(), "right": ClockFit()}

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return []  # a pair is assembled from two plates, not discovered

    # -- hooks -------------------------------------------------------------------------------------------

    def _describe(self) -> DeviceInfo:
        li, ri = self.left.info, self.right.info
        if li.layout != ChannelLayout.LOAD_CELLS or ri.layout != ChannelLayout.LOAD_CELLS:
            raise DeviceError("a plate pair needs two load-cell plates")
        if li.nominal_rate_hz != ri.nominal_rate_hz:
            raise DeviceError(f"the plates run at {li.nominal_rate_hz} and {ri.nominal_rate_hz} Hz; set one rate")
        positions = side_by_side_positions(li.sensor_positions_mm or (), ri.sensor_positions_mm or (),
                                           self.separation_mm)
        if any(x >= 0 for x, _ in positions[: li.n_channels]) or any(x <= 0 for x, _ in positions[li.n_channels :]):
            raise DeviceError(f"separation {self.separation_mm} mm is too small: the plates' cells overlap x = 0")
        return DeviceInfo(
            driver=self.DRIVER, model=f"two OFP-1 plates, {self.separation_mm:g} mm apart",
            serial=f"{li.serial}+{ri.serial}", nominal_rate_hz=li.nominal_rate_hz,
            channel_names=side_channel_names(li.channel_names, ri.channel_names),
            channel_units=li.channel_units + ri.channel_units, layout=ChannelLayout.LOAD_CELLS,
            sensor_positions_mm=positions, firmware=f"{li.firmware}/{ri.firmware}", raw_counts=False,
            simulated=li.simulated and ri.simulated,
        )

    def _start(self) -> None:
        super()._start()
        self.fits = {"left": ClockFit(), "right": ClockFit()}
        self._measure_clocks()
        self._buf = {"left": [], "right": []}  # lists of (t_host, seq, forces) arrays
        self._events: list[DeviceEvent] = []

    def _measure_clocks(self) -> None:
        for name, plate in (("left", self.left), ("right", self.right)):
            host = plate.clock.now()
            offset = plate.clock_offset_s()
            self.fits[name].add(host - offset, offset)  # device time at the measurement
        self._next_sync = self.left.clock.now() + self.resync_s

    def _read(self, timeout_s: float) -> SampleBlock | None:
        if self.left.clock.now() >= self._next_sync:
            self._measure_clocks()
        for name, block in zip(("left", "right"), self._read_sides(timeout_s), strict=True):
            if block is None:
                continue
            for event in block.events:
                if event.code in ("reconnected", "device_restart"):
                    self.fits[name] = ClockFit()  # a new device clock: fit it afresh
                    self._next_sync = 0.0
                self._events.append(DeviceEvent(event.t_s, event.seq, f"{name}_{event.code}",
                                                f"{name} plate (its own sample counter): {event.label}"))
            self._buf[name].append(block)
        if not self.fits["left"].t_device or not self.fits["right"].t_device:
            self._measure_clocks()
        return self._emit()

    def _emit(self) -> SampleBlock | None:
        if not self._buf["left"] or not self._buf["right"]:
            return None
        left = _concat(self._buf["left"])
        right = _concat(self._buf["right"])
        tl = self.fits["left"].to_host(left.t_s - self.left.anchor_s)
        tr = self.fits["right"].to_host(right.t_s - self.right.anchor_s)
        ready = tl <= tr[-1]
        n_ready = int(np.count_nonzero(ready))
        if n_ready == 0:
            return None
        idx = np.searchsorted(tr, tl[:n_ready], side="left")
        hi = np.clip(idx, 1, tr.size - 1) if tr.size > 1 else np.zeros(n_ready, dtype=np.int64)
        lo = hi - 1 if tr.size > 1 else hi
        exact = (idx < tr.size) & (tr[np.minimum(idx, tr.size - 1)] == tl[:n_ready])
        bracketed = (idx > 0) & (idx < tr.size) & (np.diff(right.seq.astype(np.int64), prepend=-2)[hi] == 1)
        usable = exact | bracketed
        usable &= tl[:n_ready] >= tr[0]
        w = np.where(tr[hi] > tr[lo], (tl[:n_ready] - tr[lo]) / np.where(tr[hi] > tr[lo], tr[hi] - tr[lo], 1.0), 0.0)
        f_right = right.forces_n[lo] * (1.0 - w[:, None]) + right.forces_n[hi] * w[:, None]
        forces = np.hstack([left.forces_n[:n_ready], f_right])[usable]
        out = SampleBlock(t_s=tl[:n_ready][usable], seq=left.seq[:n_ready][usable], forces_n=forces,
                          host_rx_s=max(left.host_rx_s, right.host_rx_s), events=tuple(self._events))
        self._events = []
        # Keep what is not emitted yet; of the right plate keep the last sample before the next left one.
        self._buf["left"] = [_slice(left, n_ready)] if n_ready < left.n_samples else []
        keep_r = max(int(hi[-1]) - 1, 0) if n_ready else 0
        self._buf["right"] = [_slice(right, keep_r)]
        return out if out.n_samples else None


def _concat(blocks: list[SampleBlock]) -> SampleBlock:
    if len(blocks) == 1:
        return blocks[0]
    return SampleBlock(
        t_s=np.concatenate([b.t_s for b in blocks]), seq=np.concatenate([b.seq for b in blocks]),
        forces_n=np.concatenate([b.forces_n for b in blocks]), host_rx_s=blocks[-1].host_rx_s,
    )


def _slice(block: SampleBlock, start: int) -> SampleBlock:
    return SampleBlock(t_s=block.t_s[start:], seq=block.seq[start:], forces_n=block.forces_n[start:],
                       host_rx_s=block.host_rx_s)
