"""Wii Balance Board HID protocol: pure encode/decode, calibration, conversion. No I/O.

Framing is hidraw/hidapi framing: byte 0 is the report ID, no 0xA1/0xA2 HIDP prefix
(wii-balance-board.md §1.1). Sensor order is the wire order **TR, BR, TL, BL** everywhere.

Output reports (host → board, §1.2): 0x11 LEDs, 0x12 data-reporting mode, 0x15 status request,
0x16 write memory, 0x17 read memory. Input reports (board → host, §1.3): 0x20 status, 0x21 read
data, 0x22 acknowledge, 0x30 buttons only, 0x32 buttons + 8 extension bytes, 0x34 buttons + 19
extension bytes (temperature and battery).

Decisions from protocol-clarifications.md: report lengths are minimums (W1: shorter → reject, longer
→ decode the defined prefix); all-0xFF extension data is "extension not initialised" and never a
sample (W2); a 0x21 chunk with any non-zero error nibble is a failed read (W10); a 0x22 with a
non-zero error is a valid report that says the write failed (W10); 0x30 is never a sample (W13).

Conversion (§1.6, W7, W11): two-segment interpolation through the 0/17/34 kg calibration points,
**no clamping** (negative values and values above 34 kg survive; the tare removes offsets), a
zero-width segment gives NaN with a warning. The Linux kernel's evdev variant (10 g units, clamped
at the 0 kg point, truncating division) is :func:`raw_to_kernel_10g`, named separately because it
is *not* the conversion used for research data.

References
----------
Linux ``drivers/hid/hid-wiimote-core.c``, ``hid-wiimote-modules.c``; Dolphin
``WiimoteEmu/Extension/BalanceBoard.cpp``; wiibrew.org/wiki/Wii_Balance_Board.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np

__all__ = [
    "BALANCE_BOARD_EXTENSION_ID",
    "CAL_ADDRESS",
    "CAL_BLOCK_ADDRESS",
    "CAL_BLOCK_SIZE",
    "CAL_SIZE",
    "EVDEV_NAME",
    "EXT_ID_ADDRESS",
    "PRODUCT_ID",
    "REF_TEMP_ADDRESS",
    "REF_TEMP_SIZE",
    "REPORT_MIN_LENGTH",
    "STANDARD_GRAVITY_M_S2",
    "VENDOR_ID",
    "Ack",
    "BoardSample",
    "ButtonsOnly",
    "Calibration",
    "CalibrationWarning",
    "CrcStatus",
    "InitStep",
    "MalformedReport",
    "ReadData",
    "ReportId",
    "SampleArrays",
    "Status",
    "battery_bars",
    "calibration_crc",
    "decode",
    "decode_sample_reports",
    "encode_leds",
    "encode_read",
    "encode_reporting_mode",
    "encode_status_request",
    "encode_write",
    "init_sequence",
    "kg_to_newtons",
    "pack_reports",
    "parse_calibration",
    "parse_calibration_block",
    "raw_to_kernel_10g",
    "raw_to_kg",
    "status_battery_pct",
    "wii_fit_temperature_correction",
]

#: Nintendo's USB/Bluetooth vendor id and the Wii Remote / Balance Board product id (§1.1).
VENDOR_ID = 0x057E
PRODUCT_ID = 0x0306
#: Bluetooth friendly name of the board.
BLUETOOTH_NAME = "Nintendo RVL-WBC-01"
#: Name of the kernel's (hid-wiimote) evdev node for the board (§2.2).
EVDEV_NAME = "Nintendo Wii Remote Balance Board"

#: Standard acceleration of gravity, m/s² (kg → N).
STANDARD_GRAVITY_M_S2 = 9.80665

#: Extension identifier at 0xA400FA (6 bytes) of a balance board (§1.1, §1.5).
BALANCE_BOARD_EXTENSION_ID = bytes.fromhex("0000a4200402")
EXT_ID_ADDRESS = 0xA400FA
EXT_INIT_ADDRESS_1 = 0xA400F0  # write 0x55
EXT_INIT_ADDRESS_2 = 0xA400FB  # write 0x00
#: The 24 calibration bytes (0 / 17 / 34 kg × TR, BR, TL, BL, big-endian uint16).
CAL_ADDRESS = 0xA40024
CAL_SIZE = 24
#: The 32-byte block 0xA40020..0xA4003F: 0x20, 0x21 (reference battery), 0x22..23, calibration, CRC.
CAL_BLOCK_ADDRESS = 0xA40020
CAL_BLOCK_SIZE = 32
#: Reference temperature byte and the byte after it (both covered by the CRC).
REF_TEMP_ADDRESS = 0xA40060
REF_TEMP_SIZE = 2

#: Wiimote "A" bit in the second core-button byte: the board's front (power) button (§1.3, §1.10).
BUTTON_MASK = 0x08


class ReportId(IntEnum):
    """HID report IDs used by the board (§1.2, §1.3)."""

    LEDS = 0x11
    REPORTING_MODE = 0x12
    STATUS_REQUEST = 0x15
    WRITE_MEMORY = 0x16
    READ_MEMORY = 0x17
    STATUS = 0x20
    READ_DATA = 0x21
    ACK = 0x22
    BUTTONS = 0x30
    BUTTONS_EXT8 = 0x32
    BUTTONS_EXT19 = 0x34


#: Minimum length (ID included) of each input report; longer reports are decoded by prefix (W1).
REPORT_MIN_LENGTH: dict[int, int] = {0x20: 7, 0x21: 22, 0x22: 5, 0x30: 3, 0x32: 11, 0x34: 22}


class MalformedReport(ValueError):
    """An input report that is too short, of an unknown ID, or carries no valid data."""


class CalibrationWarning(UserWarning):
    """The calibration block is suspicious (CRC mismatch, zero-width or reversed segment)."""


# -- encoders ------------------------------------------------------------------------------------------


def encode_leds(leds: int) -> bytes:
    """Output report 0x11: set LEDs. ``leds`` bits 0..3 = LED1..LED4 (the board has only LED1).

    The rumble bit (byte 1 bit 0) is always 0.
    """
    if not 0 <= leds <= 0x0F:
        raise ValueError(f"leds is a 4-bit mask (0-15), got {leds}")
    return bytes((ReportId.LEDS, leds << 4))


def encode_reporting_mode(mode: int = 0x34, continuous: bool = False) -> bytes:
    """Output report 0x12: data-reporting mode ``12 FF MM`` (FF bit 2 = continuous, MM = report ID)."""
    if not 0x30 <= mode <= 0x3F:
        raise ValueError(f"a data reporting mode is a report ID 0x30-0x3F, got {mode:#x}")
    return bytes((ReportId.REPORTING_MODE, 0x04 if continuous else 0x00, mode))


def encode_status_request() -> bytes:
    """Output report 0x15: ask for a 0x20 status report."""
    return bytes((ReportId.STATUS_REQUEST, 0x00))


def _check_address(address: int) -> None:
    if not 0 <= address <= 0xFFFFFF:
        raise ValueError(f"a memory address is 24 bits (0-0xFFFFFF), got {address:#x}")


def encode_write(address: int, data: bytes, register: bool = True) -> bytes:
    """Output report 0x16: write 1-16 bytes, ``16 04 A2 A1 A0 SZ d0..d15`` (22 bytes, zero-padded).

    ``register=True`` selects the control-register space (byte 1 bit 2), as the kernel always does.
    """
    _check_address(address)
    if not 1 <= len(data) <= 16:
        raise ValueError(f"a memory write carries 1-16 bytes, got {len(data)}")
    head = bytes((ReportId.WRITE_MEMORY, 0x04 if register else 0x00)) + address.to_bytes(3, "big")
    return head + bytes((len(data),)) + bytes(data).ljust(16, b"\x00")


def encode_read(address: int, size: int, register: bool = True) -> bytes:
    """Output report 0x17: read ``size`` bytes, ``17 04 A2 A1 A0 S1 S0`` (size big-endian)."""
    _check_address(address)
    if not 1 <= size <= 0xFFFF:
        raise ValueError(f"a memory read is 1-65535 bytes, got {size}")
    head = bytes((ReportId.READ_MEMORY, 0x04 if register else 0x00)) + address.to_bytes(3, "big")
    return head + size.to_bytes(2, "big")


# -- decoded reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """0x20 status report ``20 BB1 BB2 LF 00 00 VV``.

    ``battery_raw`` is VV (the kernel shows VV·100/255 %); ``leds`` bits 0..3 = LED1..4.
    A status with the extension bit clear decodes fine but means the board is not ready (W13).
    """

    buttons: int
    battery_low: bool
    extension_connected: bool
    leds: int
    battery_raw: int

    @property
    def button(self) -> bool:
        return bool(self.buttons & BUTTON_MASK)


@dataclass(frozen=True)
class ReadData:
    """0x21 read-memory reply chunk ``21 BB1 BB2 SE AH AL d0..d15``.

    ``size`` = S + 1 bytes, ``error`` = E (0 = OK, 8 = out of bounds), ``address_low`` = low 16 bits
    of this chunk's address; ``data`` has exactly ``size`` bytes (W5).
    """

    buttons: int
    size: int
    error: int
    address_low: int
    data: bytes

    @property
    def ok(self) -> bool:
        return self.error == 0


@dataclass(frozen=True)
class Ack:
    """0x22 acknowledge ``22 BB1 BB2 RR EE``: ``report_id`` = RR, ``error`` = EE (0 = OK)."""

    buttons: int
    report_id: int
    error: int

    @property
    def ok(self) -> bool:
        return self.error == 0


@dataclass(frozen=True)
class ButtonsOnly:
    """0x30 report: core buttons only, no weight data (W13)."""

    buttons: int

    @property
    def button(self) -> bool:
        return bool(self.buttons & BUTTON_MASK)


@dataclass(frozen=True)
class BoardSample:
    """0x32 / 0x34 data report: raw sensor counts in wire order TR, BR, TL, BL.

    ``temperature`` (E8) and ``battery`` (E10) exist only in 0x34 (None for 0x32).
    """

    report_id: int
    buttons: int
    raw: tuple[int, int, int, int]
    temperature: int | None
    battery: int | None

    @property
    def button(self) -> bool:
        return bool(self.buttons & BUTTON_MASK)


Report = Status | ReadData | Ack | ButtonsOnly | BoardSample


def decode(report: bytes) -> Report:
    """Decode one input report (hidraw framing).

    Raises
    ------
    MalformedReport
        Empty, unknown ID, shorter than the report's defined length (W1), a 0x21 size that does not fit,
        or a data report whose extension bytes are all 0xFF (extension not initialised, W2).
    """
    data = bytes(report)
    if not data:
        raise MalformedReport("empty report")
    rid = data[0]
    need = REPORT_MIN_LENGTH.get(rid)
    if need is None:
        raise MalformedReport(f"unknown input report ID {rid:#04x}")
    if len(data) < need:
        raise MalformedReport(f"report {rid:#04x} has {len(data)} bytes, needs at least {need}")
    buttons = (data[1] << 8) | data[2]
    if rid == ReportId.STATUS:
        lf = data[3]
        return Status(buttons, bool(lf & 0x01), bool(lf & 0x02), lf >> 4, data[6])
    if rid == ReportId.READ_DATA:
        size = (data[3] >> 4) + 1
        return ReadData(buttons, size, data[3] & 0x0F, (data[4] << 8) | data[5], data[6 : 6 + size])
    if rid == ReportId.ACK:
        return Ack(buttons, data[3], data[4])
    if rid == ReportId.BUTTONS:
        return ButtonsOnly(buttons)
    ext = data[3:need]
    if all(b == 0xFF for b in ext):
        raise MalformedReport(f"report {rid:#04x} carries all-0xFF extension data (extension not initialised)")
    raw = (
        (data[3] << 8) | data[4],
        (data[5] << 8) | data[6],
        (data[7] << 8) | data[8],
        (data[9] << 8) | data[10],
    )
    if rid == ReportId.BUTTONS_EXT19:
        return BoardSample(rid, buttons, raw, data[11], data[13])
    return BoardSample(rid, buttons, raw, None, None)


# -- vectorised decoding -------------------------------------------------------------------------------

#: Width of the packed report matrix: the longest report (0x21 / 0x34, 22 bytes; hidapi on Windows pads
#: every input report to this length).
PACKED_WIDTH = 22


def pack_reports(reports: Sequence[bytes], width: int = PACKED_WIDTH) -> tuple[np.ndarray, np.ndarray]:
    """Stack reports into a zero-padded uint8 matrix (n, width) and their true lengths (n,).

    Reports longer than ``width`` are cut (their defined prefix is all a decoder reads, W1).
    """
    n = len(reports)
    lengths = np.fromiter((len(r) for r in reports), dtype=np.int64, count=n)
    if n and int(lengths.min()) == int(lengths.max()) == width:
        joined = b"".join(reports)  # the common case: every report already has the full width
    else:
        joined = b"".join(bytes(r[:width]).ljust(width, b"\x00") for r in reports)
    matrix = np.frombuffer(joined, dtype=np.uint8).reshape(n, width)
    return matrix, np.minimum(lengths, width)


@dataclass(frozen=True)
class SampleArrays:
    """Many data reports decoded at once (:func:`decode_sample_reports`).

    Attributes
    ----------
    valid : ndarray of bool, (n,)
        True where the row is a well-formed 0x32/0x34 sample (what :func:`decode` returns a
        :class:`BoardSample` for). Other rows carry zeros and must be ignored.
    raw : ndarray of int32, (n, 4)
        Sensor counts TR, BR, TL, BL.
    buttons : ndarray of uint16, (n,)
        Core button word (BB1 << 8 | BB2).
    button : ndarray of bool, (n,)
        Front button pressed.
    temperature, battery : ndarray of int16, (n,)
        E8 and E10 of a 0x34 report; −1 for 0x32 or invalid rows.
    report_id : ndarray of uint8, (n,)
    """

    valid: np.ndarray
    raw: np.ndarray
    buttons: np.ndarray
    button: np.ndarray
    temperature: np.ndarray
    battery: np.ndarray
    report_id: np.ndarray


def decode_sample_reports(reports: np.ndarray, lengths: np.ndarray | None = None) -> SampleArrays:
    """Decode many 0x32/0x34 reports at once, row for row equal to :func:`decode`.

    Parameters
    ----------
    reports : ndarray of uint8, shape (n, w), w >= 11
        One report per row, zero-padded (see :func:`pack_reports`).
    lengths : ndarray of int, shape (n,), optional
        True length of each report; None means every row is ``w`` bytes long.

    Returns
    -------
    SampleArrays
        Rows that are not well-formed samples (other IDs, too short, all-0xFF extension) have
        ``valid = False``.
    """
    m = np.asarray(reports)
    if m.dtype != np.uint8 or m.ndim != 2:
        raise ValueError(f"reports must be a 2-D uint8 array, got {m.dtype} with shape {m.shape}")
    n, w = m.shape
    if w < REPORT_MIN_LENGTH[0x32]:
        raise ValueError(f"reports must be at least {REPORT_MIN_LENGTH[0x32]} bytes wide, got {w}")
    m = np.ascontiguousarray(m)

    def field(offset: int, dtype: str, count: int = 1) -> np.ndarray:
        # A strided view of `count` values of `dtype` at byte `offset` of every row (no copy).
        dt = np.dtype(dtype)
        view = np.ndarray((n, count), dtype=dt, buffer=m, offset=offset, strides=(w, dt.itemsize))
        return view[:, 0] if count == 1 else view

    rid = m[:, 0]
    is32 = rid == ReportId.BUTTONS_EXT8
    all_ff8 = field(3, "<u8") == 0xFFFFFFFFFFFFFFFF
    if w >= REPORT_MIN_LENGTH[0x34]:
        is34 = rid == ReportId.BUTTONS_EXT19
        all_ff19 = (
            all_ff8 & (field(11, "<u8") == 0xFFFFFFFFFFFFFFFF) & (field(19, "<u2") == 0xFFFF) & (m[:, 21] == 0xFF)
        )
        valid = (is32 & ~all_ff8) | (is34 & ~all_ff19)
    else:
        is34 = np.zeros(n, dtype=bool)
        valid = is32 & ~all_ff8
    if lengths is not None:
        length = np.asarray(lengths)
        if length.shape != (n,):
            raise ValueError(f"lengths must have shape ({n},), got {length.shape}")
        valid &= length >= np.where(is34, REPORT_MIN_LENGTH[0x34], REPORT_MIN_LENGTH[0x32])
    all_valid = bool(valid.all())
    # Copy the unaligned big-endian words into a contiguous block first: much faster than converting in place.
    raw = np.ascontiguousarray(field(3, ">u2", 4)).astype(np.int32)
    buttons = field(1, ">u2").astype(np.uint16)
    if w >= REPORT_MIN_LENGTH[0x34]:
        temperature = m[:, 11].astype(np.int16)
        battery = m[:, 13].astype(np.int16)
        ext19 = valid & is34
        if not (all_valid and ext19.all()):
            temperature[~ext19] = -1
            battery[~ext19] = -1
    else:
        temperature = np.full(n, -1, dtype=np.int16)
        battery = np.full(n, -1, dtype=np.int16)
    report_id = rid.copy()
    if not all_valid:
        invalid = ~valid
        raw[invalid] = 0
        buttons[invalid] = 0
        report_id[invalid] = 0
    return SampleArrays(
        valid=valid,
        raw=raw,
        buttons=buttons,
        button=(buttons & BUTTON_MASK) != 0,
        temperature=temperature,
        battery=battery,
        report_id=report_id,
    )


# -- calibration ---------------------------------------------------------------------------------------


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


# -- conversion ----------------------------------------------------------------------------------------


def raw_to_kg(raw: np.ndarray, cal: Calibration) -> np.ndarray:
    """Raw counts → kg per sensor, two-segment interpolation, **no clamping** (§1.6, W11).

    ``m = 17·(v − c0)/(c17 − c0)`` for ``v < c17``, else ``m = 17 + 17·(v − c17)/(c34 − c17)``;
    extrapolated below 0 kg and above 34 kg. A sensor whose segment is zero-width or reversed gives NaN (W7).

    Parameters
    ----------
    raw : array_like, shape (..., 4)
        Counts in wire order TR, BR, TL, BL.
    cal : Calibration

    Returns
    -------
    ndarray of float64, shape (..., 4)
        Load per sensor, kg.
    """
    v = np.asarray(raw, dtype=np.float64)
    if v.shape[-1:] != (4,):
        raise ValueError(f"raw counts must have 4 sensors in the last axis, got shape {v.shape}")
    c0, c17, c34 = cal.points
    w1 = c17 - c0
    w2 = c34 - c17
    with np.errstate(divide="ignore", invalid="ignore"):
        low = 17.0 * (v - c0) / np.where(w1 > 0, w1, np.nan)
        high = 17.0 + 17.0 * (v - c17) / np.where(w2 > 0, w2, np.nan)
    out = np.where(v < c17, low, high)
    bad = (w1 <= 0) | (w2 <= 0)
    if np.any(bad):
        out = np.where(bad, np.nan, out)
    return out


def kg_to_newtons(kg: np.ndarray) -> np.ndarray:
    """kg (mass on a sensor) → N, with standard gravity 9.80665 m/s²."""
    return np.asarray(kg, dtype=np.float64) * STANDARD_GRAVITY_M_S2


def raw_to_kernel_10g(raw: np.ndarray, cal: Calibration) -> np.ndarray:
    """What Linux ``hid-wiimote`` reports through evdev: integer 10 g units (1700 = 17 kg).

    ``v <= c0 → 0`` (clamped), C truncating division, a zero-width segment divides by 1
    (``wiimod_bboard_in_ext``). Provided for comparisons with evdev data (W11); **not** the conversion
    used for research data (:func:`raw_to_kg`).

    Returns
    -------
    ndarray of int64, shape (..., 4)
    """
    v = np.asarray(raw, dtype=np.int64)
    if v.shape[-1:] != (4,):
        raise ValueError(f"raw counts must have 4 sensors in the last axis, got shape {v.shape}")
    c0, c17, c34 = (np.asarray(row, dtype=np.int64) for row in (cal.kg0, cal.kg17, cal.kg34))

    def cdiv(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        den = np.where(den == 0, 1, den)
        q = np.abs(num) // np.abs(den)
        return np.where((num < 0) ^ (den < 0), -q, q)

    low = cdiv((v - c0) * 1700, c17 - c0)
    high = cdiv((v - c17) * 1700, c34 - c17) + 1700
    return np.where(v <= c0, 0, np.where(v < c17, low, high))


def wii_fit_temperature_correction(kg: np.ndarray, temperature: np.ndarray, reference_temperature: int) -> np.ndarray:
    """Wii Fit's temperature and gravity correction, as quoted by the 2025 kernel RFC (notes §1.6).

    ``m' = 0.9990813732 · m · (1 − 0.0007 · (T − T_ref))`` with T the 0x34 E8 byte and T_ref the byte at
    0xA40060 (≈ −0.98 % per 14 units). Not applied by the driver (the bytes are recorded); offered for
    analysis. Note the constant 0.99908 also rescales to local gravity as Wii Fit does.

    Parameters
    ----------
    kg : array_like, shape (n, ...)
        Load, kg.
    temperature : array_like, shape (n,)
        E8 temperature byte per sample.
    reference_temperature : int
        Byte at 0xA40060.
    """
    m = np.asarray(kg, dtype=np.float64)
    temp = np.asarray(temperature, dtype=np.float64)
    if temp.shape != m.shape[:1]:
        raise ValueError(f"one temperature per sample: kg has {m.shape[:1]} samples, temperature {temp.shape}")
    factor = 0.9990813732 * (1.0 - 0.0007 * (temp - float(reference_temperature)))
    return m * factor.reshape((-1,) + (1,) * (m.ndim - 1))


def status_battery_pct(battery_raw: int) -> int:
    """Battery % as the kernel computes it from the 0x20 VV byte: ``VV·100/255`` (integer)."""
    if not 0 <= battery_raw <= 255:
        raise ValueError(f"the battery byte is 0-255, got {battery_raw}")
    return battery_raw * 100 // 255


def battery_bars(ext_battery: int) -> int:
    """Battery bars 0-4 from the 0x34 E10 byte (≥0x82: 4, ≥0x7D: 3, ≥0x78: 2, ≥0x6A: 1; WiiBrew via the RFC)."""
    if not 0 <= ext_battery <= 255:
        raise ValueError(f"the battery byte is 0-255, got {ext_battery}")
    for bars, threshold in ((4, 0x82), (3, 0x7D), (2, 0x78), (1, 0x6A)):
        if ext_battery >= threshold:
            return bars
    return 0


# -- initialisation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitStep:
    """One step of the initialisation: the output report to send and the reply to wait for.

    ``expect`` is ``"status"`` (a 0x20), ``"ack"`` (a 0x22 for ``report[0]``), ``"read"`` (``read_size``
    bytes of 0x21 chunks) or ``"none"``.
    """

    name: str
    report: bytes
    expect: str
    read_size: int = 0


def init_sequence(mode: int = 0x34, continuous: bool = False, check_crc: bool = True) -> tuple[InitStep, ...]:
    """The initialisation the device runs (§1.4, W6), in order.

    1. status request (the extension bit must be set); 2. LED1 on (stops the blinking; no ack asked);
    3. extension init, unencrypted: 0x55 → 0xA400F0, 0x00 → 0xA400FB, each acked;
    4. read the 6-byte extension ID (must be ``00 00 A4 20 04 02``);
    5. calibration: the 32 bytes at 0xA40020 and, with ``check_crc``, 2 bytes at 0xA40060;
    6. the data reporting mode (re-sent after every status report).
    """
    steps = [
        InitStep("status", encode_status_request(), "status"),
        InitStep("led1", encode_leds(0x1), "none"),
        InitStep("ext-init-1", encode_write(EXT_INIT_ADDRESS_1, b"\x55"), "ack"),
        InitStep("ext-init-2", encode_write(EXT_INIT_ADDRESS_2, b"\x00"), "ack"),
        InitStep("ext-id", encode_read(EXT_ID_ADDRESS, 6), "read", 6),
        InitStep("calibration", encode_read(CAL_BLOCK_ADDRESS, CAL_BLOCK_SIZE), "read", CAL_BLOCK_SIZE),
    ]
    if check_crc:
        steps.append(InitStep("reference-temperature", encode_read(REF_TEMP_ADDRESS, REF_TEMP_SIZE), "read", 2))
    steps.append(InitStep("reporting-mode", encode_reporting_mode(mode, continuous), "none"))
    return tuple(steps)
