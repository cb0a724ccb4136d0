"""One exercise set checked and turned into the per-sample signals the repetition rules read.

:func:`set_signals` validates the inputs of :func:`analysis.repetitions.detect_repetitions` and computes, per
sample, the loads in %BW, whether the subject is on the board and whether the affected-limb load is inside
the target band (the normalisations and thresholds are described in :mod:`analysis.repetitions`). The live
tracker (:mod:`analysis.repetition_tracker`) reads the same signals to find where a set can be cut.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from analysis._checks import as_float_array, check_positive, check_same_length
from analysis.repetition_segments import sample_durations_s
from analysis.repetition_settings import RepetitionSettings

__all__ = ["BODY_WEIGHT_KINDS", "HOLD_KINDS", "KINDS", "MOVEMENT_KINDS", "SetSignals", "set_signals"]

#: Exercise kinds (the ``ExerciseKind`` value strings of ``station.home.exercises``).
HOLD_KINDS = ("symmetric-stance", "weight-shift", "single-leg-stance")
MOVEMENT_KINDS = ("mini-squat", "sit-to-stand", "step-up", "stepping-in-place")
KINDS = HOLD_KINDS + MOVEMENT_KINDS
#: Kinds whose target is in % of body weight; the others' is the share of the load measured.
BODY_WEIGHT_KINDS = ("sit-to-stand", "step-up", "stepping-in-place")


@dataclass(frozen=True)
class SetSignals:
    """One set, checked, with the per-sample signals every rule of :func:`detect_repetitions` reads.

    Attributes
    ----------
    kind : str
    t_s, affected_n, unaffected_n : ndarray, shape (n,)
        The inputs as float64 (s, N, N).
    body_weight_n, hold_s : float, float or None
    low_pct_bw, high_pct_bw : float
        The target band, %BW (0 and inf where open).
    total_pct_bw, unaffected_pct_bw : ndarray
        Load on the board and under the unaffected limb, % of body weight.
    affected_pct : ndarray
        The affected-limb load in the unit of the target: % of body weight (sit-to-stand, step-up,
        stepping) or the share of the load measured, % (0 where off the board).
    loaded, inside : ndarray of bool
        On the board (total >= ``off_board_pct_bw``); and, in addition, inside the target band.
    dt_s : ndarray
        Duration of each sample, s (:func:`~analysis.repetition_segments.sample_durations_s`).
    settings : RepetitionSettings
    result_settings : dict
        Every setting as name -> (value, unit), as stored with the result.
    """

    kind: str
    t_s: np.ndarray
    affected_n: np.ndarray
    unaffected_n: np.ndarray
    body_weight_n: float
    hold_s: float | None
    low_pct_bw: float
    high_pct_bw: float
    total_pct_bw: np.ndarray
    unaffected_pct_bw: np.ndarray
    affected_pct: np.ndarray
    loaded: np.ndarray
    inside: np.ndarray
    dt_s: np.ndarray
    settings: RepetitionSettings
    result_settings: dict[str, tuple[Any, str]]

    @property
    def normalisation(self) -> str:
        return str(self.result_settings["normalisation"][0])


def set_signals(
    kind: str,
    t_s: np.ndarray,
    affected_n: np.ndarray,
    unaffected_n: np.ndarray,
    *,
    body_weight_n: float,
    target_min_pct_bw: float | None = None,
    target_max_pct_bw: float | None = None,
    hold_s: float | None = None,
    **settings: float,
) -> SetSignals:
    """Check one set's inputs and compute its per-sample signals (parameters: :func:`detect_repetitions`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown exercise kind {kind!r}; known: {', '.join(KINDS)}")
    known = {f.name for f in fields(RepetitionSettings)}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ValueError(f"unknown repetition setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    s = RepetitionSettings(**settings)
    bw = check_positive("body_weight_n", body_weight_n)
    t = as_float_array("t_s", t_s, 1)
    aff = as_float_array("affected_n", affected_n, 1)
    unaff = as_float_array("unaffected_n", unaffected_n, 1)
    check_same_length(t_s=t, affected_n=aff, unaffected_n=unaff)
    if t.size > 1 and np.any(np.diff(t) <= 0):
        raise ValueError(f"t_s must be strictly increasing (first bad step at index {int(np.argmax(np.diff(t) <= 0))})")
    lo = 0.0 if target_min_pct_bw is None else float(target_min_pct_bw)
    hi = math.inf if target_max_pct_bw is None else float(target_max_pct_bw)
    share_kind = kind not in BODY_WEIGHT_KINDS
    if not (math.isfinite(lo) and 0.0 <= lo < hi) or math.isnan(hi) or (
        share_kind and target_max_pct_bw is not None and hi > 100.0
    ) or (share_kind and lo >= 100.0):
        raise ValueError(f"impossible target band {target_min_pct_bw}-{target_max_pct_bw} %BW for {kind}")
    if kind in HOLD_KINDS:
        if hold_s is None or not (math.isfinite(hold_s) and hold_s > 0):
            raise ValueError(f"a {kind} repetition is a hold: hold_s must be > 0 s, got {hold_s}")
        if target_min_pct_bw is None and target_max_pct_bw is None:
            raise ValueError(f"a {kind} hold needs a target band (target_min_pct_bw and/or target_max_pct_bw)")
    normalisation = "body-weight" if kind in BODY_WEIGHT_KINDS else "measured-load"
    out_settings: dict[str, tuple[Any, str]] = {
        "kind": (kind, ""),
        "target_min_pct_bw": (target_min_pct_bw, "%BW"),
        "target_max_pct_bw": (target_max_pct_bw, "%BW"),
        "hold_s": (hold_s, "s"),
        "body_weight_n": (bw, "N"),
        "normalisation": (normalisation, ""),
        **s.with_units(),
    }
    total = aff + unaff
    total_pct = total / bw * 100.0
    loaded = total_pct >= s.off_board_pct_bw
    if normalisation == "body-weight":
        aff_pct = aff / bw * 100.0
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            aff_pct = np.where(loaded, aff / np.where(total > 0, total, 1.0) * 100.0, 0.0)
    inside = loaded & (aff_pct >= lo) & (aff_pct <= hi)
    return SetSignals(kind, t, aff, unaff, bw, None if hold_s is None else float(hold_s), lo, hi, total_pct,
                      unaff / bw * 100.0, aff_pct, loaded, inside, sample_durations_s(t), s, out_settings)
