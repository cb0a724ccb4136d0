"""Walking / stepping trial: per-limb step summaries and affected-vs-unaffected symmetry of every measure.

Input: one vertical force per foot (two plates, two boards, a split-belt treadmill or a mat's foot
segmentation), uniformly sampled. Each foot's steps come from :func:`analysis.steps.limb_steps`; this
module summarises them per limb (mean ± sample SD over qualifying steps, mean ± SD stance curve over
101 points) and forms Robinson's SI, the symmetry ratio and Zifchock's symmetry angle of the per-limb
means of every per-step measure, affected vs unaffected (:mod:`analysis.symmetry`). Rejected contacts
of both feet are kept with their reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from analysis._checks import check_positive, check_same_length
from analysis.stance import StanceSettings
from analysis.steps import (
    STEP_MEASURES,
    FootNeverLoaded,
    RejectedStep,
    StepTable,
    finite_force,
    limb_steps_checked,
)
from analysis.symmetry import Symmetry, symmetry

__all__ = ["GaitResampling", "GaitResult", "LimbSummary", "analyze_gait", "summarise_limb"]


@dataclass(frozen=True)
class GaitResampling:
    """How an irregularly clocked walking/stepping recording was put on a uniform grid.

    Attributes
    ----------
    method : str
        ``"swarii"`` (Audiffren & Contal 2016).
    fs_hz : float
        Grid rate, Hz.
    window_s : float
        SWARII window, s.
    max_gap_s : float
        Longest interval between input samples accepted, s.
    n_input_samples : int
        Samples at the device's own times.
    input_mean_rate_hz : float
        (n − 1) / duration of the input, Hz.
    longest_gap_s : float
        Longest interval between input samples, s.
    n_empty_windows : int
        Grid points whose window held no input sample (filled linearly).
    """

    method: str
    fs_hz: float
    window_s: float
    max_gap_s: float
    n_input_samples: int
    input_mean_rate_hz: float
    longest_gap_s: float
    n_empty_windows: int


@dataclass(frozen=True)
class LimbSummary:
    """Mean and sample SD (ddof = 1; 0 for a single step) of each per-step measure of one limb.

    Attributes
    ----------
    side : str
    n_steps, n_rejected : int
    mean, sd : dict[str, float]
        Keyed by :data:`analysis.steps.STEP_MEASURES` (plus ``cop_progression_mm`` when a COP was given).
    mean_curve_pct_bw, sd_curve_pct_bw : ndarray, shape (101,)
        Time-normalised stance curve, %BW.
    """

    side: str
    n_steps: int
    n_rejected: int
    mean: dict[str, float]
    sd: dict[str, float]
    mean_curve_pct_bw: np.ndarray
    sd_curve_pct_bw: np.ndarray


def summarise_limb(table: StepTable) -> LimbSummary:
    """Per-limb mean ± SD of every per-step measure. ValueError when the limb has no qualifying step."""
    if table.n_steps == 0:
        first = f"; first: {table.rejected[0].reason}" if table.rejected else ""
        raise ValueError(f"no qualifying {table.side} steps ({len(table.rejected)} contacts rejected{first})")
    names = list(STEP_MEASURES) + (["cop_progression_mm"] if table.cop_progression_mm is not None else [])
    ddof = 1 if table.n_steps > 1 else 0
    mean = {name: float(np.mean(getattr(table, name))) for name in names}
    sd = {name: float(np.std(getattr(table, name), ddof=ddof)) for name in names}
    return LimbSummary(
        side=table.side,
        n_steps=table.n_steps,
        n_rejected=len(table.rejected),
        mean=mean,
        sd=sd,
        mean_curve_pct_bw=table.curves_pct_bw.mean(axis=0),
        sd_curve_pct_bw=table.curves_pct_bw.std(axis=0, ddof=ddof),
    )


@dataclass(frozen=True)
class GaitResult:
    """Result of a walking or stepping trial.

    Attributes
    ----------
    affected_side : {"left", "right"}
    affected, unaffected : LimbSummary
    symmetry : dict[str, Symmetry]
        Per measure: affected and unaffected means, Robinson SI (%), ratio, symmetry angle (%).
    affected_steps, unaffected_steps : StepTable
        Every qualifying step.
    rejected : tuple of RejectedStep
        Every rejected contact of both feet, ordered by time, with its reason.
    body_weight_n, fs_hz : float
    settings : StanceSettings
    on_threshold_n, off_threshold_n : float
        The effective thresholds, N.
    resampling : GaitResampling or None
        How an irregular clock was put on the uniform grid ``fs_hz``
        (:func:`analysis.gait_resampled.analyze_gait_resampled`); None for a regular clock.
    """

    affected_side: Literal["left", "right"]
    affected: LimbSummary
    unaffected: LimbSummary
    symmetry: dict[str, Symmetry]
    affected_steps: StepTable
    unaffected_steps: StepTable
    rejected: tuple[RejectedStep, ...]
    body_weight_n: float
    fs_hz: float
    settings: StanceSettings
    on_threshold_n: float
    off_threshold_n: float
    resampling: GaitResampling | None = None


def analyze_gait(
    left_fz_n: np.ndarray,
    right_fz_n: np.ndarray,
    *,
    fs_hz: float,
    body_weight_n: float,
    affected_side: Literal["left", "right"],
    settings: StanceSettings | None = None,
    left_cop_ap_mm: np.ndarray | None = None,
    right_cop_ap_mm: np.ndarray | None = None,
    t0_s: float = 0.0,
) -> GaitResult:
    """Steps of both feet, per-limb summaries and affected-vs-unaffected symmetry.

    Parameters
    ----------
    left_fz_n, right_fz_n : array_like, shape (n,)
        Vertical force under each foot, N, on a common uniform time base.
    fs_hz : float
        Sample rate, Hz.
    body_weight_n : float
        Body weight m·g, N (normalises %BW).
    affected_side : {"left", "right"}
    settings : StanceSettings, optional
    left_cop_ap_mm, right_cop_ap_mm : array_like, optional
        Each foot's antero-posterior COP, mm, for the COP progression.
    t0_s : float
        Time of the first sample, s.

    Raises
    ------
    ValueError
        Nobody on the device, one foot never loaded, no qualifying steps on a side, NaN force,
        a sample rate too low (see :func:`analysis.steps.limb_steps`).
    """
    if affected_side not in ("left", "right"):
        raise ValueError(f"affected_side must be 'left' or 'right', got {affected_side!r}")
    settings = settings or StanceSettings()
    check_positive("body_weight_n", body_weight_n)
    left = finite_force("left_fz_n", left_fz_n)
    right = finite_force("right_fz_n", right_fz_n)
    n = check_same_length(left_fz_n=left, right_fz_n=right)
    if n == 0:
        raise ValueError("the recording holds no samples")
    tables: dict[str, StepTable] = {}
    never: dict[str, FootNeverLoaded] = {}
    for side, fz, cop in (("left", left, left_cop_ap_mm), ("right", right, right_cop_ap_mm)):
        try:
            tables[side] = limb_steps_checked(fz, fs_hz, body_weight_n, side, settings, cop, t0_s)
        except FootNeverLoaded as exc:
            never[side] = exc
    if len(never) == 2:
        raise ValueError(
            "nobody on the device: neither foot's force exceeds the on threshold "
            f"(max left {np.max(left):.1f} N, right {np.max(right):.1f} N)"
        )
    for exc in never.values():
        raise exc
    unaffected_side = "right" if affected_side == "left" else "left"
    a_table, u_table = tables[affected_side], tables[unaffected_side]
    a_sum, u_sum = summarise_limb(a_table), summarise_limb(u_table)
    sym = {name: symmetry(a_sum.mean[name], u_sum.mean[name]) for name in STEP_MEASURES}
    if "cop_progression_mm" in a_sum.mean and "cop_progression_mm" in u_sum.mean:
        sym["cop_progression_mm"] = symmetry(a_sum.mean["cop_progression_mm"], u_sum.mean["cop_progression_mm"])
    rejected = tuple(sorted(a_table.rejected + u_table.rejected, key=lambda r: r.on_s))
    return GaitResult(
        affected_side=affected_side,
        affected=a_sum,
        unaffected=u_sum,
        symmetry=sym,
        affected_steps=a_table,
        unaffected_steps=u_table,
        rejected=rejected,
        body_weight_n=float(body_weight_n),
        fs_hz=float(fs_hz),
        settings=settings,
        on_threshold_n=a_table.on_threshold_n,
        off_threshold_n=a_table.off_threshold_n,
    )
