"""Hardware drivers: protocols, transports and devices that yield :class:`SampleBlock` objects.

No Qt and no HDF5 in here (DESIGN.md §1).
"""

from drivers.device import Device, DeviceState, FoundDevice
from drivers.errors import (
    DeviceDisconnected,
    DeviceError,
    DeviceNotFound,
    DeviceStateError,
    DeviceTimeout,
    UnknownDriverError,
)
from drivers.model import (
    ChannelLayout,
    ClockSource,
    DeviceEvent,
    DeviceInfo,
    SampleBlock,
    concatenate_blocks,
)

__all__ = [
    "ChannelLayout",
    "ClockSource",
    "Device",
    "DeviceDisconnected",
    "DeviceError",
    "DeviceEvent",
    "DeviceInfo",
    "DeviceNotFound",
    "DeviceState",
    "DeviceStateError",
    "DeviceTimeout",
    "FoundDevice",
    "SampleBlock",
    "UnknownDriverError",
    "concatenate_blocks",
]
