"""Hardware drivers: protocols, transports and devices that yield :class:`SampleBlock` objects.

No Qt, no HDF5, no analysis (DESIGN.md §1). The package's public surface is :data:`__all__`: the device
interface (:class:`Device`, its states and errors), the data model every layer shares (:class:`SampleBlock`,
:class:`DeviceInfo`, ...), the option converters drivers declare in ``OPTIONS``, and the registry, the one
place devices are found and made (:func:`create`, :func:`create_for`, :func:`find_devices`). Individual
drivers (``drivers.wii``, ``drivers.forceplate``, ``drivers.mat``) and the simulated subjects
(``drivers.sim``) are reached by name through the registry.
"""

from drivers import registry
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
    SIX_COMPONENT_CHANNELS,
    SIX_COMPONENT_UNITS,
    ChannelLayout,
    ClockSource,
    DeviceEvent,
    DeviceInfo,
    SampleBlock,
    concatenate_blocks,
)
from drivers.options import SIDES, choice, parse_bool, parse_choice, parse_float_tuple, parse_side
from drivers.registry import create, create_for, driver_class, find_devices, parse_spec

__all__ = [
    "SIDES",
    "SIX_COMPONENT_CHANNELS",
    "SIX_COMPONENT_UNITS",
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
    "choice",
    "concatenate_blocks",
    "create",
    "create_for",
    "driver_class",
    "find_devices",
    "parse_bool",
    "parse_choice",
    "parse_float_tuple",
    "parse_side",
    "parse_spec",
    "registry",
]
