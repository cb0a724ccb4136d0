"""A simulated balance board: four load cells at the Wii Balance Board's geometry.

The board is driven by a :class:`~drivers.sim.subject.StandingSubject` (or stands empty). It
reproduces what matters downstream of a real board:

* the sensor layout TR, BR, TL, BL at (±216.5, ±119) mm (433 × 238 mm spacing, Leach 2014);
* raw counts with a Wii-style linear calibration (0 kg = 10000, 17 kg = 11700, 34 kg = 13400 counts,
  i.e. 10 g per count) plus 1-2 counts of noise, and forces in N converted from those counts;
* irregular timing around 100 Hz: most intervals near 10.5 ms, bursts of 0.5-3 ms, and late reports of
  15-35 ms (wii-balance-board.md §1.9; analysis-methods.md §0.7);
* optional dropped samples, visible as jumps in the sample counter.

Load is spread over the four cells by the bilinear rule (Dolphin's ``CenterOfBalanceToSensors``):
``TR = W/4·(1 + x/a)(1 + y/b)`` and so on, with a = 216.5 mm and b = 119 mm, which reproduces the
subject's total force and COP exactly.

With ``realtime=True`` samples arrive at the pace of the wall clock (for the GUI); otherwise the
board runs on a :class:`~drivers.sim.clock.FastClock` and 30 s of data take milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

import numpy as np

from drivers.device import Device, FoundDevice
from drivers.model import ClockSource, DeviceInfo, SampleBlock
from drivers.options import SIMULATED_BOARD_SUBJECT_OPTIONS, parse_bool
from drivers.sim.clock import FastClock, RealTimeClock, SimClock
from drivers.sim.stepping import SteppingSubject
from drivers.sim.subject import STANDARD_GRAVITY_M_S2, StandingSubject, SubjectTruth

__all__ = ["WBB_SENSOR_POSITIONS_MM", "SimulatedBoard"]

#: Wii Balance Board cell positions in wire order TR, BR, TL, BL, mm (protocol-clarifications.md).
WBB_SENSOR_POSITIONS_MM: tuple[tuple[float, float], ...] = (
    (216.5, 119.0),
    (216.5, -119.0),
    (-216.5, 119.0),
    (-216.5, -119.0),
)
_HALF_WIDTH_MM = 216.5
_HALF_DEPTH_MM = 119.0

# Linear calibration of the simulated cells: counts at 0 kg and counts per kg.
_COUNTS_AT_ZERO = 10000
_COUNTS_PER_KG = 100.0
_NOISE_COUNTS = 1.5
_FAST_BLOCK_S = 0.05




class SimulatedBoard(Device):
    """A four-cell balance board with a simulated person on it.

    Parameters
    ----------
    subject : StandingSubject or SteppingSubject, optional
        The person on the board. Built from the other parameters when not given.
    mass_kg, affected_side, affected_share_pct, stance_width_mm : optional
        Shortcuts for building the subject (see :class:`StandingSubject`).
    mode : {"standing", "stepping"}
        What the built subject does: stand quietly, or step in place with an antalgic pattern
        (:class:`~drivers.sim.stepping.SteppingSubject`). ``"walking"`` is refused: nobody walks on one board.
    affected_stance_reduction_pct, affected_peak_reduction_pct : float
        Stepping: the affected stance shorter and its force peaks lower by these % of the unaffected values.
    empty : bool
        Nobody on the board: only sensor noise.
    seed : int
        Seed for the subject, the timing and the sensor noise.
    mean_interval_ms : float
        Typical interval between reports, ms (the most common mode of the jittered timing).
    dropout : float
        Probability that a sample is lost (0-1); lost samples leave gaps in the counter.
    realtime : bool
        Pace samples by the wall clock instead of generating them as fast as possible.
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **SIMULATED_BOARD_SUBJECT_OPTIONS,
        "mean_interval_ms": (float, "typical interval between reports, ms"),
        "dropout": (float, "probability that a sample is lost, 0-1"),
        "realtime": (parse_bool, "pace samples by the wall clock"),
    }

    def __init__(
        self,
        subject: StandingSubject | SteppingSubject | None = None,
        *,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        affected_share_pct: float = 42.0,
        stance_width_mm: float = 433.0,
        mode: Literal["standing", "stepping"] = "standing",
        affected_stance_reduction_pct: float = 8.0,
        affected_peak_reduction_pct: float = 6.0,
        empty: bool = False,
        seed: int = 0,
        mean_interval_ms: float = 10.5,
        dropout: float = 0.0,
        realtime: bool = False,
        clock: SimClock | None = None,
    ) -> None:
        super().__init__()
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be within [0, 1), got {dropout}")
        if not 1.0 <= mean_interval_ms <= 1000.0:
            raise ValueError(f"mean_interval_ms must be within 1-1000 ms, got {mean_interval_ms}")
        if mode not in ("standing", "stepping"):
            raise ValueError(
                f"a simulated board can stand or step in place, not {mode!r} (one board is too short to walk on)"
            )
        if subject is None and not empty and mode == "stepping":
            subject = SteppingSubject(
                mass_kg=mass_kg,
                affected_side=affected_side,
                affected_stance_reduction_pct=affected_stance_reduction_pct,
                affected_peak_reduction_pct=affected_peak_reduction_pct,
                stance_width_mm=stance_width_mm,
                seed=seed,
            )
        if subject is None and not empty:
            subject = StandingSubject(
                mass_kg=mass_kg,
                affected_side=affected_side,
                affected_share_pct=affected_share_pct,
                stance_width_mm=stance_width_mm,
                seed=seed,
            )
        self.subject = None if empty else subject
        self.seed = int(seed)
        self.mean_interval_ms = float(mean_interval_ms)
        self.dropout = float(dropout)
        self.realtime = bool(realtime)
        self._clock: SimClock = clock or (RealTimeClock() if realtime else FastClock())
        self._info = DeviceInfo(
            driver="sim",
            model="Simulated balance board (Wii Balance Board geometry)",
            serial=f"SIM-{self.seed:06d}",
            nominal_rate_hz=1000.0 / self.mean_interval_ms,
            channel_names=("TR", "BR", "TL", "BL"),
            channel_units=("N", "N", "N", "N"),
            sensor_positions_mm=WBB_SENSOR_POSITIONS_MM,
            clock=ClockSource.DEVICE,
            firmware="sim-1",
            raw_counts=True,
            simulated=True,
        )
        self._reset_stream()

    def _reset_stream(self) -> None:
        self._rng = np.random.default_rng([self.seed, 1])
        self._next_t = 0.0  # time of the next sample the board will produce, s
        self._next_seq = 0
        self.dropped_samples = 0  # samples lost so far (for tests: the truth behind counter gaps)
        self.truth: list[SubjectTruth] = []  # what the subject did at each delivered sample

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice("sim", "", "simulated balance board, 4 cells (Wii geometry), ~100 Hz jittered")]

    @property
    def info(self) -> DeviceInfo:
        return self._info

    # -- timing ----------------------------------------------------------------------------------

    def _intervals_s(self, n: int) -> np.ndarray:
        """Jittered report intervals: mostly ~mean, some bursts, some late reports."""
        rng = self._rng
        base = self.mean_interval_ms / 1000.0
        kind = rng.random(n)
        normal = np.clip(rng.normal(base, 0.15 * base, n), 0.2 * base, 2.0 * base)
        burst = rng.uniform(0.05 * base, 0.3 * base, n)
        late = rng.uniform(1.5 * base, 3.5 * base, n)
        return np.where(kind < 0.80, normal, np.where(kind < 0.95, burst, late))

    def _produce_until(self, t_end: float) -> SampleBlock | None:
        """Every sample with time <= t_end that the board produced and did not drop."""
        n_guess = max(int((t_end - self._next_t) / (self.mean_interval_ms / 1000.0) * 1.5) + 8, 8)
        t = self._next_t + np.concatenate([[0.0], np.cumsum(self._intervals_s(n_guess - 1))])
        n = int(np.searchsorted(t, t_end, side="right"))
        if n == 0:
            return None
        t = t[:n]
        self._next_t = float(t[-1] + self._intervals_s(1)[0])
        seq = self._next_seq + np.arange(n, dtype=np.uint64)
        self._next_seq += n
        kept = self._rng.random(n) >= self.dropout
        self.dropped_samples += int(n - kept.sum())
        t, seq = t[kept], seq[kept]
        if t.size == 0:
            return None
        raw, truth = self._cells(t)
        kg = (raw - _COUNTS_AT_ZERO) / _COUNTS_PER_KG
        forces = (kg * STANDARD_GRAVITY_M_S2).astype(np.float32)
        self.truth.append(truth)
        host_rx = time.monotonic() if self.realtime else float(t[-1]) + 0.002
        return SampleBlock(t_s=t, seq=seq, forces_n=forces, host_rx_s=host_rx, raw=raw)

    def _cells(self, t: np.ndarray) -> tuple[np.ndarray, SubjectTruth]:
        if self.subject is None:
            zeros = np.zeros_like(t)
            truth = SubjectTruth(t, zeros, zeros * np.nan, zeros * np.nan, zeros, zeros)
            cells_kg = np.zeros((t.size, 4))
        else:
            truth = self.subject.sample(t)
            u = truth.cop_x_mm / _HALF_WIDTH_MM
            v = truth.cop_y_mm / _HALF_DEPTH_MM
            quarter_kg = truth.fz_n / STANDARD_GRAVITY_M_S2 / 4.0
            cells_kg = np.column_stack(
                [
                    quarter_kg * (1 + u) * (1 + v),  # TR
                    quarter_kg * (1 + u) * (1 - v),  # BR
                    quarter_kg * (1 - u) * (1 + v),  # TL
                    quarter_kg * (1 - u) * (1 - v),  # BL
                ]
            )
        counts = _COUNTS_AT_ZERO + cells_kg * _COUNTS_PER_KG + self._rng.normal(0.0, _NOISE_COUNTS, cells_kg.shape)
        return np.rint(counts).astype(np.int32), truth

    # -- Device hooks ------------------------------------------------------------------------------

    def _open(self) -> None:
        self._reset_stream()

    def _start(self) -> None:
        # Device time continues across stop/start, like a real device's counter.
        self._clock.start()
        self._clock_offset_s = self._next_t

    def _read(self, timeout_s: float) -> SampleBlock | None:
        if self.realtime:
            if not self._clock.wait_until(self._next_t - self._clock_offset_s, timeout_s):
                return None
            return self._produce_until(self._clock_offset_s + self._clock.now())
        target = self._next_t + _FAST_BLOCK_S
        self._clock.wait_until(target - self._clock_offset_s, timeout_s)
        return self._produce_until(target)

    def _stop(self) -> None:
        pass  # nothing buffered on the board side: the next start() continues the counter

    def _close(self) -> None:
        pass  # no resources to release
