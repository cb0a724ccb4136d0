"""Weight-bearing squat and sit-to-stand on hand-built load signals (analytic) and loops (cross-check)."""

import numpy as np
import pytest

from analysis.sit_to_stand import SitToStandSettings, sit_to_stand
from analysis.squat import SquatHold, weight_bearing_squat
from analysis.symmetry import robinson_symmetry_index

FS = 100.0
BW = 700.0


def test_squat_shares_per_depth():
    # four 3 s holds with the left (affected) share 48, 45, 40, 35 % of 700 N
    shares = [48.0, 45.0, 40.0, 35.0]
    left = np.concatenate([np.full(300, BW * s / 100) for s in shares])
    right = np.concatenate([np.full(300, BW * (100 - s) / 100) for s in shares])
    left += np.tile([1.0, -1.0], left.size // 2)  # ±1 N ripple, averages out
    holds = [SquatHold(d, 3 * i + 0.5, 3 * i + 2.5) for i, d in enumerate((0, 30, 60, 90))]
    res = weight_bearing_squat(left, right, fs_hz=FS, affected_side="left", holds=holds)
    assert [r.depth_deg for r in res] == [0, 30, 60, 90]
    for r, s in zip(res, shares, strict=True):
        total = np.array([BW + 1.0, BW - 1.0])
        expected = 100 * np.mean((BW * s / 100 + np.array([1.0, -1.0])) / total)
        assert r.affected_pct_bw == pytest.approx(expected, rel=1e-12)
        assert r.affected_pct_bw == pytest.approx(s, abs=0.01)
        assert r.difference_pct_bw == pytest.approx(2 * s - 100, abs=0.02)
        assert r.symmetry_index_pct == pytest.approx(robinson_symmetry_index(s, 100 - s), abs=0.05)
        assert r.n_samples == 200
    assert [r.outside_normal for r in res] == [False, True, True, True]  # |difference| 4, 10, 20, 30 vs 7 %BW
    # right affected: the mirror image
    mirrored = weight_bearing_squat(right, left, fs_hz=FS, affected_side="right", holds=holds)
    assert [m.affected_pct_bw for m in mirrored] == pytest.approx([r.affected_pct_bw for r in res], rel=1e-12)


def test_squat_bad_input():
    left = right = np.full(500, 350.0)
    with pytest.raises(ValueError, match="outside the recording"):
        weight_bearing_squat(left, right, fs_hz=FS, affected_side="left", holds=[SquatHold(30, 4.0, 6.0)])
    with pytest.raises(ValueError, match="nobody on the device during the 60° hold"):
        weight_bearing_squat(np.zeros(500), np.zeros(500), fs_hz=FS, affected_side="left",
                             holds=[SquatHold(60, 1.0, 2.0)])  # fmt: skip
    with pytest.raises(ValueError, match="no squat holds"):
        weight_bearing_squat(left, right, fs_hz=FS, affected_side="left", holds=[])


def sts_profile(fs=1000.0, affected_share=0.4):
    # seated 20 %BW for 1 s, linear rise to 120 % at 1.4 s, down to 100 % at 1.8 s, standing 2 s
    t = np.arange(int(3.8 * fs)) / fs
    total_pct = np.interp(t, [0, 1.0, 1.4, 1.8, 3.8], [20, 20, 120, 100, 100])
    total = total_pct / 100 * BW
    return total * affected_share, total * (1 - affected_share), fs


def test_sit_to_stand_phases_of_a_piecewise_linear_rise():
    left, right, fs = sts_profile()
    r = sit_to_stand(left, right, fs_hz=fs, body_weight_n=BW, affected_side="left",
                     settings=SitToStandSettings(onset_rise_pct_bw=5.1))  # fmt: skip
    assert r.seated_pct_bw == pytest.approx(20.0)
    # onset: 25.1 %BW on a 250 %BW/s ramp -> 1.0204 s, first sample above it at 1.021 s
    assert r.onset_s == pytest.approx(1.021, abs=1e-9)
    assert r.peak_s == pytest.approx(1.4, abs=1e-9)
    assert r.peak_fz_pct_bw == pytest.approx(120.0, rel=1e-9)
    # standing: 105 %BW on the 50 %BW/s descent -> 1.7 s, then inside the band for good
    assert r.standing_s == pytest.approx(1.7, abs=1e-9)
    assert r.rise_time_s == pytest.approx(1.7 - 1.021, abs=1e-9)
    assert r.weight_transfer_time_s == pytest.approx(1.4 - 1.021, abs=1e-9)
    assert r.affected_share_rising_pct == pytest.approx(40.0, rel=1e-12)
    assert r.symmetry_index_pct == pytest.approx(-40.0, rel=1e-12)  # (40 − 60) / 50


def test_sit_to_stand_is_rate_independent_and_matches_a_scan():
    left, right, _ = sts_profile(fs=1000.0)
    fast = sit_to_stand(left, right, fs_hz=1000.0, body_weight_n=BW, affected_side="right")
    l100, r100, _ = sts_profile(fs=100.0)
    slow = sit_to_stand(l100, r100, fs_hz=100.0, body_weight_n=BW, affected_side="right")
    assert slow.rise_time_s == pytest.approx(fast.rise_time_s, abs=0.011)
    assert slow.peak_fz_pct_bw == pytest.approx(fast.peak_fz_pct_bw, rel=1e-9)
    # plain scan for the standing time at 100 Hz
    total = 100 * (l100 + r100) / BW
    onset = next(i for i in range(100, total.size) if total[i] > 25.0)
    assert slow.onset_s == pytest.approx(onset / 100.0)
    standing = next(i for i in range(onset, total.size - 49) if all(abs(v - 100) <= 5 for v in total[i : i + 50]))
    assert slow.standing_s == pytest.approx(standing / 100.0)
    assert slow.affected_share_rising_pct == pytest.approx(60.0)


def test_sit_to_stand_bad_input():
    left, right, fs = sts_profile()
    with pytest.raises(ValueError, match="not seated at the start"):
        sit_to_stand(left[1500:], right[1500:], fs_hz=fs, body_weight_n=BW, affected_side="left")
    with pytest.raises(ValueError, match="no rise found"):
        sit_to_stand(np.full(3000, 70.0), np.full(3000, 70.0), fs_hz=fs, body_weight_n=BW, affected_side="left")
    with pytest.raises(ValueError, match="never reached stable standing"):
        sit_to_stand(left[:2000], right[:2000], fs_hz=fs, body_weight_n=BW, affected_side="left")
    with pytest.raises(ValueError, match="too short"):
        sit_to_stand(left[:100], right[:100], fs_hz=fs, body_weight_n=BW, affected_side="left")
    bad = left.copy()
    bad[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sit_to_stand(bad, right, fs_hz=fs, body_weight_n=BW, affected_side="left")
    with pytest.raises(ValueError, match="10 s of standing"):
        sit_to_stand(left, right, fs_hz=fs, body_weight_n=BW, affected_side="left",
                     settings=SitToStandSettings(stable_s=10.0))  # fmt: skip
