"""What the simulated Wii Balance Board's sensors read: calibration blocks, load → corners → counts.

The register memory holds a calibration block with a correct CRC: the real board's block from §1.5
(Carl Kenner's dump, CRC 0x5E40E9B6, reference temperature 0x1A) or the "nice" Dolphin-style block
(0 / 17 / 34 kg = 10000 / 11700 / 13400 counts, byte 0x20 = 0x01, reference temperature 0x19). A
force and centre of pressure are spread over the four corners by the bilinear rule (Dolphin
``CenterOfBalanceToSensors``) and turned into counts with the inverse of the two-segment calibration.

References
----------
docs/wii-protocol.md §1.5, §1.6, §1.12; Dolphin ``WiimoteEmu/Extension/BalanceBoard.cpp``.
"""

from __future__ import annotations

import numpy as np

from drivers.wii.calibration import Calibration, calibration_crc

__all__ = [
    "NICE_CALIBRATION_BLOCK",
    "NICE_REF_TEMP",
    "REAL_CALIBRATION_BLOCK",
    "REAL_REF_TEMP",
    "corner_loads_kg",
    "kg_to_counts",
]

#: Carl Kenner's real-board block 0xA40020..0xA4003F (§1.5), CRC 0x5E40E9B6 with ``1a 01`` at 0xA40060.
REAL_CALIBRATION_BLOCK = bytes.fromhex(
    "10690000" "07c33cf8048c296b" "0ed243840b3a3069" "15e94a1011ef376e" "5e40e9b6"
)
REAL_REF_TEMP = bytes.fromhex("1a01")


def _nice_block() -> tuple[bytes, bytes]:
    cal = b"".join(v.to_bytes(2, "big") for v in [10000] * 4 + [11700] * 4 + [13400] * 4)
    head = bytes((0x01, 0x69, 0x00, 0x00))
    ref = bytes((0x19, 0x01))
    crc = calibration_crc(head + cal + b"\0\0\0\0", ref)
    return head + cal + crc.to_bytes(4, "big"), ref


#: The Dolphin-style block of §1.12 with a correct CRC, and its reference temperature bytes.
NICE_CALIBRATION_BLOCK, NICE_REF_TEMP = _nice_block()


def corner_loads_kg(quarter_kg: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Load on TR, BR, TL, BL, kg (n, 4), by the bilinear rule.

    ``quarter_kg`` is a quarter of the total load, kg; ``u`` and ``v`` are the COP's x and y as fractions
    of the half sensor span (−1 … +1; x to the board's right, y to its front).
    """
    return np.column_stack(
        [quarter_kg * (1 + u) * (1 + v), quarter_kg * (1 + u) * (1 - v),
         quarter_kg * (1 - u) * (1 + v), quarter_kg * (1 - u) * (1 - v)]
    )


def kg_to_counts(kg: np.ndarray, calibration: Calibration) -> np.ndarray:
    """Inverse of the two-segment conversion (float counts, no noise)."""
    c0, c17, c34 = calibration.points
    kg = np.asarray(kg, dtype=np.float64)
    return np.where(kg < 17.0, c0 + kg * (c17 - c0) / 17.0, c17 + (kg - 17.0) * (c34 - c17) / 17.0)
