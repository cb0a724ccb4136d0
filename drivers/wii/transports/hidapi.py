"""Reach a Wii Balance Board through hidapi (Windows, macOS, Linux): the ``hid`` module of ``hidapi``.

The package is the ``[hid]`` extra and is imported only when this transport is used.

References
----------
docs/wii-protocol.md §2; the ``hidapi`` Python binding (``hid.device``).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound
from drivers.wii import reports as p
from drivers.wii.transports.base import MAX_BATCH, MAX_REPORT, Transport

__all__ = ["HidapiTransport"]


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
            while len(out) < MAX_BATCH:
                data = self._dev.read(MAX_REPORT, wait_ms if not out else 0)
                if not data:
                    break
                out.append((time.monotonic_ns(), bytes(data)))
        except OSError as exc:
            raise DeviceDisconnected(f"the board went away: {exc}") from None
        return out
