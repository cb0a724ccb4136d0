"""pyusb access for the OFP-1 host driver: import pyusb and libusb, name a USB failure, read a serial number.

pyusb is the ``[usb]`` extra and is imported only when a plate is used; libusb-1.0 comes from the
``libusb-package`` wheel when installed, else from the system. A ``usb.core.USBError`` becomes a
:class:`~drivers.errors.DeviceError` that says what happened: ENODEV = unplugged
(:class:`~drivers.errors.DeviceDisconnected`), ETIMEDOUT = no answer (:class:`~drivers.errors.DeviceTimeout`),
EPIPE = STALL, EACCES = no permission (install the udev rules).

References
----------
``docs/ofp-1.md`` §2 (USB identity, endpoints), §6.3 (host behaviour); docs/ofp-1.md §9 (pyusb).
"""

from __future__ import annotations

import errno
from typing import Any

from drivers.errors import DeviceDisconnected, DeviceError, DeviceTimeout

__all__ = ["DEFAULT_PID", "DEFAULT_VID", "EP_IN", "import_pyusb", "parse_usb_id", "real_backend", "serial_of",
           "usb_error"]

#: pid.codes test VID/PID of the OFP-1 plate (docs/ofp-1.md §2).
DEFAULT_VID = 0x1209
DEFAULT_PID = 0x0001
#: The bulk IN endpoint that carries the frames.
EP_IN = 0x81


def import_pyusb() -> Any:
    """The ``usb`` package (with ``usb.core`` and ``usb.util``), or a DeviceError saying how to install it."""
    try:
        import usb.core
        import usb.util
    except ImportError as exc:
        raise DeviceError(
            "the USB force plate needs pyusb: pip install 'balance-station[usb]'"
        ) from exc
    return usb


def real_backend() -> Any:
    """The libusb-1.0 backend (bundled by libusb-package, else the system's), or a clear DeviceError."""
    import_pyusb()
    try:
        import libusb_package
    except ImportError:
        libusb_package = None
    backend = libusb_package.get_libusb1_backend() if libusb_package is not None else None
    if backend is None:
        import usb.backend.libusb1

        backend = usb.backend.libusb1.get_backend()
    if backend is None:
        raise DeviceError("no libusb-1.0 found: pip install libusb-package (or install libusb-1.0 from your OS)")
    return backend


def usb_error(exc: OSError, doing: str) -> DeviceError:
    """The DeviceError that says what a USB failure while ``doing`` something means."""
    if exc.errno == errno.ENODEV:
        return DeviceDisconnected(f"the force plate was disconnected while {doing}")
    if exc.errno == errno.ETIMEDOUT:
        return DeviceTimeout(f"the force plate did not answer while {doing}")
    if exc.errno == errno.EPIPE:
        return DeviceError(f"the force plate refused (STALL) while {doing}")
    if exc.errno == errno.EACCES:
        return DeviceError(f"no permission to use the force plate while {doing}: install the udev rules "
                           "(station udev-rules) and replug it")
    return DeviceError(f"USB error while {doing}: {exc}")


def serial_of(dev: Any) -> str:
    """The device's serial number string, or "" when it has none or it cannot be read."""
    try:
        return dev.serial_number or ""
    except (OSError, ValueError):
        return ""


def parse_usb_id(text: str) -> int:
    """Parse a 16-bit USB vendor or product id given in hex (``1209`` or ``0x1209``)."""
    value = int(text, 16) if not text.lower().startswith("0x") else int(text, 0)
    if not 0 <= value <= 0xFFFF:
        raise ValueError(f"a USB id is 16 bits, got {text!r}")
    return value
