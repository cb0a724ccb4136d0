"""Shared helpers for the recordings tests: a deterministic 1 kHz device and its expected values."""

from __future__ import annotations

import numpy as np

from drivers.model import DeviceInfo, SampleBlock

CELL_POSITIONS_MM = ((200.0, 150.0), (200.0, -150.0), (-200.0, 150.0), (-200.0, -150.0))


def lab_plate_info(rate_hz: float = 1000.0, raw_counts: bool = True) -> DeviceInfo:
    """A uniformly sampled four-cell plate (what a USB force plate looks like)."""
    return DeviceInfo(
        driver="test",
        model="Test plate",
        serial="SN-12345",
        nominal_rate_hz=rate_hz,
        channel_names=("TR", "BR", "TL", "BL"),
        channel_units=("N", "N", "N", "N"),
        sensor_positions_mm=CELL_POSITIONS_MM,
        surface_size_mm=(500.0, 400.0),
        raw_counts=raw_counts,
        firmware="1.0",
    )


def expected_forces(seq: np.ndarray) -> np.ndarray:
    """The forces of sample ``seq``: a pure function, so any stored row can be checked (N)."""
    s = np.asarray(seq, dtype=np.float64)[:, None]
    k = np.arange(4, dtype=np.float64)[None, :]
    return (180.0 + 40.0 * np.sin(0.013 * s + k) + 3.0 * np.cos(0.071 * s * (k + 1))).astype(np.float32)


def make_block(first: int, n: int, rate_hz: float = 1000.0, raw: bool = True) -> SampleBlock:
    """Samples ``first .. first + n - 1`` of the deterministic signal, on a uniform clock."""
    seq = np.arange(first, first + n, dtype=np.uint64)
    forces = expected_forces(seq)
    return SampleBlock(
        t_s=seq.astype(np.float64) / rate_hz,
        seq=seq,
        forces_n=forces,
        host_rx_s=1000.0 + (first + n) / rate_hz + 0.0015,
        raw=(forces * 100).astype(np.int32) if raw else None,
    )
