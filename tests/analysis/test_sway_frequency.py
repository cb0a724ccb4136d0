"""Frequency-domain sway measures: pure sinusoids (analytic) and a plain FFT periodogram (cross-check)."""

import numpy as np
import pytest

from analysis.sway_frequency import spectral_measures, sway_frequency
from analysis.welch import WelchSettings

FS = 25.0


def test_pure_sinusoid_frequencies_and_power():
    # ML = A sin(2π·1 Hz·t), 60 s at 25 Hz. Power A²/2; all frequencies at 1 Hz within the Hann
    # main lobe of a 10 s segment (±0.2 Hz); dispersion small.
    a, f0 = 4.0, 1.0
    t = np.arange(int(60 * FS)) / FS
    ml = a * np.sin(2 * np.pi * f0 * t)
    ap = 1.0 * np.sin(2 * np.pi * 0.4 * t)
    r = sway_frequency(ml, ap, fs_hz=FS)
    m = r.ml
    assert m.total_power_mm2 == pytest.approx(a * a / 2, rel=0.01)
    assert m.power_frequency_50_hz == pytest.approx(f0, abs=r.resolution_hz)
    assert f0 < m.power_frequency_95_hz <= f0 + 0.2
    assert m.spectral_mean_frequency_hz == pytest.approx(f0, rel=0.005)
    assert m.centroidal_frequency_hz == pytest.approx(f0, rel=0.01)
    assert m.frequency_dispersion < 0.1
    assert r.ap.power_frequency_50_hz == pytest.approx(0.4, abs=r.resolution_hz)
    # settings are part of the result
    assert (r.nperseg, r.noverlap, r.nfft) == (250, 125, 1500)
    assert r.resolution_hz == pytest.approx(FS / 1500)
    assert r.settings == WelchSettings()


def test_two_sinusoids_moments_vs_analytic_and_fft_periodogram():
    a1, f1, a2, f2 = 3.0, 0.5, 2.0, 2.0
    n = int(120 * FS)
    t = np.arange(n) / FS
    x = a1 * np.sin(2 * np.pi * f1 * t) + a2 * np.sin(2 * np.pi * f2 * t)
    r = sway_frequency(x, 0.5 * np.sin(2 * np.pi * 0.7 * t), fs_hz=FS)
    p1, p2 = a1 * a1 / 2, a2 * a2 / 2
    mu0, mu1, mu2 = p1 + p2, p1 * f1 + p2 * f2, p1 * f1 * f1 + p2 * f2 * f2
    assert r.ml.total_power_mm2 == pytest.approx(mu0, rel=0.01)
    assert r.ml.spectral_mean_frequency_hz == pytest.approx(mu1 / mu0, rel=0.01)
    assert r.ml.centroidal_frequency_hz == pytest.approx(np.sqrt(mu2 / mu0), rel=0.01)
    assert r.ml.frequency_dispersion == pytest.approx(np.sqrt(1 - mu1 * mu1 / (mu0 * mu2)), rel=0.03)
    assert r.ml.power_frequency_50_hz == pytest.approx(f1, abs=0.2)  # 69 % of the power is in the 0.5 Hz line
    assert r.ml.power_frequency_95_hz == pytest.approx(f2, abs=0.2)
    # independent route: rectangular-window periodogram of the whole signal (lines fall on exact bins)
    spectrum = np.fft.rfft(x - x.mean())
    f = np.fft.rfftfreq(n, 1 / FS)
    psd = 2 * np.abs(spectrum) ** 2 / (n * FS)
    ref = spectral_measures(f, psd)
    assert r.ml.total_power_mm2 == pytest.approx(ref.total_power_mm2, rel=0.01)
    assert r.ml.centroidal_frequency_hz == pytest.approx(ref.centroidal_frequency_hz, rel=0.01)
    assert ref.frequency_dispersion == pytest.approx(np.sqrt(1 - mu1 * mu1 / (mu0 * mu2)), rel=1e-6)


def test_spectral_measures_exact_lines_and_cumulative_threshold_is_a_fraction():
    f = np.arange(0, 5.05, 0.1)
    g = np.zeros_like(f)
    g[5], g[15] = 10.0, 30.0  # 1 mm² at 0.5 Hz, 3 mm² at 1.5 Hz
    m = spectral_measures(f, g)
    assert m.total_power_mm2 == pytest.approx(4.0)
    assert m.spectral_mean_frequency_hz == pytest.approx(1.25)
    assert m.centroidal_frequency_hz == pytest.approx(np.sqrt(7 / 4))
    assert m.frequency_dispersion == pytest.approx(np.sqrt(1 - 25 / 28))
    # 25 % of the power sits at 0.5 Hz: the 50 % frequency is 1.5 Hz, not the 0.5 %-threshold trap
    assert m.power_frequency_50_hz == pytest.approx(1.5)
    assert m.power_frequency_95_hz == pytest.approx(1.5)
    # bins outside 0.15-5 Hz do not count
    g2 = g.copy()
    g2[1] = 1000.0  # 0.1 Hz
    assert spectral_measures(f, g2).total_power_mm2 == pytest.approx(4.0)


def test_parseval_band_power_of_noise():
    # band power from Welch vs the variance of the same noise band-limited by FFT masking (tolerance 5 %)
    rng = np.random.default_rng(2)
    n = int(300 * FS)
    x = rng.normal(size=n)
    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(n, 1 / FS)
    spec[(f < 0.15) | (f > 5.0)] = 0
    band = np.fft.irfft(spec, n)
    r = sway_frequency(x, rng.normal(size=n), fs_hz=FS, settings=WelchSettings(nfft="segment"))
    assert r.ml.total_power_mm2 == pytest.approx(band.var(), rel=0.05)


def test_bad_input():
    t = np.arange(int(60 * FS)) / FS
    x = np.sin(2 * np.pi * t)
    with pytest.raises(ValueError, match="too low"):
        sway_frequency(x[::4], x[::4], fs_hz=FS / 4)
    with pytest.raises(ValueError, match="too short"):
        sway_frequency(x[:100], x[:100], fs_hz=FS)
    bad = x.copy()
    bad[10:20] = np.nan
    with pytest.raises(ValueError, match="10 NaN"):
        sway_frequency(bad, x, fs_hz=FS)
    with pytest.raises(ValueError, match="no power"):
        sway_frequency(np.zeros_like(x), x, fs_hz=FS)
    with pytest.raises(ValueError, match="overlap"):
        WelchSettings(overlap=1.0)


@pytest.mark.parametrize(
    "settings",
    [
        WelchSettings(),
        WelchSettings(nfft="segment"),
        WelchSettings(detrend="constant", window="hamming", overlap=0.3),
        WelchSettings(detrend="none", segment_s=7.77),
    ],
)
def test_batched_welch_equals_scipy_signal_welch(settings):
    from scipy import signal

    from analysis.welch import welch_psd

    rng = np.random.default_rng(0)
    x = np.cumsum(rng.normal(size=(3001, 3)), axis=0)
    f, p = welch_psd(x, fs_hz=FS, settings=settings)
    nperseg = round(settings.segment_s * FS)
    f_ref, p_ref = signal.welch(
        x, fs=FS, window=settings.window, nperseg=nperseg, noverlap=min(round(settings.overlap * nperseg), nperseg - 1),
        nfft=x.shape[0] if settings.nfft == "signal" else nperseg,
        detrend=False if settings.detrend == "none" else settings.detrend, axis=0,
    )  # fmt: skip
    assert f == pytest.approx(f_ref, rel=1e-12)
    assert np.max(np.abs(p - p_ref)) <= 1e-10 * np.max(p_ref)
