"""Sway (posturography) measures of a centre-of-pressure trajectory, Prieto et al. (1996).

Input: COP medio-lateral (ML, x) and antero-posterior (AP, y) positions in mm on a uniform grid at
``fs_hz``. Each axis is referenced to its mean first (``ML = x − mean(x)``), so the measures do not
depend on where the subject stood. N samples span T = N / fs seconds (the convention of Prieto 1996,
Duarte's BDS code and Quijoux 2021; the exact span is (N−1)/fs, 0.02 % apart at N = 6000).

Definitions (docs/formulas.md §3):

* path length (TOTEX) = Σ √(ΔML² + ΔAP²), mm; mean velocity (MVELO) = TOTEX / T, mm/s
* RMS ML / AP = √(mean(ML²)), √(mean(AP²)), mm (1/N moments)
* range ML / AP = max − min per axis, mm; resultant range = the largest distance between any two COP
  points (the diameter of the convex hull), mm
* mean distance (MDIST) = mean(RD) with RD = √(ML² + AP²); per axis mean|ML|, mean|AP|, mm
* RMS distance (RDIST) = √mean(RD²), mm
* path length and mean velocity per axis: Σ|ΔML|, Σ|ΔAP| (mm) and those / T (mm/s)
* 95 % confidence circle (AREA-CC) = π (MDIST + 1.645·s_RD)², s_RD = √(RDIST² − MDIST²), mm²
* sway area per unit time (AREA-SW, Hufschmidt) = (1/(2T)) Σ |AP[n+1]·ML[n] − AP[n]·ML[n+1]|, mm²/s
* time-domain mean frequency (MFREQ) = MVELO / (2π·MDIST); per axis MVELO_x / (4√2·MDIST_x), Hz.
  Not the spectral mean frequency of :mod:`analysis.sway_frequency` (docs/methods.md §0.3).
* 95 % ellipse: the **prediction ellipse** with the F distribution (Schubert & Kirchner 2014; Duarte's
  ``hyperellipsoid``): with S the unbiased (1/(N−1)) covariance and λ₁ ≥ λ₂ its eigenvalues,
  area = π·k·√(λ₁λ₂), semi-axes √(k·λᵢ), k = 2(N−1)(N+1)/(N(N−2))·F₀.₉₅(2, N−2). It contains a new
  sample with probability 0.95. Prieto's "confidence ellipse" (2·F₀.₉₅(2, N−2) with 1/N moments) is
  0.05 % smaller at N = 6000 and is reported separately as ``ellipse95_prieto_area_mm2``; the large-sample
  χ² variant (k = χ²₀.₉₅(2) = 5.9915, unbiased covariance) as ``ellipse95_chi2_area_mm2``.

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
from analysis.ellipse import (
    ellipse_from_covariance,
    f_quantile_2,
)
from analysis.sway_range import point_set_diameter

__all__ = ["SwayMeasures", "sway_measures"]

_MIN_SAMPLES = 10
_CHI2_95_2DOF = float(stats.chi2.ppf(0.95, 2))


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
    mean_distance_mm, mean_distance_ml_mm, mean_distance_ap_mm : float
        [MDIST, MDIST_ML, MDIST_AP] mean(RD), mean|ML|, mean|AP|, mm.
    rms_distance_mm : float
        [RDIST] √mean(RD²), mm.
    path_length_ml_mm, path_length_ap_mm : float
        [TOTEX_ML, TOTEX_AP] Σ|ΔML|, Σ|ΔAP|, mm.
    mean_velocity_ml_mm_s, mean_velocity_ap_mm_s : float
        [MVELO_ML, MVELO_AP] per-axis path / T, mm/s.
    range_resultant_mm : float
        Largest distance between any two COP points (convex-hull diameter), mm.
    ellipse95_chi2_area_mm2 : float
        95 % ellipse with the χ² constant: π·χ²₀.₉₅(2)·√det(S), S unbiased, mm².
    circle95_area_mm2 : float
        [AREA-CC] 95 % confidence circle π (MDIST + 1.645·s_RD)², mm².
    sway_area_mm2_s : float
        [AREA-SW] sway area per unit time, (1/(2T)) Σ|AP[n+1]ML[n] − AP[n]ML[n+1]|, T = N/fs, mm²/s.
    mfreq_time_domain_hz, mfreq_time_domain_ml_hz, mfreq_time_domain_ap_hz : float
        [MFREQ, MFREQ_ML, MFREQ_AP] time-domain mean frequency MVELO/(2π·MDIST) and per axis
        MVELO_x/(4√2·MDIST_x), Hz. Distinct from the spectral mean frequency. None (undefined, 0/0)
        for an axis along which the COP does not move at all.
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
    mean_distance_mm: float
    mean_distance_ml_mm: float
    mean_distance_ap_mm: float
    rms_distance_mm: float
    path_length_ml_mm: float
    path_length_ap_mm: float
    mean_velocity_ml_mm_s: float
    mean_velocity_ap_mm_s: float
    range_resultant_mm: float
    ellipse95_chi2_area_mm2: float
    circle95_area_mm2: float
    sway_area_mm2_s: float
    mfreq_time_domain_hz: float | None
    mfreq_time_domain_ml_hz: float | None
    mfreq_time_domain_ap_hz: float | None


Z_95_ONE_SIDED = 1.645
"""z₀.₀₅ of Prieto's 95 % confidence circle (one-sided normal quantile, as published)."""


def _ratio_or_none(numerator: float, denominator: float) -> float | None:
    return float(numerator / denominator) if denominator > 0 else None


_BLOCK = 8192
"""Samples per block of the one-pass sums: the scratch arrays stay small enough to be reused from the heap
(no fresh pages per call) and to stay in cache."""
_ROWS4 = np.arange(4)
_SLOTS = np.arange(8)


@dataclass
class _Sums:
    """Sums over the mean-referenced samples, accumulated block by block."""

    path: float = 0.0  # Σ √(ΔML² + ΔAP²)
    path_ml: float = 0.0  # Σ |ΔML|
    path_ap: float = 0.0
    area2: float = 0.0  # Σ |AP[n+1]·ML[n] − AP[n]·ML[n+1]|
    sxx: float = 0.0  # Σ ML²
    syy: float = 0.0
    sxy: float = 0.0
    rd: float = 0.0  # Σ √(ML² + AP²)
    abs_ml: float = 0.0  # Σ |ML|
    abs_ap: float = 0.0
    max_rd: float = 0.0  # max √(ML² + AP²)


def _block_sums(ml0: np.ndarray, ap0: np.ndarray, mx: float, my: float) -> tuple[_Sums, np.ndarray, np.ndarray]:
    """One pass over the samples in blocks: the sums of :class:`_Sums`, and the indices and values of the
    first extreme samples of ML, AP, ML + AP and ML − AP (order: max ML, max AP, max ML+AP, max ML−AP,
    then the four minima), on ML = ml0 − mx and AP = ap0 − my (the same values as a referenced copy).

    Each block carries the previous block's last sample for the differences; every sample is counted once.
    """
    n = ml0.size
    sums = _Sums()
    size = min(_BLOCK, n) + 1
    rows = np.empty((4, size))  # ML, AP, ML + AP, ML − AP of the block
    xy = rows[:2]
    d = np.empty((2, size))  # scratch: differences and cross products
    q = np.empty((2, size))  # scratch: squares and absolute values
    values, where = [], []  # per block: the 4 maxima and the 4 negated minima, and their sample indices
    for start in range(0, n, _BLOCK):
        lo = max(start - 1, 0)
        stop = min(start + _BLOCK, n)
        m = stop - lo
        own = start - lo  # 1 when the first row sample belongs to the previous block
        p = xy[:, :m]
        np.subtract(ml0[lo:stop], mx, out=p[0])
        np.subtract(ap0[lo:stop], my, out=p[1])
        if m > 1:
            diff = np.subtract(p[:, 1:], p[:, :-1], out=d[:, : m - 1])
            sq = np.multiply(diff, diff, out=q[:, : m - 1])
            np.add(sq[0], sq[1], out=sq[0])
            sums.path += float(np.sqrt(sq[0], out=sq[0]).sum())
            step = np.abs(diff, out=diff).sum(axis=1)
            sums.path_ml += float(step[0])
            sums.path_ap += float(step[1])
            cross = np.multiply(p[1, 1:], p[0, :-1], out=d[0, : m - 1])
            np.subtract(cross, np.multiply(p[1, :-1], p[0, 1:], out=d[1, : m - 1]), out=cross)
            sums.area2 += float(np.abs(cross, out=cross).sum())
        mine = p[:, own:]
        k = m - own
        sq = np.multiply(mine, mine, out=q[:, :k])
        squares = sq.sum(axis=1)
        sums.sxx += float(squares[0])
        sums.syy += float(squares[1])
        sums.sxy += float(mine[0] @ mine[1])
        np.add(sq[0], sq[1], out=sq[0])
        rd = np.sqrt(sq[0], out=sq[0])
        sums.rd += float(rd.sum())
        sums.max_rd = max(sums.max_rd, float(rd.max()))
        absolute = np.abs(mine, out=q[:, :k]).sum(axis=1)
        sums.abs_ml += float(absolute[0])
        sums.abs_ap += float(absolute[1])
        four = rows[:, own:m]
        np.add(mine[0], mine[1], out=four[2])
        np.subtract(mine[0], mine[1], out=four[3])
        top, bottom = four.argmax(axis=1), four.argmin(axis=1)
        values.append(np.concatenate([four[_ROWS4, top], -four[_ROWS4, bottom]]))
        where.append(np.concatenate([top, bottom]) + (lo + own))
    # per slot, the first block holding its best value (argmax: the first occurrence, as within a block)
    values_by_block, where_by_block = np.array(values), np.array(where)
    first = values_by_block.argmax(axis=0)
    best_value = values_by_block[first, _SLOTS]
    best_index = where_by_block[first, _SLOTS]
    return sums, best_index, best_value


def _diameter_of_referenced(
    ml0: np.ndarray, ap0: np.ndarray, mx: float, my: float, extreme_index: np.ndarray, max_rd: float
) -> float:
    """:func:`point_set_diameter` of (ml0 − mx, ap0 − my) without a referenced copy of the whole trajectory.

    With D₀ the largest distance between the extreme samples and R the largest distance from the mean,
    both ends p, q of the diameter D ≥ D₀ satisfy D = |p − q| ≤ |p| + R, so |p| ≥ D₀ − R. Only the samples
    that far from the mean (less a rounding margin) are kept, block by block, in their original order, and
    :func:`point_set_diameter` runs on them: the pair of hull vertices that gives the diameter is among them, so
    the result is the diameter of the whole trajectory.
    """
    ends = np.column_stack([ml0[extreme_index] - mx, ap0[extreme_index] - my])
    d0 = float(np.sqrt(((ends[:, None, :] - ends[None, :, :]) ** 2).sum(axis=-1).max()))
    reach = d0 - max_rd - 1e-9 * (d0 + max_rd)
    if not reach > 0:  # no useful bound (a round cloud or a single point): all samples
        return point_set_diameter(ml0 - mx, ap0 - my)
    reach2 = reach * reach
    kept = []
    n = ml0.size
    xy = np.empty((2, min(_BLOCK, n)))
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        p = xy[:, : stop - start]
        np.subtract(ml0[start:stop], mx, out=p[0])
        np.subtract(ap0[start:stop], my, out=p[1])
        np.multiply(p, p, out=p)
        kept.append(start + np.flatnonzero(np.add(p[0], p[1], out=p[0]) >= reach2))
    rows = np.concatenate(kept)
    return point_set_diameter(ml0[rows] - mx, ap0[rows] - my)


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
    mx, my = float(ml0.mean()), float(ap0.mean())
    sums, extreme_index, extreme_value = _block_sums(ml0, ap0, mx, my)
    duration = n / fs
    path, path_ml, path_ap = sums.path, sums.path_ml, sums.path_ap
    s_ml2, s_ap2, s_mlap = sums.sxx / n, sums.syy / n, sums.sxy / n
    unbiased = n / (n - 1)
    ellipse = ellipse_from_covariance(np.array([[s_ml2, s_mlap], [s_mlap, s_ap2]]) * unbiased, n)
    prieto_area = 2.0 * np.pi * f_quantile_2(0.95, n - 2) * np.sqrt(max(s_ap2 * s_ml2 - s_mlap**2, 0.0))
    mdist = sums.rd / n
    mdist_ml, mdist_ap = sums.abs_ml / n, sums.abs_ap / n
    rdist = float(np.sqrt(s_ml2 + s_ap2))
    s_rd = float(np.sqrt(max(rdist**2 - mdist**2, 0.0)))
    sway_area = sums.area2 / (2.0 * duration)
    velocity, velocity_ml, velocity_ap = path / duration, path_ml / duration, path_ap / duration
    cov_ddof1_det = max(s_ml2 * s_ap2 - s_mlap**2, 0.0) * (n / (n - 1)) ** 2
    return SwayMeasures(
        path_length_mm=path,
        mean_velocity_mm_s=path / duration,
        rms_ml_mm=float(np.sqrt(s_ml2)),
        rms_ap_mm=float(np.sqrt(s_ap2)),
        range_ml_mm=float(extreme_value[0] + extreme_value[4]),  # max − min: max + (−min), exactly
        range_ap_mm=float(extreme_value[1] + extreme_value[5]),
        ellipse95_area_mm2=ellipse.area_mm2,
        ellipse95_semi_major_mm=ellipse.semi_major_mm,
        ellipse95_semi_minor_mm=ellipse.semi_minor_mm,
        ellipse95_angle_deg=ellipse.angle_deg,
        ellipse95_prieto_area_mm2=float(prieto_area),
        ellipse_method=ellipse.method,
        duration_s=duration,
        n_samples=n,
        fs_hz=fs,
        mean_distance_mm=mdist,
        mean_distance_ml_mm=mdist_ml,
        mean_distance_ap_mm=mdist_ap,
        rms_distance_mm=rdist,
        path_length_ml_mm=path_ml,
        path_length_ap_mm=path_ap,
        mean_velocity_ml_mm_s=velocity_ml,
        mean_velocity_ap_mm_s=velocity_ap,
        range_resultant_mm=_diameter_of_referenced(ml0, ap0, mx, my, extreme_index, sums.max_rd),
        ellipse95_chi2_area_mm2=float(np.pi * _CHI2_95_2DOF * np.sqrt(cov_ddof1_det)),
        circle95_area_mm2=float(np.pi * (mdist + Z_95_ONE_SIDED * s_rd) ** 2),
        sway_area_mm2_s=sway_area,
        mfreq_time_domain_hz=_ratio_or_none(velocity, 2.0 * np.pi * mdist),
        mfreq_time_domain_ml_hz=_ratio_or_none(velocity_ml, 4.0 * np.sqrt(2.0) * mdist_ml),
        mfreq_time_domain_ap_hz=_ratio_or_none(velocity_ap, 4.0 * np.sqrt(2.0) * mdist_ap),
    )
