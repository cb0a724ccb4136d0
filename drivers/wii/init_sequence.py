"""The Wii Balance Board initialisation sequence as data: which output report to send, which reply to await.

Pure (no I/O): the device runs it over a transport (:mod:`drivers.wii.handshake`).

References
----------
docs/wii-protocol.md §1.4 (the kernel's initialisation); docs/wii-protocol.md W6.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.wii.reports import (
    CAL_BLOCK_ADDRESS,
    CAL_BLOCK_SIZE,
    EXT_ID_ADDRESS,
    EXT_INIT_ADDRESS_1,
    EXT_INIT_ADDRESS_2,
    REF_TEMP_ADDRESS,
    REF_TEMP_SIZE,
    encode_leds,
    encode_read,
    encode_reporting_mode,
    encode_status_request,
    encode_write,
)

__all__ = ["InitStep", "init_sequence"]


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
