"""Weight bearing from two devices: time within a target band, symmetry ratio and angle."""

import numpy as np
import pytest

from analysis.symmetry import symmetry_angle
from analysis.weight_bearing import limb_loads_from_two_devices, weight_bearing


def test_time_in_band_of_a_linear_ramp():
    # affected share ramps 30 -> 50 %BW over 10 s at 100 Hz; band 40-45 % is a quarter of the ramp: 2.5 s
    fs, n, total = 100.0, 1001, 700.0
    share = np.linspace(30.0, 50.0, n)
    loads = limb_loads_from_two_devices(total * share / 100, total * (1 - share / 100))
    wb = weight_bearing(loads, "left", target_band_pct_bw=(40.0, 45.0), fs_hz=fs)
    assert wb.time_in_band_s == pytest.approx(2.5, abs=1.5 / fs)
    assert wb.time_in_band_pct == pytest.approx(25.0, abs=0.2)
    assert wb.method == "two_plates"
    assert wb.affected_load_pct_bw == pytest.approx(40.0, rel=1e-9)
    assert wb.symmetry_ratio == pytest.approx(40 / 60, rel=1e-9)
    assert wb.symmetry_angle_pct == pytest.approx(symmetry_angle(40.0, 60.0), rel=1e-12)
    # SD of a uniform ramp of width 20: 20/√12 (sample SD, n large)
    assert wb.affected_load_sd_pct_bw == pytest.approx(20 / np.sqrt(12), rel=2e-3)
    assert wb.unaffected_load_sd_pct_bw == pytest.approx(wb.affected_load_sd_pct_bw, rel=1e-9)


def test_right_affected_and_no_band():
    loads = limb_loads_from_two_devices(np.full(10, 400.0), np.full(10, 300.0), method="two_boards")
    wb = weight_bearing(loads, "right")
    assert wb.affected_load_n == 300.0 and wb.unaffected_load_n == 400.0
    assert wb.time_in_band_s is None and wb.time_in_band_pct is None and wb.target_band_pct_bw is None
    assert wb.method == "two_boards"


def test_bad_input():
    with pytest.raises(ValueError, match="same length"):
        limb_loads_from_two_devices(np.ones(5), np.ones(6))
    loads = limb_loads_from_two_devices(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="no load on the device"):
        weight_bearing(loads, "left")
    loads = limb_loads_from_two_devices(np.ones(5), np.ones(5))
    with pytest.raises(ValueError, match="low <= high"):
        weight_bearing(loads, "left", target_band_pct_bw=(50.0, 40.0))
