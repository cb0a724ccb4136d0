"""Live feedback during one set of a home exercise (no Qt): the repetition count, the hold timer and the
affected-limb load in %BW, as a :class:`~station.protocols.training.TrainingMode` the
:class:`~station.gui.controller.LiveController` feeds with every sample exactly once.

The repetition count is :func:`analysis.repetitions.detect_repetitions` on all the samples of the set so
far — the same function :func:`station.home.session.analyze_set` applies to the finished file — re-run
at most every ``interval_s`` of wall time (a few times per second), and once more on every sample at the
end of the set. The GUI computes no count of its own.

The load shown and the hold timer use the normalisation ``detect_repetitions`` applies to the target of
that kind of exercise: the affected limb's share of the load measured, ``100·affected/(affected +
unaffected)`` (holds and squats; equal to %BW when the whole weight is on the board), or the load in % of
body weight, ``100·affected_n/body_weight_n`` (sit-to-stand, step-up, stepping in place). The hold timer is
the continuous time, up to the newest sample, that this load has stayed inside the target band; a sample
outside the band (or, for a share, nobody on the board) restarts it. In symmetric stance every ``hold_s``
of a long stay counts a repetition, so the timer shown starts again after each full hold.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from analysis.repetitions import RepetitionResult, detect_repetitions
from station.home import LIBRARY, ExerciseDose
from station.home.session import MOVEMENT_REP_S, SET_LEAD_IN_S
from station.protocols.live import LiveSamples
from station.protocols.training import LoadBand, TrainingEvent, TrainingMode

__all__ = ["BODY_WEIGHT_KINDS", "PACE_PHASES", "RepetitionCounter", "pace_cue"]

#: Window over which the shown affected load is averaged, s (as the load bars of the live view).
LOAD_WINDOW_S = 0.25


#: A repetition is taken as finished once the newest sample is this much later than its end, s (one still under
#: way ends at the newest sample).
FINISHED_GAP_S = 0.5
#: How long the reason a repetition did not count stays on the screen, s of set time.
NOTE_SHOW_S = 4.0

#: Kinds whose target is in % of body weight; the others' target is the share of the load measured (the
#: ``normalisation`` setting of :func:`analysis.repetitions.detect_repetitions`, checked by the tests).
BODY_WEIGHT_KINDS = ("sit-to-stand", "step-up", "stepping-in-place")

#: What to do in the first and the second half of each repetition of a movement, by exercise kind.
PACE_PHASES = {
    "mini-squat": ("Bend your knees slowly", "Stand up tall"),
    "sit-to-stand": ("Stand up", "Sit down slowly"),
    "step-up": ("Step up, sore leg first", "Step down"),
    "stepping-in-place": ("Stand on your sore leg", "Stand on your other leg"),
}


def pace_cue(kind: str, elapsed_s: float, reps: int) -> str:
    """The pace cue of a movement exercise ``elapsed_s`` (s) after its set started; "" for a hold exercise.

    The set's timing is the plan's (:mod:`station.home.session`): a lead-in of ``SET_LEAD_IN_S``, then
    ``reps`` repetitions of ``MOVEMENT_REP_S[kind]`` each, the first half of each one phase and the second half
    the other (patients move faster at home than they were shown; docs/home-evidence.md §2.4).
    """
    if kind not in PACE_PHASES:
        return ""
    if elapsed_s < SET_LEAD_IN_S:
        return "Get ready"
    rep_s = MOVEMENT_REP_S[kind]
    into = elapsed_s - SET_LEAD_IN_S
    if into >= reps * rep_s:
        return "Done — relax"
    first, second = PACE_PHASES[kind]
    return first if (into % rep_s) < rep_s / 2 else second


class RepetitionCounter(TrainingMode):
    """Counts the repetitions of one set live and keeps the hold timer.

    Parameters
    ----------
    dose : ExerciseDose
        The prescribed exercise (its target band and hold time).
    body_weight_n : float
        The patient's body weight, N (the %BW reference).
    interval_s : float
        Minimum wall time between two live re-counts, s.
    clock : callable
        Wall clock for the throttle (``time.monotonic``; tests may inject another).
    """

    name = "home"

    def __init__(
        self,
        dose: ExerciseDose,
        body_weight_n: float,
        *,
        interval_s: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        if not (math.isfinite(body_weight_n) and body_weight_n > 0):
            raise ValueError(f"body weight must be > 0 N, got {body_weight_n}")
        if not interval_s > 0:
            raise ValueError(f"the re-count interval must be > 0 s, got {interval_s}")
        self.dose = dose
        self.exercise = LIBRARY[dose.exercise]
        self.body_weight_n = float(body_weight_n)
        self.interval_s = float(interval_s)
        self._clock = clock
        target = dose.target
        self.band_min_pct_bw = target.affected_min_pct_bw
        self.band_max_pct_bw = target.affected_max_pct_bw
        # the hold analyze_set counts: the dose's hold for a hold exercise, none for a movement
        self.hold_s: float | None = float(dose.hold_s) if self.exercise.counts_holds else None
        kind = self.exercise.kind.value
        self.normalisation = "body-weight" if kind in BODY_WEIGHT_KINDS else "measured-load"
        self._repeats_holds = kind == "symmetric-stance"  # every hold_s of one stay counts
        self._chunks: list[tuple[np.ndarray, ...]] = []
        self._last_count_at = -math.inf
        self.result: RepetitionResult | None = None
        self.n_counts = 0  # how many times detect_repetitions ran (the throttle is tested)
        self._entered_t: float | None = None
        self.held_s = 0.0
        self.best_hold_s = 0.0
        self.affected_pct_bw = math.nan  # mean of the last LOAD_WINDOW_S, % (``normalisation``)
        self.unaffected_pct_bw = math.nan
        self._announced = 0
        self.note: tuple[float, str] | None = None  # (end of the repetition, s; "Not counted: reason")
        self._t_last = math.nan

    # -- what the views need ---------------------------------------------------------------------------

    @property
    def band(self) -> LoadBand | None:
        """The target band for the load bars (None when the target has no load band)."""
        if self.band_min_pct_bw is None and self.band_max_pct_bw is None:
            return None
        lo = self.band_min_pct_bw if self.band_min_pct_bw is not None else 0.0
        hi = self.band_max_pct_bw if self.band_max_pct_bw is not None else 100.0
        return LoadBand(lo, hi)

    @property
    def reps_done(self) -> int:
        """Complete repetitions counted so far."""
        return self.result.n_complete if self.result is not None else 0

    @property
    def reps_on_target(self) -> int:
        return self.result.n_on_target if self.result is not None else 0

    def describe(self) -> str:
        return f"{self.exercise.title}: {self.dose.reps} repetitions"

    def settings(self) -> dict[str, tuple[Any, str]]:
        """The live count's own setting (the set's dose and target are :func:`station.home.session.set_settings`)."""
        return {"home.live_recount_interval_s": (self.interval_s, "s")}

    @property
    def hold_shown_s(self) -> float:
        """The hold under way, s: in symmetric stance the part of the stay after its last full hold."""
        if self._repeats_holds and self.hold_s:
            return self.held_s % self.hold_s
        return self.held_s

    def status(self) -> dict[str, Any]:
        hold = self.hold_s
        return {
            "message": self.exercise.title,
            "successes": self.reps_done,
            "attempts": self.dose.reps,
            "on_target": self.reps_on_target,
            "hold_progress": min(self.hold_shown_s / hold, 1.0) if hold else 0.0,
            "held_s": self.hold_shown_s,
            "normalisation": self.normalisation,
            "hold_s": hold,
            "affected_pct_bw": self.affected_pct_bw,
            "unaffected_pct_bw": self.unaffected_pct_bw,
            "band": self.band,
            "note": self.note_now(self._t_last),
        }

    # -- the samples -----------------------------------------------------------------------------------

    def _inside(self, pct_bw: np.ndarray) -> np.ndarray:
        inside = np.isfinite(pct_bw)
        if self.band_min_pct_bw is not None:
            inside &= pct_bw >= self.band_min_pct_bw
        if self.band_max_pct_bw is not None:
            inside &= pct_bw <= self.band_max_pct_bw
        return inside

    def _update_hold(self, t: np.ndarray, inside: np.ndarray) -> None:
        """Continuous time inside the band up to the newest sample (vectorised over the block)."""
        if not inside[-1]:
            self._entered_t, self.held_s = None, 0.0
            return
        outside = np.flatnonzero(~inside)
        if outside.size:
            self._entered_t = float(t[outside[-1] + 1])
        elif self._entered_t is None:
            self._entered_t = float(t[0])
        self.held_s = float(t[-1]) - self._entered_t
        self.best_hold_s = max(self.best_hold_s, self.held_s)

    def _advance(self, s: LiveSamples) -> list[TrainingEvent]:
        self._chunks.append((s.t_s, s.affected_n, s.unaffected_n, s.cop_x_mm, s.cop_y_mm))
        self._t_last = float(s.t_s[-1])
        self._update_hold(s.t_s, self._inside(self.affected_load_pct(s)))
        recent = s.since(float(s.t_s[-1]) - LOAD_WINDOW_S)
        if self.normalisation == "body-weight":
            self.affected_pct_bw = float(100.0 * recent.affected_n.mean() / self.body_weight_n)
            self.unaffected_pct_bw = float(100.0 * recent.unaffected_n.mean() / self.body_weight_n)
        elif np.any(recent.loaded):
            self.affected_pct_bw = float(recent.affected_pct[recent.loaded].mean())
            self.unaffected_pct_bw = 100.0 - self.affected_pct_bw
        else:
            self.affected_pct_bw = self.unaffected_pct_bw = math.nan
        now = self._clock()
        if now - self._last_count_at < self.interval_s:
            return []
        self._last_count_at = now
        return self.recount()

    def affected_load_pct(self, s: LiveSamples) -> np.ndarray:
        """Per sample, the affected-limb load in the unit of the target (%): the share of the load measured
        (NaN where nobody is on the board) or % of body weight, by the kind of exercise."""
        if self.normalisation == "body-weight":
            return 100.0 * s.affected_n / self.body_weight_n
        return s.affected_pct

    def samples(self) -> tuple[np.ndarray, ...]:
        """(t_s, affected_n, unaffected_n, cop_x_mm, cop_y_mm) of the set so far."""
        if not self._chunks:
            return tuple(np.zeros(0) for _ in range(5))
        if len(self._chunks) > 1:
            self._chunks = [tuple(np.concatenate(parts) for parts in zip(*self._chunks, strict=True))]
        return self._chunks[0]

    def recount(self) -> list[TrainingEvent]:
        """Run the repetition detection on every sample so far; an event per newly counted repetition."""
        t, affected, unaffected, cop_x, cop_y = self.samples()
        if t.size < 2:
            return []
        target = self.dose.target  # the same arguments as station.home.session.analyze_set
        self.result = detect_repetitions(
            self.exercise.kind.value, t, affected, unaffected,
            body_weight_n=self.body_weight_n, cop_x_mm=cop_x, cop_y_mm=cop_y,
            target_min_pct_bw=target.affected_min_pct_bw, target_max_pct_bw=target.affected_max_pct_bw,
            hold_s=self.hold_s,
        )
        self.n_counts += 1
        self.successes, self.attempts = self.result.n_complete, self.dose.reps
        events = []
        complete = [r for r in self.result.repetitions if r.complete]
        for rep in complete[self._announced:]:
            verdict = "on target" if rep.hit_target else "off target"
            events.append(TrainingEvent(rep.end_s, "rep_counted", f"repetition {len(events) + self._announced + 1}: "
                                        f"{verdict}, mean {rep.affected_mean_pct_bw:.0f} %BW"))
        self._announced = max(self._announced, len(complete))
        self._note(float(t[-1]))
        return events

    def _note(self, t_last: float) -> None:
        """The newest finished repetition that has a reason (not counted, or counted off target)."""
        finished = [r for r in self.result.repetitions if r.reason and r.end_s < t_last - FINISHED_GAP_S]
        if not finished:
            return
        rep = finished[-1]
        verdict = "Not counted" if not rep.complete else "Counted, off target"
        self.note = (rep.end_s, f"{verdict}: {rep.reason}")

    def note_now(self, t_s: float) -> str:
        """The note of the newest repetition with a reason, for ``NOTE_SHOW_S`` after it ended ("" otherwise)."""
        if self.note is None or t_s - self.note[0] > NOTE_SHOW_S:
            return ""
        return self.note[1]

    def finish(self, t_s: float) -> list[TrainingEvent]:
        """The final count on every sample of the set, then the score event."""
        events = self.recount()
        self.finished = True
        return [*events, TrainingEvent(t_s, "score", self.score_label())]

    def score_label(self) -> str:
        return f"home {self.dose.exercise}: {self.reps_done} repetitions, {self.reps_on_target} on target"
