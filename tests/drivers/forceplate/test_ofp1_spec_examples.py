"""The byte examples printed in docs/ofp-1.md are what the code produces."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np

from drivers.forceplate.calibration import encode_calibration
from drivers.forceplate.protocol import encode_frame
from drivers.forceplate.requests import encode_info
from drivers.forceplate.sim_firmware import PlateModel, load_cell_calibration
from drivers.forceplate.usb_sim import SimulatedPlateBackend

SPEC = (Path(__file__).resolve().parents[3] / "docs" / "ofp-1.md").read_text(encoding="utf-8")


def _block_after(marker: str) -> bytes:
    start = SPEC.index(marker)
    body = SPEC[SPEC.index("```", start) + 3 : SPEC.index("```", SPEC.index("```", start) + 3)]
    hex_bytes = []
    for line in body.strip().splitlines():
        hex_bytes += re.findall(r"\b[0-9a-f]{2}\b", line.split("  ")[0] if "  " in line else line)
    return bytes.fromhex("".join(hex_bytes))


def test_golden_frame_in_the_spec() -> None:
    frame = encode_frame(np.array([[100000, -200000, 300000, -400000], [100010, -199990, 300010, -399990]]),
                         counter=7, first_index=70, t0_us=1_000_000)
    assert _block_after("**CRC-32 0xFAC97E8B**") == frame


def test_calibration_example_in_the_spec() -> None:
    block = encode_calibration(load_cell_calibration())
    assert _block_after("CRC-32 `0xBAA2084E`") == block
    assert zlib.crc32(block[:-4]) == 0xBAA2084E


def test_get_info_example_in_the_spec() -> None:
    from drivers.forceplate.calibration import Layout

    assert _block_after("(±200, ±150) mm, 76 bytes)") == encode_info(PlateModel(Layout.LOAD_CELLS, None).info())


def test_bos_and_ms_os_descriptors_in_the_spec() -> None:
    assert _block_after("BOS descriptor (33 bytes") == SimulatedPlateBackend.bos_descriptor_bytes()
    assert _block_after("(30 bytes):") == SimulatedPlateBackend.ms_os_20_descriptor_set()
