"""Sway (posturography) measures of a centre-of-pressure trajectory, Prieto et al. (1996).

Input: COP medio-lateral (ML, x) and antero-posterior (AP, y) positions in mm on a uniform grid at
``fs_hz``. Each axis is referenced to its mean first (``ML = x − mean(x)``), so the measures do not
depend on where the subject stood. N samples span T = N / fs seconds (the convention of Prieto 1996,
Duarte's BDS code and Quijoux 2021; the exact span is (N−1)/fs, 0.02 % apart at N = 6000).

Definitions (analysis-formulas.md §3):

* path length (TOTEX) = Σ √(ΔML² + ΔAP²), mm; mean velocity (MVELO) = TOTEX / T, mm/s
* RMS ML / AP = √(mean(ML²)), √(mean(AP²)), mm (1/N moments)
* range ML / AP = max − min per axis, mm
* 95 % ellipse: the **prediction ellipse** with the F distribution (Schubert & Kirchner 2014; Duarte's
  ``hyperellipsoid``): with S the unbiased (1/(N−1)) covariance and λ₁ ≥ λ₂ its eigenvalues,
  area = π·k·√(λ₁λ₂), semi-axes √(k·λᵢ), k = 2(N−1)(N+1)/(N(N−2))·F₀.₉₅(2, N−2). It contains a new
  sample with probability 0.95. Prieto's "confidence ellipse" (2·F₀.₉₅(2, N−2) with 1/N moments) is
  0.05 % smaller at N = 6000 and is reported separately as ``ellipse95_prieto_area_mm2``.

Prieto TE, Myklebust JB, Hoffmann RG, Lovett EG, Myklebust BM. Measures of postural steadiness:
differences between healthy young and elderly adults. IEEE Trans Biomed Eng 1996;43(9):956-966.
Schubert P, Kirchner M. Ellipse area calculations and their applicability in posturography.
Gait Posture 2014;39(1):518-522.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis._checks import as_float_array, check_positive, check_same_length

__all__ = ["ELLIPSE_METHOD", "Ellipse", "SwayMeasures", "prediction_ellipse", "sway_measures"]

ELLIPSE_METHOD = "prediction_F"
"""Name of the default 95 % ellipse: the prediction ellipse with the F distribution."""

_MIN_SAMPLES = 10


@dataclass(frozen=True)
class Ellipse:
    """A 95 % ellipse of a 2-D point cloud.

    Attributes
    ----------
    area_mm2 : float
    semi_major_mm, semi_minor_mm : float
    angle_deg : float
        Angle of the major axis from the +ML (x) axis towards +AP (y), degrees in (−90, 90].
    k : float
        The scale constant: area = π·k·√det(S).
    method : str
    """

    area_mm2: float
    semi_major_mm: float
    semi_minor_mm: float
    angle_deg: float
    k: float
    method: str


def prediction_ellipse(ml_mm: np.ndarray, ap_mm: np.ndarray, *, coverage: float = 0.95) -> Ellipse:
    """The prediction ellipse with the F distribution (Schubert & Kirchner 2014), mm².

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> e = prediction_ellipse(rng.normal(0, 3, 200_000), rng.normal(0, 5, 200_000))
    >>> round(float(e.area_mm2 / (np.pi * stats.chi2.ppf(0.95, 2) * 15)), 2)
    1.0
    """
    ml = as_float_array("ml_mm", ml_mm, 1)
    ap = as_float_array("ap_mm", ap_mm, 1)
    n = check_same_length(ml_mm=ml, ap_mm=ap)
    if n < 3:
        raise ValueError(f"need at least 3 samples for an ellipse, got {n}")
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be within (0, 1), got {coverage}")
    cov = np.cov(np.vstack([ml, ap]), ddof=1)
    eigvals, eigvecs = np.linalg.eigh(cov)  # ascending
    eigvals = np.clip(eigvals, 0.0, None)
    k = 2.0 * (n - 1) * (n + 1) / (n * (n - 2)) * stats.f.ppf(coverage, 2, n - 2)
    major = eigvecs[:, 1]
    angle = np.degrees(np.arctan2(major[1], major[0]))
    if angle <= -90.0:
        angle += 180.0
    elif angle > 90.0:
        angle -= 180.0
    return Ellipse(
        area_mm2=float(np.pi * k * np.sqrt(eigvals[0] * eigvals[1])),
        semi_major_mm=float(np.sqrt(k * eigvals[1])),
        semi_minor_mm=float(np.sqrt(k * eigvals[0])),
        angle_deg=float(angle),
        k=float(k),
        method=ELLIPSE_METHOD,
    )


@dataclass(frozen=True)
class SwayMeasures:
    """Time-domain sway measures (Prieto 1996 names in brackets).

    Attributes
    ----------
    path_length_mm : float
        Total excursion [TOTEX], mm.
    mean_velocity_mm_s : float
        Path length / T with T = N/fs [MVELO], mm/s.
    rms_ml_mm, rms_ap_mm : float
        RMS distance from the mean per axis [RDIST_ML, RDIST_AP], mm.
    range_ml_mm, range_ap_mm : float
        Max − min per axis [RANGE_ML, RANGE_AP], mm.
    ellipse95_area_mm2 : float
        95 % prediction ellipse area (F distribution), mm².
    ellipse95_semi_major_mm, ellipse95_semi_minor_mm, ellipse95_angle_deg : float
        Its semi-axes (mm) and the major axis angle from +ML towards +AP (degrees).
    ellipse95_prieto_area_mm2 : float
        Prieto's 95 % confidence ellipse [AREA-CE]: 2π·F₀.₉₅(2, N−2)·√(s²_AP s²_ML − s²_APML), 1/N moments, mm².
    ellipse_method : str
        Name of the variant behind ``ellipse95_area_mm2``.
    duration_s : float
        T = N / fs, s.
    n_samples : int
    fs_hz : float
    """

    path_length_mm: float
    mean_velocity_mm_s: float
    rms_ml_mm: float
    rms_ap_mm: float
    range_ml_mm: float
    range_ap_mm: float
    ellipse95_area_mm2: float
    ellipse95_semi_major_mm: float
    ellipse95_semi_minor_mm: float
    ellipse95_angle_deg: float
    ellipse95_prieto_area_mm2: float
    ellipse_method: str
    duration_s: float
    n_samples: int
    fs_hz: float


def sway_measures(ml_mm: np.ndarray, ap_mm: np.ndarray, *, fs_hz: float) -> SwayMeasures:
    """Time-domain sway measures of a uniformly sampled COP trajectory.

    Parameters
    ----------
    ml_mm, ap_mm : array_like, shape (n,)
        COP medio-lateral and antero-posterior positions, mm, uniformly sampled (resample irregular
        devices first, see :func:`analysis.resample.swarii`).
    fs_hz : float
        Sampling rate, Hz.

    Examples
    --------
    A circle of radius 10 mm travelled once per second, 1000 samples at 100 Hz: 999 chords of
    2·10·sin(π/100) mm over T = 10 s, an RMS of 10/√2 mm per axis and a range of 20 mm.

    >>> import numpy as np
    >>> t = np.arange(1000) / 100
    >>> s = sway_measures(10 * np.cos(2 * np.pi * t), 10 * np.sin(2 * np.pi * t), fs_hz=100)
    >>> round(s.mean_velocity_mm_s, 2), round(s.rms_ml_mm, 4), round(s.range_ap_mm, 3)
    (62.76, 7.0711, 20.0)
    """
    ml0 = as_float_array("ml_mm", ml_mm, 1)
    ap0 = as_float_array("ap_mm", ap_mm, 1)
    n = check_same_length(ml_mm=ml0, ap_mm=ap0)
    fs = check_positive("fs_hz", fs_hz)
    if n < _MIN_SAMPLES:
        raise ValueError(f"need at least {_MIN_SAMPLES} samples for sway measures, got {n}")
    ml = ml0 - ml0.mean()
    ap = ap0 - ap0.mean()
    duration = n / fs
    steps = np.hypot(np.diff(ml), np.diff(ap))
    path = float(steps.sum())
    ellipse = prediction_ellipse(ml, ap)
    s_ml2, s_ap2, s_mlap = np.mean(ml * ml), np.mean(ap * ap), np.mean(ml * ap)
    prieto_area = 2.0 * np.pi * stats.f.ppf(0.95, 2, n - 2) * np.sqrt(max(s_ap2 * s_ml2 - s_mlap**2, 0.0))
    return SwayMeasures(
        path_length_mm=path,
        mean_velocity_mm_s=path / duration,
        rms_ml_mm=float(np.sqrt(s_ml2)),
        rms_ap_mm=float(np.sqrt(s_ap2)),
        range_ml_mm=float(np.ptp(ml)),
        range_ap_mm=float(np.ptp(ap)),
        ellipse95_area_mm2=ellipse.area_mm2,
        ellipse95_semi_major_mm=ellipse.semi_major_mm,
        ellipse95_semi_minor_mm=ellipse.semi_minor_mm,
        ellipse95_angle_deg=ellipse.angle_deg,
        ellipse95_prieto_area_mm2=float(prieto_area),
        ellipse_method=ellipse.method,
        duration_s=duration,
        n_samples=n,
        fs_hz=fs,
    )
