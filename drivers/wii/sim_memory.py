"""The simulated Wii Balance Board's memory: register space 0xA40000..0xA400FF, EEPROM, extension init.

Writes (0x16) are applied and acked ``22 BB BB 16 00``; writes outside memory or with a bad size are
acked with error 0x04. Reads (0x17) come back as 16-byte 0x21 chunks with the right SE nibble and
address low word; out of bounds → E = 8. The extension bytes at 0xA400FA read 0xFF until 0x55 →
0xA400F0 and then 0x00 → 0xA400FB are written. The EEPROM is 0x1700 zero bytes (top address byte
ignored). The ``init_never_finishes`` fault leaves the extension-init writes unanswered.

References
----------
docs/wii-protocol.md §1.2 (0x16, 0x17), §1.4 (extension init), §1.5 (register map), §1.12;
docs/wii-protocol.md W10.
"""

from __future__ import annotations

from drivers.wii.reports import BALANCE_BOARD_EXTENSION_ID, ReportId

__all__ = ["EEPROM_SIZE", "READ_OUT_OF_BOUNDS", "WRITE_ERROR", "BoardMemory"]

EEPROM_SIZE = 0x1700
#: Error byte of a refused write's 0x22 acknowledge.
WRITE_ERROR = 0x04
#: Error nibble of an out-of-bounds 0x21 read reply.
READ_OUT_OF_BOUNDS = 0x08


class BoardMemory:
    """Register memory (with the calibration ``block`` at 0x20 and ``ref`` at 0x60), EEPROM and init state."""

    def __init__(self, block: bytes, ref: bytes, init_never_finishes: bool = False) -> None:
        self.registers = bytearray(256)
        self.registers[0x20:0x40] = block
        self.registers[0x60:0x62] = ref
        self.registers[0xFA:0x100] = BALANCE_BOARD_EXTENSION_ID
        self.eeprom = bytearray(EEPROM_SIZE)
        self.init_never_finishes = bool(init_never_finishes)
        self.power_on()

    def power_on(self) -> None:
        """After power-on or a reconnect: the extension is not initialised."""
        self.ext_initialised = False
        self._init_step = 0

    def write(self, data: bytes) -> int | None:
        """Apply a 0x16 write report; the acknowledge's error byte (0 or :data:`WRITE_ERROR`), None = no reply."""
        register = bool(data[1] & 0x04)
        address = int.from_bytes(data[2:5], "big")
        size = data[5]
        if not 1 <= size <= 16:
            return WRITE_ERROR
        payload = data[6 : 6 + size]
        if register:
            if address >> 8 != 0xA400 or (address & 0xFF) + size > 0x100:
                return WRITE_ERROR
            offset = address & 0xFF
            if self.init_never_finishes and offset in (0xF0, 0xFB):
                return None  # the fault: silence
            self.registers[offset : offset + size] = payload
            if offset == 0xF0 and payload[0] == 0x55:
                self._init_step = 1
            elif offset == 0xFB and payload[0] == 0x00 and self._init_step == 1:
                self.ext_initialised = True
        else:
            offset = address & 0xFFFF
            if offset + size > EEPROM_SIZE:
                return WRITE_ERROR
            self.eeprom[offset : offset + size] = payload
        return 0x00

    def read(self, data: bytes, buttons: tuple[int, int]) -> list[bytes]:
        """The 0x21 replies to a 0x17 read report, with the core button bytes ``buttons``."""
        register = bool(data[1] & 0x04)
        address = int.from_bytes(data[2:5], "big")
        size = int.from_bytes(data[5:7], "big")
        if register:
            memory = bytearray(self.registers)
            if not self.ext_initialised:
                memory[0xFA:0x100] = b"\xff" * 6
            in_bounds = address >> 8 == 0xA400 and (address & 0xFF) + size <= 0x100
            offset = address & 0xFF
        else:
            memory = self.eeprom
            offset = address & 0xFFFF
            in_bounds = offset + size <= EEPROM_SIZE
        if not in_bounds or size == 0:
            head = bytes((ReportId.READ_DATA, *buttons, READ_OUT_OF_BOUNDS)) + (address & 0xFFFF).to_bytes(2, "big")
            return [head + b"\x00" * 16]
        replies = []
        for start in range(0, size, 16):
            n = min(16, size - start)
            chunk = bytes(memory[offset + start : offset + start + n]).ljust(16, b"\x00")
            se = ((n - 1) << 4) | 0x0
            addr_low = ((address + start) & 0xFFFF).to_bytes(2, "big")
            replies.append(bytes((ReportId.READ_DATA, *buttons, se)) + addr_low + chunk)
        return replies
