"""Wii Balance Board HID protocol: pure encode/decode, calibration, conversion. No I/O.

This module is the protocol's one import point (``from drivers.wii import protocol as p``); the code lives
in one module per responsibility, all re-exported here:

* :mod:`drivers.wii.reports` — report IDs, memory map, encoders, the one-report decoder (hidraw framing,
  wire order TR, BR, TL, BL; W1, W2, W10, W13);
* :mod:`drivers.wii.report_arrays` — many data reports decoded at once (vectorised);
* :mod:`drivers.wii.calibration` — the 0/17/34 kg calibration block and its CRC (W6, W7);
* :mod:`drivers.wii.conversion` — counts → kg → N without clamping, the kernel's 10 g variant,
  temperature correction, battery (W7, W11);
* :mod:`drivers.wii.init_sequence` — the initialisation steps as data.

References
----------
docs/wii-protocol.md §1; docs/wii-protocol.md W1-W13; Linux ``drivers/hid/hid-wiimote-core.c``,
``hid-wiimote-modules.c``; Dolphin ``WiimoteEmu/Extension/BalanceBoard.cpp``; wiibrew.org/wiki/Wii_Balance_Board.
"""

# Re-exports: ``X as X`` marks each name as part of this module's public interface.

from drivers.wii.calibration import Calibration as Calibration
from drivers.wii.calibration import CalibrationWarning as CalibrationWarning
from drivers.wii.calibration import CrcStatus as CrcStatus
from drivers.wii.calibration import calibration_crc as calibration_crc
from drivers.wii.calibration import parse_calibration as parse_calibration
from drivers.wii.calibration import parse_calibration_block as parse_calibration_block
from drivers.wii.conversion import battery_bars as battery_bars
from drivers.wii.conversion import kg_to_newtons as kg_to_newtons
from drivers.wii.conversion import raw_to_kernel_10g as raw_to_kernel_10g
from drivers.wii.conversion import raw_to_kg as raw_to_kg
from drivers.wii.conversion import status_battery_pct as status_battery_pct
from drivers.wii.conversion import wii_fit_temperature_correction as wii_fit_temperature_correction
from drivers.wii.init_sequence import InitStep as InitStep
from drivers.wii.init_sequence import init_sequence as init_sequence
from drivers.wii.report_arrays import PACKED_WIDTH as PACKED_WIDTH
from drivers.wii.report_arrays import SampleArrays as SampleArrays
from drivers.wii.report_arrays import decode_sample_reports as decode_sample_reports
from drivers.wii.report_arrays import pack_reports as pack_reports
from drivers.wii.reports import BALANCE_BOARD_EXTENSION_ID as BALANCE_BOARD_EXTENSION_ID
from drivers.wii.reports import BLUETOOTH_NAME as BLUETOOTH_NAME
from drivers.wii.reports import BUTTON_MASK as BUTTON_MASK
from drivers.wii.reports import CAL_ADDRESS as CAL_ADDRESS
from drivers.wii.reports import CAL_BLOCK_ADDRESS as CAL_BLOCK_ADDRESS
from drivers.wii.reports import CAL_BLOCK_SIZE as CAL_BLOCK_SIZE
from drivers.wii.reports import CAL_SIZE as CAL_SIZE
from drivers.wii.reports import CHANNELS as CHANNELS
from drivers.wii.reports import EVDEV_NAME as EVDEV_NAME
from drivers.wii.reports import EXT_ID_ADDRESS as EXT_ID_ADDRESS
from drivers.wii.reports import EXT_INIT_ADDRESS_1 as EXT_INIT_ADDRESS_1
from drivers.wii.reports import EXT_INIT_ADDRESS_2 as EXT_INIT_ADDRESS_2
from drivers.wii.reports import PRODUCT_ID as PRODUCT_ID
from drivers.wii.reports import REF_TEMP_ADDRESS as REF_TEMP_ADDRESS
from drivers.wii.reports import REF_TEMP_SIZE as REF_TEMP_SIZE
from drivers.wii.reports import REPORT_MIN_LENGTH as REPORT_MIN_LENGTH
from drivers.wii.reports import VENDOR_ID as VENDOR_ID
from drivers.wii.reports import Ack as Ack
from drivers.wii.reports import BoardSample as BoardSample
from drivers.wii.reports import ButtonsOnly as ButtonsOnly
from drivers.wii.reports import MalformedReport as MalformedReport
from drivers.wii.reports import ReadData as ReadData
from drivers.wii.reports import Report as Report
from drivers.wii.reports import ReportId as ReportId
from drivers.wii.reports import Status as Status
from drivers.wii.reports import decode as decode
from drivers.wii.reports import encode_leds as encode_leds
from drivers.wii.reports import encode_read as encode_read
from drivers.wii.reports import encode_reporting_mode as encode_reporting_mode
from drivers.wii.reports import encode_status_request as encode_status_request
from drivers.wii.reports import encode_write as encode_write
