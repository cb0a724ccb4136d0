"""Prieto time-domain sway measures: analytic signals and independent cross-checks (tolerances stated)."""

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import pdist

from analysis.ellipse import chi2_ellipse_area, prediction_ellipse
from analysis.sway import sway_measures
from analysis.sway_range import resultant_range

FS = 100.0


def circle(radius=10.0, freq_hz=1.0, n=1000, fs=FS):
    t = np.arange(n) / fs
    return radius * np.cos(2 * np.pi * freq_hz * t), radius * np.sin(2 * np.pi * freq_hz * t)


def test_circle_distances_circle_area_and_mfreq_exact():
    r, f, n = 10.0, 1.0, 1000
    s = sway_measures(*circle(r, f, n), fs_hz=FS)
    # every sample is at distance r: MDIST = RDIST = r, s_RD = 0, AREA-CC = π r² (rounding only)
    assert s.mean_distance_mm == pytest.approx(r, rel=1e-12)
    assert s.rms_distance_mm == pytest.approx(r, rel=1e-12)
    assert s.circle95_area_mm2 == pytest.approx(np.pi * r * r, rel=1e-6)
    # MFREQ = MVELO / (2π MDIST); MVELO = (N−1)·2r·sin(π f/fs) / (N/fs) exactly
    velocity = (n - 1) * 2 * r * np.sin(np.pi * f / FS) / (n / FS)
    assert s.mfreq_time_domain_hz == pytest.approx(velocity / (2 * np.pi * r), rel=1e-12)
    assert s.mfreq_time_domain_hz == pytest.approx(f, rel=2e-3)  # chord and (N−1)/N effects < 0.2 %
    # resultant range: samples k and k+50 are antipodal -> 2r
    assert s.range_resultant_mm == pytest.approx(2 * r, rel=1e-12)


def test_sway_area_per_second_of_a_circle_and_heron_cross_check():
    r, f, n = 10.0, 1.0, 1000
    ml, ap = circle(r, f, n)
    s = sway_measures(ml, ap, fs_hz=FS)
    # analytic: each step sweeps a triangle of area ½ r² sin(2π f/fs), all with the same sign
    expected = (n - 1) * 0.5 * r * r * np.sin(2 * np.pi * f / FS) / (n / FS)
    assert s.sway_area_mm2_s == pytest.approx(expected, rel=1e-9)
    assert s.sway_area_mm2_s == pytest.approx(np.pi * r * r * f, rel=2e-3)  # π r² per lap, 1 lap/s
    # independent: Heron's formula on triangles (origin, p_n, p_n+1) of a random trajectory
    rng = np.random.default_rng(3)
    x, y = np.cumsum(rng.normal(size=3000)), np.cumsum(rng.normal(size=3000))
    s2 = sway_measures(x, y, fs_hz=FS)
    xm, ym = x - x.mean(), y - y.mean()
    a = np.hypot(xm[:-1], ym[:-1])
    b = np.hypot(xm[1:], ym[1:])
    c = np.hypot(np.diff(xm), np.diff(ym))
    p = (a + b + c) / 2
    heron = np.sqrt(np.clip(p * (p - a) * (p - b) * (p - c), 0, None)).sum()
    assert s2.sway_area_mm2_s == pytest.approx(heron / (x.size / FS), rel=1e-6)


def test_per_axis_path_velocity_and_mfreq_of_a_sinusoid():
    # ML = A sin(2π f t): MDIST_ML = 2A/π, MVELO_ML = 4 A f, so MFREQ_ML = π f / (2√2) (Prieto's per-axis form)
    a, f, n = 5.0, 0.5, 6000
    t = np.arange(n) / FS
    ml = a * np.sin(2 * np.pi * f * t)
    ap = 2.0 * np.sin(2 * np.pi * 0.3 * t + 0.4)
    s = sway_measures(ml, ap, fs_hz=FS)
    assert s.path_length_ml_mm == pytest.approx(np.abs(np.diff(ml)).sum(), rel=1e-12)
    assert s.mean_velocity_ml_mm_s == pytest.approx(4 * a * f, rel=1e-3)  # sampled peaks within 0.1 %
    assert s.mean_distance_ml_mm == pytest.approx(2 * a / np.pi, rel=1e-3)
    assert s.mfreq_time_domain_ml_hz == pytest.approx(np.pi * f / (2 * np.sqrt(2)), rel=2e-3)
    assert s.mfreq_time_domain_ap_hz == pytest.approx(np.pi * 0.3 / (2 * np.sqrt(2)), rel=5e-3)
    # the resultant path is at least each axis' path and at most their sum
    assert max(s.path_length_ml_mm, s.path_length_ap_mm) <= s.path_length_mm
    assert s.path_length_mm <= s.path_length_ml_mm + s.path_length_ap_mm


def test_gaussian_cloud_mean_distance_and_confidence_circle():
    # isotropic N(0, σ²): RD is Rayleigh, MDIST = σ√(π/2), RDIST = σ√2 (tolerance 1 % at 200 000 samples)
    sigma = 4.0
    rng = np.random.default_rng(11)
    x, y = rng.normal(0, sigma, 200_000), rng.normal(0, sigma, 200_000)
    s = sway_measures(x, y, fs_hz=FS)
    assert s.mean_distance_mm == pytest.approx(sigma * np.sqrt(np.pi / 2), rel=0.01)
    assert s.rms_distance_mm == pytest.approx(sigma * np.sqrt(2), rel=0.01)
    s_rd = sigma * np.sqrt(2 - np.pi / 2)
    assert s.circle95_area_mm2 == pytest.approx(np.pi * (sigma * np.sqrt(np.pi / 2) + 1.645 * s_rd) ** 2, rel=0.02)
    # cross-check: s_RD from √(RDIST² − MDIST²) equals the population SD of RD
    rd = np.hypot(x - x.mean(), y - y.mean())
    direct = np.pi * (rd.mean() + 1.645 * rd.std(ddof=0)) ** 2
    assert s.circle95_area_mm2 == pytest.approx(direct, rel=1e-9)


def test_ellipse_variants_eigenvalues_vs_determinant_and_their_ratios():
    rng = np.random.default_rng(5)
    n = 1500
    xy = rng.multivariate_normal([0, 0], [[9.0, 4.0], [4.0, 16.0]], size=n)
    s = sway_measures(xy[:, 0], xy[:, 1], fs_hz=FS)
    e = prediction_ellipse(xy[:, 0], xy[:, 1])
    cov = np.cov(xy.T, ddof=1)
    # eigenvalue route (the module) vs covariance determinant route (here)
    assert e.area_mm2 == pytest.approx(np.pi * e.k * np.sqrt(np.linalg.det(cov)), rel=1e-10)
    assert e.area_mm2 == pytest.approx(np.pi * e.semi_major_mm * e.semi_minor_mm, rel=1e-10)
    k_expected = 2 * (n - 1) * (n + 1) / (n * (n - 2)) * stats.f.ppf(0.95, 2, n - 2)
    assert e.k == pytest.approx(k_expected, rel=1e-12)
    assert e.k == pytest.approx(6.0115, abs=1e-4)  # docs/methods.md §1.4 table, n = 1500
    # χ² variant: k = 5.9915; Prieto: smaller by (N−2)/(N+1)
    assert s.ellipse95_chi2_area_mm2 == pytest.approx(e.area_mm2 * stats.chi2.ppf(0.95, 2) / e.k, rel=1e-10)
    assert s.ellipse95_chi2_area_mm2 == pytest.approx(chi2_ellipse_area(xy[:, 0], xy[:, 1]), rel=1e-10)
    assert s.ellipse95_prieto_area_mm2 == pytest.approx(e.area_mm2 * (n - 2) / (n + 1), rel=1e-10)


def test_tilted_ellipse_angle_and_axes():
    rng = np.random.default_rng(8)
    angle = np.radians(30.0)
    u, v = rng.normal(0, 6.0, 100_000), rng.normal(0, 2.0, 100_000)
    x = u * np.cos(angle) - v * np.sin(angle)
    y = u * np.sin(angle) + v * np.cos(angle)
    e = prediction_ellipse(x, y)
    assert e.angle_deg == pytest.approx(30.0, abs=0.5)
    k = stats.chi2.ppf(0.95, 2)
    assert e.semi_major_mm == pytest.approx(6.0 * np.sqrt(k), rel=0.01)
    assert e.semi_minor_mm == pytest.approx(2.0 * np.sqrt(k), rel=0.01)


@pytest.mark.parametrize("n", [3, 7, 50, 2000])
def test_resultant_range_equals_brute_force(n):
    rng = np.random.default_rng(n)
    x, y = np.cumsum(rng.normal(size=n)), np.cumsum(rng.normal(size=n))
    assert resultant_range(x, y) == pytest.approx(pdist(np.column_stack([x, y])).max(), rel=1e-12)


def test_resultant_range_collinear_and_single_point():
    x = np.linspace(0, 9, 10)
    assert resultant_range(x, 2 * x) == pytest.approx(np.hypot(9, 18), rel=1e-12)
    assert resultant_range(np.ones(5), np.ones(5)) == 0.0
    with pytest.raises(ValueError, match="no COP samples"):
        resultant_range(np.empty(0), np.empty(0))


def test_axis_without_motion_gives_undefined_mfreq_not_nan():
    t = np.arange(3000) / FS
    s = sway_measures(5 * np.sin(2 * np.pi * 0.5 * t), np.zeros(3000), fs_hz=FS)
    assert s.mfreq_time_domain_ap_hz is None
    assert s.mfreq_time_domain_ml_hz is not None and s.mfreq_time_domain_hz is not None


def test_bad_input_names_the_problem():
    x = np.zeros(100)
    x[40:45] = np.nan
    with pytest.raises(ValueError, match="5 NaN"):
        sway_measures(x, np.zeros(100), fs_hz=FS)
    with pytest.raises(ValueError, match="at least 10 samples"):
        sway_measures(np.zeros(5), np.zeros(5), fs_hz=FS)
    with pytest.raises(ValueError, match="fs_hz"):
        sway_measures(np.zeros(50), np.zeros(50), fs_hz=0)
    with pytest.raises(ValueError, match="same length"):
        sway_measures(np.zeros(50), np.zeros(51), fs_hz=FS)
