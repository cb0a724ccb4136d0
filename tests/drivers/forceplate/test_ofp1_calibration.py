"""OFP-1 calibration block, counts -> N, six-component COP, and the EP0 reply layouts."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from analysis.cop import cop_from_cells
from drivers.forceplate.calibration import (
    Calibration,
    Layout,
    cop_six_component,
    counts_to_force,
    decode_calibration,
    encode_calibration,
)
from drivers.forceplate.requests import (
    DeviceInfoReply,
    StatusReply,
    decode_info,
    decode_status,
    decode_time,
    encode_info,
    encode_status,
)
from drivers.forceplate.sim_firmware import load_cell_calibration, six_component_calibration


def test_calibration_block_layout_and_crc() -> None:
    cal = load_cell_calibration()
    block = encode_calibration(cal)
    assert block[:4] == b"OFPC" and int.from_bytes(block[4:6], "little") == 1
    assert len(block) == int.from_bytes(block[6:8], "little") == 48 + 4 * 4 + 4 * 4 * 4 + 4
    assert block[8] == 4 and block[9] == 4 and block[10] == 0
    assert int.from_bytes(block[-4:], "little") == zlib.crc32(block[:-4])
    assert int.from_bytes(block[48:52], "little", signed=True) == 81234  # first offset
    assert np.frombuffer(block, "<f4", 1, 64)[0] == pytest.approx(1 / 64)  # C[0, 0]


@pytest.mark.parametrize("cal", [load_cell_calibration(), six_component_calibration()])
def test_calibration_round_trips(cal: Calibration) -> None:
    back = decode_calibration(encode_calibration(cal))
    assert back == cal
    np.testing.assert_array_equal(back.matrix, cal.matrix)
    assert back.certificate == cal.certificate and back.az_m == cal.az_m and back.layout == cal.layout


def test_every_corrupted_byte_of_a_calibration_block_is_rejected() -> None:
    block = encode_calibration(load_cell_calibration())
    for i in range(len(block)):
        bad = bytearray(block)
        bad[i] ^= 0x40
        with pytest.raises(ValueError):
            decode_calibration(bytes(bad))


def test_counts_to_force_analytic() -> None:
    cal = Calibration(offsets=[1000, -1000], matrix=np.diag([1 / 64, 1 / 32]))
    raw = np.array([[1000 + 640, -1000 + 320], [1000, -1000]])
    np.testing.assert_allclose(counts_to_force(raw, cal), [[10.0, 10.0], [0.0, 0.0]])
    # tare moves the zero: F = C (counts - offset - tare)
    np.testing.assert_allclose(counts_to_force(raw, cal, tare=[64, 32]), [[9.0, 9.0], [-1.0, -1.0]])


def test_counts_to_force_full_matrix_matches_an_explicit_sum() -> None:
    cal = six_component_calibration()
    rng = np.random.default_rng(1)
    raw = rng.integers(-(1 << 23), 1 << 23, size=(50, 6))
    tare = rng.integers(-500, 500, size=6)
    explicit = np.array([[sum(float(cal.matrix[r, c]) * (int(raw[i, c]) - int(cal.offsets[c]) - int(tare[c]))
                              for c in range(6)) for r in range(6)] for i in range(50)])
    np.testing.assert_allclose(counts_to_force(raw, cal, tare), explicit, rtol=1e-12, atol=1e-9)


def test_calibration_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="shape"):
        Calibration(offsets=[0, 0], matrix=np.eye(3))
    with pytest.raises(ValueError, match="6 rows"):
        Calibration(offsets=[0, 0], matrix=np.eye(2), layout=Layout.SIX_COMPONENT)
    with pytest.raises(ValueError, match="certificate"):
        Calibration(offsets=[0], matrix=[[1.0]], certificate="x" * 17)
    with pytest.raises(ValueError, match="raw counts"):
        counts_to_force(np.zeros((3, 2)), load_cell_calibration())


def test_six_component_cop_analytic_point_load_with_shear() -> None:
    az = 0.04
    x, y, fx, fy, fz = 0.1, -0.05, 20.0, -30.0, 700.0
    # moments of the reaction force at (x, y, az) about the sensor centre: M = r x F
    forces = np.array([[fx, fy, fz, y * fz - az * fy, az * fx - x * fz, x * fy - y * fx]])
    cop = cop_six_component(forces, az)
    np.testing.assert_allclose([cop.cop_x_mm[0], cop.cop_y_mm[0]], [100.0, -50.0], atol=1e-9)


def test_six_component_cop_agrees_with_load_cell_cop() -> None:
    # Cross-check: four vertical loads seen as load cells and as one six-component plate (no shear).
    pos_mm = np.array([(200.0, 150.0), (200.0, -150.0), (-200.0, 150.0), (-200.0, -150.0)])
    cells = np.random.default_rng(3).uniform(20, 300, size=(40, 4))
    fz = cells.sum(axis=1)
    mx = (cells * pos_mm[:, 1] / 1000).sum(axis=1)
    my = -(cells * pos_mm[:, 0] / 1000).sum(axis=1)
    zeros = np.zeros_like(fz)
    six = cop_six_component(np.column_stack([zeros, zeros, fz, mx, my, zeros]), 0.03)
    ref = cop_from_cells(cells, pos_mm)
    np.testing.assert_allclose(six.cop_x_mm, ref.cop_x_mm, atol=1e-9)
    np.testing.assert_allclose(six.cop_y_mm, ref.cop_y_mm, atol=1e-9)


def test_six_component_cop_undefined_below_the_force_limit() -> None:
    cop = cop_six_component(np.array([[0, 0, 9.99, 1, 1, 0], [0, 0, 10.0, 1, 1, 0]]), 0.0)
    assert np.isnan(cop.cop_x_mm[0]) and not cop.loaded[0] and cop.loaded[1]
    with pytest.raises(ValueError, match="az_m"):
        cop_six_component(np.zeros((1, 6)), -1.0)


def test_info_and_status_replies_round_trip() -> None:
    info = DeviceInfoReply(1, 0x0103, 7, 4, 24, Layout.LOAD_CELLS, 2000, (500.0, 400.0), (0.0, 0.0, -39.0),
                           (1000, 2000), ((200.0, 150.0), (200.0, -150.0), (-200.0, 150.0), (-200.0, -150.0)))
    raw = encode_info(info)
    assert len(raw) == 36 + 4 * 2 + 8 * 4
    assert decode_info(raw) == info and info.firmware == "1.3"
    status = StatusReply(1, 4, 17, (1 << 63) + 5, 23.5, (1, -2, 3, -4))
    raw_status = encode_status(status)
    assert len(raw_status) == 20 + 16 and decode_status(raw_status) == status
    assert decode_time((1234567).to_bytes(8, "little")) == 1234567
    with pytest.raises(ValueError, match="needs"):
        decode_info(raw[:-1])
    with pytest.raises(ValueError, match="8 bytes"):
        decode_time(b"\x00")
