"""OFP-1 EP0 vendor requests: codes and the byte layouts of their payloads (pure: no I/O).

Layouts: ``docs/ofp-1.md`` §3 (O10: the draft gave no byte layout; these are ours). Little-endian.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from drivers.forceplate.calibration import Layout

__all__ = [
    "MS_OS_20_VENDOR_CODE",
    "REQUEST_IN",
    "REQUEST_OUT",
    "SET_CALIBRATION_KEY",
    "DeviceInfoReply",
    "Request",
    "StatusReply",
    "decode_info",
    "decode_status",
    "decode_time",
    "encode_info",
    "encode_status",
]

#: bmRequestType of vendor requests to the device: IN (device to host) and OUT.
REQUEST_IN = 0xC0
REQUEST_OUT = 0x40
#: wIndex that unlocks SET_CALIBRATION (so a stray request cannot overwrite the factory calibration).
SET_CALIBRATION_KEY = 0xCA1B
#: bMS_VendorCode of the Microsoft OS 2.0 descriptor set (BOS platform capability).
MS_OS_20_VENDOR_CODE = 0x20


class Request(IntEnum):
    """bRequest codes."""

    GET_INFO = 0x01
    GET_CALIBRATION = 0x02
    SET_CALIBRATION = 0x03
    SET_RATE = 0x10
    START = 0x11
    STOP = 0x12
    TARE = 0x13
    GET_STATUS = 0x14
    GET_TIME = 0x15


_INFO = struct.Struct("<HHHBBBBHIfffff")  # 36 bytes
_STATUS = struct.Struct("<BBHIQf")  # 20 bytes


class DeviceState(IntEnum):
    IDLE = 0
    STREAMING = 1
    ERROR = 2


@dataclass(frozen=True)
class DeviceInfoReply:
    """GET_INFO reply. Positions and sizes in mm (plate axes of DESIGN.md §2)."""

    protocol_version: int
    firmware_version: int  # major << 8 | minor
    model_id: int
    n_channels: int
    adc_bits: int
    layout: Layout
    rate_hz: int  # current rate
    surface_size_mm: tuple[float, float]
    origin_offset_mm: tuple[float, float, float]
    supported_rates_hz: tuple[int, ...]
    channel_positions_mm: tuple[tuple[float, float], ...]

    @property
    def firmware(self) -> str:
        return f"{self.firmware_version >> 8}.{self.firmware_version & 0xFF}"


def encode_info(info: DeviceInfoReply) -> bytes:
    if len(info.channel_positions_mm) != info.n_channels:
        raise ValueError(f"{len(info.channel_positions_mm)} channel positions for {info.n_channels} channels")
    head = _INFO.pack(
        info.protocol_version, info.firmware_version, info.model_id, info.n_channels, info.adc_bits,
        int(info.layout), len(info.supported_rates_hz), 0, info.rate_hz, *info.surface_size_mm, *info.origin_offset_mm,
    )
    rates = struct.pack(f"<{len(info.supported_rates_hz)}I", *info.supported_rates_hz)
    pos = np.asarray(info.channel_positions_mm, dtype="<f4").tobytes()
    return head + rates + pos


def decode_info(data: bytes | bytearray | memoryview) -> DeviceInfoReply:
    data = bytes(data)
    if len(data) < _INFO.size:
        raise ValueError(f"GET_INFO reply has at least {_INFO.size} bytes, got {len(data)}")
    (proto, fw, model, k, bits, layout, n_rates, _res, rate, width, depth, ox, oy, oz) = _INFO.unpack_from(data)
    need = _INFO.size + 4 * n_rates + 8 * k
    if len(data) < need:
        raise ValueError(f"GET_INFO reply for {k} channels and {n_rates} rates needs {need} bytes, got {len(data)}")
    rates = struct.unpack_from(f"<{n_rates}I", data, _INFO.size)
    pos = np.frombuffer(data, "<f4", 2 * k, _INFO.size + 4 * n_rates).reshape(k, 2)
    return DeviceInfoReply(
        proto, fw, model, k, bits, Layout(layout), rate, (width, depth), (ox, oy, oz), tuple(rates),
        tuple((float(x), float(y)) for x, y in pos),
    )


@dataclass(frozen=True)
class StatusReply:
    """GET_STATUS reply (also the payload of status frames)."""

    state: int
    flags: int  # FrameFlags bits
    dropped_samples: int  # u32, samples lost in the device since boot
    device_time_us: int
    temperature_c: float
    tare_counts: tuple[int, ...]


def encode_status(st: StatusReply) -> bytes:
    head = _STATUS.pack(st.state, len(st.tare_counts), st.flags, st.dropped_samples % (1 << 32), st.device_time_us,
                        st.temperature_c)
    return head + struct.pack(f"<{len(st.tare_counts)}i", *st.tare_counts)


def decode_status(data: bytes | bytearray | memoryview) -> StatusReply:
    data = bytes(data)
    if len(data) < _STATUS.size:
        raise ValueError(f"GET_STATUS reply has at least {_STATUS.size} bytes, got {len(data)}")
    state, k, flags, dropped, t_us, temp = _STATUS.unpack_from(data)
    if len(data) < _STATUS.size + 4 * k:
        raise ValueError(f"GET_STATUS reply for {k} channels needs {_STATUS.size + 4 * k} bytes, got {len(data)}")
    tare = struct.unpack_from(f"<{k}i", data, _STATUS.size)
    return StatusReply(state, flags, dropped, t_us, temp, tuple(tare))


def decode_time(data: bytes | bytearray | memoryview) -> int:
    """GET_TIME reply: device time in µs since boot, u64."""
    if len(data) != 8:
        raise ValueError(f"GET_TIME reply has 8 bytes, got {len(data)}")
    return int.from_bytes(bytes(data), "little")
