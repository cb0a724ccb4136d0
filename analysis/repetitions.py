"""Repetitions of a home exercise, detected from the board's signals (not self-report).

One function, :func:`detect_repetitions`, segments a set of one exercise into repetitions and measures
each: its time on target, the longest continuous hold, the affected-limb load. It runs on a finished set
and on a growing buffer (the live count): the work is a handful of vectorised passes and, for squats,
one FFT, so calling it a few times per second on a 60-s buffer costs well under a millisecond per call
of Python overhead plus O(n log n) NumPy work.

Segmentation per kind (the ``ExerciseKind`` value strings of ``station.home.exercises``):

* **Holds** — ``symmetric-stance``, ``weight-shift``, ``single-leg-stance``: the affected limb's share of
  the load measured (affected / (affected + unaffected), % — equal to %BW in static stance,
  docs/methods.md §2.1) must be inside the target band. Stays in the band are merged across gaps
  shorter than ``bridge_s``; a stay of at least ``hold_s`` is a complete repetition, a stay of at least
  ``min_attempt_s`` but under ``hold_s`` is a half repetition (reason "held X s of Y s"). Symmetric stance
  counts every ``hold_s`` of a long stay as one repetition (as :class:`station.protocols.training.
  SymmetricStanceTraining` does; a stay — or the tail of a long one — is a half repetition only when it
  lasts at least half a hold, since the patient stands throughout); a weight shift or a single-leg stand is
  one repetition per stay.
* **Mini-squat** — the vertical displacement of the centre of mass is the double integral of
  (Fz − BW)/m (impulse–momentum). It is computed in the frequency domain ("omega arithmetic":
  Z(f) = −A(f)/(2πf)², band-limited by smooth zero-phase edges) after SWARII resampling, which removes the drift
  a time-domain integral would accumulate. Each trough of depth (peak prominence) ≥ ``min_depth_mm`` is a
  squat; ``half_depth_mm`` ≤ depth < ``min_depth_mm`` is a half repetition ("too shallow").
* **Sit-to-stand** (feet on the board) — a rise is a rise of Fz above ``half_rise_pct_bw`` until it falls
  below ``seated_pct_bw`` (hysteresis); it is complete when Fz stayed ≥ ``stand_pct_bw`` for
  ``stand_min_s`` (the person stood up), otherwise "did not stand up fully".
* **Step-up** — each contact with the board (Fz above ``contact_on_pct_bw``, hysteresis) is an attempt;
  complete when the full weight came onto the board (Fz ≥ ``stand_pct_bw`` for ``stand_min_s``).
* **Stepping in place** — a repetition is a single-support phase on the affected limb: the unaffected
  limb's load falls below ``half_lift_pct_bw`` (attempt) and is complete when it stays below
  ``lift_pct_bw`` for ``min_single_s`` (the foot was lifted).

Stepping off the board (Fz below ``off_board_pct_bw`` for at least ``off_board_min_s``, kinds other than
step-up and sit-to-stand) ends any repetition it overlaps as incomplete with the reason "stepped off the
board"; an off-board spell outside any repetition is reported as its own incomplete entry. Nothing is
dropped silently: every attempt appears in :attr:`RepetitionResult.repetitions` with a reason when it
did not count.

Loads in %BW divide by ``body_weight_n`` (sit-to-stand, step-up, stepping) or by the load measured
(holds, squat: the share); the normalisation used is named in the settings.

References: docs/home-evidence.md §3.2 (what the board measures per exercise); Winter,
*Biomechanics and Motor Control of Human Movement* (impulse–momentum, double integration of the
ground reaction force); Audiffren & Contal 2016, SWARII (resampling, analysis/resample.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from analysis.repetition_segments import (
    hold_segments,
    longest_true_s,
    movement_segments,
    run_end_s,
    squat_segments,
    true_runs,
)
from analysis.repetition_signals import HOLD_KINDS, SetSignals, set_signals

__all__ = ["Repetition", "RepetitionResult", "detect_repetitions", "repetitions_from_signals"]

_NO_OFF_BOARD = ("sit-to-stand", "step-up")
OFF_BOARD = "stepped off the board"


@dataclass(frozen=True)
class Repetition:
    """One attempt at a repetition.

    Attributes
    ----------
    start_s, end_s : float
        Start and end of the attempt on the recording's clock, s.
    hold_s : float
        Longest continuous time on target within it, s.
    on_target_s : float
        Total time on target within it, s.
    affected_mean_pct_bw, affected_peak_pct_bw : float
        Mean and peak affected-limb load over the attempt, %BW (normalisation in the settings).
    hit_target : bool
        The repetition is complete and met the target.
    complete : bool
        False for a half repetition, an interrupted one, or an off-board spell.
    reason : str
        "" or why it did not count / did not hit the target.
    """

    start_s: float
    end_s: float
    hold_s: float
    on_target_s: float
    affected_mean_pct_bw: float
    affected_peak_pct_bw: float
    hit_target: bool
    complete: bool
    reason: str = ""


@dataclass(frozen=True)
class RepetitionResult:
    """The repetitions of one set.

    Attributes
    ----------
    repetitions : tuple of Repetition
        Every attempt in time order, incomplete ones included (with a reason).
    n_complete : int
        Complete repetitions.
    n_on_target : int
        Complete repetitions that met the target.
    time_in_band_s : float
        Time on the board with the affected-limb load inside the target band, s.
    settings : dict
        Every setting as name -> (value, unit).
    """

    repetitions: tuple[Repetition, ...]
    n_complete: int
    n_on_target: int
    time_in_band_s: float
    settings: dict[str, tuple[Any, str]]

    @property
    def n_incomplete(self) -> int:
        return sum(not r.complete for r in self.repetitions)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (settings as {name: [value, unit]})."""
        return {
            "n_complete": self.n_complete,
            "n_on_target": self.n_on_target,
            "n_incomplete": self.n_incomplete,
            "time_in_band_s": self.time_in_band_s,
            "repetitions": [{f.name: getattr(r, f.name) for f in fields(r)} for r in self.repetitions],
            "settings": {k: [v, u] for k, (v, u) in self.settings.items()},
        }


def detect_repetitions(
    kind: str,
    t_s: np.ndarray,
    affected_n: np.ndarray,
    unaffected_n: np.ndarray,
    *,
    body_weight_n: float,
    cop_x_mm: np.ndarray | None = None,
    cop_y_mm: np.ndarray | None = None,
    target_min_pct_bw: float | None = None,
    target_max_pct_bw: float | None = None,
    hold_s: float | None = None,
    **settings: float,
) -> RepetitionResult:
    """Segment one set of an exercise into repetitions and measure each.

    Parameters
    ----------
    kind : str
        An ``ExerciseKind`` value: one of :data:`KINDS`.
    t_s : array_like, shape (n,)
        Sample times, s, increasing.
    affected_n, unaffected_n : array_like, shape (n,)
        Vertical load under the affected and the unaffected limb, N.
    body_weight_n : float
        Body weight, N.
    cop_x_mm, cop_y_mm : array_like, optional
        Centre of pressure, mm (accepted for symmetry with the live display; not used by these rules).
    target_min_pct_bw, target_max_pct_bw : float, optional
        Target band for the affected-limb load, %BW (either may be open).
    hold_s : float, optional
        Hold time of one repetition, s (required for hold kinds).
    **settings
        Overrides of :class:`RepetitionSettings` fields.

    Returns
    -------
    RepetitionResult

    Raises
    ------
    ValueError
        Unknown kind or setting, NaN, mismatched lengths, decreasing times, an impossible target, a hold
        kind without ``hold_s`` or without a target.
    """
    del cop_x_mm, cop_y_mm
    return repetitions_from_signals(set_signals(
        kind, t_s, affected_n, unaffected_n, body_weight_n=body_weight_n, target_min_pct_bw=target_min_pct_bw,
        target_max_pct_bw=target_max_pct_bw, hold_s=hold_s, **settings))


def repetitions_from_signals(sig: SetSignals) -> RepetitionResult:
    """The repetitions of a set whose signals :func:`set_signals` computed (the rules: module docstring)."""
    kind, s, t = sig.kind, sig.settings, sig.t_s
    out_settings = sig.result_settings
    if t.size == 0:
        return RepetitionResult((), 0, 0, 0.0, out_settings)
    lo, hi, bw, normalisation = sig.low_pct_bw, sig.high_pct_bw, sig.body_weight_n, sig.normalisation
    total_pct, loaded, aff_pct, unaff_pct, inside, dt = (sig.total_pct_bw, sig.loaded, sig.affected_pct,
                                                         sig.unaffected_pct_bw, sig.inside, sig.dt_s)
    time_in_band = float(np.sum(dt[inside]))

    if kind in HOLD_KINDS:
        assert sig.hold_s is not None
        segments = hold_segments(kind, t, inside, sig.hold_s, s)
    elif kind == "mini-squat":
        segments = squat_segments(t, sig.affected_n + sig.unaffected_n, loaded, bw, s)
    else:
        segments = movement_segments(kind, t, unaff_pct, total_pct, s)

    # Off-board spells.
    off_spells: list[tuple[int, int]] = []
    if kind not in _NO_OFF_BOARD:
        o_starts, o_ends = true_runs(~loaded)
        for a, b in zip(o_starts, o_ends, strict=True):
            if run_end_s(t, int(b)) - t[a] >= s.off_board_min_s:
                off_spells.append((int(a), int(b)))

    reps: list[Repetition] = []
    used_spells: set[int] = set()
    for seg in segments:
        a = min(seg.start, t.size - 1)
        b = min(max(seg.end, a + 1), t.size)
        t0 = float(t[a]) if seg.start_s is None else seg.start_s
        t1 = run_end_s(t, b) if seg.end_s is None else seg.end_s
        complete, reason = seg.complete, seg.reason
        for k, (oa, ob) in enumerate(off_spells):
            if (oa < b and ob > a) or (seg.start_s is not None and t[oa] < t1 and run_end_s(t, ob) > t0):
                complete, reason = False, OFF_BOARD
                used_spells.add(k)
        window = slice(a, b)
        if kind == "sit-to-stand":  # judged while standing
            judged = total_pct[window] >= s.stand_pct_bw
            if not judged.any():
                judged = np.ones(b - a, bool)
        elif normalisation == "measured-load":
            judged = loaded[window] if loaded[window].any() else np.ones(b - a, bool)
        else:
            judged = np.ones(b - a, bool)
        in_w = inside[window]
        on_target = float(np.sum(dt[window][in_w]))
        held = longest_true_s(t[window], in_w)
        vals = aff_pct[window][judged]
        mean_pct = float(np.mean(vals)) if vals.size else 0.0
        peak_pct = float(np.max(vals)) if vals.size else 0.0
        judged_s = float(np.sum(dt[window][judged]))
        judged_on_s = float(np.sum(dt[window][judged & in_w]))
        if not complete:
            hit = False
        elif kind in HOLD_KINDS:
            hit = True
        elif kind in ("step-up", "stepping-in-place"):
            hit = lo <= peak_pct <= hi
            if not hit:
                reason = f"affected peak {peak_pct:.0f} %BW outside the target {lo:g}-{hi:g} %BW"
        else:
            hit = judged_on_s >= s.min_on_target_fraction * judged_s and judged_s > 0
            if not hit:
                reason = (f"on target {judged_on_s:.1f} s of {judged_s:.1f} s (needs "
                          f"{s.min_on_target_fraction:.0%})")
        reps.append(Repetition(float(t0), float(t1), float(held), on_target, mean_pct, peak_pct, bool(hit),
                               bool(complete), reason))
    for k, (oa, ob) in enumerate(off_spells):
        if k in used_spells:
            continue
        t0, t1 = float(t[oa]), run_end_s(t, ob)
        reps.append(Repetition(t0, t1, 0.0, 0.0, 0.0, 0.0, False, False, f"{OFF_BOARD} for {t1 - t0:.1f} s"))
    reps.sort(key=lambda r: r.start_s)
    n_complete = int(sum(r.complete for r in reps))
    n_on_target = int(sum(r.hit_target for r in reps))
    return RepetitionResult(tuple(reps), n_complete, n_on_target, time_in_band, out_settings)
