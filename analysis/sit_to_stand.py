"""Sit-to-stand from the vertical load under the feet: rise time, peak force, left/right loading while rising.

The subject sits with both feet on the device(s), then stands up. Definitions (the phases of the
NeuroCom sit-to-stand test: weight transfer, rising, standing; Talis et al. 2008 for limb loading):

* seated baseline: median total Fz over the first ``baseline_s`` seconds, %BW;
* onset: first sample where total Fz exceeds baseline + ``onset_rise_pct_bw``;
* standing reached: the first sample after onset from which Fz stays within ±``stable_band_pct_bw``
  of body weight for ``stable_s`` seconds;
* peak: the maximum total Fz from onset to standing reached, %BW, and its time (the rising peak);
* rise time = standing reached − onset, s; weight-transfer time = peak − onset, s;
* affected-limb share during rising: mean of affected / (affected + unaffected) · 100 from onset to
  standing reached, %, and at the peak; Robinson SI and symmetry angle of the mean shares.

Talis VL, Grishin AA, Solopova IA, et al. Asymmetric leg loading during sit-to-stand, walking and quiet
standing in patients after unilateral total hip replacement surgery. Clin Biomech 2008;23(4):424-433.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from analysis._checks import as_float_array, check_positive, check_same_length
from analysis.symmetry import robinson_symmetry_index, symmetry_angle

__all__ = ["SitToStand", "SitToStandSettings", "sit_to_stand"]


@dataclass(frozen=True)
class SitToStandSettings:
    """Phase detection settings (units in the names)."""

    baseline_s: float = 1.0
    onset_rise_pct_bw: float = 5.0
    stable_band_pct_bw: float = 5.0
    stable_s: float = 0.5
    max_seated_pct_bw: float = 70.0


@dataclass(frozen=True)
class SitToStand:
    """Result of one sit-to-stand.

    Attributes
    ----------
    seated_pct_bw : float
        Seated baseline load on the feet, %BW.
    onset_s, peak_s, standing_s : float
        Times of onset, peak and standing reached, s from the first sample.
    rise_time_s, weight_transfer_time_s : float
    peak_fz_pct_bw : float
    affected_share_rising_pct, affected_share_at_peak_pct : float
        Affected limb's share of the total while rising (mean) and at the peak, %.
    symmetry_index_pct, symmetry_angle_pct : float
        Of the mean rising shares, affected vs unaffected, %.
    settings : SitToStandSettings
    """

    seated_pct_bw: float
    onset_s: float
    peak_s: float
    standing_s: float
    rise_time_s: float
    weight_transfer_time_s: float
    peak_fz_pct_bw: float
    affected_share_rising_pct: float
    affected_share_at_peak_pct: float
    symmetry_index_pct: float
    symmetry_angle_pct: float
    settings: SitToStandSettings


def sit_to_stand(
    left_n: np.ndarray,
    right_n: np.ndarray,
    *,
    fs_hz: float,
    body_weight_n: float,
    affected_side: Literal["left", "right"],
    settings: SitToStandSettings | None = None,
) -> SitToStand:
    """Phases and loading of a sit-to-stand from the load under each foot.

    Raises
    ------
    ValueError
        NaN loads, a recording shorter than the baseline, a subject not seated at the start, no rise,
        never reaching stable standing, nobody on the device while rising.
    """
    settings = settings or SitToStandSettings()
    if affected_side not in ("left", "right"):
        raise ValueError(f"affected_side must be 'left' or 'right', got {affected_side!r}")
    left = as_float_array("left_n", left_n, 1)
    right = as_float_array("right_n", right_n, 1)
    n = check_same_length(left_n=left, right_n=right)
    fs = check_positive("fs_hz", fs_hz)
    bw = check_positive("body_weight_n", body_weight_n)
    base_n = round(settings.baseline_s * fs)
    stable_n = max(round(settings.stable_s * fs), 1)
    if n < base_n + stable_n + 2:
        raise ValueError(
            f"the recording is too short: {n / fs:.2f} s, need more than the {settings.baseline_s:g} s seated "
            f"baseline plus {settings.stable_s:g} s of standing"
        )
    total_pct = 100.0 * (left + right) / bw
    seated = float(np.median(total_pct[:base_n]))
    if seated > settings.max_seated_pct_bw:
        raise ValueError(
            f"not seated at the start: {seated:.0f} %BW on the feet over the first {settings.baseline_s:g} s "
            f"(expected below {settings.max_seated_pct_bw:g} %BW)"
        )
    above = np.flatnonzero(total_pct[base_n:] > seated + settings.onset_rise_pct_bw)
    if above.size == 0:
        raise ValueError(
            f"no rise found: the load never exceeds the seated {seated:.0f} %BW by {settings.onset_rise_pct_bw:g} %BW"
        )
    onset = base_n + int(above[0])
    # stable standing: runs of stable_n samples inside the band; the first one starting after the peak
    inside = np.abs(total_pct - 100.0) <= settings.stable_band_pct_bw
    counts = np.concatenate([[0], np.cumsum(inside, dtype=np.int64)])
    run = (counts[stable_n:] - counts[:-stable_n]) == stable_n  # run[k]: samples k … k+stable_n−1 all inside
    stable_starts = np.flatnonzero(run[onset:])
    if stable_starts.size == 0:
        raise ValueError(
            f"never reached stable standing: the load does not stay within ±{settings.stable_band_pct_bw:g} %BW of "
            f"body weight for {settings.stable_s:g} s after the rise"
        )
    standing = onset + int(stable_starts[0])
    peak = onset + int(np.argmax(total_pct[onset : standing + 1]))
    a, u = (left, right) if affected_side == "left" else (right, left)
    rising = slice(onset, standing + 1)
    total = a[rising] + u[rising]
    if np.any(total <= 0):
        raise ValueError("nobody on the device during the rise: the total load reaches 0 N")
    share = 100.0 * a[rising] / total
    a_share = float(share.mean())
    return SitToStand(
        seated_pct_bw=seated,
        onset_s=onset / fs,
        peak_s=peak / fs,
        standing_s=standing / fs,
        rise_time_s=(standing - onset) / fs,
        weight_transfer_time_s=(peak - onset) / fs,
        peak_fz_pct_bw=float(total_pct[peak]),
        affected_share_rising_pct=a_share,
        affected_share_at_peak_pct=float(100.0 * a[peak] / (a[peak] + u[peak])),
        symmetry_index_pct=float(robinson_symmetry_index(a_share, 100.0 - a_share)),
        symmetry_angle_pct=float(symmetry_angle(a_share, 100.0 - a_share)),
        settings=settings,
    )
