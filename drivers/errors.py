"""Exceptions raised by drivers.

They map onto Python's built-in exception types (pyusb's ``USBError(IOError)`` pattern), so a caller can
catch ``OSError``, ``TimeoutError`` or ``ConnectionError`` without knowing this package. The reason for a
failure is always in the message.
"""

from __future__ import annotations

__all__ = [
    "DeviceDisconnected",
    "DeviceError",
    "DeviceNotFound",
    "DeviceStateError",
    "DeviceTimeout",
    "UnknownDriverError",
]


class DeviceError(OSError):
    """Base class of every error a device raises."""


class DeviceNotFound(DeviceError):
    """No device answered at the requested address (not plugged in, not paired, no permission)."""


class UnknownDriverError(DeviceError, LookupError):
    """The requested driver name is not in the registry."""


class DeviceTimeout(DeviceError, TimeoutError):
    """The device did not answer within the timeout."""


class DeviceDisconnected(DeviceError, ConnectionError):
    """The device went away (unplugged, out of Bluetooth range, battery empty)."""


class DeviceStateError(DeviceError, RuntimeError):
    """A method was called in the wrong state, e.g. ``read()`` before ``start()``."""
