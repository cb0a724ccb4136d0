import numpy as np
import pytest
from scipy import stats

from analysis.ellipse import prediction_ellipse
from analysis.sway import sway_measures


def circle(radius=10.0, period_s=2.0, fs=100.0, seconds=20.0):
    t = np.arange(int(seconds * fs)) / fs
    w = 2 * np.pi / period_s
    return radius * np.cos(w * t), radius * np.sin(w * t), fs


def test_circle_path_velocity_rms_and_range_are_known_exactly():
    ml, ap, fs = circle(radius=10.0, period_s=2.0, fs=100.0, seconds=20.0)
    s = sway_measures(ml, ap, fs_hz=fs)
    n = ml.size
    chord = 2 * 10.0 * np.sin(np.pi / (2.0 * fs))  # angle step 2π/(T·fs) = π/100
    assert s.path_length_mm == pytest.approx((n - 1) * chord, rel=1e-12)
    assert s.mean_velocity_mm_s == pytest.approx((n - 1) * chord / (n / fs), rel=1e-12)
    # The continuous circle's speed is 2π·10/2 = 31.4 mm/s; the sampled one is within 0.01 %.
    assert s.mean_velocity_mm_s == pytest.approx(np.pi * 10.0, rel=1e-3)
    assert s.rms_ml_mm == pytest.approx(10 / np.sqrt(2), rel=1e-9)
    assert s.rms_ap_mm == pytest.approx(10 / np.sqrt(2), rel=1e-9)
    assert s.range_ml_mm == pytest.approx(20.0, rel=1e-9)
    assert s.range_ap_mm == pytest.approx(20.0, abs=2e-3)  # sampled sin peaks within 0.2 µm
    assert s.duration_s == 20.0 and s.n_samples == 2000


def test_offsets_do_not_matter():
    ml, ap, fs = circle()
    a = sway_measures(ml, ap, fs_hz=fs)
    b = sway_measures(ml + 123.0, ap - 40.0, fs_hz=fs)
    for name in ("path_length_mm", "rms_ml_mm", "rms_ap_mm", "range_ml_mm", "ellipse95_area_mm2"):
        assert getattr(b, name) == pytest.approx(getattr(a, name), rel=1e-9), name


def test_axis_parts_of_a_line_oscillation():
    # Pure ML oscillation 5 mm amplitude at 0.5 Hz: AP measures are zero, RMS ML = 5/√2.
    fs = 50.0
    t = np.arange(3000) / fs
    ml = 5 * np.sin(2 * np.pi * 0.5 * t)
    s = sway_measures(ml, np.zeros_like(ml), fs_hz=fs)
    assert s.rms_ap_mm == 0.0 and s.range_ap_mm == 0.0
    assert s.rms_ml_mm == pytest.approx(5 / np.sqrt(2), rel=1e-6)
    assert s.path_length_mm == pytest.approx(np.abs(np.diff(ml)).sum(), rel=1e-12)
    assert s.ellipse95_area_mm2 == pytest.approx(0.0, abs=1e-9)


def test_ellipse_of_a_gaussian_cloud_of_known_covariance():
    # True 95 % region of N(0, Σ): area = π·χ²₀.₉₅(2)·√det Σ; the prediction ellipse converges to it.
    rng = np.random.default_rng(42)
    cov = np.array([[9.0, 6.0], [6.0, 25.0]])
    xy = rng.multivariate_normal([0, 0], cov, size=200_000)
    e = prediction_ellipse(xy[:, 0], xy[:, 1])
    true_area = np.pi * stats.chi2.ppf(0.95, 2) * np.sqrt(np.linalg.det(cov))
    assert e.area_mm2 == pytest.approx(true_area, rel=0.01)
    # Major axis direction from the eigenvector of Σ.
    _, v = np.linalg.eigh(cov)
    expected = np.degrees(np.arctan2(v[1, 1], v[0, 1]))
    expected = expected - 180 if expected > 90 else (expected + 180 if expected <= -90 else expected)
    assert e.angle_deg == pytest.approx(expected, abs=0.5)
    # Coverage: about 95 % of new samples fall inside.
    new = rng.multivariate_normal([0, 0], cov, size=100_000)
    a = np.radians(e.angle_deg)
    u = new[:, 0] * np.cos(a) + new[:, 1] * np.sin(a)
    q = -new[:, 0] * np.sin(a) + new[:, 1] * np.cos(a)
    inside = (u / e.semi_major_mm) ** 2 + (q / e.semi_minor_mm) ** 2 <= 1
    assert inside.mean() == pytest.approx(0.95, abs=0.003)


def test_ellipse_area_from_eigenvalues_equals_the_determinant_form_and_k_is_analytic():
    rng = np.random.default_rng(3)
    ml, ap = rng.normal(0, 3, 500), rng.normal(0, 4, 500) + 0.5 * rng.normal(0, 3, 500)
    e = prediction_ellipse(ml, ap)
    n = 500
    k = 2 * (n - 1) * (n + 1) / (n * (n - 2)) * stats.f.ppf(0.95, 2, n - 2)
    assert e.k == pytest.approx(k, rel=1e-12)
    assert k == pytest.approx(6.0518, abs=1e-4)  # docs/methods.md §1.4 table, n = 500
    det = np.linalg.det(np.cov(ml, ap))
    assert e.area_mm2 == pytest.approx(np.pi * k * np.sqrt(det), rel=1e-10)
    assert e.area_mm2 == pytest.approx(np.pi * e.semi_major_mm * e.semi_minor_mm, rel=1e-10)
    assert e.method == "prediction_F"


def test_prieto_and_prediction_variants_differ_by_the_known_factor():
    # Prieto: 2·F with 1/N moments. Prediction: 2(N−1)(N+1)/(N(N−2))·F with 1/(N−1) moments.
    # Ratio prediction/Prieto = (N+1)/(N−2) (docs/methods.md §1.4).
    rng = np.random.default_rng(5)
    n = 1500
    s = sway_measures(rng.normal(0, 3, n), rng.normal(0, 5, n), fs_hz=25.0)
    assert s.ellipse95_area_mm2 / s.ellipse95_prieto_area_mm2 == pytest.approx((n + 1) / (n - 2), rel=1e-9)


def test_path_length_matches_a_per_sample_loop():
    rng = np.random.default_rng(9)
    ml, ap = np.cumsum(rng.normal(0, 0.3, 700)), np.cumsum(rng.normal(0, 0.3, 700))
    s = sway_measures(ml, ap, fs_hz=25.0)
    loop = 0.0
    for i in range(1, 700):
        loop += ((ml[i] - ml[i - 1]) ** 2 + (ap[i] - ap[i - 1]) ** 2) ** 0.5
    assert s.path_length_mm == pytest.approx(loop, rel=1e-12)
    assert s.rms_ml_mm == pytest.approx(np.std(ml), rel=1e-12)
    assert s.range_ap_mm == pytest.approx(ap.max() - ap.min(), rel=1e-12)


@pytest.mark.parametrize(
    ("ml", "ap", "fs", "message"),
    [
        (np.zeros(5), np.zeros(5), 25.0, "at least 10 samples"),
        (np.zeros(20), np.zeros(19), 25.0, "same length"),
        (np.r_[np.zeros(19), np.nan], np.zeros(20), 25.0, "NaN"),
        (np.zeros(20), np.zeros(20), 0.0, "fs_hz must be a positive number"),
    ],
)
def test_bad_input(ml, ap, fs, message):
    with pytest.raises(ValueError, match=message):
        sway_measures(ml, ap, fs_hz=fs)
