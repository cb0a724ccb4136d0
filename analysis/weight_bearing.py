"""Load on each limb while standing, as N and % body weight, and symmetry between the limbs.

Per-limb loads come from one of two sources on a single four-cell board (docs/formulas.md §1, §5;
docs/methods.md §2.1):

* ``cell_pairs``: left = sum of the left cells, right = sum of the right cells. Exact when each foot's
  centre of pressure lies over its sensor line; for feet at ±d/2 between sensor lines at ±a it
  measures ``½ + (s_R − ½)·d/(2a)``, i.e. it pulls the split towards 50 % by the factor d/(2a).
* ``lever_rule``: from the net COP and the two feet's ML positions (statics of a beam on two
  supports): right share = (COPx − x_L)/(x_R − x_L). Exact for any stance width once the foot
  positions are known.

Reports speak of the *affected* and *unaffected* limb (DESIGN.md §2). %BW is normalised per sample by
the measured total (left + right), the convention for standing weight distribution
(docs/methods.md §2.1), unless a body weight in N is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from analysis._checks import as_float_array, check_positive, check_same_length
from analysis.symmetry import robinson_symmetry_index, symmetry_angle, symmetry_ratio

__all__ = [
    "LimbLoads",
    "WeightBearing",
    "limb_loads_from_cell_pairs",
    "limb_loads_from_two_devices",
    "limb_loads_lever_rule",
    "weight_bearing",
]

Side = Literal["left", "right"]


@dataclass(frozen=True)
class LimbLoads:
    """Vertical load under each limb per sample, N, and how it was obtained (``method``)."""

    left_n: np.ndarray
    right_n: np.ndarray
    method: str


def limb_loads_from_cell_pairs(
    forces_n: np.ndarray, positions_mm: np.ndarray, *, midline_x_mm: float = 0.0
) -> LimbLoads:
    """Left and right limb loads as the sums of the cells left and right of the midline.

    Parameters
    ----------
    forces_n : array_like, shape (n, k)
        Vertical cell forces, N.
    positions_mm : array_like, shape (k, 2)
        Cell positions, mm; cells with x < midline are left, x > midline right.
    midline_x_mm : float
        x of the board's midline, mm (default 0). A cell exactly on it is an error.
    """
    forces = as_float_array("forces_n", forces_n, 2)
    x = as_float_array("positions_mm", positions_mm, 2)[:, 0]
    if x.shape[0] != forces.shape[1]:
        raise ValueError(f"{x.shape[0]} cell positions for {forces.shape[1]} force columns")
    left = x < midline_x_mm
    right = x > midline_x_mm
    if not left.any() or not right.any() or (left | right).sum() != x.size:
        raise ValueError(f"need cells strictly left and right of x = {midline_x_mm} mm, got x = {x.tolist()}")
    return LimbLoads(forces[:, left].sum(axis=1), forces[:, right].sum(axis=1), "cell_pairs")


def limb_loads_from_two_devices(
    left_fz_n: np.ndarray, right_fz_n: np.ndarray, *, method: str = "two_plates"
) -> LimbLoads:
    """Limb loads measured directly: one plate, board or mat region under each foot.

    Parameters
    ----------
    left_fz_n, right_fz_n : array_like, shape (n,)
        Vertical force under the left and the right foot, N, on a common time base.
    method : str
        How they were measured (``"two_plates"``, ``"two_boards"``, ``"mat_feet"``), kept in the result.
    """
    left = as_float_array("left_fz_n", left_fz_n, 1)
    right = as_float_array("right_fz_n", right_fz_n, 1)
    check_same_length(left_fz_n=left, right_fz_n=right)
    return LimbLoads(left, right, method)


def limb_loads_lever_rule(
    fz_n: np.ndarray, cop_x_mm: np.ndarray, *, left_foot_x_mm: float, right_foot_x_mm: float
) -> LimbLoads:
    """Left and right limb loads from the net COP and the feet's medio-lateral positions.

    ``right = Fz·(COPx − x_L)/(x_R − x_L)``, ``left = Fz − right``. The foot positions are the x of
    each foot's centre of pressure, mm (e.g. ∓stance_width/2 for a stance centred on the midline).
    """
    fz = as_float_array("fz_n", fz_n, 1)
    x = as_float_array("cop_x_mm", cop_x_mm, 1)
    check_same_length(fz_n=fz, cop_x_mm=x)
    if not right_foot_x_mm > left_foot_x_mm:
        raise ValueError(
            f"right_foot_x_mm ({right_foot_x_mm}) must be greater than left_foot_x_mm ({left_foot_x_mm})"
        )
    right = fz * (x - left_foot_x_mm) / (right_foot_x_mm - left_foot_x_mm)
    return LimbLoads(fz - right, right, "lever_rule")


@dataclass(frozen=True)
class WeightBearing:
    """Standing weight bearing on the affected and unaffected limb.

    Attributes
    ----------
    affected_side : {"left", "right"}
    affected_load_n, unaffected_load_n : float
        Mean load under each limb, N.
    affected_load_pct_bw, unaffected_load_pct_bw : float
        Mean load under each limb, % body weight (the two add up to 100 when normalised by the
        measured total).
    affected_load_sd_pct_bw : float
        Sample standard deviation over time of the affected limb's share, %BW.
    symmetry_index_pct : float
        Robinson SI of the %BW values, affected vs unaffected, %.
    unaffected_load_sd_pct_bw : float
        Sample standard deviation over time of the unaffected limb's share, %BW.
    symmetry_ratio : float
        Affected / unaffected mean %BW.
    symmetry_angle_pct : float
        Zifchock symmetry angle of the mean %BW values, % (sign as SI).
    target_band_pct_bw : tuple of float or None
        The affected-limb target band (low, high) %BW, if one was given.
    time_in_band_s, time_in_band_pct : float or None
        Time the affected limb's share was inside the band (both ends included): samples in band / fs, s,
        and as % of the samples. ``time_in_band_s`` needs ``fs_hz``.
    normalisation : str
        ``"measured_total"`` (per sample, by left + right) or ``"body_weight"`` (by the given N).
    method : str
        How the limb loads were obtained (``cell_pairs``, ``lever_rule``, ...).
    n_samples : int
    """

    affected_side: Side
    affected_load_n: float
    unaffected_load_n: float
    affected_load_pct_bw: float
    unaffected_load_pct_bw: float
    affected_load_sd_pct_bw: float
    symmetry_index_pct: float
    normalisation: str
    method: str
    n_samples: int
    unaffected_load_sd_pct_bw: float = float("nan")
    symmetry_ratio: float = float("nan")
    symmetry_angle_pct: float = float("nan")
    target_band_pct_bw: tuple[float, float] | None = None
    time_in_band_s: float | None = None
    time_in_band_pct: float | None = None


def weight_bearing(
    loads: LimbLoads,
    affected_side: Side,
    *,
    body_weight_n: float | None = None,
    target_band_pct_bw: tuple[float, float] | None = None,
    fs_hz: float | None = None,
) -> WeightBearing:
    """Mean per-limb load in N and %BW, and the Robinson symmetry index, affected vs unaffected.

    Parameters
    ----------
    loads : LimbLoads
        Per-sample left and right loads, N.
    affected_side : {"left", "right"}
        The painful limb.
    body_weight_n : float, optional
        Normalise by this body weight (m·g, N) instead of the measured total per sample.
    target_band_pct_bw : (low, high), optional
        Target band for the affected limb's share, %BW: the time inside it is reported.
    fs_hz : float, optional
        Sampling rate of uniformly sampled loads, Hz, for the time in band in seconds.
    """
    if affected_side not in ("left", "right"):
        raise ValueError(f"affected_side must be 'left' or 'right', got {affected_side!r}")
    left = as_float_array("left_n", loads.left_n, 1)
    right = as_float_array("right_n", loads.right_n, 1)
    n = check_same_length(left_n=left, right_n=right)
    if n < 2:
        raise ValueError(f"need at least 2 samples for weight bearing, got {n}")
    affected, unaffected = (left, right) if affected_side == "left" else (right, left)
    if body_weight_n is None:
        total = affected + unaffected
        if np.any(total <= 0):
            raise ValueError(f"{int(np.sum(total <= 0))} samples have no load on the device (left + right <= 0 N)")
        affected_pct = 100.0 * affected / total
        unaffected_pct = 100.0 * unaffected / total
        normalisation = "measured_total"
    else:
        bw = check_positive("body_weight_n", body_weight_n)
        affected_pct = 100.0 * affected / bw
        unaffected_pct = 100.0 * unaffected / bw
        normalisation = "body_weight"
    a_pct, u_pct = float(affected_pct.mean()), float(unaffected_pct.mean())
    in_band_s: float | None = None
    in_band_pct: float | None = None
    band: tuple[float, float] | None = None
    if target_band_pct_bw is not None:
        low, high = (float(v) for v in target_band_pct_bw)
        if not low <= high:
            raise ValueError(f"target_band_pct_bw must be (low, high) with low <= high, got {target_band_pct_bw}")
        band = (low, high)
        inside = int(np.count_nonzero((affected_pct >= low) & (affected_pct <= high)))
        in_band_pct = 100.0 * inside / n
        if fs_hz is not None:
            in_band_s = inside / check_positive("fs_hz", fs_hz)
    return WeightBearing(
        affected_side=affected_side,
        affected_load_n=float(affected.mean()),
        unaffected_load_n=float(unaffected.mean()),
        affected_load_pct_bw=a_pct,
        unaffected_load_pct_bw=u_pct,
        affected_load_sd_pct_bw=float(affected_pct.std(ddof=1)),
        symmetry_index_pct=float(robinson_symmetry_index(a_pct, u_pct)),
        normalisation=normalisation,
        method=loads.method,
        n_samples=n,
        unaffected_load_sd_pct_bw=float(unaffected_pct.std(ddof=1)),
        symmetry_ratio=float(symmetry_ratio(a_pct, u_pct)),
        symmetry_angle_pct=float(symmetry_angle(a_pct, u_pct)),
        target_band_pct_bw=band,
        time_in_band_s=in_band_s,
        time_in_band_pct=in_band_pct,
    )
