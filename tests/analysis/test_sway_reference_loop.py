"""Every time-domain sway field and the spectral moments against plain-Python reference code.

The reference follows docs/formulas.md §3-4 literally, one sample (or bin) at a time, so it shares
no code with the vectorised module: a cross-check of each definition (tolerance 1e-9 relative).
"""

import math

import numpy as np
import pytest
from scipy import stats

from analysis.sway import sway_measures
from analysis.sway_frequency import spectral_measures
from analysis.welch import welch_psd

FS = 50.0


def reference(ml0, ap0, fs):
    n = len(ml0)
    mx, my = sum(ml0) / n, sum(ap0) / n
    ml = [v - mx for v in ml0]
    ap = [v - my for v in ap0]
    T = n / fs
    rd = [math.sqrt(x * x + y * y) for x, y in zip(ml, ap, strict=True)]
    mdist = sum(rd) / n
    mdist_ml = sum(abs(x) for x in ml) / n
    mdist_ap = sum(abs(y) for y in ap) / n
    rdist = math.sqrt(sum(r * r for r in rd) / n)
    s_ml2 = sum(x * x for x in ml) / n
    s_ap2 = sum(y * y for y in ap) / n
    s_mlap = sum(x * y for x, y in zip(ml, ap, strict=True)) / n
    totex = sum(math.hypot(ml[i + 1] - ml[i], ap[i + 1] - ap[i]) for i in range(n - 1))
    totex_ml = sum(abs(ml[i + 1] - ml[i]) for i in range(n - 1))
    totex_ap = sum(abs(ap[i + 1] - ap[i]) for i in range(n - 1))
    f = stats.f.ppf(0.95, 2, n - 2)
    det_biased = s_ap2 * s_ml2 - s_mlap**2
    det_unbiased = det_biased * (n / (n - 1)) ** 2
    s_rd = math.sqrt(rdist**2 - mdist**2)
    return {
        "mean_distance_mm": mdist,
        "mean_distance_ml_mm": mdist_ml,
        "mean_distance_ap_mm": mdist_ap,
        "rms_distance_mm": rdist,
        "rms_ml_mm": math.sqrt(s_ml2),
        "rms_ap_mm": math.sqrt(s_ap2),
        "path_length_mm": totex,
        "path_length_ml_mm": totex_ml,
        "path_length_ap_mm": totex_ap,
        "mean_velocity_mm_s": totex / T,
        "mean_velocity_ml_mm_s": totex_ml / T,
        "mean_velocity_ap_mm_s": totex_ap / T,
        "range_ml_mm": max(ml) - min(ml),
        "range_ap_mm": max(ap) - min(ap),
        "range_resultant_mm": max(
            math.hypot(ml[i] - ml[j], ap[i] - ap[j]) for i in range(n) for j in range(i + 1, n)
        ),
        "circle95_area_mm2": math.pi * (mdist + 1.645 * s_rd) ** 2,
        "ellipse95_prieto_area_mm2": 2 * math.pi * f * math.sqrt(det_biased),
        "ellipse95_area_mm2": math.pi * 2 * (n - 1) * (n + 1) / (n * (n - 2)) * f * math.sqrt(det_unbiased),
        "ellipse95_chi2_area_mm2": math.pi * stats.chi2.ppf(0.95, 2) * math.sqrt(det_unbiased),
        "sway_area_mm2_s": sum(abs(ap[i + 1] * ml[i] - ap[i] * ml[i + 1]) for i in range(n - 1)) / (2 * T),
        "mfreq_time_domain_hz": (totex / T) / (2 * math.pi * mdist),
        "mfreq_time_domain_ml_hz": (totex_ml / T) / (4 * math.sqrt(2) * mdist_ml),
        "mfreq_time_domain_ap_hz": (totex_ap / T) / (4 * math.sqrt(2) * mdist_ap),
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_time_domain_field_matches_the_reference(seed):
    rng = np.random.default_rng(seed)
    ml = np.cumsum(rng.normal(size=400)) + 30.0
    ap = np.cumsum(rng.normal(size=400)) * 1.7 - 12.0 + 0.3 * ml
    s = sway_measures(ml, ap, fs_hz=FS)
    ref = reference(ml.tolist(), ap.tolist(), FS)
    for name, value in ref.items():
        assert getattr(s, name) == pytest.approx(value, rel=1e-9), name


def test_spectral_measures_match_a_bin_by_bin_scan():
    rng = np.random.default_rng(5)
    x = np.cumsum(rng.normal(size=3000))
    f, g = welch_psd(x, fs_hz=FS)
    m = spectral_measures(f, g)
    df = f[1] - f[0]
    band = [(fm, gm * df) for fm, gm in zip(f.tolist(), g.tolist(), strict=True) if 0.15 <= fm <= 5.0]
    mu = [sum(fm**k * p for fm, p in band) for k in range(3)]
    cumulative, f50, f95 = 0.0, None, None
    for fm, p in band:
        cumulative += p
        f50 = fm if f50 is None and cumulative >= 0.5 * mu[0] else f50
        f95 = fm if f95 is None and cumulative >= 0.95 * mu[0] else f95
    assert m.total_power_mm2 == pytest.approx(mu[0], rel=1e-9)
    assert m.spectral_mean_frequency_hz == pytest.approx(mu[1] / mu[0], rel=1e-9)
    assert m.centroidal_frequency_hz == pytest.approx(math.sqrt(mu[2] / mu[0]), rel=1e-9)
    assert m.frequency_dispersion == pytest.approx(math.sqrt(1 - mu[1] ** 2 / (mu[0] * mu[2])), rel=1e-9)
    assert (m.power_frequency_50_hz, m.power_frequency_95_hz) == (f50, f95)
