"""Read a Wii Balance Board through the Linux kernel's ``Nintendo Wii Remote Balance Board`` evdev node.

Read-only and **kernel-calibrated**: 10 g integers, clamped at 0, fuzz-filtered (§2.3). Fine for weighing
and feedback, not for sway research. The ``evdev`` package is imported only when used.

References
----------
docs/wii-protocol.md §2.2-2.3; Linux ``hid-wiimote-modules.c``.
"""

from __future__ import annotations

import contextlib
import select
from dataclasses import dataclass
from typing import Any

from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound
from drivers.wii import reports as p
from drivers.wii.transports.base import Transport

__all__ = ["EvdevFrame", "EvdevTransport", "find_evdev_nodes"]


def _import_evdev() -> Any:
    try:
        import evdev
    except ImportError as exc:
        raise DeviceNotFound(
            f"the evdev transport needs the 'evdev' package: pip install 'balance-station[hid]' ({exc})"
        ) from None
    return evdev


def find_evdev_nodes() -> list[tuple[str, str]]:
    """(/dev/input/eventN, name) of every kernel balance-board node; [] without the evdev package."""
    try:
        evdev = _import_evdev()
    except DeviceNotFound:
        return []
    found = []
    for path in evdev.list_devices():
        try:
            with contextlib.closing(evdev.InputDevice(path)) as dev:
                if dev.name == p.EVDEV_NAME:
                    found.append((path, dev.name))
        except OSError:
            continue
    return found


@dataclass(frozen=True)
class EvdevFrame:
    """One kernel frame (up to SYN_REPORT): the four sensors in 10 g units (TR, BR, TL, BL) and the button.

    The kernel sends only changed axes; the transport carries the last value forward (§2.3).
    """

    values_10g: tuple[int, int, int, int]
    button: bool


class EvdevTransport(Transport):
    """The kernel's ``Nintendo Wii Remote Balance Board`` evdev node (read-only, kernel-calibrated).

    Axes: ABS_HAT0X = TR, ABS_HAT0Y = BR, ABS_HAT1X = TL, ABS_HAT1Y = BL; BTN_A = front button. Arrival
    times are the kernel's event timestamps (CLOCK_MONOTONIC is requested where supported).
    """

    kind = "evdev"
    name = "evdev"

    def __init__(self, path: str) -> None:
        self.path = path
        self._dev: Any = None
        self._values = [0, 0, 0, 0]
        self._button = False

    @property
    def address(self) -> str:
        return self.path

    def open(self) -> None:
        evdev = _import_evdev()
        try:
            dev = evdev.InputDevice(self.path)
        except PermissionError:
            raise DeviceNotFound(
                f"no permission to open {self.path}: join the 'input' group or install the udev rule"
            ) from None
        except OSError as exc:
            raise DeviceNotFound(f"cannot open {self.path}: {exc.strerror}") from None
        if dev.name != p.EVDEV_NAME:
            dev.close()
            raise DeviceNotFound(f"{self.path} is {dev.name!r}, not a {p.EVDEV_NAME!r}")
        self._dev = dev
        self._codes = {
            evdev.ecodes.ABS_HAT0X: 0,
            evdev.ecodes.ABS_HAT0Y: 1,
            evdev.ecodes.ABS_HAT1X: 2,
            evdev.ecodes.ABS_HAT1Y: 3,
        }
        self._ev = evdev.ecodes

    def close(self) -> None:
        if self._dev is not None:
            with contextlib.suppress(OSError):
                self._dev.close()
            self._dev = None

    def write(self, report: bytes) -> None:
        raise DeviceError("the evdev transport is read-only (the kernel drives the board)")

    def read(self, timeout_s: float) -> list[tuple[int, EvdevFrame]]:
        if self._dev is None:
            raise DeviceError(f"{self.path} is not open")
        out: list[tuple[int, EvdevFrame]] = []
        ev = self._ev
        try:
            ready, _, _ = select.select([self._dev.fd], [], [], timeout_s)
            if not ready:
                return out
            for event in self._dev.read():
                if event.type == ev.EV_ABS and event.code in self._codes:
                    self._values[self._codes[event.code]] = int(event.value)
                elif event.type == ev.EV_KEY and event.code == ev.BTN_A:
                    self._button = bool(event.value)
                elif event.type == ev.EV_SYN and event.code == ev.SYN_REPORT:
                    t_ns = int(event.sec) * 1_000_000_000 + int(event.usec) * 1000
                    out.append((t_ns, EvdevFrame(tuple(self._values), self._button)))  # type: ignore[arg-type]
        except BlockingIOError:
            return out
        except OSError as exc:
            raise DeviceDisconnected(f"the board at {self.path} went away ({exc.strerror})") from None
        return out
