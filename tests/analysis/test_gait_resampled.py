"""Walking/stepping from an irregular clock: SWARII onto 100 Hz, then stance detection and per-step measures."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.gait import analyze_gait
from analysis.gait_resampled import analyze_gait_resampled
from analysis.symmetry import robinson_symmetry_index
from benchmarks.gait_resampling_error import board_loads
from drivers.sim.gait import GaitSubject

BW = 70 * 9.80665
MEASURES = ("stance_time_s", "peak1_pct_bw", "peak2_pct_bw", "valley_pct_bw", "loading_rate_pct_bw_s",
            "impulse_pct_bw_s")  # fmt: skip


def truth_1khz(t_first: float, t_last: float, **options):
    """The same stepping subject (same seed: the same steps) on a regular 1 kHz clock, noise-free."""
    subject = GaitSubject(mass_kg=70.0, mode="stepping", noise_n=0.0, **options)
    t = np.arange(int(np.ceil(t_first * 1000)), int(np.floor(t_last * 1000)) + 1) / 1000.0
    left, right = subject.sample(t)
    return analyze_gait(left, right, fs_hz=1000.0, body_weight_n=BW, affected_side=options["affected_side"],
                        t0_s=float(t[0]))  # fmt: skip


def test_a_regular_100_hz_clock_gives_the_regular_path_numbers_exactly():
    # Analytic case: samples exactly on the 100 Hz grid, window one grid interval -> each window holds one
    # sample, SWARII is the identity, and the result equals analyze_gait on the same samples.
    subject = GaitSubject(mode="stepping", seed=3, noise_n=1.0)
    t = np.arange(3000) / 100.0
    left, right = subject.sample(t)
    direct = analyze_gait(left, right, fs_hz=100.0, body_weight_n=BW, affected_side="left")
    resampled = analyze_gait_resampled(t, left, right, body_weight_n=BW, affected_side="left", window_s=0.01)
    assert resampled.resampling.n_empty_windows == 0 and resampled.fs_hz == 100.0
    for name in MEASURES:
        assert resampled.affected.mean[name] == pytest.approx(direct.affected.mean[name], rel=1e-12, abs=1e-9)
        assert resampled.unaffected.mean[name] == pytest.approx(direct.unaffected.mean[name], rel=1e-12, abs=1e-9)
    assert resampled.affected.n_steps == direct.affected.n_steps >= 10


@pytest.mark.parametrize("seed", [0, 5])
def test_the_jittered_board_matches_the_1_khz_truth(seed):
    """Measured error of the resampled path (100 Hz, 20 ms window) against the same steps at 1 kHz."""
    options = {"affected_side": "right", "affected_stance_reduction_pct": 12.0, "affected_peak_reduction_pct": 9.0,
               "seed": seed}  # fmt: skip
    t, left, right = board_loads(60.0, **options)
    got = analyze_gait_resampled(t, left, right, body_weight_n=BW, affected_side="right")
    truth = truth_1khz(t[0], t[-1], **options)
    assert got.resampling.fs_hz == 100.0 and got.resampling.window_s == 0.02
    # the simulated Wii board's cadence: 12 ms typical, mean 12.02 ms with its bursts and late reports (sim_radio)
    assert got.resampling.input_mean_rate_hz == pytest.approx(1000 / 12.02, rel=0.03)
    # tolerances: ~2x the largest error over 8 seeds (docs/analysis.md, "irregular clocks")
    tolerance = {"stance_time_s": 0.01, "peak1_pct_bw": 0.1, "peak2_pct_bw": 0.1, "valley_pct_bw": 0.1,
                 "loading_rate_pct_bw_s": 10.0, "impulse_pct_bw_s": 0.2}  # fmt: skip
    for limb in ("affected", "unaffected"):
        g, tr = getattr(got, limb), getattr(truth, limb)
        assert g.n_steps == tr.n_steps
        for name in MEASURES:
            assert g.mean[name] == pytest.approx(tr.mean[name], abs=tolerance[name]), (limb, name)
    for name in MEASURES:
        si_tol = 2.0 if name == "loading_rate_pct_bw_s" else 0.3
        assert got.symmetry[name].symmetry_index_pct == pytest.approx(
            truth.symmetry[name].symmetry_index_pct, abs=si_tol
        ), name
    # and the configured asymmetry (stance −12 %, peaks −9 %) within ±1.5 SI points (21 steps a side)
    assert got.symmetry["stance_time_s"].symmetry_index_pct == pytest.approx(
        robinson_symmetry_index(0.88, 1.0), abs=1.5
    )
    assert got.symmetry["peak1_pct_bw"].symmetry_index_pct == pytest.approx(robinson_symmetry_index(0.91, 1.0), abs=1.5)


def test_a_gap_longer_than_a_stance_is_refused():
    t, left, right = board_loads(20.0, seed=1)
    cut = (t > 8.0) & (t < 8.5)  # 0.5 s of samples lost: a gap longer than the shortest stance (0.2 s)
    with pytest.raises(ValueError, match=r"a gap of 5\d\d ms .* longer than 200 ms .* cannot recover"):
        analyze_gait_resampled(t[~cut], left[~cut], right[~cut], body_weight_n=BW, affected_side="left")
    # the limit is the shortest stance that counts unless given
    got = analyze_gait_resampled(t, left, right, body_weight_n=BW, affected_side="left", max_gap_s=0.05)
    assert got.resampling.max_gap_s == 0.05 and got.resampling.longest_gap_s < 0.05


def test_a_mean_rate_below_what_steps_need_is_refused():
    t = np.cumsum(np.full(600, 0.025))  # 40 Hz, regular but too slow for 100 Hz to mean anything
    load = np.full(600, 300.0)
    with pytest.raises(ValueError, match=r"40\.0 samples/s on average, below the 50 Hz"):
        analyze_gait_resampled(t, load, load, body_weight_n=BW, affected_side="left")


@pytest.mark.parametrize(
    ("t", "left", "message"),
    [
        (np.array([0.0, 0.01, 0.01, 0.02]), np.zeros(4), "sample times must increase"),
        (np.arange(4) / 100, np.array([0.0, np.nan, 0.0, 0.0]), "NaN"),
        (np.arange(4) / 100, np.zeros(3), "same length|samples"),
    ],
)
def test_bad_input_is_named(t, left, message):
    with pytest.raises(ValueError, match=message):
        analyze_gait_resampled(t, left, np.zeros(t.size), body_weight_n=BW, affected_side="left")
