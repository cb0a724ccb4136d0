"""Which transport reaches a Wii Balance Board: boards attached now, and the choice from an address.

A board paired over Bluetooth shows up as a hidraw node (057E:0306 on the Bluetooth bus, named
``RVL-WBC``) and, when the kernel's hid-wiimote driver has it, as an evdev node. An address picks the
transport (``/dev/hidraw*`` → hidraw, ``/dev/input/*`` → evdev, anything else → hidapi); without one
the first hidraw board wins, then the first evdev node. The node finders are passed in by the caller.

References
----------
docs/wii-protocol.md §2.1 (detection), §2.4 (how user space finds the board), §2.6 (hidraw by VID/PID).
"""

from __future__ import annotations

from collections.abc import Callable

from drivers.device import FoundDevice
from drivers.errors import DeviceNotFound
from drivers.wii.transports.base import Transport
from drivers.wii.transports.evdev import EvdevTransport
from drivers.wii.transports.hidapi import HidapiTransport
from drivers.wii.transports.hidraw import HidrawTransport

__all__ = ["EVDEV_CAVEAT", "attached_boards", "choose_transport", "not_found_message"]

#: What the kernel's evdev path does to the data (docs/wii-protocol.md §2.3).
EVDEV_CAVEAT = "evdev: kernel-calibrated 10 g units, clamped at 0, fuzz-filtered; not fit for sway research"

NodeFinder = Callable[[], list[tuple[str, str]]]


def not_found_message(what: str) -> str:
    """``what`` followed by how to connect a board."""
    return (
        f"{what}: switch the board on, press the red SYNC button in the battery compartment and connect it "
        "(bluetoothctl, BlueZ wiimote plugin); see docs/wii-balance-board.md. `station devices` lists what is "
        "attached"
    )


def attached_boards(driver: str, hidraw_nodes: NodeFinder, evdev_nodes: NodeFinder) -> list[FoundDevice]:
    """Boards attached now: hidraw nodes (057E:0306 on Bluetooth named RVL-WBC) and kernel evdev nodes."""
    found = [
        FoundDevice(driver, path, f"Wii Balance Board, raw HID reports ({name})")
        for path, name in hidraw_nodes()
        if "RVL-WBC" in name
    ]
    found += [
        FoundDevice(driver, path, f"Wii Balance Board, kernel evdev node ({EVDEV_CAVEAT})")
        for path, _ in evdev_nodes()
    ]
    return found


def choose_transport(kind: str, address: str, hidraw_nodes: NodeFinder, evdev_nodes: NodeFinder) -> Transport:
    """The transport for ``kind`` (auto, hidraw, hidapi, evdev) and ``address`` ("" = the first board found).

    Raises
    ------
    DeviceNotFound
        No board of that kind is attached.
    """
    if kind == "auto":
        if address.startswith("/dev/hidraw"):
            kind = "hidraw"
        elif address.startswith("/dev/input/"):
            kind = "evdev"
        elif address:
            kind = "hidapi"
    if kind == "hidraw":
        if not address:
            nodes = [path for path, name in hidraw_nodes() if "RVL-WBC" in name]
            if not nodes:
                raise DeviceNotFound(not_found_message("no hidraw node of a Wii Balance Board"))
            address = nodes[0]
        return HidrawTransport(address)
    if kind == "evdev":
        if not address:
            evdev = evdev_nodes()
            if not evdev:
                raise DeviceNotFound(not_found_message("no 'Nintendo Wii Remote Balance Board' evdev node"))
            address = evdev[0][0]
        return EvdevTransport(address)
    if kind == "hidapi":
        return HidapiTransport(address)
    # auto without an address: the first board found.
    hidraw = [path for path, name in hidraw_nodes() if "RVL-WBC" in name]
    if hidraw:
        return HidrawTransport(hidraw[0])
    evdev_found = evdev_nodes()
    if evdev_found:
        return EvdevTransport(evdev_found[0][0])
    raise DeviceNotFound(not_found_message("no Wii Balance Board found"))
