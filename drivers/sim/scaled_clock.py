"""A wall-paced clock that runs ``speed`` times faster than real time, for soak tests of live displays.

A simulated device on a :class:`ScaledClock` streams like a real one (data keep arriving while the GUI
draws) but a 10-minute session takes 10 min / ``speed`` of wall time.
"""

from __future__ import annotations

import time

__all__ = ["ScaledClock"]


class ScaledClock:
    """Simulated seconds = ``speed`` × wall seconds since :meth:`start` (a :class:`~drivers.sim.clock.SimClock`)."""

    def __init__(self, speed: float) -> None:
        if not speed > 0:
            raise ValueError(f"clock speed must be > 0, got {speed}")
        self.speed = float(speed)
        self._t0 = time.monotonic()

    def start(self) -> None:
        self._t0 = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._t0) * self.speed

    def wait_until(self, t_s: float, timeout_s: float) -> bool:
        delay = (t_s - self.now()) / self.speed
        if delay > 0:
            time.sleep(min(delay, timeout_s))
        return self.now() >= t_s
