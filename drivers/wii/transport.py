"""Transports for the Wii Balance Board: one interface, four ways to reach a board.

* :class:`HidrawTransport` — Linux ``/dev/hidrawN`` (raw reports; found by VID/PID 057E:0306 on the
  Bluetooth bus, wii-balance-board.md §2.6).
* :class:`HidapiTransport` — Windows / macOS / Linux through the ``hid`` module of the ``hidapi``
  package (the ``[hid]`` extra), imported only when used.
* :class:`EvdevTransport` — Linux, the kernel's ``Nintendo Wii Remote Balance Board`` input node
  (``evdev`` package, imported only when used). Read-only and **kernel-calibrated**: 10 g integers,
  clamped at 0, fuzz-filtered (§2.3). Fine for weighing and feedback, not for sway research.
* :class:`SimTransport` — the byte-exact :class:`~drivers.wii.simulator.SimulatedWiiBoard`.

Report transports (hidraw, hidapi, sim) move whole HID reports in hidraw framing (report ID first).
:meth:`Transport.read` returns every report that arrived, each stamped with the host's monotonic
clock in ns on arrival (the board has no clock of its own).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import select
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound
from drivers.sim.clock import SimClock
from drivers.wii import protocol as p

__all__ = [
    "EvdevFrame",
    "EvdevTransport",
    "HidapiTransport",
    "HidrawTransport",
    "SimTransport",
    "Transport",
    "find_evdev_nodes",
    "find_hidraw_by_uniq",
    "find_hidraw_nodes",
    "hidraw_uniq",
]

_MAX_REPORT = 64
_MAX_BATCH = 512


class Transport(ABC):
    """A connection to one board.

    ``kind`` is ``"reports"`` (raw HID reports) or ``"evdev"`` (kernel-calibrated frames).
    """

    kind = "reports"
    name = "transport"

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

    def reopen(self) -> None:
        """Connect again after a link drop (by default: ``open()`` at the same address)."""
        self.open()


# -- hidraw (Linux) ----------------------------------------------------------------------------------------


def _uevent(path: Path) -> dict[str, str]:
    try:
        text = path.read_text()
    except OSError:
        return {}
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def find_hidraw_nodes(sys_class: str = "/sys/class/hidraw") -> list[tuple[str, str]]:
    """(/dev/hidrawN, HID name) of every Wii Remote-family device on the Bluetooth bus.

    Matches ``HID_ID=0005:0000057E:00000306`` (bus 0005 = Bluetooth) in the parent HID device's uevent.
    """
    found: list[tuple[str, str]] = []
    for node in sorted(glob.glob(os.path.join(sys_class, "hidraw*"))):
        info = _uevent(Path(node) / "device" / "uevent")
        hid_id = info.get("HID_ID", "")
        try:
            bus, vid, pid = (int(x, 16) for x in hid_id.split(":"))
        except ValueError:
            continue
        if bus == 0x0005 and vid == p.VENDOR_ID and pid == p.PRODUCT_ID:
            found.append((f"/dev/{os.path.basename(node)}", info.get("HID_NAME", "")))
    return found


def hidraw_uniq(path: str, sys_class: str = "/sys/class/hidraw") -> str:
    """The HID_UNIQ (the board's Bluetooth address) of /dev/hidrawN, or "" when unknown."""
    return _uevent(Path(sys_class) / os.path.basename(path) / "device" / "uevent").get("HID_UNIQ", "")


def find_hidraw_by_uniq(uniq: str, sys_class: str = "/sys/class/hidraw") -> str | None:
    """The /dev/hidrawN of the Wii device with Bluetooth address ``uniq`` (its node number changes on reconnect)."""
    if not uniq:
        return None
    for path, _ in find_hidraw_nodes(sys_class):
        if hidraw_uniq(path, sys_class).lower() == uniq.lower():
            return path
    return None


class HidrawTransport(Transport):
    """``/dev/hidrawN`` on Linux. Reads and writes whole reports (report ID first)."""

    name = "hidraw"

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self.uniq = ""  # the board's Bluetooth address, read at the first open

    def reopen(self) -> None:
        """Open again after a link drop: the node may have a new number; find it by Bluetooth address."""
        try:
            self.open()
            return
        except DeviceNotFound:
            moved = find_hidraw_by_uniq(self.uniq)
            if moved is None or moved == self.path:
                raise
        self.path = moved
        self.open()

    @property
    def address(self) -> str:
        return self.path

    def open(self) -> None:
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_NONBLOCK)
            self.uniq = self.uniq or hidraw_uniq(self.path)
        except FileNotFoundError:
            raise DeviceNotFound(
                f"{self.path} does not exist: is the board connected (press its red SYNC button)?"
            ) from None
        except PermissionError:
            raise DeviceNotFound(
                f"no permission to open {self.path}: install the udev rule (`station udev-rules`, see "
                "docs/wii-balance-board.md) and reconnect the board"
            ) from None
        except OSError as exc:
            raise DeviceNotFound(f"cannot open {self.path}: {exc.strerror}") from None

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def _require(self) -> int:
        if self._fd is None:
            raise DeviceError(f"{self.path} is not open")
        return self._fd

    def write(self, report: bytes) -> None:
        fd = self._require()
        try:
            os.write(fd, bytes(report))
        except OSError as exc:
            raise DeviceDisconnected(f"writing to the board at {self.path} failed: {exc.strerror}") from None

    def read(self, timeout_s: float) -> list[tuple[int, bytes]]:
        fd = self._require()
        out: list[tuple[int, bytes]] = []
        try:
            ready, _, _ = select.select([fd], [], [], timeout_s)
            while ready and len(out) < _MAX_BATCH:
                try:
                    data = os.read(fd, _MAX_REPORT)
                except BlockingIOError:
                    break
                if not data:
                    raise DeviceDisconnected(f"the board at {self.path} went away")
                out.append((time.monotonic_ns(), data))
        except OSError as exc:
            if exc.errno in (errno.ENODEV, errno.EIO, errno.EBADF):
                raise DeviceDisconnected(f"the board at {self.path} went away ({exc.strerror})") from None
            raise
        return out


# -- hidapi (Windows, macOS, Linux) --------------------------------------------------------------------------


def _import_hid() -> Any:
    try:
        import hid
    except ImportError as exc:
        raise DeviceNotFound(
            "the hidapi transport needs the 'hidapi' package: pip install 'balance-station[hid]' "
            f"({exc})"
        ) from None
    return hid


class HidapiTransport(Transport):
    """A board through hidapi (``hid.device``); ``path`` is hidapi's path, or empty for the first board."""

    name = "hidapi"

    def __init__(self, path: bytes | str = b"") -> None:
        self.path = path.encode() if isinstance(path, str) else path
        self._dev: Any = None

    @property
    def address(self) -> str:
        return self.path.decode(errors="replace") or f"{p.VENDOR_ID:04x}:{p.PRODUCT_ID:04x}"

    @staticmethod
    def enumerate() -> list[dict[str, Any]]:
        """hidapi's device dicts for every 057E:0306 device."""
        return list(_import_hid().enumerate(p.VENDOR_ID, p.PRODUCT_ID))

    def open(self) -> None:
        hid = _import_hid()
        dev = hid.device()
        try:
            if self.path:
                dev.open_path(self.path)
            else:
                dev.open(p.VENDOR_ID, p.PRODUCT_ID)
        except OSError as exc:
            raise DeviceNotFound(
                f"hidapi could not open a Wii Balance Board ({self.address}): {exc}. Pair it first "
                "(red SYNC button); on Linux hidapi sees Bluetooth devices only through its hidraw backend"
            ) from None
        dev.set_nonblocking(False)
        self._dev = dev

    def close(self) -> None:
        if self._dev is not None:
            with contextlib.suppress(OSError):
                self._dev.close()
            self._dev = None

    def write(self, report: bytes) -> None:
        if self._dev is None:
            raise DeviceError("the hidapi board is not open")
        try:
            written = self._dev.write(bytes(report))
        except OSError as exc:
            raise DeviceDisconnected(f"writing to the board failed: {exc}") from None
        if written < 0:
            raise DeviceDisconnected("writing to the board failed (hidapi returned -1)")

    def read(self, timeout_s: float) -> list[tuple[int, bytes]]:
        if self._dev is None:
            raise DeviceError("the hidapi board is not open")
        out: list[tuple[int, bytes]] = []
        wait_ms = max(int(timeout_s * 1000), 0)
        try:
            while len(out) < _MAX_BATCH:
                data = self._dev.read(_MAX_REPORT, wait_ms if not out else 0)
                if not data:
                    break
                out.append((time.monotonic_ns(), bytes(data)))
        except OSError as exc:
            raise DeviceDisconnected(f"the board went away: {exc}") from None
        return out


# -- evdev (Linux kernel path) --------------------------------------------------------------------------------


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


# -- simulated board ------------------------------------------------------------------------------------------


class SimTransport(Transport):
    """The byte-exact simulated board behind the transport interface, on a simulated clock.

    With a :class:`~drivers.sim.clock.FastClock` each read advances time by up to ``block_s`` (or the
    timeout) and returns what the board sent meanwhile, so 30 s of data take milliseconds; with a
    :class:`~drivers.sim.clock.RealTimeClock` reports come at the pace of real time.
    """

    name = "sim"

    def __init__(self, board: Any, clock: SimClock, block_s: float = 0.05, start_clock: bool = True) -> None:
        self.board = board
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
