"""The simulated OFP-1 plate's control endpoint (EP0): standard GET_DESCRIPTOR and the vendor requests.

IN requests return the reply bytes (GET_DESCRIPTOR: device, configuration, strings, BOS; the MS OS 2.0
descriptor set; GET_INFO, GET_CALIBRATION, GET_STATUS, GET_TIME); OUT requests change the firmware
model (SET_RATE, START, STOP, TARE, SET_CALIBRATION). An unknown or invalid request STALLs: a
``usb.core.USBError`` with errno 32 (EPIPE), as libusb reports it.

References
----------
``docs/ofp-1.md`` §3 (EP0 requests and their replies); USB 2.0 §9.4 (standard requests).
"""

from __future__ import annotations

import errno
import struct
from collections.abc import Callable
from typing import NoReturn

import usb.core

from drivers.forceplate.calibration import decode_calibration, encode_calibration
from drivers.forceplate.requests import (
    MS_OS_20_VENDOR_CODE,
    REQUEST_IN,
    SET_CALIBRATION_KEY,
    Request,
    encode_info,
    encode_status,
)
from drivers.forceplate.sim_firmware import SUPPORTED_RATES_HZ, PlateModel
from drivers.forceplate.usb_descriptors import (
    Descriptor,
    bos_descriptor_bytes,
    config_descriptor_bytes,
    device_descriptor_bytes,
    ms_os_20_descriptor_set,
    string_descriptor,
)

__all__ = ["answer_in", "apply_out", "stall"]


def stall() -> NoReturn:
    """Refuse a request: the STALL handshake, as pyusb raises it (errno 32)."""
    raise usb.core.USBError("Pipe error", -9, errno.EPIPE)


def answer_in(request_type: int, request: int, value: int, index: int, *, model: PlateModel, device: Descriptor,
              serial: str, now: float, generate: Callable[[float], None]) -> bytes:
    """The reply to an IN control request at simulated time ``now`` (``generate`` brings the firmware up to it)."""
    if request_type == 0x80 and request == 0x06:  # GET_DESCRIPTOR
        kind, number = value >> 8, value & 0xFF
        if kind == 1:
            return device_descriptor_bytes(device)
        if kind == 2 and number == 0:
            return config_descriptor_bytes()
        if kind == 3:
            text = string_descriptor(number, serial)
            if text is None:
                stall()
            return text
        if kind == 0x0F:
            return bos_descriptor_bytes()
        stall()
    if request_type == REQUEST_IN and request == MS_OS_20_VENDOR_CODE and index == 7:
        return ms_os_20_descriptor_set()
    if request_type == REQUEST_IN:
        if request == Request.GET_INFO:
            return encode_info(model.info())
        if request == Request.GET_CALIBRATION:
            return encode_calibration(model.calibration)
        if request == Request.GET_STATUS:
            generate(now)
            return encode_status(model.status(now))
        if request == Request.GET_TIME:
            return struct.pack("<Q", model.device_us(now))
    stall()


def apply_out(request: int, value: int, index: int, data: bytes, *, model: PlateModel, now: float,
              generate: Callable[[float], None]) -> None:
    """Carry out an OUT vendor request at simulated time ``now``."""
    if request == Request.SET_RATE:
        if model.streaming or value not in SUPPORTED_RATES_HZ:
            stall()
        model.rate_hz = value
    elif request == Request.START:
        model.start(now)
    elif request == Request.STOP:
        generate(now)
        model.streaming = False
    elif request == Request.TARE:
        if not 1 <= value <= 65535:
            stall()
        generate(now)
        model.start_tare(value, now)
    elif request == Request.SET_CALIBRATION:
        if model.streaming or index != SET_CALIBRATION_KEY:
            stall()
        try:
            cal = decode_calibration(data)
        except ValueError:
            stall()
        if cal.n_channels != model.k:
            stall()
        model.calibration = cal
    else:
        stall()
