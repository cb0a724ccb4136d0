"""Weight-bearing squat: the share of body weight on each limb while holding each knee-flexion depth.

The NeuroCom weight-bearing squat holds 0°, 30°, 60° and 90° of knee flexion and reports the percentage
of body weight on each limb at each depth; a left/right difference above 7 % is outside that system's
documented normal range (docs/formulas.md §5). Here each hold is a time
window given by the protocol; within it the per-sample share of the measured total
(affected / (affected + unaffected) · 100 %) is averaged, and the difference and the symmetry indices
are stated affected vs unaffected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from analysis._checks import as_float_array, check_positive, check_same_length
from analysis.symmetry import robinson_symmetry_index, symmetry_angle

__all__ = ["NEUROCOM_NORMAL_DIFFERENCE_PCT", "SquatDepth", "SquatHold", "weight_bearing_squat"]

NEUROCOM_NORMAL_DIFFERENCE_PCT = 7.0
"""Left/right difference in %BW beyond which the NeuroCom documentation calls the squat abnormal."""


@dataclass(frozen=True)
class SquatHold:
    """One held depth: knee flexion (degrees) and the window [start_s, end_s) in recording time."""

    depth_deg: float
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SquatDepth:
    """Weight bearing at one squat depth.

    Attributes
    ----------
    depth_deg : float
    affected_pct_bw, unaffected_pct_bw : float
        Mean share of the measured total on each limb, % (they add up to 100).
    affected_sd_pct_bw : float
        Sample SD of the affected share over the hold, %.
    difference_pct_bw : float
        affected − unaffected, %BW (negative: the affected limb takes less).
    outside_normal : bool
        |difference| > 7 %BW (NeuroCom).
    symmetry_index_pct, symmetry_angle_pct : float
        Robinson SI and Zifchock symmetry angle of the two shares, %.
    n_samples : int
    """

    depth_deg: float
    affected_pct_bw: float
    unaffected_pct_bw: float
    affected_sd_pct_bw: float
    difference_pct_bw: float
    outside_normal: bool
    symmetry_index_pct: float
    symmetry_angle_pct: float
    n_samples: int


def weight_bearing_squat(
    left_n: np.ndarray,
    right_n: np.ndarray,
    *,
    fs_hz: float,
    affected_side: Literal["left", "right"],
    holds: Sequence[SquatHold],
    min_total_n: float = 100.0,
) -> tuple[SquatDepth, ...]:
    """Per-limb %BW at each held depth of a weight-bearing squat.

    Parameters
    ----------
    left_n, right_n : array_like, shape (n,)
        Vertical load under each limb, N, uniformly sampled from t = 0.
    fs_hz : float
        Sample rate, Hz.
    affected_side : {"left", "right"}
    holds : sequence of SquatHold
        The held depths and their windows, s.
    min_total_n : float
        Every sample of a hold must carry at least this total load, N (someone is standing on it).

    Raises
    ------
    ValueError
        NaN loads, no holds, a window outside the recording or shorter than 2 samples, a hold in which
        the device is unloaded.
    """
    if affected_side not in ("left", "right"):
        raise ValueError(f"affected_side must be 'left' or 'right', got {affected_side!r}")
    left = as_float_array("left_n", left_n, 1)
    right = as_float_array("right_n", right_n, 1)
    n = check_same_length(left_n=left, right_n=right)
    fs = check_positive("fs_hz", fs_hz)
    if not holds:
        raise ValueError("no squat holds given")
    affected, unaffected = (left, right) if affected_side == "left" else (right, left)
    results = []
    for hold in holds:  # a handful of depths
        first, last = round(hold.start_s * fs), round(hold.end_s * fs)
        if not 0 <= first < last <= n:
            raise ValueError(
                f"the {hold.depth_deg:g}° hold {hold.start_s:g}-{hold.end_s:g} s lies outside the recording "
                f"(0-{n / fs:g} s)"
            )
        if last - first < 2:
            raise ValueError(f"the {hold.depth_deg:g}° hold spans {last - first} samples: need at least 2")
        a, u = affected[first:last], unaffected[first:last]
        total = a + u
        if np.any(total < min_total_n):
            raise ValueError(
                f"nobody on the device during the {hold.depth_deg:g}° hold: {int(np.sum(total < min_total_n))} samples "
                f"below {min_total_n:g} N"
            )
        share = 100.0 * a / total
        a_pct = float(share.mean())
        u_pct = 100.0 - a_pct
        difference = a_pct - u_pct
        results.append(
            SquatDepth(
                depth_deg=float(hold.depth_deg),
                affected_pct_bw=a_pct,
                unaffected_pct_bw=u_pct,
                affected_sd_pct_bw=float(share.std(ddof=1)),
                difference_pct_bw=difference,
                outside_normal=bool(abs(difference) > NEUROCOM_NORMAL_DIFFERENCE_PCT),
                symmetry_index_pct=float(robinson_symmetry_index(a_pct, u_pct)),
                symmetry_angle_pct=float(symmetry_angle(a_pct, u_pct)),
                n_samples=last - first,
            )
        )
    return tuple(results)
