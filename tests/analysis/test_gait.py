"""Walking and stepping in place: the simulated antalgic subject's configured asymmetry is recovered."""

import numpy as np
import pytest

from analysis.gait import analyze_gait
from analysis.stance import StanceSettings
from analysis.symmetry import robinson_symmetry_index
from drivers.sim.gait import GaitSubject

FS = 1000.0


def run(subject, seconds, settings=None):
    t = np.arange(int(seconds * FS)) / FS
    left, right = subject.sample(t)
    result = analyze_gait(
        left, right, fs_hz=FS, body_weight_n=subject.weight_n, affected_side=subject.affected_side, settings=settings
    )
    return result, subject.truth(seconds)


@pytest.mark.parametrize(
    ("mode", "side", "stance_red", "peak_red"),
    [("walking", "left", 10.0, 8.0), ("walking", "right", 5.0, 12.0), ("stepping", "left", 15.0, 5.0)],
)
def test_configured_asymmetry_is_recovered(mode, side, stance_red, peak_red):
    subject = GaitSubject(
        mass_kg=80, affected_side=side, mode=mode, affected_stance_reduction_pct=stance_red,
        affected_peak_reduction_pct=peak_red, seed=7,
    )  # fmt: skip
    result, truth = run(subject, 300.0)
    # Every complete simulated step is found once, nothing else is (the last contact may be cut off).
    assert result.affected.n_steps + result.unaffected.n_steps == truth.on_s.size
    assert all(r.reason.startswith("still in contact at the end") for r in result.rejected)
    # Configured SI (tolerance ±1.0 %-point: 2 % step-to-step CV over ~260 steps per side plus threshold bias)
    expected_stance_si = robinson_symmetry_index(1 - stance_red / 100, 1.0)
    expected_peak_si = robinson_symmetry_index(1 - peak_red / 100, 1.0)
    assert result.symmetry["stance_time_s"].symmetry_index_pct == pytest.approx(expected_stance_si, abs=1.0)
    assert result.symmetry["peak1_pct_bw"].symmetry_index_pct == pytest.approx(expected_peak_si, abs=1.0)
    assert result.symmetry["peak2_pct_bw"].symmetry_index_pct == pytest.approx(expected_peak_si, abs=1.0)
    # Step by step against the model's truth (same steps): onset ±6 ms, stance −8..0 ms (thresholds cut the
    # ramps), peaks ±1.5 %BW (2 N noise), valley ±1.5 %BW, impulse ±1 %, 20-80 % loading rate ±3 %
    for steps in (result.affected_steps, result.unaffected_steps):
        mine = truth.side == steps.side
        assert steps.on_s == pytest.approx(truth.on_s[mine], abs=0.006)
        assert np.all(steps.stance_time_s - truth.stance_s[mine] <= 0.001)
        assert np.all(steps.stance_time_s - truth.stance_s[mine] >= -0.008)
        assert steps.peak1_pct_bw == pytest.approx(truth.peak_pct_bw[mine], abs=1.5)
        assert steps.peak2_pct_bw == pytest.approx(truth.peak_pct_bw[mine], abs=1.5)
        assert steps.valley_pct_bw == pytest.approx(truth.valley_pct_bw[mine], abs=1.5)
        assert steps.impulse_pct_bw_s == pytest.approx(truth.impulse_pct_bw_s[mine], rel=0.01)
        assert steps.loading_rate_pct_bw_s == pytest.approx(truth.loading_rate_pct_bw_s[mine], rel=0.03)
    # Per-limb means ± SD and curves
    a = result.affected
    assert a.side == side and a.n_steps >= 150
    assert a.sd["stance_time_s"] == pytest.approx(0.02 * a.mean["stance_time_s"], rel=0.25)
    assert a.mean_curve_pct_bw.shape == (101,)
    assert a.mean_curve_pct_bw.max() == pytest.approx(a.mean["peak1_pct_bw"], abs=2.0)
    assert set(result.symmetry) >= {"stance_time_s", "valley_pct_bw", "loading_rate_pct_bw_s", "impulse_pct_bw_s"}


def test_simulated_walking_balances_vertical_momentum():
    # default cadence: the mean vertical force over whole strides equals body weight
    for mode in ("walking", "stepping"):
        subject = GaitSubject(mode=mode, variability_pct=0.0, noise_n=0.0, first_contact_s=0.0)
        t = subject.stride_s + np.arange(int(20 * subject.stride_s * FS)) / FS  # 20 strides after the first
        left, right = subject.sample(t)
        assert np.mean(left + right) == pytest.approx(subject.weight_n, rel=1e-3), mode


def test_symmetric_subject_gives_near_zero_indices():
    subject = GaitSubject(affected_stance_reduction_pct=0, affected_peak_reduction_pct=0, seed=3)
    result, _ = run(subject, 120.0)
    for name in ("stance_time_s", "peak1_pct_bw", "peak2_pct_bw", "impulse_pct_bw_s"):
        assert abs(result.symmetry[name].symmetry_index_pct) < 1.0, name
        assert abs(result.symmetry[name].symmetry_angle_pct) < 0.35, name


def test_bad_trials():
    subject = GaitSubject(seed=1)
    t = np.arange(int(20 * FS)) / FS
    left, right = subject.sample(t)
    bw = subject.weight_n
    with pytest.raises(ValueError, match="nobody on the device"):
        analyze_gait(np.zeros(5000), np.zeros(5000), fs_hz=FS, body_weight_n=bw, affected_side="left")
    with pytest.raises(ValueError, match="the right foot is never loaded"):
        analyze_gait(left, np.zeros_like(right), fs_hz=FS, body_weight_n=bw, affected_side="left")
    with pytest.raises(ValueError, match="no qualifying left steps"):
        short = slice(int(0.5 * FS), int(1.0 * FS))  # left stance cut at the start, right one at the end
        analyze_gait(left[short], right[short], fs_hz=FS, body_weight_n=bw, affected_side="left")
    bad = left.copy()
    bad[100:300] = np.nan
    with pytest.raises(ValueError, match="left_fz_n has 200 NaN"):
        analyze_gait(bad, right, fs_hz=FS, body_weight_n=bw, affected_side="left")
    with pytest.raises(ValueError, match="too low"):
        analyze_gait(left[::40], right[::40], fs_hz=25.0, body_weight_n=bw, affected_side="left")
    with pytest.raises(ValueError, match="affected_side"):
        analyze_gait(left, right, fs_hz=FS, body_weight_n=bw, affected_side="both")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="does not fit"):
        GaitSubject(stance_s=1.1, cadence_steps_min=120)
    # a low-pass is applied before detection when asked, and recorded in the settings
    result = analyze_gait(left, right, fs_hz=FS, body_weight_n=bw, affected_side="left",
                          settings=StanceSettings(lowpass_hz=30.0))  # fmt: skip
    assert result.settings.lowpass_hz == 30.0 and result.affected.n_steps > 10
