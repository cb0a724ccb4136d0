"""The simulated OFP-1 plate's USB descriptors, as pyusb reads them and as the bytes a real plate sends.

Device (bcdUSB 2.10), one configuration, one vendor interface (class 0xFF) with bulk IN 0x81 and bulk
OUT 0x01 (64 B), strings, a BOS with the Microsoft OS 2.0 platform capability and an MS OS 2.0
descriptor set with compatible ID ``WINUSB`` (Windows then binds WinUSB without an INF).

References
----------
``docs/ofp-1.md`` §2 (USB identity, descriptors, MS OS 2.0); USB 2.0 §9.6; Microsoft OS 2.0 Descriptors
Specification (2013).
"""

from __future__ import annotations

import struct
from typing import NamedTuple

import usb.util

from drivers.forceplate.requests import MS_OS_20_VENDOR_CODE

__all__ = [
    "EP_IN",
    "EP_OUT",
    "MAX_PACKET",
    "Descriptor",
    "DescriptorSet",
    "bos_descriptor_bytes",
    "config_descriptor_bytes",
    "descriptor_set",
    "device_descriptor_bytes",
    "ms_os_20_descriptor_set",
    "string_descriptor",
]

EP_IN = 0x81
EP_OUT = 0x01
MAX_PACKET = 64
_STRINGS = {1: "balance-station", 2: "OFP-1 simulated force plate"}


class Descriptor:
    """A descriptor: pyusb copies its attributes with getattr."""

    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)


class DescriptorSet(NamedTuple):
    """What pyusb's backend interface hands out for one plate."""

    device: Descriptor
    config: Descriptor
    interface: Descriptor
    endpoints: list[Descriptor]


def descriptor_set(vid: int, pid: int, address: int) -> DescriptorSet:
    """The descriptors of a plate with USB ids ``vid``:``pid`` at bus address ``address``."""
    device = Descriptor(
        bLength=18, bDescriptorType=1, bcdUSB=0x0210, bDeviceClass=0, bDeviceSubClass=0, bDeviceProtocol=0,
        bMaxPacketSize0=64, idVendor=vid, idProduct=pid, bcdDevice=0x0103, iManufacturer=1,
        iProduct=2, iSerialNumber=3, bNumConfigurations=1, address=address, bus=1, port_number=2,
        port_numbers=(2,), speed=usb.util.SPEED_FULL,
    )
    config = Descriptor(bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1, bConfigurationValue=1,
                        iConfiguration=0, bmAttributes=0x80, bMaxPower=50, extra_descriptors=[])
    interface = Descriptor(bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
                           bNumEndpoints=2, bInterfaceClass=0xFF, bInterfaceSubClass=0, bInterfaceProtocol=0,
                           iInterface=0, extra_descriptors=[])
    endpoints = [
        Descriptor(bLength=7, bDescriptorType=5, bEndpointAddress=EP_IN, bmAttributes=2, wMaxPacketSize=MAX_PACKET,
                   bInterval=0, bRefresh=0, bSynchAddress=0, extra_descriptors=[]),
        Descriptor(bLength=7, bDescriptorType=5, bEndpointAddress=EP_OUT, bmAttributes=2, wMaxPacketSize=MAX_PACKET,
                   bInterval=0, bRefresh=0, bSynchAddress=0, extra_descriptors=[]),
    ]
    return DescriptorSet(device, config, interface, endpoints)


def device_descriptor_bytes(device: Descriptor) -> bytes:
    """The 18-byte device descriptor."""
    d = device
    return struct.pack("<BBHBBBBHHHBBBB", 18, 1, d.bcdUSB, 0, 0, 0, 64, d.idVendor, d.idProduct, d.bcdDevice,
                       1, 2, 3, 1)


def config_descriptor_bytes() -> bytes:
    """The configuration descriptor with its interface and both endpoints (32 bytes)."""
    cfg = struct.pack("<BBHBBBBB", 9, 2, 32, 1, 1, 0, 0x80, 50)
    intf = struct.pack("<BBBBBBBBB", 9, 4, 0, 0, 2, 0xFF, 0, 0, 0)
    eps = b"".join(struct.pack("<BBBBHB", 7, 5, ep, 2, MAX_PACKET, 0) for ep in (EP_IN, EP_OUT))
    return cfg + intf + eps


def bos_descriptor_bytes() -> bytes:
    """BOS with the Microsoft OS 2.0 platform capability (Windows then binds WinUSB, no INF)."""
    uuid = bytes.fromhex("DF60DDD88945C74C9CD2659D9E648A9F")  # {D8DD60DF-4589-4CC7-9CD2-659D9E648A9F}
    cap = struct.pack("<BBBB", 28, 0x10, 0x05, 0) + uuid + struct.pack(
        "<IHBB", 0x06030000, len(ms_os_20_descriptor_set()), MS_OS_20_VENDOR_CODE, 0)
    return struct.pack("<BBHB", 5, 0x0F, 5 + len(cap), 1) + cap


def ms_os_20_descriptor_set() -> bytes:
    """MS OS 2.0 descriptor set: header + compatible ID WINUSB (single-interface device)."""
    compat = struct.pack("<HH", 20, 0x03) + b"WINUSB\0\0" + bytes(8)
    return struct.pack("<HHIH", 10, 0x00, 0x06030000, 10 + len(compat)) + compat


def string_descriptor(index: int, serial: str) -> bytes | None:
    """String descriptor ``index`` (0 = the language list, 3 = ``serial``); None when there is no such string."""
    if index == 0:
        return bytes([4, 3]) + struct.pack("<H", 0x0409)
    text = {**_STRINGS, 3: serial}.get(index)
    if text is None:
        return None
    body = text.encode("utf-16-le")
    return bytes([2 + len(body), 3]) + body
