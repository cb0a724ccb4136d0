"""Device time to LSL time: one offset, estimated from block arrivals and slewed so stamps never jump.

LSL time stamps are seconds on the sending machine's ``pylsl.local_clock()`` (liblsl's steady clock; on
Linux the same ``CLOCK_MONOTONIC`` as Python's ``time.monotonic``). A block's ``t_s`` is on the *device*
clock (DESIGN.md §2): the OFP-1 driver's crystal anchored to the host clock at start, the Wii board's host
arrival stamps, or a simulator's clock that starts at 0. The map is ``lsl = t_device + offset``.

Estimate. Every block gives one observation ``o = arrival − t_last``: ``arrival`` is the LSL time at which the
block reached the outlet and ``t_last`` the device time of its newest sample. A sample reaches the host after
it was taken, so ``o = true offset + latency ≥ true offset``, and the smallest recent observation is the best
estimate of the offset (the minimum-delay filter of NTP, Mills 1991, and of NIDAS' time-tag adjustment):

* the first block sets ``offset = o``: its newest sample is stamped with the moment it arrived;
* afterwards the *target* is the minimum of ``o`` over the last ``window_s`` seconds of device time (default
  2 s), a running minimum: it follows a device clock that runs fast against the host (``o`` falls) at once,
  and one that runs slow (``o`` rises) with the window's oldest value, i.e. stamps at most
  ``window_s × drift`` early (0.2 ms at 100 ppm), so crystal drift (tens of ppm) is tracked;
* the applied offset moves towards the target by at most ``max_slew`` seconds per second of device time
  (default 500 ppm = 0.5 ms/s). Stamps therefore never jump and stay strictly increasing where device times
  do (a 1 ms sample interval changes by at most 0.5 µs), and the sample spacing keeps the device's crystal
  to within ``max_slew``. ``max_slew = 0`` keeps the first block's offset for ever: pure device timing,
  drift not corrected.

A device clock that goes backwards between blocks (the device restarted) cannot be mapped by one offset:
:meth:`DeviceClockMap.reset` starts afresh and the next block is a first block again.
"""

from __future__ import annotations

from collections import deque

import numpy as np

__all__ = ["DEFAULT_MAX_SLEW", "DEFAULT_WINDOW_S", "DeviceClockMap"]

#: Largest change of the offset per second of device time (500 ppm): above any crystal drift, small enough
#: that a 1 kHz sample interval changes by at most 0.5 µs.
DEFAULT_MAX_SLEW = 500e-6
#: Device seconds over which the minimum observation is taken.
DEFAULT_WINDOW_S = 2.0


class DeviceClockMap:
    """Maps device times (s) to LSL times (s) with an offset that tracks ``min(arrival − device time)``.

    Parameters
    ----------
    max_slew : float
        Largest change of the offset per second of device time (dimensionless, s/s); 0 fixes the offset at
        the first block.
    window_s : float
        Device seconds over which the minimum of ``arrival − t_last`` is taken, s.
    """

    def __init__(self, *, max_slew: float = DEFAULT_MAX_SLEW, window_s: float = DEFAULT_WINDOW_S) -> None:
        if not (np.isfinite(max_slew) and 0.0 <= max_slew < 0.1):
            raise ValueError(f"max_slew must be in [0, 0.1) s per s, got {max_slew!r}")
        if not (np.isfinite(window_s) and window_s > 0):
            raise ValueError(f"window_s must be a positive number of seconds, got {window_s!r}")
        self.max_slew = float(max_slew)
        self.window_s = float(window_s)
        self._window: deque[tuple[float, float]] = deque()  # (t_last, observation), observations increasing
        self._offset: float | None = None
        self._t_ref = 0.0  # device time at which _offset applies
        self._t_last: float | None = None

    @property
    def started(self) -> bool:
        """Whether a block has fixed the map."""
        return self._offset is not None

    @property
    def offset_s(self) -> float:
        """The offset applied at the newest mapped device time, s (LSL time − device time)."""
        if self._offset is None:
            raise ValueError("no block has been mapped yet: the device clock has no LSL offset")
        return self._offset

    @property
    def target_s(self) -> float:
        """The minimum observation in the window, s: where the offset is heading."""
        if not self._window:
            raise ValueError("no block has been mapped yet: the device clock has no LSL offset")
        return self._window[0][1]

    @property
    def last_device_time_s(self) -> float | None:
        """Device time of the newest sample mapped, s (None before the first block)."""
        return self._t_last

    def reset(self) -> None:
        """Forget the offset (the device clock restarted): the next block maps as a first block."""
        self._window.clear()
        self._offset = None
        self._t_last = None

    def map_block(self, t_device_s: np.ndarray, arrival_s: float) -> np.ndarray:
        """Observe a block that reached the outlet at ``arrival_s`` (LSL clock, s); return its LSL times, s.

        ``t_device_s`` are the block's sample times (s, non-decreasing, at least one). Raises ``ValueError``
        when they start before the previous block's last sample: call :meth:`reset` first.
        """
        t = np.asarray(t_device_s, dtype=np.float64)
        if t.ndim != 1 or t.size == 0:
            raise ValueError(f"a block needs one or more device times, got shape {t.shape}")
        if not (np.all(np.isfinite(t)) and np.isfinite(arrival_s)):
            raise ValueError("device times and the arrival time must be finite")
        if self._t_last is not None and t[0] < self._t_last:
            raise ValueError(f"device time went back from {self._t_last} s to {t[0]} s: reset() the map first")
        t_last = float(t[-1])
        observation = float(arrival_s) - t_last
        while self._window and self._window[-1][1] >= observation:
            self._window.pop()
        self._window.append((t_last, observation))
        while self._window[0][0] < t_last - self.window_s:
            self._window.popleft()
        if self._offset is None:
            self._offset, self._t_ref = observation, float(t[0])
        offsets = self._slewed(t)
        self._offset, self._t_ref, self._t_last = float(offsets[-1]), t_last, t_last
        return t + offsets

    def lsl_time(self, t_device_s: float) -> float:
        """LSL time of a moment on the device clock with the current map, s (for markers).

        A moment at or after the newest mapped sample uses the offset slewed on towards the target, so a
        marker at a sample's device time gets that sample's stamp; an earlier moment uses the current
        offset (it differs from the one applied then by at most ``max_slew`` times the interval).
        """
        if self._offset is None:
            raise ValueError("no block has been mapped yet: the device clock has no LSL offset")
        t = float(t_device_s)
        if not np.isfinite(t):
            raise ValueError(f"a marker needs a finite device time, got {t_device_s!r}")
        return t + float(self._slewed(np.array([t]))[0])

    def _slewed(self, t: np.ndarray) -> np.ndarray:
        assert self._offset is not None
        reach = self.max_slew * np.maximum(t - self._t_ref, 0.0)
        return self._offset + np.clip(self.target_s - self._offset, -reach, reach)
