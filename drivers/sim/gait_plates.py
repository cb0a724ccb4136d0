"""Two simulated force plates side by side, one foot on each, with a walking or stepping subject.

Each plate reports one channel, the vertical force under its foot, N, on a regular device clock
(default 1 kHz). The plates' centres sit at x = ∓``plate_spacing_mm``/2, so a consumer that splits
load cells by the sign of x (left < 0 < right) gets each foot's force. The person is a
:class:`~drivers.sim.gait.GaitSubject` (antalgic walking or stepping in place).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

import numpy as np

from drivers.device import Device, FoundDevice
from drivers.model import ClockSource, DeviceInfo, SampleBlock
from drivers.options import choice, parse_bool, parse_side
from drivers.sim.clock import FastClock, RealTimeClock, SimClock
from drivers.sim.gait import GAIT_MODES, GaitSubject

__all__ = ["SimulatedGaitPlates"]

_BLOCK_S = 0.05


class SimulatedGaitPlates(Device):
    """Two single-channel force plates (left foot, right foot) under a simulated walking subject.

    Parameters
    ----------
    subject : GaitSubject, optional
        Built from the shortcuts below when not given.
    mass_kg, affected_side, mode, affected_stance_reduction_pct, affected_peak_reduction_pct, seed :
        Shortcuts for the subject (see :class:`~drivers.sim.gait.GaitSubject`).
    rate_hz : float
        Sample rate of the plates, Hz.
    plate_spacing_mm : float
        Distance between the two plates' centres, mm.
    realtime : bool
        Pace samples by the wall clock instead of generating them as fast as possible.
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        "mass_kg": (float, "body mass of the simulated subject, kg"),
        "affected_side": (parse_side, "painful side of the simulated subject: left or right"),
        "mode": (choice(*sorted(GAIT_MODES), name="mode"), "walking or stepping (in place)"),
        "affected_stance_reduction_pct": (float, "affected stance shorter by this %"),
        "affected_peak_reduction_pct": (float, "affected force peaks lower by this %"),
        "seed": (int, "random seed"),
        "rate_hz": (float, "sample rate, Hz"),
        "realtime": (parse_bool, "pace samples by the wall clock"),
    }

    def __init__(
        self,
        subject: GaitSubject | None = None,
        *,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        mode: Literal["walking", "stepping"] = "walking",
        affected_stance_reduction_pct: float = 8.0,
        affected_peak_reduction_pct: float = 6.0,
        seed: int = 0,
        rate_hz: float = 1000.0,
        plate_spacing_mm: float = 300.0,
        realtime: bool = False,
        clock: SimClock | None = None,
    ) -> None:
        super().__init__()
        if not 50.0 <= rate_hz <= 10_000.0:
            raise ValueError(f"rate_hz must be within 50-10000 Hz, got {rate_hz}")
        if not plate_spacing_mm > 0:
            raise ValueError(f"plate_spacing_mm must be > 0, got {plate_spacing_mm}")
        self.subject = subject or GaitSubject(
            mass_kg=mass_kg,
            affected_side=affected_side,
            mode=mode,
            affected_stance_reduction_pct=affected_stance_reduction_pct,
            affected_peak_reduction_pct=affected_peak_reduction_pct,
            seed=seed,
        )
        self.rate_hz = float(rate_hz)
        self.realtime = bool(realtime)
        self._clock: SimClock = clock or (RealTimeClock() if realtime else FastClock())
        half = plate_spacing_mm / 2.0
        self._info = DeviceInfo(
            driver="sim-gait",
            model=f"Simulated force plates, one per foot ({self.subject.mode})",
            serial=f"SIMGAIT-{self.subject.seed:06d}",
            nominal_rate_hz=self.rate_hz,
            channel_names=("left_fz", "right_fz"),
            channel_units=("N", "N"),
            sensor_positions_mm=((-half, 0.0), (half, 0.0)),
            clock=ClockSource.DEVICE,
            firmware="sim-1",
            simulated=True,
        )
        self._next_seq = 0

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice("sim-gait", "", "two simulated force plates, one per foot, antalgic walking, 1 kHz")]

    @property
    def info(self) -> DeviceInfo:
        return self._info

    def _produce_until(self, t_end: float) -> SampleBlock | None:
        last = int(np.floor(t_end * self.rate_hz))
        if last < self._next_seq:
            return None
        seq = np.arange(self._next_seq, last + 1, dtype=np.uint64)
        self._next_seq = last + 1
        t = seq.astype(np.float64) / self.rate_hz
        left, right = self.subject.sample(t)
        forces = np.column_stack([left, right]).astype(np.float32)
        return SampleBlock(t_s=t, seq=seq, forces_n=forces, host_rx_s=float(t[-1]) + 0.002)

    def _open(self) -> None:
        self._next_seq = 0

    def _start(self) -> None:
        self._clock.start()
        self._clock_offset_s = self._next_seq / self.rate_hz

    def _read(self, timeout_s: float) -> SampleBlock | None:
        if self.realtime:
            if not self._clock.wait_until(self._next_seq / self.rate_hz - self._clock_offset_s, timeout_s):
                return None
            return self._produce_until(self._clock_offset_s + self._clock.now())
        target = self._next_seq / self.rate_hz + _BLOCK_S
        self._clock.wait_until(target - self._clock_offset_s, timeout_s)
        return self._produce_until(target)

    def _stop(self) -> None:
        pass  # nothing buffered: the next start() continues the counter

    def _close(self) -> None:
        pass  # no resources to release
