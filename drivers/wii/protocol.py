"""Wii Balance Board HID protocol: pure encode/decode, calibration, conversion. No I/O.

This module is the protocol's one import point (``from drivers.wii import protocol as p``); the code lives
in one module per responsibility, all re-exported here:

* :mod:`drivers.wii.reports` — report IDs, memory map, encoders, the one-report decoder;
* :mod:`drivers.wii.report_arrays` — many data reports decoded at once (vectorised);
* :mod:`drivers.wii.calibration` — the 0/17/34 kg calibration block and its CRC;
* :mod:`drivers.wii.conversion` — counts → kg → N, kernel 10 g units, temperature, battery;
* :mod:`drivers.wii.init_sequence` — the initialisation steps as data.

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

from drivers.wii.calibration import (
    Calibration,
    CalibrationWarning,
    CrcStatus,
    calibration_crc,
    parse_calibration,
    parse_calibration_block,
)
from drivers.wii.conversion import (
    STANDARD_GRAVITY_M_S2,
    battery_bars,
    kg_to_newtons,
    raw_to_kernel_10g,
    raw_to_kg,
    status_battery_pct,
    wii_fit_temperature_correction,
)
from drivers.wii.init_sequence import (
    InitStep,
    init_sequence,
)
from drivers.wii.report_arrays import (
    PACKED_WIDTH,
    SampleArrays,
    decode_sample_reports,
    pack_reports,
)
from drivers.wii.reports import (
    BALANCE_BOARD_EXTENSION_ID,
    BLUETOOTH_NAME,
    BUTTON_MASK,
    CAL_ADDRESS,
    CAL_BLOCK_ADDRESS,
    CAL_BLOCK_SIZE,
    CAL_SIZE,
    CHANNELS,
    EVDEV_NAME,
    EXT_ID_ADDRESS,
    EXT_INIT_ADDRESS_1,
    EXT_INIT_ADDRESS_2,
    PRODUCT_ID,
    REF_TEMP_ADDRESS,
    REF_TEMP_SIZE,
    REPORT_MIN_LENGTH,
    VENDOR_ID,
    Ack,
    BoardSample,
    ButtonsOnly,
    MalformedReport,
    ReadData,
    Report,
    ReportId,
    Status,
    decode,
    encode_leds,
    encode_read,
    encode_reporting_mode,
    encode_status_request,
    encode_write,
)

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
    "PACKED_WIDTH",
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
    "Report",
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
