"""Reach a Wii Balance Board through Linux ``/dev/hidrawN`` (raw HID reports, report ID first).

Nodes are found by VID/PID 057E:0306 on the Bluetooth bus in sysfs; after a link drop the board is
followed to its new node by its Bluetooth address (HID_UNIQ).

References
----------
docs/wii-protocol.md §2.6; Linux ``Documentation/hid/hidraw.rst``.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import select
import time
from pathlib import Path

from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound
from drivers.wii import reports as p
from drivers.wii.transports.base import MAX_BATCH, MAX_REPORT, Transport

__all__ = ["HidrawTransport", "find_hidraw_by_uniq", "find_hidraw_nodes", "hidraw_uniq"]


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
            while ready and len(out) < MAX_BATCH:
                try:
                    data = os.read(fd, MAX_REPORT)
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
