"""What a Wii Balance Board tells a recording about itself: its orientation, geometry, info and settings.

How the subject stands on the board (docs/wii-protocol.md "Orientation"): ``standard`` = steps on
from the power-button edge and faces away from it (power button behind the heels); ``reversed`` = faces
the power button, which rotates the board frame by 180° (left and right swap, so do front and back).
The sensor positions are given in the subject's frame (x to the right, y forward), so a reversed board
still puts each limb's load on the right side of the analysis.

References
----------
docs/wii-protocol.md §1.6 (conversion), §2.3 (evdev caveat); docs/wii-protocol.md W8, "Orientation".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from drivers.model import ClockSource, DeviceInfo
from drivers.wii.calibration import Calibration
from drivers.wii.discovery import EVDEV_CAVEAT
from drivers.wii.reports import CHANNELS
from drivers.wii.tare import TareResult
from drivers.wii.transports.base import Transport

__all__ = ["ORIENTATIONS", "WBB_SENSOR_POSITIONS_MM", "board_info", "board_settings", "sensor_positions_mm"]

#: Sensor positions in the board frame, wire order TR, BR, TL, BL, mm: 433 mm × 238 mm spacing (Leach et al.
#: 2014), origin at the centre of the four sensors (docs/wii-balance-board.md "Orientation").
WBB_SENSOR_POSITIONS_MM: tuple[tuple[float, float], ...] = (
    (216.5, 119.0),
    (216.5, -119.0),
    (-216.5, 119.0),
    (-216.5, -119.0),
)

#: The two ways to stand on the board, and what each means.
ORIENTATIONS = {
    "standard": "subject faces away from the power button (power button behind the heels)",
    "reversed": "subject faces the power button (board frame rotated 180 degrees)",
}


def sensor_positions_mm(orientation: str) -> tuple[tuple[float, float], ...]:
    """(x, y) of TR, BR, TL, BL in the subject's frame (x to the right, y forward), mm.

    Standard orientation: TR = right forefoot (+216.5, +119). Reversed: rotated by 180°.
    """
    sign = 1.0 if orientation == "standard" else -1.0
    return tuple((sign * x, sign * y) for x, y in WBB_SENSOR_POSITIONS_MM)


def board_info(driver: str, transport: Transport, report_mode: int, nominal_rate_hz: float,
               positions_mm: tuple[tuple[float, float], ...]) -> DeviceInfo:
    """The :class:`DeviceInfo` of a board reached through ``transport``."""
    evdev = transport.kind == "evdev"
    model = "Nintendo Wii Balance Board RVL-WBC-01"
    if evdev:
        model += f" ({EVDEV_CAVEAT})"
    return DeviceInfo(
        driver=driver,
        model=model,
        serial=getattr(transport, "uniq", "") or transport.address,  # the Bluetooth address when known
        nominal_rate_hz=nominal_rate_hz,
        channel_names=CHANNELS,
        channel_units=("N", "N", "N", "N"),
        sensor_positions_mm=positions_mm,
        surface_size_mm=(433.0, 238.0),
        clock=ClockSource.HOST_ARRIVAL,
        firmware=f"{transport.name}; report {report_mode:#04x}" if not evdev else "evdev",
        raw_counts=not evdev,
        simulated=transport.simulated,
    )


def board_settings(transport_name: str, report_mode: int, orientation: str, tare: TareResult | None,
                   calibration: Calibration | None, evdev: bool) -> dict[str, tuple[Any, str]]:
    """Settings of a board to store with a recording: name -> (value, unit)."""
    out: dict[str, tuple[Any, str]] = {
        "wbb.transport": (transport_name, ""),
        "wbb.report_mode": (report_mode, ""),
        "wbb.orientation": (f"{orientation}: {ORIENTATIONS[orientation]}", ""),
        "wbb.timestamps": ("host monotonic arrival time; seq is a host counter", ""),
        "wbb.conversion": ("two-segment 0/17/34 kg interpolation, no clamping; N = kg x 9.80665", ""),
        "wbb.tare_method": ("kg domain: mean unloaded load subtracted per sensor (W8)" if tare else "none", ""),
    }
    if tare is not None:
        out["wbb.tare_duration_s"] = (tare.duration_s, "s")
        out["wbb.tare_n_samples"] = (tare.n_samples, "")
        out["wbb.tare_offset_kg"] = (tare.offset_kg.copy(), "kg")
    if calibration is not None:
        out["wbb.calibration_counts"] = (calibration.points.astype(np.int64), "counts")
        out["wbb.calibration_crc"] = (calibration.crc_status.value, "")
    if evdev:
        out["wbb.fit_for_sway_research"] = (False, "")
        out["wbb.caveat"] = (EVDEV_CAVEAT, "")
    return out
