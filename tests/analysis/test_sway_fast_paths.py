"""The shortcuts behind the fast sway set, each against the plain computation it replaces."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from scipy import signal, stats

from analysis import sway as sway_module
from analysis.ellipse import f_quantile_2
from analysis.sway import sway_measures
from analysis.sway_frequency import _band_bins, _band_bins_of_grid, sway_frequency
from analysis.welch import WelchSettings


def brute_force_diameter(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x - x.mean(), y - y.mean()
    return float(np.sqrt(((x[:, None] - x[None, :]) ** 2 + (y[:, None] - y[None, :]) ** 2).max()))


@pytest.mark.parametrize(
    "shape", ["elongated", "round", "line", "point_and_outlier", "two_clusters", "short", "odd_length"]
)
def test_resultant_range_equals_the_largest_pairwise_distance(shape):
    rng = np.random.default_rng(11)
    n = {"short": 12, "odd_length": 3 * 4096 + 7}.get(shape, 2500)
    if shape == "elongated":
        x, y = rng.normal(0, 3, n), rng.normal(0, 9, n)
    elif shape == "round":  # a circle: the distance bound keeps nothing out, every sample is a candidate
        a = np.linspace(0, 2 * np.pi, n, endpoint=False)
        x, y = 5 * np.cos(a), 5 * np.sin(a)
    elif shape == "line":  # collinear: no hull, the fallback path
        t = rng.uniform(-4, 4, n)
        x, y = 2 * t + 100.0, -t
    elif shape == "point_and_outlier":
        x, y = np.zeros(n), np.zeros(n)
        x[n // 3] = 1.5
    elif shape == "two_clusters":
        x = np.concatenate([rng.normal(-20, 1, n // 2), rng.normal(20, 1, n - n // 2)])
        y = rng.normal(0, 1, n)
    else:
        x, y = np.cumsum(rng.normal(size=n)), np.cumsum(rng.normal(size=n))
    got = sway_measures(x, y, fs_hz=100.0).range_resultant_mm
    if n <= 4000:
        expected = brute_force_diameter(x, y)
    else:  # the hull of every sample (the code before the distance bound)
        expected = sway_module.point_set_diameter(x - x.mean(), y - y.mean())
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_block_size_does_not_change_the_time_domain_measures(monkeypatch):
    rng = np.random.default_rng(5)
    x, y = np.cumsum(rng.normal(size=5003)), np.cumsum(rng.normal(size=5003)) + 300.0
    reference = sway_measures(x, y, fs_hz=100.0)
    for block in (1, 7, 64, 5003, 10_000):
        monkeypatch.setattr(sway_module, "_BLOCK", block)
        got = sway_measures(x, y, fs_hz=100.0)
        for field in dataclasses.fields(got):
            a, b = getattr(got, field.name), getattr(reference, field.name)
            if isinstance(a, float):
                assert a == pytest.approx(b, rel=1e-12, abs=1e-12), (block, field.name)
            else:
                assert a == b, (block, field.name)


def test_closed_form_f_quantile_equals_scipy():
    for dfd in [1, 2, 3, 7, 58, 998, 5998, 59_998, 10**7]:
        for p in (0.5, 0.9, 0.95, 0.99):
            assert f_quantile_2(p, dfd) == pytest.approx(stats.f.ppf(p, 2, dfd), rel=1e-13)


def test_band_bins_without_the_grid_equal_the_search_on_the_grid():
    for fs, nfft in itertools.product([50.0, 100.0, 120.0, 333.3, 1000.0], [7, 500, 1000, 3001, 12345, 60000]):
        for band in [(0.15, 5.0), (0.0, 5.0), (0.1, 0.5), (1.0, 2.0), (0.15, 100.0), (0.2, 1e9)]:
            grid = np.arange(nfft // 2 + 1) * (fs / nfft)
            expected = _band_bins(grid, float(grid[1] - grid[0]), band)
            assert _band_bins_of_grid(fs / nfft, nfft // 2 + 1, band) == expected, (fs, nfft, band)


@pytest.mark.parametrize("nfft", ["signal", "segment"])
@pytest.mark.parametrize("detrend", ["linear", "constant", "none"])
def test_sway_frequency_equals_moments_of_scipy_welch(nfft, detrend):
    # 60 s at 200 Hz: nfft="signal" takes the autocorrelation route (12000 >= 2 * 4000), "segment" the direct one
    fs = 200.0
    rng = np.random.default_rng(2)
    b, a = signal.butter(2, 1.0, fs=fs)
    ml = signal.lfilter(b, a, rng.normal(size=12000)) * 30 + 4.0
    ap = signal.lfilter(b, a, rng.normal(size=12000)) * 50 - 9.0
    settings = WelchSettings(nfft=nfft, detrend=detrend)
    got = sway_frequency(ml, ap, fs_hz=fs, settings=settings)
    x, y = ml - ml.mean(), ap - ap.mean()
    for name, sig in (("rd", np.sqrt(x * x + y * y)), ("ml", x), ("ap", y)):
        f, p = signal.welch(sig, fs=fs, window="hann", nperseg=2000, noverlap=1000,
                            nfft=sig.size if nfft == "signal" else 2000,
                            detrend=False if detrend == "none" else detrend)  # fmt: skip
        band = (f >= 0.15 - 1e-9 * f[1]) & (f <= 5.0 + 1e-9 * f[1])
        power = p[band] * f[1]
        m = getattr(got, name)
        assert m.total_power_mm2 == pytest.approx(power.sum(), rel=1e-10)
        assert m.spectral_mean_frequency_hz == pytest.approx((f[band] * power).sum() / power.sum(), rel=1e-10)
        cumulative = np.cumsum(power)
        assert m.power_frequency_50_hz == f[band][np.searchsorted(cumulative, 0.5 * power.sum())]


def test_diameter_without_a_useful_bound_falls_back_to_every_sample():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=300), rng.normal(size=300)
    mx, my = float(x.mean()), float(y.mean())
    max_rd = float(np.sqrt((x - mx) ** 2 + (y - my) ** 2).max())
    # one "extreme" only: D0 = 0 < R, so no sample may be dropped
    got = sway_module._diameter_of_referenced(x, y, mx, my, np.array([0]), max_rd)
    assert got == pytest.approx(brute_force_diameter(x, y), rel=1e-12)


@pytest.mark.parametrize(
    "settings",
    [
        WelchSettings(segment_s=40.0),  # 3 segments: zero-padded FFTs one by one (no autocorrelation route)
        WelchSettings(segment_s=40.0, detrend="constant", window="hamming"),
        WelchSettings(segment_s=10.0),  # 11 segments: the autocorrelation route
        WelchSettings(segment_s=10.0, nfft="segment", detrend="none"),
    ],
)
def test_both_welch_routes_equal_scipy_signal_welch(settings):
    from analysis.welch import welch_psd

    fs = 25.0
    rng = np.random.default_rng(8)
    x = np.cumsum(rng.normal(size=(3001, 2)), axis=0)
    f, p = welch_psd(x, fs_hz=fs, settings=settings)
    nperseg = round(settings.segment_s * fs)
    f_ref, p_ref = signal.welch(
        x, fs=fs, window=settings.window, nperseg=nperseg, noverlap=round(settings.overlap * nperseg),
        nfft=x.shape[0] if settings.nfft == "signal" else nperseg,
        detrend=False if settings.detrend == "none" else settings.detrend, axis=0,
    )  # fmt: skip
    assert f == pytest.approx(f_ref, rel=1e-12)
    assert np.max(np.abs(p - p_ref)) <= 1e-10 * np.max(p_ref)
