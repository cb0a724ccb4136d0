"""Symmetry between the affected and the unaffected limb (docs/formulas.md §5; docs/methods.md §2.2).

Always affected (a) vs unaffected (u), the same sign for every index: negative = the affected limb
has the smaller value.

* Robinson et al. 1987 symmetry index: ``SI = (X_a − X_u) / (0.5·(X_a + X_u)) · 100``, %
  (also importable from :mod:`analysis.weight_bearing`).
* symmetry ratio: ``X_a / X_u`` (1 = symmetric).
* Zifchock et al. 2008 symmetry angle, written with the sign of SI above (Zifchock pairs
  arctan(X_L/X_R) with Robinson's X_R − X_L; put a for R and u for L):
  ``SA = (45° − arctan(X_u/X_a)) / 90° · 100`` %, and when ``|45° − arctan(X_u/X_a)| > 90°`` it is
  ``(45° − arctan(X_u/X_a) − 180°) / 90° · 100`` %. Check: X_a = 42, X_u = 58 gives SI = −32.0 % and
  SA = −10.1 %.

Robinson RO, Herzog W, Nigg BM. J Manipulative Physiol Ther 1987;10(4):172-176.
Zifchock RA, Davis I, Higginson J, Royer T. The symmetry angle: a novel, robust method of quantifying
asymmetry. Gait Posture 2008;27(4):622-627.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Symmetry", "robinson_symmetry_index", "symmetry", "symmetry_angle", "symmetry_ratio"]


def _pair(affected: float | np.ndarray, unaffected: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(affected, dtype=np.float64)
    u = np.asarray(unaffected, dtype=np.float64)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(u))):
        raise ValueError("symmetry of NaN or infinite values is undefined")
    return a, u


def robinson_symmetry_index(affected: float | np.ndarray, unaffected: float | np.ndarray) -> float | np.ndarray:
    """Robinson et al. (1987) symmetry index, %.

    ``SI = (X_a − X_u) / (0.5·(X_a + X_u)) · 100``. 0 is symmetric; negative means the affected limb
    takes less. Undefined (ValueError) when X_a + X_u = 0.

    Robinson RO, Herzog W, Nigg BM. J Manipulative Physiol Ther 1987;10(4):172-176.

    >>> round(robinson_symmetry_index(42.0, 58.0), 1)
    -32.0
    """
    a = np.asarray(affected, dtype=np.float64)
    u = np.asarray(unaffected, dtype=np.float64)
    total = a + u
    if np.any(total == 0):
        raise ValueError("the symmetry index is undefined when affected + unaffected = 0")
    si = (a - u) / (0.5 * total) * 100.0
    return float(si) if si.ndim == 0 else si


def symmetry_ratio(affected: float | np.ndarray, unaffected: float | np.ndarray) -> float | np.ndarray:
    """Symmetry ratio ``X_a / X_u`` (1 = symmetric). ValueError when X_u = 0.

    >>> round(symmetry_ratio(42.0, 58.0), 4)
    0.7241
    """
    a, u = _pair(affected, unaffected)
    if np.any(u == 0):
        raise ValueError("the symmetry ratio is undefined when the unaffected value is 0")
    ratio = a / u
    return float(ratio) if ratio.ndim == 0 else ratio


def symmetry_angle(affected: float | np.ndarray, unaffected: float | np.ndarray) -> float | np.ndarray:
    """Zifchock et al. (2008) symmetry angle, %, signed like Robinson's SI (negative: affected takes less).

    ``SA = (45° − arctan(X_u/X_a)) / 90° · 100``; if ``|45° − arctan(X_u/X_a)| > 90°``,
    ``SA = (45° − arctan(X_u/X_a) − 180°) / 90° · 100``. ValueError when X_a = 0.

    >>> round(symmetry_angle(42.0, 58.0), 1)
    -10.1
    """
    a, u = _pair(affected, unaffected)
    if np.any(a == 0):
        raise ValueError("the symmetry angle is undefined when the affected value is 0 (arctan(X_u/0))")
    delta_deg = 45.0 - np.degrees(np.arctan(u / a))
    delta_deg = np.where(np.abs(delta_deg) > 90.0, delta_deg - 180.0, delta_deg)
    sa = delta_deg / 90.0 * 100.0
    return float(sa) if sa.ndim == 0 else sa


@dataclass(frozen=True)
class Symmetry:
    """One measure on the affected and the unaffected limb and its symmetry indices.

    Attributes
    ----------
    affected, unaffected : float
        The values compared, in the measure's unit.
    symmetry_index_pct : float
        Robinson SI, %.
    symmetry_ratio : float
        X_a / X_u.
    symmetry_angle_pct : float
        Zifchock symmetry angle, % (same sign as SI).
    """

    affected: float
    unaffected: float
    symmetry_index_pct: float
    symmetry_ratio: float
    symmetry_angle_pct: float


def symmetry(affected: float, unaffected: float) -> Symmetry:
    """All three indices of one affected/unaffected pair.

    >>> s = symmetry(42.0, 58.0)
    >>> round(s.symmetry_index_pct, 1), round(s.symmetry_angle_pct, 1)
    (-32.0, -10.1)
    """
    a, u = float(affected), float(unaffected)
    return Symmetry(
        affected=a,
        unaffected=u,
        symmetry_index_pct=float(robinson_symmetry_index(a, u)),
        symmetry_ratio=float(symmetry_ratio(a, u)),
        symmetry_angle_pct=float(symmetry_angle(a, u)),
    )
