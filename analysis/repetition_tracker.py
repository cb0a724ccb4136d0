"""Repetitions of a set counted while it is recorded: :func:`~analysis.repetitions.detect_repetitions` fed
block by block, at a cost that does not grow with the length of the set.

:class:`RepetitionTracker` keeps only the *open tail* of the set: the samples since the last point where the
set can be cut without changing what the rules find on either side. Each :meth:`~RepetitionTracker.update`
runs :func:`~analysis.repetitions.repetitions_from_signals` on that tail, moves the repetitions that ended
before the newest cut point into a committed list and drops their samples. Appending a block is O(block);
an update is O(tail), and the tail spans about one repetition and the pause after it, whatever the set's
length (a stay that never ends, symmetric stance held throughout, is one open repetition: its tail grows
until it ends).

Where a set may be cut (index ``c``, the first sample of the new tail), by kind (thresholds in
:class:`~analysis.repetition_settings.RepetitionSettings`):

* every kind except sit-to-stand and step-up: sample ``c − 1`` is on the board, so no off-board spell
  spans the cut;
* holds: no sample inside the band within ``bridge_s`` before ``t[c]``, so no stay before the cut can be
  bridged to one after it;
* sit-to-stand, step-up, stepping in place: the hysteresis state of the movement (rise, contact,
  unloading of the other foot) is off at ``c − 1``, so the state after the cut depends only on the samples
  after it, as a fresh start assumes;
* no repetition of the tail spans ``t[c]``.

With these, the rules give on each side of the cut what they give on the whole set — exactly, except for
the per-sample duration cap (5 median intervals), which uses the tail's median. The mini-squat is the
exception: its displacement is a double integral in the frequency domain over the whole stretch on the
board, so no cut is exact. A squat is committed once it ended ``SQUAT_SETTLE_S`` before the newest sample
(the filter's reach and the prominence window), and the cut falls in the standing pause after it; counts
then agree with the whole-set analysis whenever a squat's depth is not within a few millimetres of the
thresholds (tests/analysis/test_repetition_tracker.py checks every kind against the whole-set count on
simulated sets). The analysis of the finished recording stays the authority for what is stored.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from analysis.repetition_signals import HOLD_KINDS, SetSignals, set_signals
from analysis.repetitions import Repetition, RepetitionResult, repetitions_from_signals
from analysis.stance import hysteresis_state

__all__ = ["SQUAT_SETTLE_S", "RepetitionTracker"]

#: A squat is final once the newest sample is this much later than its end, s: the prominence window
#: (``squat_window_s``, 5 s) plus the reach of the 0.12-Hz edge of the displacement band (~1/0.12 s).
SQUAT_SETTLE_S = 13.0
_NO_OFF_BOARD = ("sit-to-stand", "step-up")


class _Growing:
    """A float64 array that grows at its end in amortised O(appended) and drops its head."""

    def __init__(self) -> None:
        self._data = np.empty(256)
        self._n = 0

    def append(self, values: np.ndarray) -> None:
        n = values.shape[0]
        if self._n + n > self._data.shape[0]:
            grown = np.empty(max(2 * self._data.shape[0], self._n + n))
            grown[: self._n] = self._data[: self._n]
            self._data = grown
        self._data[self._n : self._n + n] = values
        self._n += n

    def drop(self, count: int) -> None:
        self._data[: self._n - count] = self._data[count : self._n]
        self._n -= count

    @property
    def values(self) -> np.ndarray:
        return self._data[: self._n]


class RepetitionTracker:
    """The repetitions of one set of ``kind`` so far (arguments as :func:`analysis.repetitions.detect_repetitions`).

    Feed samples with :meth:`append` (time-ordered, after the previous ones), ask :meth:`update` for the
    result so far, and :meth:`finish` at the end of the set.
    """

    def __init__(self, kind: str, *, body_weight_n: float, target_min_pct_bw: float | None = None,
                 target_max_pct_bw: float | None = None, hold_s: float | None = None, **settings: float) -> None:
        self._args: dict[str, Any] = dict(body_weight_n=body_weight_n, target_min_pct_bw=target_min_pct_bw,
                                          target_max_pct_bw=target_max_pct_bw, hold_s=hold_s, **settings)
        self.kind = kind
        empty = np.zeros(0)
        self._settings = set_signals(kind, empty, empty, empty, **self._args).result_settings  # checks the arguments
        self._t, self._aff, self._unaff = _Growing(), _Growing(), _Growing()
        self._committed: list[Repetition] = []
        self._committed_in_band_s = 0.0
        self._open: tuple[Repetition, ...] = ()
        self._open_in_band_s = 0.0
        self.samples_seen = 0

    @property
    def tail_samples(self) -> int:
        """Samples held in the open tail."""
        return self._t.values.shape[0]

    def append(self, t_s: np.ndarray, affected_n: np.ndarray, unaffected_n: np.ndarray) -> None:
        """Add samples (times in s, limb loads in N); O(number of samples)."""
        t = np.asarray(t_s, dtype=np.float64)
        held = self._t.values
        if t.size and held.size and not t[0] > held[-1]:
            raise ValueError(f"samples must come in time order: {t[0]} s after {held[-1]} s")
        self._t.append(t)
        self._aff.append(np.asarray(affected_n, dtype=np.float64))
        self._unaff.append(np.asarray(unaffected_n, dtype=np.float64))
        self.samples_seen += t.size

    def update(self) -> RepetitionResult:
        """Analyse the open tail, commit what is final, and return the result so far."""
        self._analyse(final=False)
        return self.result

    def finish(self) -> RepetitionResult:
        """The set is over: every repetition of the tail is final."""
        self._analyse(final=True)
        return self.result

    @property
    def result(self) -> RepetitionResult:
        """Committed and open repetitions, as :func:`~analysis.repetitions.detect_repetitions` returns them."""
        reps = (*self._committed, *self._open)
        return RepetitionResult(reps, int(sum(r.complete for r in reps)), int(sum(r.hit_target for r in reps)),
                                self._committed_in_band_s + self._open_in_band_s, dict(self._settings))

    # -- the tail -----------------------------------------------------------------------------------------

    def _analyse(self, final: bool) -> None:
        t = self._t.values
        sig = set_signals(self.kind, t, self._aff.values, self._unaff.values, **self._args)
        reps = repetitions_from_signals(sig).repetitions
        cut = t.size if final else self._cut(sig, reps)
        t_cut = math.inf if cut == t.size else float(t[cut])
        self._committed.extend(r for r in reps if r.end_s < t_cut)
        self._open = tuple(r for r in reps if not r.end_s < t_cut)
        in_band = sig.dt_s * sig.inside
        self._committed_in_band_s += float(np.sum(in_band[:cut]))
        self._open_in_band_s = float(np.sum(in_band[cut:]))
        if cut:
            for buf in (self._t, self._aff, self._unaff):
                buf.drop(cut)

    def _cut(self, sig: SetSignals, reps: tuple[Repetition, ...]) -> int:
        """The last index where the tail may be cut (module docstring); 0 when there is none."""
        t, s, n = sig.t_s, sig.settings, sig.t_s.size
        if n < 3:
            return 0
        ok = np.ones(n, dtype=bool)
        ok[0] = False
        if self.kind not in _NO_OFF_BOARD:
            ok[1:] &= sig.loaded[:-1]
        if self.kind in HOLD_KINDS:
            last_in = np.maximum.accumulate(np.where(sig.inside, np.arange(n), -1))
            j = last_in[:-1]
            ok[1:] &= (j < 0) | (t[1:] - t[np.maximum(j, 0)] >= s.bridge_s)
        elif self.kind == "sit-to-stand":
            ok[1:] &= ~hysteresis_state(sig.total_pct_bw, s.half_rise_pct_bw, s.seated_pct_bw)[:-1]
        elif self.kind == "step-up":
            ok[1:] &= ~hysteresis_state(sig.total_pct_bw, s.contact_on_pct_bw, s.contact_off_pct_bw)[:-1]
        elif self.kind == "stepping-in-place":
            ok[1:] &= ~hysteresis_state(-sig.unaffected_pct_bw, -s.half_lift_pct_bw, -s.relanded_pct_bw)[:-1]
        else:  # mini-squat: only in the pause after a squat that has settled
            return self._squat_cut(t, ok, sig.loaded, reps)
        for r in reps:  # no repetition may span the cut: start_s < t[c] <= end_s
            ok &= ~((t > r.start_s) & (t <= r.end_s))
        candidates = np.flatnonzero(ok)
        return int(candidates[-1]) if candidates.size else 0

    def _squat_cut(self, t: np.ndarray, ok: np.ndarray, loaded: np.ndarray, reps: tuple[Repetition, ...]) -> int:
        settled = [r for r in reps if r.end_s < t[-1] - SQUAT_SETTLE_S]
        if not settled:
            return 0
        last = settled[-1]
        later = [r.start_s for r in reps if r.start_s > last.end_s]
        t_cut = 0.5 * (last.end_s + later[0]) if later else last.end_s
        for r in reps:
            ok &= ~((t > r.start_s) & (t <= r.end_s))
        candidates = np.flatnonzero(ok & (t > last.end_s) & (t >= t_cut))
        if not candidates.size:
            return 0
        c = int(candidates[0])
        # The stretch on the board after the cut must be long too, or its displacement lacks the context the
        # whole stretch gives (an off-board spell soon after the cut would leave a short stretch).
        off = np.flatnonzero(~loaded[c:])
        return c if not off.size or t[c + int(off[0])] - t[c] >= SQUAT_SETTLE_S else 0

