"""Named sway presets: analytic signals, hand-computed cases, and straightforward reimplementations of the
published pipelines (HBEDB/BDS, Quijoux 2021 companion code, Prieto 1996) written out here."""

import numpy as np
import pytest
from scipy import signal, stats

from analysis.presets import PRESETS, mean_power_frequency, preset_report, run_preset
from tests.analysis.test_resample_and_filter import swarii_reference

FS = 100.0
N = 6000
T = np.arange(N) / FS


def rel(a, b):
    return abs(a - b) / abs(b)


# --- hbedb against analytic signals (1e-9) -------------------------------------------------------------

def test_hbedb_mean_velocity_of_a_circle_is_analytic():
    r_mm, f_hz = 10.0, 0.5
    res = run_preset(T, r_mm * np.cos(2 * np.pi * f_hz * T), r_mm * np.sin(2 * np.pi * f_hz * T), "hbedb")
    path = (N - 1) * 2 * r_mm * np.sin(np.pi * f_hz / FS)
    assert rel(res.sway.path_length_mm, path) < 1e-9
    assert rel(res.sway.mean_velocity_mm_s, path / (N / FS)) < 1e-9
    assert res.preprocessed.steps == ("uniform input 100 Hz",)  # no filter, no trim, the whole trial


def test_hbedb_prediction_ellipse_is_analytic():
    a, b = 6.0, 3.0  # ML 0.2 Hz and AP 0.5 Hz: whole cycles in 60 s, so the sample covariance is exact
    res = run_preset(T, a * np.cos(2 * np.pi * 0.2 * T), b * np.sin(2 * np.pi * 0.5 * T), "hbedb")
    k = 2 * (N - 1) * (N + 1) / (N * (N - 2)) * stats.f.ppf(0.95, 2, N - 2)
    area = np.pi * k * (a * b / 2) * N / (N - 1)  # unbiased variances a²/2·N/(N−1), b²/2·N/(N−1), no covariance
    assert rel(res.sway.ellipse95_area_mm2, area) < 1e-9


def test_hbedb_mean_power_frequency_is_analytic():
    # whole cycles in each N/2 = 30 s Hann segment: three non-zero bins 1:4:1 around f, so ∫fP/∫P = f exactly;
    # the two axes combine weighted by their power (amplitude²).
    a, b, f1, f2 = 4.0, 2.0, 0.2, 0.5
    res = run_preset(T, a * np.sin(2 * np.pi * f1 * T), b * np.sin(2 * np.pi * f2 * T + 0.3), "hbedb")
    mpf = res.mean_power
    assert rel(mpf.ml_hz, f1) < 1e-9 and rel(mpf.ap_hz, f2) < 1e-9
    assert rel(mpf.mean_power_frequency_hz, (f1 * a**2 + f2 * b**2) / (a**2 + b**2)) < 1e-9
    assert rel(mpf.ml_power_mm2, a**2 / 2) < 1e-9  # Parseval: a sinusoid's power is a²/2
    assert (mpf.nperseg, mpf.noverlap, mpf.nfft) == (3000, 1500, 3000)
    assert res.frequency is None and "no band-limited" in res.frequency_note


# --- hbedb against the BDS authors' code, reimplemented --------------------------------------------------

def bds_reference(copx_cm, copy_cm, fs):
    """BDSinfoCOP as described (docs/methods.md §1.5, §1.7): raw cm, hyperellipsoid, path/(N/fs), psd2."""
    n = copx_cm.size
    cov = np.cov(np.vstack([copx_cm, copy_cm]))  # unbiased
    eig = np.linalg.eigvalsh(cov)
    k = 2 * (n - 1) * (n + 1) / (n * (n - 2)) * stats.f.ppf(0.95, 2, n - 2)
    area = np.pi * k * np.sqrt(eig[0] * eig[1])
    velocity = np.sum(np.sqrt(np.diff(copx_cm) ** 2 + np.diff(copy_cm) ** 2)) / (n / fs)
    mpfs, powers = [], []
    for x in (copx_cm, copy_cm):
        f, p = signal.welch(x, fs, window="hann", nperseg=n // 2, noverlap=n // 4, nfft=n // 2, detrend="constant")
        df = np.diff(f)
        power = np.sum((p[1:] + p[:-1]) / 2 * df)
        mpfs.append(np.sum((f[1:] * p[1:] + f[:-1] * p[:-1]) / 2 * df) / power)
        powers.append(power)
    mfreq = (mpfs[0] * powers[0] + mpfs[1] * powers[1]) / (powers[0] + powers[1])
    return area, velocity, mfreq


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hbedb_matches_the_bds_pipeline(seed):
    rng = np.random.default_rng(seed)
    copx_cm = np.cumsum(rng.normal(0, 0.02, N)) + 3.0  # AP
    copy_cm = np.cumsum(rng.normal(0, 0.015, N)) - 1.0  # ML
    area_cm2, velocity_cm_s, mfreq_hz = bds_reference(copx_cm, copy_cm, FS)
    res = run_preset(T, 10 * copy_cm, 10 * copx_cm, "hbedb")
    published = preset_report(res)["published_units"]
    assert rel(published["area_cm2"], area_cm2) < 1e-9 and rel(published["velocity_cm_s"], velocity_cm_s) < 1e-9
    assert rel(res.sway.ellipse95_area_mm2 / 100, area_cm2) < 1e-9
    assert rel(res.sway.mean_velocity_mm_s / 10, velocity_cm_s) < 1e-9
    assert rel(res.mean_power.mean_power_frequency_hz, mfreq_hz) < 1e-9


# --- quijoux2021 against the companion code's approach ---------------------------------------------------

def quijoux_reference(t, ml, ap):
    """SWARII loop (authors), butter(4, 10 Hz) + filtfilt (b, a), then stato/positional/dynamic/frequentist."""
    fs = 25.0
    _, rml = swarii_reference(t, ml, 0.08, fs)
    _, rap = swarii_reference(t, ap, 0.08, fs)
    b, a = signal.butter(4, 10.0 / (fs / 2), "low")
    sig = np.column_stack([signal.filtfilt(b, a, rml), signal.filtfilt(b, a, rap)])
    sig = sig - sig.mean(axis=0)
    n = sig.shape[0]
    velocity = np.sum(np.linalg.norm(np.diff(sig, axis=0), axis=1)) / (n / fs)
    s_ml, s_ap = np.sqrt(np.mean(sig[:, 0] ** 2)), np.sqrt(np.mean(sig[:, 1] ** 2))
    cov = np.sum(sig[:, 0] * sig[:, 1]) / n
    ellipse = 2 * np.pi * stats.f.ppf(0.95, 2, n - 2) * (n + 1) * (n - 1) / (n * (n - 2)) * np.sqrt(
        s_ml**2 * s_ap**2 - cov**2)
    f, p = signal.welch(sig[:, 0], fs, window="hann", nperseg=int(10 * fs), noverlap=int(5 * fs), nfft=n,
                        detrend="linear")
    band = (f >= 0.15) & (f <= 5)
    mean_freq_ml = np.sum(f[band] * p[band]) / np.sum(p[band])
    return {"velocity": velocity, "rms_ml": s_ml, "rms_ap": s_ap, "ellipse_1_over_n": ellipse,
            "mean_freq_ml": mean_freq_ml, "n": n}


@pytest.mark.parametrize("seed", [3, 4])
def test_quijoux2021_matches_the_companion_code_with_the_named_fixes(seed):
    rng = np.random.default_rng(seed)
    n = 1400  # ~25 s of a jittered ~55 Hz Wii-like clock: keeps the O(N²) reference loop quick
    t = np.cumsum(rng.uniform(0.004, 0.032, n))
    t -= t[0]
    ml = np.cumsum(rng.normal(0, 0.3, n))
    ap = np.cumsum(rng.normal(0, 0.4, n))
    ref = quijoux_reference(t, ml, ap)
    res = run_preset(t, ml, ap, "quijoux2021")
    m = ref["n"]
    assert res.sway.n_samples == m
    assert rel(res.sway.mean_velocity_mm_s, ref["velocity"]) < 1e-9
    assert rel(res.sway.rms_ml_mm, ref["rms_ml"]) < 1e-9 and rel(res.sway.rms_ap_mm, ref["rms_ap"]) < 1e-9
    # named fix: the prediction ellipse uses the unbiased covariance, N/(N−1) times the code's 1/N value
    assert rel(res.sway.ellipse95_area_mm2, ref["ellipse_1_over_n"] * m / (m - 1)) < 1e-9
    assert any("1/N moments" in q for q in PRESETS["quijoux2021"].notes)
    assert rel(res.frequency.ml.spectral_mean_frequency_hz, ref["mean_freq_ml"]) < 1e-9


def test_quijoux2021_hand_computed_circle_on_its_own_grid():
    # samples on the 25 Hz grid: the 0.08 s SWARII window reaches the neighbours only at its edge (rounding)
    # and a 0.5 Hz circle passes the 10 Hz filter (gain 1 − 4e-11), so the velocity is the chord sum over N/fs
    # within the 1e-4 that edge averaging and the end samples take off.
    fs, r, f = 25.0, 10.0, 0.5
    t = np.arange(1501) / fs  # the SWARII grid stops before the last sample time: 1500 points, 30 whole cycles
    res = run_preset(t, r * np.cos(2 * np.pi * f * t), r * np.sin(2 * np.pi * f * t), "quijoux2021")
    m = 1500
    expected = (m - 1) * 2 * r * np.sin(np.pi * f / fs) / (m / fs)
    assert res.preprocessed.empty_resample_windows == 0 and res.sway.n_samples == m
    assert rel(res.sway.mean_velocity_mm_s, expected) < 1e-4
    assert rel(res.sway.rms_ml_mm, r / np.sqrt(2)) < 1e-4


# --- prieto1996 ----------------------------------------------------------------------------------------

def test_prieto1996_matches_a_reimplementation():
    rng = np.random.default_rng(5)
    ml, ap = np.cumsum(rng.normal(0, 0.2, N)), np.cumsum(rng.normal(0, 0.3, N))
    b, a = signal.butter(4, 5.0 / (FS / 2), "low")
    x, y = signal.filtfilt(b, a, ml), signal.filtfilt(b, a, ap)
    x, y = x - x.mean(), y - y.mean()
    rd = np.hypot(x, y)
    mdist, totex = rd.mean(), np.sum(np.hypot(np.diff(x), np.diff(y)))
    mvelo = totex / (N / FS)
    area_ce = 2 * np.pi * stats.f.ppf(0.95, 2, N - 2) * np.sqrt(np.mean(x * x) * np.mean(y * y) - np.mean(x * y) ** 2)
    res = run_preset(T, ml, ap, "prieto1996")
    assert rel(res.sway.mean_distance_mm, mdist) < 1e-9
    assert rel(res.sway.mean_velocity_mm_s, mvelo) < 1e-9
    assert rel(res.sway.ellipse95_prieto_area_mm2, area_ce) < 1e-9
    assert rel(res.sway.mfreq_time_domain_hz, mvelo / (2 * np.pi * mdist)) < 1e-9


def test_prieto1996_hand_computed_slow_sinusoid_passes_unchanged():
    # 0.1 Hz, far below the 5 Hz cut-off (8th-order effective gain 1 − 1e-14): the RMS is a/√2
    res = run_preset(T, 5.0 * np.sin(2 * np.pi * 0.1 * T), 2.0 * np.cos(2 * np.pi * 0.1 * T), "prieto1996")
    assert rel(res.sway.rms_ml_mm, 5.0 / np.sqrt(2)) < 1e-6
    assert rel(res.sway.rms_ap_mm, 2.0 / np.sqrt(2)) < 1e-6


def test_prieto1996_refuses_an_irregular_clock():
    t = np.cumsum(np.random.default_rng(0).uniform(0.004, 0.03, 500))
    with pytest.raises(ValueError, match=r"prieto1996 preset takes a uniformly sampled COP.*quijoux2021"):
        run_preset(t, np.sin(t), np.cos(t), "prieto1996")


# --- reports and errors -------------------------------------------------------------------------------

def test_default_preset_equals_quijoux2021_numbers_under_its_own_name():
    rng = np.random.default_rng(6)
    t = np.cumsum(rng.uniform(0.004, 0.03, 3000))
    ml, ap = np.cumsum(rng.normal(0, 0.3, 3000)), np.cumsum(rng.normal(0, 0.3, 3000))
    d, q = run_preset(t, ml, ap, "default"), run_preset(t, ml, ap, "quijoux2021")
    assert d.sway == q.sway
    assert preset_report(d)["preset"] == "default"


def test_report_names_the_preset_every_setting_and_the_mean_power_frequency():
    res = run_preset(T, np.sin(2 * np.pi * 0.3 * T), np.cos(2 * np.pi * 0.7 * T), "prieto1996")
    report = preset_report(res)
    assert report["preset"] == "prieto1996"
    assert report["settings"]["preprocess"]["lowpass_hz"] == 5.0
    assert report["settings"]["welch"]["segment_s"] == 10.0
    assert report["settings"]["mean_power_frequency"]["nperseg"] == "N // 2"
    assert report["sway"]["mean_power_frequency_hz"] == res.mean_power.mean_power_frequency_hz
    assert report["sway_frequency"]["rd"]["total_power_mm2"] > 0


def test_unknown_preset_and_still_cop_are_clear_errors():
    with pytest.raises(ValueError, match=r"unknown preset 'bds'.*hbedb"):
        run_preset(T, T, T, "bds")
    with pytest.raises(ValueError, match="does not move"):
        mean_power_frequency(np.ones(100), np.ones(100), fs_hz=100)
