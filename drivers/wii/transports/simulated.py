"""The byte-exact simulated Wii Balance Board behind the transport interface, on a simulated clock.

References
----------
docs/wii-protocol.md §1.12; :mod:`drivers.wii.simulator`.
"""

from __future__ import annotations

from typing import Any

from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound
from drivers.sim.clock import SimClock
from drivers.wii.transports.base import Transport

__all__ = ["SimTransport"]


class SimTransport(Transport):
    """The byte-exact simulated board behind the transport interface, on a simulated clock.

    With a :class:`~drivers.sim.clock.FastClock` each read advances time by up to ``block_s`` (or the
    timeout) and returns what the board sent meanwhile, so 30 s of data take milliseconds; with a
    :class:`~drivers.sim.clock.RealTimeClock` reports come at the pace of real time.
    """

    name = "sim"
    simulated = True

    def __init__(self, board: Any, clock: SimClock, block_s: float = 0.05, start_clock: bool = True,
                 uniq: str = "") -> None:
        self.board = board
        self.uniq = uniq  # what a real board's Bluetooth address is to the device information: its serial
        self.clock = clock
        self.block_s = float(block_s)
        self._open = False
        self._started = not start_clock  # a clock shared by several boards is started by their owner
        self._dead = False

    @property
    def address(self) -> str:
        return "simulated"

    def now(self) -> float:
        return self.clock.now()

    def open(self) -> None:
        if not self._started:
            self.clock.start()
            self._started = True
        t = self.clock.now()
        if not self.board.link_up(t):
            raise DeviceNotFound("the simulated board is out of reach (link down)")
        if self._dead:
            self.board.reconnect(t)
        self._dead = False
        self._open = True

    def close(self) -> None:
        self._open = False

    def wait(self, seconds: float) -> None:
        """Let simulated time pass (e.g. between reconnect attempts)."""
        self.clock.wait_until(self.clock.now() + seconds, seconds)

    def _check_link(self) -> None:
        if not self._open:
            raise DeviceError("the simulated board is not open")
        if self._dead:
            raise DeviceDisconnected("the simulated board's Bluetooth link dropped")

    def write(self, report: bytes) -> None:
        self._check_link()
        if not self.board.link_up(self.clock.now()):
            self._dead = True
            raise DeviceDisconnected("the simulated board's Bluetooth link dropped")
        self.board.handle_output(bytes(report), self.clock.now())

    def read(self, timeout_s: float) -> list[tuple[int, bytes]]:
        self._check_link()
        now = self.clock.now()
        target = now + min(self.block_s, timeout_s) if timeout_s > 0 else now
        nxt = self.board.next_event_s()
        if nxt > target:
            # Nothing due before the timeout: wait it out (a real-time clock sleeps).
            self.clock.wait_until(now + timeout_s, timeout_s)
        else:
            self.clock.wait_until(target, timeout_s)
        t = self.clock.now()
        down = self.board.disconnect_at_s
        if down is not None and not self.board.link_up(t):
            reports = self.board.reports_until(min(t, down))
            self._dead = True
            if not reports:
                raise DeviceDisconnected("the simulated board's Bluetooth link dropped")
        else:
            reports = self.board.reports_until(t)
        return [(round(ts * 1e9), r) for ts, r in reports]
