"""Two Wii Balance Boards, one under each foot (Clark et al. 2011), as one 8-channel device.

Registry names ``wbb2`` (``wbb2:LEFT+RIGHT``, e.g. ``wbb2:/dev/hidraw3+/dev/hidraw5``) and ``sim-wbb2``.

Each board is a full :class:`~drivers.wii.device.WiiBalanceBoard` (own initialisation, calibration,
tare, reconnection). Both stamp their reports with the same host monotonic clock, so they are
time-aligned by construction. The boards report independently (≈ 60-100 Hz each, jittered), so the
combined stream has one sample per report of *either* board, in arrival order; the other board's
four channels hold its most recent report (sample-and-hold, at most one report interval old). Every
value in the stream was received; nothing is interpolated. Samples are emitted only up to the
latest arrival seen from *both* boards, so the order is final; rows before both boards have
reported once are dropped. ``seq`` counts merged samples plus every report either board lost, so a
board's gap is a gap in the combined counter.

Geometry: each board lies in the standard orientation (power button behind the heels), the left
board's centre at x = −spacing/2 and the right board's at +spacing/2; channels ``L.TR … L.BL, R.TR …
R.BL``. Per-limb load is then the sum of each board's four cells (cell pairs split at x = 0).

Clark RA, McGough R, Paterson K. Reliability of an inexpensive and portable dynamic weight bearing
asymmetry assessment system incorporating dual Nintendo Wii Balance Boards. Gait Posture 2011;34:288-291.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from drivers.device import FoundDevice
from drivers.errors import DeviceNotFound
from drivers.model import ClockSource, DeviceEvent, DeviceInfo, SampleBlock
from drivers.pairing import DevicePair, side_by_side_positions, side_channel_names
from drivers.sim.clock import FastClock, RealTimeClock
from drivers.wii.device import WiiBalanceBoard
from drivers.wii.reports import CHANNELS
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from drivers.wii.tare import wait_for_subject

__all__ = ["DualWiiBalanceBoard", "SimulatedDualWiiBalanceBoard"]

#: Default distance between the two boards' centres, mm: two boards (511 mm wide) side by side with a
#: small gap. Only the combined COP depends on it; per-limb loads do not.
DEFAULT_SPACING_MM = 520.0


class _Stream:
    """Samples of one board received but not yet merged, and the last merged one."""

    def __init__(self) -> None:
        self.t = np.empty(0)
        self.seq = np.empty(0, dtype=np.int64)
        self.forces = np.empty((0, 4))
        self.raw = np.empty((0, 4), dtype=np.int64)
        self.events: list[DeviceEvent] = []
        self.latest_t = -np.inf  # latest arrival ever seen
        self.prev: tuple[np.ndarray, np.ndarray, int] | None = None  # forces, raw, seq of the last merged row

    def add(self, block: SampleBlock) -> None:
        self.t = np.concatenate([self.t, block.t_s])
        self.seq = np.concatenate([self.seq, block.seq.astype(np.int64)])
        self.forces = np.concatenate([self.forces, block.forces_n.astype(np.float64)])
        raw = block.raw if block.raw is not None else np.zeros(block.forces_n.shape, dtype=np.int64)
        self.raw = np.concatenate([self.raw, raw.astype(np.int64)])
        self.events.extend(block.events)
        self.latest_t = max(self.latest_t, float(block.t_s[-1]))

    def take(self, upto: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        k = int(np.searchsorted(self.t, upto, side="right"))
        out = self.t[:k], self.seq[:k], self.forces[:k], self.raw[:k]
        self.t, self.seq, self.forces, self.raw = self.t[k:], self.seq[k:], self.forces[k:], self.raw[k:]
        return out


def _split_address(address: str) -> tuple[str, str]:
    if not address:
        return "", ""
    left, sep, right = address.partition("+")
    if not sep or not left or not right:
        raise ValueError(f"two boards are addressed LEFT+RIGHT (e.g. /dev/hidraw3+/dev/hidraw5), got {address!r}")
    return left, right


class DualWiiBalanceBoard(DevicePair):
    """Two Wii Balance Boards (left foot, right foot) as one time-aligned 8-channel device.

    Parameters
    ----------
    address : str
        ``LEFT+RIGHT`` addresses of the two boards, or "" for the first two boards found (left = first).
    spacing_mm : float
        Distance between the boards' centres, mm.
    **options
        Passed to both boards (see :class:`~drivers.wii.device.WiiBalanceBoard`).
    """

    DRIVER: ClassVar[str] = "wbb2"
    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **WiiBalanceBoard.OPTIONS,
        "spacing_mm": (float, "distance between the two boards' centres, mm"),
    }
    NOT_OPEN_MESSAGE: ClassVar[str] = "the boards' information is known after open()"
    left: WiiBalanceBoard
    right: WiiBalanceBoard

    def __init__(self, address: str = "", *, spacing_mm: float = DEFAULT_SPACING_MM, **options: Any) -> None:
        super().__init__()
        if not spacing_mm > 433.0:
            raise ValueError(f"spacing_mm must exceed one board's sensor span (433 mm), got {spacing_mm}")
        self.address = address
        self.spacing_mm = float(spacing_mm)
        # The pair waits for the subject on the two boards' total load: one foot per board never holds
        # min_load_kg on its own board for settle_s while stepping, so neither board waits by itself.
        self.wait_for_subject_s = float(options.pop("wait_for_subject_s", 10.0))
        self.left, self.right = self._make_boards(*_split_address(address), wait_for_subject_s=0.0, **options)
        self._reset()

    def _make_boards(self, left: str, right: str, **options: Any) -> tuple[WiiBalanceBoard, WiiBalanceBoard]:
        if not left:
            found = [d.address for d in WiiBalanceBoard.find()]
            if len(found) < 2:
                raise DeviceNotFound(
                    f"two Wii Balance Boards are needed, {len(found)} found: connect both (red SYNC button), "
                    "then give them as wbb2:LEFT+RIGHT"
                )
            left, right = found[0], found[1]
        return WiiBalanceBoard(left, **options), WiiBalanceBoard(right, **options)

    def _reset(self) -> None:
        self._streams = (_Stream(), _Stream())
        self._seq = 0

    @classmethod
    def find(cls) -> list[FoundDevice]:
        boards = [d.address for d in WiiBalanceBoard.find()]
        if len(boards) < 2:
            return []
        return [FoundDevice(cls.DRIVER, f"{boards[0]}+{boards[1]}", "two Wii Balance Boards (left + right foot)")]

    def _describe(self) -> DeviceInfo:
        positions = side_by_side_positions(self.left.sensor_positions_mm(), self.right.sensor_positions_mm(),
                                           self.spacing_mm)
        left, right = self.left.info, self.right.info
        return DeviceInfo(
            driver=self.DRIVER,
            model="Two Nintendo Wii Balance Boards (left foot, right foot), merged by host arrival time",
            serial=f"{left.serial}+{right.serial}",
            nominal_rate_hz=left.nominal_rate_hz + right.nominal_rate_hz,
            channel_names=side_channel_names(CHANNELS, CHANNELS),
            channel_units=("N",) * 8,
            sensor_positions_mm=positions,
            surface_size_mm=(self.spacing_mm + 433.0, 238.0),
            clock=ClockSource.HOST_ARRIVAL,
            firmware=f"left: {left.firmware}; right: {right.firmware}",
            raw_counts=left.raw_counts and right.raw_counts,
            simulated=left.simulated and right.simulated,
        )

    @property
    def battery_pct(self) -> float | None:
        """The lower of the two boards' battery charges, % (the one to replace first); None before either knows."""
        known = [b.battery_pct for b in (self.left, self.right) if b.battery_pct is not None]
        return min(known) if known else None

    def recording_settings(self) -> dict[str, tuple[Any, str]]:
        """Both boards' settings (prefixed ``left.`` / ``right.``) and the alignment method."""
        out: dict[str, tuple[Any, str]] = {
            "wbb2.spacing_mm": (self.spacing_mm, "mm"),
            "wbb2.alignment": ("host monotonic arrival clock; one sample per report of either board, the other "
                               "board's channels hold its latest report", ""),
        }
        for side, board in (("left", self.left), ("right", self.right)):
            out.update({f"{side}.{k}": v for k, v in board.recording_settings().items()})
        return out

    # -- Device hooks -------------------------------------------------------------------------------------

    def _open(self) -> None:
        self._reset()
        super()._open()

    def _start(self) -> None:
        super()._start()
        board = self.left
        if board.tare is not None and self.wait_for_subject_s > 0:
            wait_for_subject(self._read, board.transport.now, self.wait_for_subject_s, board.min_load_kg,
                             board.settle_s)
            for side in (self.left, self.right):  # what the wait consumed: the recording gets it again
                side.report_battery_again()

    def _read(self, timeout_s: float) -> SampleBlock | None:
        for block, stream in zip(self._read_sides(timeout_s), self._streams, strict=True):
            if block is not None:
                stream.add(block)
        return self._merge()

    def _merge(self) -> SampleBlock | None:
        left, right = self._streams
        watermark = min(left.latest_t, right.latest_t)
        if not np.isfinite(watermark):
            return None
        parts = [s.take(watermark) for s in self._streams]
        t = np.concatenate([parts[0][0], parts[1][0]])
        if t.size == 0:
            return None
        src = np.concatenate([np.zeros(parts[0][0].size, dtype=np.int8), np.ones(parts[1][0].size, dtype=np.int8)])
        order = np.argsort(t, kind="stable")
        t, src = t[order], src[order]
        forces = np.empty((t.size, 8))
        raw = np.empty((t.size, 8), dtype=np.int64)
        ok = np.ones(t.size, dtype=bool)
        step = np.ones(t.size, dtype=np.int64)
        for side, (stream, (_, seq, f, r)) in enumerate(zip(self._streams, parts, strict=True)):
            # Row i of the merge takes this board's latest report at or before it: index 0 is the last row
            # merged before (if any), 1.. the reports taken now.
            prev_f = stream.prev[0] if stream.prev else np.full(4, np.nan)
            prev_r = stream.prev[1] if stream.prev else np.zeros(4, dtype=np.int64)
            prev_seq = stream.prev[2] if stream.prev else None
            all_f = np.vstack([prev_f[None, :], f])
            all_r = np.vstack([prev_r[None, :], r])
            mine = src == side
            pos = np.zeros(t.size, dtype=np.int64)
            pos[mine] = np.arange(1, int(mine.sum()) + 1)
            idx = np.maximum.accumulate(pos)
            cols = slice(4 * side, 4 * side + 4)
            forces[:, cols] = all_f[idx]
            raw[:, cols] = all_r[idx]
            ok &= (idx > 0) | (stream.prev is not None)
            if seq.size:
                seq_prev = np.concatenate([[seq[0] - 1 if prev_seq is None else prev_seq], seq[:-1]])
                step[mine] += np.maximum(seq - seq_prev - 1, 0)  # reports this board lost
                stream.prev = (f[-1], r[-1], int(seq[-1]))
        events = self._take_events(watermark)
        if not np.any(ok):
            return None
        t, forces, raw, step = t[ok], forces[ok], raw[ok], step[ok]
        seq = self._seq + np.cumsum(step) - 1
        self._seq = int(seq[-1]) + 1
        events = tuple(DeviceEvent(e.t_s, int(seq[min(int(np.searchsorted(t, e.t_s)), t.size - 1)]), e.code, e.label)
                       for e in events)
        return SampleBlock(
            t_s=t, seq=seq.astype(np.uint64), forces_n=forces.astype(np.float32), host_rx_s=float(t[-1]),
            raw=raw.astype(np.int32) if self.info.raw_counts else None, events=events,
        )

    def _take_events(self, upto: float) -> list[DeviceEvent]:
        out = []
        for side, stream in zip(("left", "right"), self._streams, strict=True):
            keep = []
            for e in stream.events:
                if e.t_s <= upto:
                    out.append(DeviceEvent(e.t_s, e.seq, f"{side}.{e.code}"[:32], e.label))
                else:
                    keep.append(e)
            stream.events = keep
        return sorted(out, key=lambda e: e.t_s)


class SimulatedDualWiiBalanceBoard(DualWiiBalanceBoard):
    """``sim-wbb2``: two byte-exact simulated boards, one per foot of one simulated subject, on one clock."""

    DRIVER: ClassVar[str] = "sim-wbb2"
    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **{k: v for k, v in SimulatedWiiBalanceBoard.OPTIONS.items()
           if k not in ("stance_width_mm", "init_never_finishes")},
        "spacing_mm": (float, "distance between the two boards' centres, mm"),
    }

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice(cls.DRIVER, "", "two simulated Wii Balance Boards, one per foot")]

    def _make_boards(self, left: str, right: str, **options: Any) -> tuple[WiiBalanceBoard, WiiBalanceBoard]:
        clock = RealTimeClock() if options.get("realtime") else FastClock()
        tare_s = float(options.get("tare_s", 2.0))
        # Both boards tare one after the other; the subject steps on after both.
        if options.get("step_on_s") is None:
            options["step_on_s"] = 2 * tare_s + 2.5
        seed = int(options.pop("seed", 0))
        boards = []
        for i, foot in enumerate(("left", "right")):
            # Both boards see the same person: identical subjects (same seed), one foot each.
            boards.append(SimulatedWiiBalanceBoard(foot=foot, clock=clock, seed=seed, **options))
            boards[-1].board._rng = np.random.default_rng([seed, 0x57B, i])  # independent sensor noise
        clock.start()
        return boards[0], boards[1]
