"""Live feedback during one set of a home exercise, for the console and the GUI alike (no Qt): the repetition
count, the hold timer and the affected-limb load, as a :class:`~station.protocols.training.TrainingMode` that
the session feeds with every block's live measures exactly once
(:class:`~station.protocols.training.feed.TrainingFeed`).

The count is incremental (:class:`analysis.repetition_tracker.RepetitionTracker`): each block is appended (O(block)),
and at most every ``interval_s`` of wall time the tracker analyses the open tail of the set — the same
:func:`analysis.repetitions.detect_repetitions` rules :func:`station.home.session.analyze_set` applies to the
finished file, on about one repetition of samples, never the whole set again. At the end of the set the
tail is analysed once more as final. The analysis of the recording stays the authority for what is stored.

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
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.repetition_signals import BODY_WEIGHT_KINDS
from analysis.repetition_tracker import RepetitionTracker
from analysis.repetitions import RepetitionResult
from station.engine.live import LiveSamples
from station.home.exercises import LIBRARY
from station.home.prescription import ExerciseDose
from station.protocols.training import LoadBand, TrainingEvent, TrainingMode

__all__ = ["FINISHED_GAP_S", "LOAD_WINDOW_S", "NOTE_SHOW_S", "LiveStatus", "RepetitionCounter"]

#: Window over which the shown affected load is averaged, s (as the load bars of the live view).
LOAD_WINDOW_S = 0.25
#: A repetition is taken as finished once the newest sample is this much later than its end, s (one still under
#: way ends at the newest sample).
FINISHED_GAP_S = 0.5
#: How long the reason a repetition did not count stays on the screen, s of set time.
NOTE_SHOW_S = 4.0


@dataclass(frozen=True)
class LiveStatus:
    """The set so far, for the console: time (s), repetitions, the affected-limb load now (%), the hold (s)."""

    elapsed_s: float
    duration_s: float
    reps_complete: int
    reps_prescribed: int
    reps_on_target: int
    affected_now_pct: float | None
    in_band: bool
    hold_now_s: float
    hold_target_s: float | None
    band: tuple[float | None, float | None]

    def line(self) -> str:
        lo, hi = self.band
        band = (f"{lo:g}-{hi:g}" if lo is not None and hi is not None else
                f">= {lo:g}" if lo is not None else f"<= {hi:g}" if hi is not None else "any")
        now = "  --  " if self.affected_now_pct is None else f"{self.affected_now_pct:4.0f} %"
        mark = "ON TARGET" if self.in_band else "off target"
        hold = f"  hold {self.hold_now_s:4.1f}/{self.hold_target_s:g} s" if self.hold_target_s else ""
        return (f"  {self.elapsed_s:5.1f}/{self.duration_s:.0f} s  reps {self.reps_complete}/{self.reps_prescribed}"
                f" ({self.reps_on_target} on target)  sore leg {now} [target {band}] {mark}{hold}")


class RepetitionCounter(TrainingMode):
    """Counts the repetitions of one set live and keeps the hold timer.

    Parameters
    ----------
    dose : ExerciseDose
        The prescribed exercise (its target band and hold time).
    body_weight_n : float
        The patient's body weight, N (the %BW reference).
    interval_s : float
        Minimum wall time between two analyses of the open tail, s.
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
        # the same arguments as station.home.session.analyze_set
        self.tracker = RepetitionTracker(kind, body_weight_n=self.body_weight_n, hold_s=self.hold_s,
                                         target_min_pct_bw=self.band_min_pct_bw,
                                         target_max_pct_bw=self.band_max_pct_bw)
        self._last_count_at = -math.inf
        self.result: RepetitionResult | None = None
        self.n_counts = 0  # how many times the tail was analysed (the throttle is tested)
        self._entered_t: float | None = None
        self.held_s = 0.0
        self.best_hold_s = 0.0
        self.affected_pct_bw = math.nan  # mean of the last LOAD_WINDOW_S, % (``normalisation``)
        self.unaffected_pct_bw = math.nan
        self._in_band = False
        self._announced = 0
        self.note: tuple[float, str] | None = None  # (end of the repetition, s; "Not counted: reason")
        self._t_first = math.nan
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
            "in_band": self._in_band,
            "band": self.band,
            "note": self.note_now(self._t_last),
        }

    def live_status(self, duration_s: float) -> LiveStatus:
        """The console's view of the set so far (a set of ``duration_s`` s)."""
        elapsed = 0.0 if math.isnan(self._t_last) else self._t_last - self._t_first
        now = None if math.isnan(self.affected_pct_bw) else self.affected_pct_bw
        return LiveStatus(elapsed, duration_s, self.reps_done, self.dose.reps, self.reps_on_target, now,
                          self._in_band and now is not None, self.hold_shown_s, self.hold_s,
                          (self.band_min_pct_bw, self.band_max_pct_bw))

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
        self._in_band = bool(inside[-1])
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
        self.tracker.append(s.t_s, s.affected_n, s.unaffected_n)
        if math.isnan(self._t_first):
            self._t_first = float(s.t_s[0])
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

    def recount(self, *, final: bool = False) -> list[TrainingEvent]:
        """Analyse the open tail of the set (``final``: as the end of the set); an event per newly counted
        repetition."""
        if self.tracker.samples_seen < 2:
            return []
        self.result = self.tracker.finish() if final else self.tracker.update()
        self.n_counts += 1
        self.successes, self.attempts = self.result.n_complete, self.dose.reps
        events = []
        complete = [r for r in self.result.repetitions if r.complete]
        for rep in complete[self._announced:]:
            verdict = "on target" if rep.hit_target else "off target"
            events.append(TrainingEvent(rep.end_s, "rep_counted", f"repetition {len(events) + self._announced + 1}: "
                                        f"{verdict}, mean {rep.affected_mean_pct_bw:.0f} %BW"))
        self._announced = max(self._announced, len(complete))
        self._note(self._t_last)
        return events

    def _note(self, t_last: float) -> None:
        """The newest finished repetition that has a reason (not counted, or counted off target)."""
        assert self.result is not None
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
        """The final count of the set (its open tail analysed as final), then the score event."""
        events = self.recount(final=True)
        self.finished = True
        return [*events, TrainingEvent(t_s, "score", self.score_label())]

    def score_label(self) -> str:
        return f"home {self.dose.exercise}: {self.reps_done} repetitions, {self.reps_on_target} on target"
