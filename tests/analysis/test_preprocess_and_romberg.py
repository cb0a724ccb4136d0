"""Preprocessing record and Romberg ratios."""

import numpy as np
import pytest

from analysis.preprocess import PRESETS, PreprocessSettings, preprocess_cop
from analysis.romberg import romberg_ratios
from analysis.sway import sway_measures


def test_quijoux_preset_records_every_step_and_resamples():
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(0.005, 0.02, 3000))  # irregular ~80 Hz clock
    ml, ap = np.sin(2 * np.pi * 0.3 * t), np.cos(2 * np.pi * 0.2 * t)
    p = preprocess_cop(t, ml, ap, PreprocessSettings(trim_start_s=1.0, trim_end_s=2.0))
    assert p.fs_hz == 25.0
    expected = int(np.ceil((t[-1] - t[0]) * 25.0)) - 25 - 50
    assert abs(p.output_samples - expected) <= 1
    assert [s.split()[0] for s in p.steps] == ["resample", "trim", "lowpass", "detrend"]
    assert "10 Hz" in p.steps[2] and "order 4" in p.steps[2]
    assert abs(p.ml_mm.mean()) < 1e-12  # constant detrend


def test_linear_detrend_removes_a_ramp_and_uniform_input_is_checked():
    fs = 100.0
    t = np.arange(3000) / fs
    ramp = 0.5 * t
    p = preprocess_cop(
        t,
        ramp + np.sin(2 * np.pi * t),
        ramp,
        PreprocessSettings(resample_hz=None, lowpass_hz=None, detrend="linear", preset="custom"),
    )
    assert np.max(np.abs(p.ap_mm)) < 1e-9
    assert p.ml_mm == pytest.approx(
        np.sin(2 * np.pi * t) - np.polyval(np.polyfit(t, np.sin(2 * np.pi * t), 1), t), abs=1e-9
    )
    jitter = t + np.r_[0, 0.004, np.zeros(2998)]
    with pytest.raises(ValueError, match="irregular"):
        preprocess_cop(jitter, t, t, PRESETS["prieto1996"])
    with pytest.raises(ValueError, match="leaves"):
        preprocess_cop(t, t, t, PreprocessSettings(resample_hz=None, trim_start_s=20, trim_end_s=20))
    nan = t.copy()
    nan[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        preprocess_cop(t, nan, t)


def test_raw_preset_changes_nothing():
    t = np.arange(500) / 50.0
    x = np.sin(t) + 3
    p = preprocess_cop(t, x, 2 * x, PRESETS["raw"])
    assert np.array_equal(p.ml_mm, x) and p.steps == ("uniform input 50 Hz",)


def test_romberg_ratios_of_a_scaled_trial():
    rng = np.random.default_rng(4)
    x, y = np.cumsum(rng.normal(size=2000)), np.cumsum(rng.normal(size=2000))
    eo = sway_measures(x, y, fs_hz=25.0)
    ec = sway_measures(2 * x, 2 * y, fs_hz=25.0)
    r = romberg_ratios(eo, ec)
    assert r.ratios["path_length_mm"] == pytest.approx(2.0, rel=1e-12)
    assert r.ratios["rms_ap_mm"] == pytest.approx(2.0, rel=1e-12)
    assert r.ratios["ellipse95_area_mm2"] == pytest.approx(4.0, rel=1e-12)
    assert r.ratios["sway_area_mm2_s"] == pytest.approx(4.0, rel=1e-12)
    with pytest.raises(ValueError, match="different rates"):
        romberg_ratios(eo, sway_measures(x, y, fs_hz=100.0))
