"""Wii Balance Board factory calibration: the 0/17/34 kg block at 0xA40020 and its CRC-32. No I/O.

A CRC mismatch warns and never rejects (W6); a zero-width or reversed segment warns and converts to NaN
later (W7). The 24-byte read alone cannot be checked (``crc_status = unavailable``).

References
----------
docs/wii-protocol.md §1.5 (block layout, CRC as Dolphin and Wii Fit compute it);
docs/wii-protocol.md W6, W7; Dolphin ``WiimoteEmu/Extension/BalanceBoard.cpp``.
"""

from __future__ import annotations

import warnings
import zlib
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from drivers.wii.reports import CAL_BLOCK_SIZE, CAL_SIZE

__all__ = ["Calibration", "CalibrationWarning", "CrcStatus", "calibration_crc", "parse_calibration",
           "parse_calibration_block"]


class CalibrationWarning(UserWarning):
    """The calibration block is suspicious (CRC mismatch, zero-width or reversed segment)."""


class CrcStatus(StrEnum):
    """State of the calibration checksum (W6): only ``mismatch`` warns; nothing rejects."""

    OK = "ok"
    MISMATCH = "mismatch"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Calibration:
    """Factory calibration of the four sensors (wire order TR, BR, TL, BL), raw counts.

    Attributes
    ----------
    kg0, kg17, kg34 : tuple of 4 int
        Counts at 0, 17 and 34 kg per sensor.
    crc_status : CrcStatus
        ``ok`` / ``mismatch`` / ``unavailable`` (the 24-byte read alone cannot be checked, W6).
    stored_crc, computed_crc : int or None
        The CRC-32 stored at 0xA4003C (big-endian) and the one computed, when available.
    reference_temperature : int or None
        Byte at 0xA40060 (compared with the E8 temperature byte).
    """

    kg0: tuple[int, int, int, int]
    kg17: tuple[int, int, int, int]
    kg34: tuple[int, int, int, int]
    crc_status: CrcStatus = CrcStatus.UNAVAILABLE
    stored_crc: int | None = None
    computed_crc: int | None = None
    reference_temperature: int | None = None

    @property
    def points(self) -> np.ndarray:
        """Calibration counts, float64 (3, 4): rows 0/17/34 kg, columns TR, BR, TL, BL."""
        return np.array([self.kg0, self.kg17, self.kg34], dtype=np.float64)

    def degenerate_sensors(self) -> list[str]:
        """Names of sensors with a zero-width or reversed calibration segment (W7)."""
        p = self.points
        bad = (p[1] <= p[0]) | (p[2] <= p[1])
        return [name for name, b in zip(("TR", "BR", "TL", "BL"), bad, strict=True) if b]

    def to_bytes(self) -> bytes:
        """The 24 calibration bytes as stored at 0xA40024."""
        return b"".join(v.to_bytes(2, "big") for row in (self.kg0, self.kg17, self.kg34) for v in row)


def parse_calibration(cal24: bytes) -> Calibration:
    """Parse the 24 bytes at 0xA40024: 0 kg, 17 kg, 34 kg rows of TR, BR, TL, BL (BE uint16).

    The CRC cannot be checked from these bytes alone: ``crc_status = unavailable``. A zero-width or
    reversed segment warns (:class:`CalibrationWarning`) and converts to NaN later; it is not rejected.
    """
    data = bytes(cal24)
    if len(data) != CAL_SIZE:
        raise ValueError(f"the calibration block is {CAL_SIZE} bytes, got {len(data)}")
    words = [int.from_bytes(data[i : i + 2], "big") for i in range(0, CAL_SIZE, 2)]
    cal = Calibration(tuple(words[0:4]), tuple(words[4:8]), tuple(words[8:12]))  # type: ignore[arg-type]
    _warn_degenerate(cal)
    return cal


def calibration_crc(block32: bytes, ref2: bytes) -> int:
    """CRC-32 (zlib) of the calibration as Dolphin and Wii Fit compute it (§1.5).

    ``crc = crc32(mem[0x24..0x3B]); crc = crc32(mem[0x20..0x21], crc); crc = crc32(mem[0x60..0x61], crc)``.
    """
    block = bytes(block32)
    ref = bytes(ref2)
    if len(block) < 0x1C or len(ref) != 2:
        raise ValueError(
            f"need the block from 0xA40020 (>= 28 bytes) and 2 bytes at 0xA40060, got {len(block)}, {len(ref)}"
        )
    return zlib.crc32(ref, zlib.crc32(block[0:2], zlib.crc32(block[4:28])))


def parse_calibration_block(block32: bytes, ref2: bytes | None = None) -> Calibration:
    """Parse the 32 bytes at 0xA40020 (and the 2 at 0xA40060 when read) and check the CRC.

    Returns ``crc_status = ok`` or ``mismatch`` (with a :class:`CalibrationWarning`) when ``ref2`` is given,
    ``unavailable`` otherwise. A mismatch never rejects the calibration (W6).
    """
    block = bytes(block32)
    if len(block) != CAL_BLOCK_SIZE:
        raise ValueError(f"the calibration block at 0xA40020 is {CAL_BLOCK_SIZE} bytes, got {len(block)}")
    base = parse_calibration(block[4:28])
    stored = int.from_bytes(block[28:32], "big")
    if ref2 is None:
        return Calibration(base.kg0, base.kg17, base.kg34, CrcStatus.UNAVAILABLE, stored, None, None)
    ref = bytes(ref2)
    computed = calibration_crc(block, ref)
    status = CrcStatus.OK if computed == stored else CrcStatus.MISMATCH
    if status == CrcStatus.MISMATCH:
        warnings.warn(
            f"Wii Balance Board calibration CRC mismatch: stored {stored:#010x}, computed {computed:#010x}; "
            "the calibration is used anyway",
            CalibrationWarning,
            stacklevel=2,
        )
    return Calibration(base.kg0, base.kg17, base.kg34, status, stored, computed, ref[0])


def _warn_degenerate(cal: Calibration) -> None:
    bad = cal.degenerate_sensors()
    if bad:
        warnings.warn(
            f"Wii Balance Board calibration has a zero-width or reversed segment for {', '.join(bad)} "
            f"(0/17/34 kg counts {cal.kg0}, {cal.kg17}, {cal.kg34}); those sensors give NaN",
            CalibrationWarning,
            stacklevel=3,
        )

