"""The transport interface every way of reaching a Wii Balance Board implements.

Report transports (hidraw, hidapi, sim) move whole HID reports in hidraw framing (report ID first).
:meth:`Transport.read` returns every report that arrived, each stamped with the host's monotonic
clock in ns on arrival (the board has no clock of its own).

References
----------
docs/wii-protocol.md §2 (Linux hidraw, hidapi, evdev paths).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import Any

__all__ = ["MAX_BATCH", "MAX_REPORT", "Transport"]

#: Largest input report read at once, bytes, and most reports returned by one read().
MAX_REPORT = 64
MAX_BATCH = 512


class Transport(ABC):
    """A connection to one board.

    ``kind`` is ``"reports"`` (raw HID reports) or ``"evdev"`` (kernel-calibrated frames).
    """

    kind = "reports"
    name = "transport"
    #: True for a simulated board (recorded in the device information as ``simulated``).
    simulated = False

    @property
    @abstractmethod
    def address(self) -> str:
        """Where the board is (a path or a description)."""

    @abstractmethod
    def open(self) -> None:
        """Connect. Raises DeviceNotFound (with the reason) when the board cannot be reached."""

    @abstractmethod
    def close(self) -> None:
        """Disconnect; safe to call twice."""

    @abstractmethod
    def write(self, report: bytes) -> None:
        """Send one output report. Raises DeviceDisconnected when the board is gone."""

    @abstractmethod
    def read(self, timeout_s: float) -> list[tuple[int, Any]]:
        """Every report that arrived, waiting up to ``timeout_s`` s for the first one.

        Returns a list of (arrival time in monotonic ns, report bytes) — ``[]`` on timeout. Raises
        DeviceDisconnected when the board went away (reports received before were returned earlier).
        """

    def now(self) -> float:
        """Current time on the clock the arrival stamps use, s."""
        return time.monotonic()

    def wait(self, seconds: float) -> None:
        """Let ``seconds`` pass on this transport's clock (between reconnect attempts); real boards sleep."""
        time.sleep(seconds)

    def reopen(self) -> None:
        """Connect again after a link drop (by default: ``open()`` at the same address)."""
        self.open()

