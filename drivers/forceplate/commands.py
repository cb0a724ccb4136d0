"""OFP-1 EP0 command sequences that change the plate: tare (TARE, then poll GET_STATUS) and store a calibration.

Each takes the plate's control transfers as two callables, ``ctrl_in(request, length)`` → reply bytes and
``ctrl_out(request, value, index, data)``, so the device keeps the one pyusb handle. A USB failure becomes
a :class:`~drivers.errors.DeviceError` naming what was being done (:func:`drivers.forceplate.usb_access.usb_error`).

References
----------
``docs/ofp-1.md`` §3 (TARE, GET_STATUS, SET_CALIBRATION, GET_CALIBRATION), §5.1 (calibration block).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from drivers.errors import DeviceError, DeviceTimeout
from drivers.forceplate.calibration import Calibration, decode_calibration, encode_calibration
from drivers.forceplate.frames import FrameFlags
from drivers.forceplate.requests import SET_CALIBRATION_KEY, Request, decode_status
from drivers.forceplate.usb_access import usb_error
from drivers.sim.clock import SimClock

__all__ = ["store_calibration", "tare_plate"]

CtrlIn = Callable[..., bytes]
CtrlOut = Callable[..., Any]


def tare_plate(ctrl_in: CtrlIn, ctrl_out: CtrlOut, clock: SimClock, n_samples: int, timeout_s: float) -> np.ndarray:
    """Ask the plate to tare over ``n_samples`` and wait (polling every 50 ms) until it has; the tare in counts.

    Raises
    ------
    DeviceTimeout
        The plate still reports TARE_IN_PROGRESS after ``timeout_s`` s.
    """
    try:
        ctrl_out(Request.TARE, n_samples)
        deadline = clock.now() + timeout_s
        while True:
            status = decode_status(ctrl_in(Request.GET_STATUS, 512))
            if not status.flags & FrameFlags.TARE_IN_PROGRESS:
                break
            if clock.now() >= deadline:
                raise DeviceTimeout(f"tare did not finish within {timeout_s} s")
            clock.wait_until(clock.now() + 0.05, 0.05)
    except OSError as exc:
        if isinstance(exc, DeviceError):
            raise
        raise usb_error(exc, "taring it") from exc
    return np.asarray(status.tare_counts, dtype=np.int64)


def store_calibration(ctrl_in: CtrlIn, ctrl_out: CtrlOut, calibration: Calibration) -> Calibration:
    """Send ``calibration`` with SET_CALIBRATION, read it back, and return what the plate stored.

    Raises
    ------
    DeviceError
        The plate stored something else.
    """
    block = encode_calibration(calibration)
    try:
        ctrl_out(Request.SET_CALIBRATION, 0, SET_CALIBRATION_KEY, block)
        stored = decode_calibration(ctrl_in(Request.GET_CALIBRATION, 1024))
    except OSError as exc:
        raise usb_error(exc, "writing its calibration") from exc
    if stored != calibration:
        raise DeviceError("the plate did not store the calibration block it was sent")
    return stored
