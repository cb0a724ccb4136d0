"""Mini-squat with symmetric loading: paced repetitions scored by the affected share inside a band."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from station.engine.live import LiveSamples
from station.protocols.training.base import LoadBand, TrainingEvent, TrainingMode


class MiniSquatTraining(TrainingMode):
    """Paced mini-squats with symmetric loading.

    Repetition k spans ``[t0 + k·rep_s, t0 + (k+1)·rep_s)``: squat down in the first half, come up in
    the second. A repetition succeeds when at least ``min_fraction`` of its loaded samples have the
    affected share inside ``band``.
    """

    name = "mini_squat"

    def __init__(self, band: LoadBand, *, rep_s: float = 4.0, n_reps: int = 10, min_fraction: float = 0.8) -> None:
        super().__init__()
        if not (math.isfinite(rep_s) and rep_s > 0):
            raise ValueError(f"repetition time must be > 0 s, got {rep_s}")
        if n_reps < 1:
            raise ValueError(f"need at least one repetition, got {n_reps}")
        if not 0 < min_fraction <= 1:
            raise ValueError(f"min_fraction must be within (0, 1], got {min_fraction}")
        self.band = band
        self.rep_s = float(rep_s)
        self.n_reps = int(n_reps)
        self.min_fraction = float(min_fraction)
        self.t0 = 0.0
        self._rep = 0
        self._n_in = 0
        self._n_loaded = 0
        self._share_sum = 0.0
        self._phase = 0.0

    def describe(self) -> str:
        return f"{self.n_reps} mini-squats of {self.rep_s:g} s, {self.band.describe()}"

    def settings(self) -> dict[str, tuple[Any, str]]:
        return {
            "training.mode": (self.name, ""),
            "training.rep_s": (self.rep_s, "s"),
            "training.n_reps": (self.n_reps, ""),
            "training.min_fraction": (self.min_fraction, ""),
            "training.band_min_pct": (self.band.min_pct, "%"),
            "training.band_max_pct": (self.band.max_pct, "%"),
        }

    def _begin(self, t0: float) -> list[TrainingEvent]:
        self.t0 = t0
        return [*super()._begin(t0), TrainingEvent(t0, "rep_start", "repetition 1")]

    def _advance(self, s: LiveSamples) -> list[TrainingEvent]:
        rep = np.floor((s.t_s - self.t0) / self.rep_s).astype(np.int64)
        inside = self.band.contains(s.affected_pct) & s.loaded
        share = np.where(s.loaded, s.affected_pct, 0.0)
        events: list[TrainingEvent] = []
        for k in np.unique(rep):
            sel = rep == k
            if k > self._rep:  # the current repetition ended before this one
                events += self._close_rep(self.t0 + (self._rep + 1) * self.rep_s)
                if self.finished:
                    return events
                self._rep = int(k)
                events.append(TrainingEvent(self.t0 + k * self.rep_s, "rep_start", f"repetition {k + 1}"))
            self._n_in += int(np.count_nonzero(inside[sel]))
            self._n_loaded += int(np.count_nonzero(s.loaded[sel]))
            self._share_sum += float(share[sel].sum())
        self._phase = float(((s.t_s[-1] - self.t0) % self.rep_s) / self.rep_s)
        return events

    def _close_rep(self, t_end: float) -> list[TrainingEvent]:
        self.attempts += 1
        fraction = self._n_in / self._n_loaded if self._n_loaded else 0.0
        mean = self._share_sum / self._n_loaded if self._n_loaded else math.nan
        ok = self._n_loaded > 0 and fraction >= self.min_fraction
        self.successes += int(ok)
        label = f"repetition {self._rep + 1}: {100 * fraction:.0f} % of samples in band, mean affected {mean:.1f} %"
        events = [TrainingEvent(t_end, "rep_success" if ok else "rep_fail", label)]
        self._n_in = self._n_loaded = 0
        self._share_sum = 0.0
        if self.attempts >= self.n_reps:
            self.finished = True
            events.append(TrainingEvent(t_end, "training_done", self.score_label()))
        return events

    def status(self) -> dict[str, Any]:
        down = self._phase < 0.5
        return {
            "message": f"{'Bend your knees' if down else 'Stand up'} — {self.band.describe()} "
            f"(rep {min(self._rep + 1, self.n_reps)}/{self.n_reps})",
            "successes": self.successes,
            "attempts": self.attempts,
            "hold_progress": self._phase,
            "band": self.band,
        }
