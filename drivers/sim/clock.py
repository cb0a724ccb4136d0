"""Clocks for simulated devices: real time for the GUI, as fast as possible for tests."""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["FastClock", "RealTimeClock", "SimClock"]


class SimClock(Protocol):
    """Seconds since the clock was started, and a way to wait for a moment on it."""

    def start(self) -> None: ...

    def now(self) -> float: ...

    def wait_until(self, t_s: float, timeout_s: float) -> bool:
        """Wait until ``now() >= t_s`` or ``timeout_s`` passed; True if the moment was reached."""
        ...


class RealTimeClock:
    """Wall-clock pacing on ``time.monotonic``: a simulated device streams as fast as a real one."""

    def __init__(self) -> None:
        self._t0 = time.monotonic()

    def start(self) -> None:
        self._t0 = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._t0

    def wait_until(self, t_s: float, timeout_s: float) -> bool:
        delay = t_s - self.now()
        if delay <= 0:
            return True
        time.sleep(min(delay, timeout_s))
        return self.now() >= t_s


class FastClock:
    """A simulated clock that jumps to any moment asked for: 30 s of data in milliseconds."""

    def __init__(self) -> None:
        self._now = 0.0

    def start(self) -> None:
        self._now = 0.0

    def now(self) -> float:
        return self._now

    def wait_until(self, t_s: float, timeout_s: float) -> bool:
        self._now = max(self._now, t_s)
        return True
