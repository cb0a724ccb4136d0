"""95 % ellipses of a COP point cloud: the prediction ellipse with the F distribution (default), and the
large-sample χ² variant.

With S the unbiased (1/(N−1)) covariance and λ₁ ≥ λ₂ its eigenvalues, the prediction ellipse has area
π·k·√(λ₁λ₂), semi-axes √(k·λᵢ), k = 2(N−1)(N+1)/(N(N−2))·F₀.₉₅(2, N−2) (Schubert & Kirchner 2014; Duarte's
``hyperellipsoid``); the χ² ellipse uses k = χ²₀.₉₅(2) = 5.9915. Prieto's confidence ellipse is in
:mod:`analysis.sway`.

Schubert P, Kirchner M. Ellipse area calculations and their applicability in posturography.
Gait Posture 2014;39(1):518-522.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis._checks import as_float_array, check_same_length

__all__ = [
    "ELLIPSE_METHOD",
    "Ellipse",
    "chi2_ellipse_area",
    "ellipse_from_covariance",
    "f_quantile_2",
    "prediction_ellipse",
]

ELLIPSE_METHOD = "prediction_F"
"""Name of the default 95 % ellipse: the prediction ellipse with the F distribution."""



def f_quantile_2(probability: float, dfd: int) -> float:
    """Quantile of the F distribution with (2, ``dfd``) degrees of freedom, in closed form.

    The F(2, ν) CDF is 1 − (1 + 2x/ν)^(−ν/2), so x_p = (ν/2)·((1 − p)^(−2/ν) − 1), evaluated as
    (ν/2)·expm1(−(2/ν)·log1p(−p)). Equal to ``scipy.stats.f.ppf(p, 2, ν)`` within 1e-15 relative (tested)
    and a hundred times cheaper, which matters for the sway set's time budget.
    """
    return 0.5 * dfd * float(np.expm1(-2.0 / dfd * np.log1p(-probability)))


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
    return ellipse_from_covariance(np.cov(np.vstack([ml, ap]), ddof=1), n, coverage)


def ellipse_from_covariance(cov: np.ndarray, n: int, coverage: float = 0.95) -> Ellipse:
    """The prediction ellipse of ``n`` points with unbiased 2×2 covariance ``cov`` (ML, AP order)."""
    eigvals, eigvecs = np.linalg.eigh(cov)  # ascending
    eigvals = np.clip(eigvals, 0.0, None)
    k = 2.0 * (n - 1) * (n + 1) / (n * (n - 2)) * f_quantile_2(coverage, n - 2)
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


def chi2_ellipse_area(ml_mm: np.ndarray, ap_mm: np.ndarray, *, coverage: float = 0.95) -> float:
    """Area of the χ² ellipse π·χ²_coverage(2)·√det(S), S the unbiased covariance, mm².

    The large-sample limit of the prediction ellipse (0.08 % smaller at N = 6000).
    """
    ml = as_float_array("ml_mm", ml_mm, 1)
    ap = as_float_array("ap_mm", ap_mm, 1)
    n = check_same_length(ml_mm=ml, ap_mm=ap)
    if n < 3:
        raise ValueError(f"need at least 3 samples for an ellipse, got {n}")
    det = max(float(np.linalg.det(np.cov(np.vstack([ml, ap]), ddof=1))), 0.0)
    return float(np.pi * stats.chi2.ppf(coverage, 2) * np.sqrt(det))
