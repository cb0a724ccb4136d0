"""Wii Balance Board HID reports: identifiers, memory map, encoders and the one-report decoder. No I/O.

Framing is hidraw/hidapi framing: byte 0 is the report ID, no 0xA1/0xA2 HIDP prefix
(docs/wii-protocol.md §1.1). Sensor order is the wire order **TR, BR, TL, BL** everywhere.

Output reports (host → board, §1.2): 0x11 LEDs, 0x12 data-reporting mode, 0x15 status request,
0x16 write memory, 0x17 read memory. Input reports (board → host, §1.3): 0x20 status, 0x21 read
data, 0x22 acknowledge, 0x30 buttons only, 0x32 buttons + 8 extension bytes, 0x34 buttons + 19
extension bytes (temperature and battery).

Decisions from docs/wii-protocol.md: report lengths are minimums (W1: shorter → reject, longer
→ decode the defined prefix); all-0xFF extension data is "extension not initialised" and never a
sample (W2); a 0x21 chunk with any non-zero error nibble is a failed read (W10); a 0x22 with a
non-zero error is a valid report that says the write failed (W10); 0x30 is never a sample (W13).

References
----------
Linux ``drivers/hid/hid-wiimote-core.c``, ``hid-wiimote-modules.c``; Dolphin
``WiimoteEmu/Extension/BalanceBoard.cpp``; wiibrew.org/wiki/Wii_Balance_Board.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "BALANCE_BOARD_EXTENSION_ID",
    "BLUETOOTH_NAME",
    "BUTTON_MASK",
    "CAL_ADDRESS",
    "CAL_BLOCK_ADDRESS",
    "CAL_BLOCK_SIZE",
    "CAL_SIZE",
    "CHANNELS",
    "EVDEV_NAME",
    "EXT_ID_ADDRESS",
    "EXT_INIT_ADDRESS_1",
    "EXT_INIT_ADDRESS_2",
    "PRODUCT_ID",
    "REF_TEMP_ADDRESS",
    "REF_TEMP_SIZE",
    "REPORT_MIN_LENGTH",
    "VENDOR_ID",
    "Ack",
    "BoardSample",
    "ButtonsOnly",
    "MalformedReport",
    "ReadData",
    "Report",
    "ReportId",
    "Status",
    "decode",
    "encode_leds",
    "encode_read",
    "encode_reporting_mode",
    "encode_status_request",
    "encode_write",
]

#: Nintendo's USB/Bluetooth vendor id and the Wii Remote / Balance Board product id (§1.1).
VENDOR_ID = 0x057E
PRODUCT_ID = 0x0306
#: Bluetooth friendly name of the board.
BLUETOOTH_NAME = "Nintendo RVL-WBC-01"
#: Name of the kernel's (hid-wiimote) evdev node for the board (§2.2).
EVDEV_NAME = "Nintendo Wii Remote Balance Board"

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

#: The four sensors in wire order (top right, bottom right, top left, bottom left; §1.3).
CHANNELS = ("TR", "BR", "TL", "BL")

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

