"""Biofeedback training logic: targets, hold timers, success counts and scores (no Qt).

Each mode takes blocks of :class:`~station.protocols.live.LiveSamples` in time order
(:meth:`TrainingMode.update`) and returns :class:`TrainingEvent` objects — targets shown, targets hit
or missed, holds, repetitions, steps — which the session records in the HDF5 file as events. The GUI
only draws :meth:`TrainingMode.status`.

Modes
-----
* :class:`WeightShiftTraining` — the COP cursor must reach and hold each target in turn (targets
  placed by the clinician, or a rhythmic left-right pattern from :func:`alternating_targets`).
* :class:`SymmetricStanceTraining` — keep the affected limb's share of the load inside a band
  (e.g. 45-55 %); every ``hold_s`` held continuously counts one success.
* :class:`MiniSquatTraining` — paced repetitions (down for half the cycle, up for the other half); a
  repetition succeeds when the affected share is inside the band for at least ``min_fraction`` of its
  loaded samples.
* :class:`SteppingTraining` — stepping in place or step-ups on the board: each stance of each limb
  (load above ``contact_n``) gives its stance time (s) and peak load (%BW, by body weight); the affected
  limb's steps are compared with the unaffected limb's and with a target peak.

Timing is on the device clock. Hold time is measured from the first sample inside a zone to the
current sample; a sample outside (or unloaded) restarts it. All per-sample work is vectorised; Python
loops run over events (successes, repetitions, steps), never over samples.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analysis._checks import STANDARD_GRAVITY_M_S2
from station.protocols.live import LiveSamples

__all__ = [
    "MODES",
    "CopTarget",
    "HoldTimer",
    "LoadBand",
    "MiniSquatTraining",
    "SteppingTraining",
    "SymmetricStanceTraining",
    "TrainingEvent",
    "TrainingMode",
    "UnderloadCue",
    "WeightShiftTraining",
    "alternating_targets",
    "make_mode",
    "parse_targets",
]


@dataclass(frozen=True)
class TrainingEvent:
    """Something the training logic recorded: ``code`` (short, machine-readable) and a human ``label``."""

    t_s: float
    code: str
    label: str = ""


@dataclass(frozen=True)
class CopTarget:
    """A circular COP target zone: centre (x, y) and radius, mm, in the device frame."""

    x_mm: float
    y_mm: float
    radius_mm: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.x_mm) and math.isfinite(self.y_mm)):
            raise ValueError(f"target centre must be finite, got ({self.x_mm}, {self.y_mm}) mm")
        if not (math.isfinite(self.radius_mm) and self.radius_mm > 0):
            raise ValueError(f"target radius must be > 0 mm, got {self.radius_mm}")

    def contains(self, x_mm: np.ndarray, y_mm: np.ndarray) -> np.ndarray:
        """True where (x, y) is inside the circle (NaN is outside)."""
        with np.errstate(invalid="ignore"):
            return np.hypot(np.asarray(x_mm) - self.x_mm, np.asarray(y_mm) - self.y_mm) <= self.radius_mm

    def describe(self) -> str:
        return f"({self.x_mm:+.1f}, {self.y_mm:+.1f}) mm r={self.radius_mm:.1f} mm"


@dataclass(frozen=True)
class LoadBand:
    """A band for the affected limb's share of the load, % (e.g. 45-55 for symmetric stance).

    ``max_pct = 100`` gives a one-sided band: "put at least ``min_pct`` % on your affected leg".
    """

    min_pct: float
    max_pct: float = 100.0

    def __post_init__(self) -> None:
        if not (0.0 <= self.min_pct < self.max_pct <= 100.0):
            raise ValueError(f"load band must satisfy 0 <= min < max <= 100 %, got {self.min_pct}-{self.max_pct} %")

    def contains(self, pct: np.ndarray) -> np.ndarray:
        """True where the share is inside the band (NaN is outside)."""
        p = np.asarray(pct)
        with np.errstate(invalid="ignore"):
            return (p >= self.min_pct) & (p <= self.max_pct)

    def describe(self) -> str:
        if self.max_pct >= 100.0:
            return f">= {self.min_pct:.0f} % on the affected limb"
        return f"{self.min_pct:.0f}-{self.max_pct:.0f} % on the affected limb"


def alternating_targets(
    n: int, *, amplitude_mm: float = 60.0, radius_mm: float = 25.0, axis: str = "x"
) -> list[CopTarget]:
    """A rhythmic weight-shift pattern: ``n`` targets alternating at ±amplitude along ``axis``, right first."""
    if n < 1:
        raise ValueError(f"need at least one target, got {n}")
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' (left-right) or 'y' (forward-back), got {axis!r}")
    signs = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    return [
        CopTarget(s * amplitude_mm if axis == "x" else 0.0, s * amplitude_mm if axis == "y" else 0.0, radius_mm)
        for s in signs
    ]


class HoldTimer:
    """Continuous time inside a zone, over blocks of samples.

    ``update(t, inside)`` returns the time of the first sample at which the hold reached ``hold_s``
    (or None). A success restarts the timer at that time, so holding on counts the next hold from there;
    the caller passes the samples after it again (or calls :meth:`reset` for a new zone).
    """

    def __init__(self, hold_s: float) -> None:
        if not (math.isfinite(hold_s) and hold_s > 0):
            raise ValueError(f"hold time must be > 0 s, got {hold_s}")
        self.hold_s = float(hold_s)
        self.entered_t_s: float | None = None  # when the current stay inside began
        self.held_s = 0.0  # hold at the last sample seen, s

    def reset(self) -> None:
        """Forget any stay inside (e.g. a new target)."""
        self.entered_t_s = None
        self.held_s = 0.0

    def restart(self, t_s: float) -> None:
        """Count the next hold from ``t_s`` (the cursor is still inside)."""
        self.entered_t_s = t_s
        self.held_s = 0.0

    @property
    def progress(self) -> float:
        """Fraction of the hold done, 0-1."""
        return min(self.held_s / self.hold_s, 1.0)

    def update(self, t_s: np.ndarray, inside: np.ndarray) -> float | None:
        """Advance over one block; the time at which the hold completed, or None."""
        t = np.asarray(t_s, dtype=np.float64)
        m = np.asarray(inside, dtype=bool)
        if t.size == 0:
            return None
        idx = np.arange(t.size)
        prev = np.concatenate([[self.entered_t_s is not None], m[:-1]])
        starts = m & ~prev
        start_idx = np.maximum.accumulate(np.where(starts, idx, -1))
        carried = self.entered_t_s if self.entered_t_s is not None else np.nan
        entry = np.where(start_idx >= 0, t[np.maximum(start_idx, 0)], carried)
        held = np.where(m, t - entry, -np.inf)
        done = np.flatnonzero(held >= self.hold_s)
        if done.size:
            hit = float(t[int(done[0])])
            self.restart(hit)
            return hit
        self.entered_t_s = float(entry[-1]) if m[-1] else None
        self.held_s = float(held[-1]) if m[-1] else 0.0
        return None


class TrainingMode(ABC):
    """Common interface of the training modes."""

    name: str = ""

    def __init__(self) -> None:
        self.successes = 0
        self.attempts = 0
        self.finished = False
        self._started = False

    @abstractmethod
    def settings(self) -> dict[str, tuple[Any, str]]:
        """The mode's settings with units, to store in the recording."""

    @abstractmethod
    def _advance(self, s: LiveSamples) -> list[TrainingEvent]: ...

    def _begin(self, t0: float) -> list[TrainingEvent]:
        return [TrainingEvent(t0, "training_start", f"{self.name}: {self.describe()}")]

    @abstractmethod
    def describe(self) -> str:
        """One line for the patient and for the file."""

    def update(self, s: LiveSamples) -> list[TrainingEvent]:
        """Advance over a block of samples (time-ordered, after the previous block)."""
        if s.n_samples == 0 or self.finished:
            return []
        events: list[TrainingEvent] = []
        if not self._started:
            self._started = True
            events += self._begin(float(s.t_s[0]))
        events += self._advance(s)
        return events

    def finish(self, t_s: float) -> list[TrainingEvent]:
        """End the training at ``t_s``; the score event."""
        self.finished = True
        return [TrainingEvent(t_s, "score", self.score_label())]

    def score_label(self) -> str:
        return f"{self.name}: {self.successes} of {self.attempts} succeeded"

    @abstractmethod
    def status(self) -> dict[str, Any]:
        """What the views show: keys ``message``, ``successes``, ``attempts``, ``hold_progress`` and
        mode-specific ones (``target`` CopTarget, ``band`` LoadBand)."""


class WeightShiftTraining(TrainingMode):
    """Reach and hold each COP target in turn.

    Parameters
    ----------
    targets : sequence of CopTarget
        In the order they are shown.
    hold_s : float
        Time the cursor must stay inside a target, s.
    timeout_s : float, optional
        A target not held within this time (s) is missed and the next one is shown.
    """

    name = "weight_shift"

    def __init__(self, targets: list[CopTarget], *, hold_s: float = 1.0, timeout_s: float | None = 10.0) -> None:
        super().__init__()
        if not targets:
            raise ValueError("weight-shift training needs at least one target")
        if timeout_s is not None and not timeout_s > hold_s:
            raise ValueError(f"timeout ({timeout_s} s) must be longer than the hold ({hold_s} s)")
        self.targets = list(targets)
        self.timer = HoldTimer(hold_s)
        self.timeout_s = timeout_s
        self.index = 0
        self.shown_t_s = 0.0

    def describe(self) -> str:
        return f"{len(self.targets)} targets, hold {self.timer.hold_s:g} s"

    def settings(self) -> dict[str, tuple[Any, str]]:
        xy = np.array([(t.x_mm, t.y_mm, t.radius_mm) for t in self.targets])
        return {
            "training.mode": (self.name, ""),
            "training.hold_s": (self.timer.hold_s, "s"),
            "training.timeout_s": ("" if self.timeout_s is None else self.timeout_s, "s"),
            "training.targets_x_mm": (xy[:, 0], "mm"),
            "training.targets_y_mm": (xy[:, 1], "mm"),
            "training.targets_radius_mm": (xy[:, 2], "mm"),
        }

    @property
    def target(self) -> CopTarget | None:
        return self.targets[self.index] if self.index < len(self.targets) else None

    def _show(self, t: float) -> list[TrainingEvent]:
        self.timer.reset()
        self.shown_t_s = t
        target = self.target
        if target is None:
            self.finished = True
            return [TrainingEvent(t, "training_done", self.score_label())]
        self.attempts += 1
        return [TrainingEvent(t, "target_on", f"target {self.index + 1}/{len(self.targets)} {target.describe()}")]

    def _begin(self, t0: float) -> list[TrainingEvent]:
        return super()._begin(t0) + self._show(t0)

    def _advance(self, s: LiveSamples) -> list[TrainingEvent]:
        events: list[TrainingEvent] = []
        while s.n_samples and self.target is not None:
            target = self.target
            inside = target.contains(s.cop_x_mm, s.cop_y_mm) & s.loaded
            if self.timeout_s is not None:
                inside = inside & (s.t_s < self.shown_t_s + self.timeout_s)
            hit = self.timer.update(s.t_s, inside)
            if hit is not None:
                self.successes += 1
                events.append(TrainingEvent(hit, "target_hit", f"target {self.index + 1} held {self.timer.hold_s:g} s"))
                self.index += 1
                events += self._show(hit)
                s = s.since(np.nextafter(hit, np.inf))
                continue
            deadline = None if self.timeout_s is None else self.shown_t_s + self.timeout_s
            if deadline is not None and s.t_s[-1] >= deadline:
                events.append(TrainingEvent(deadline, "target_miss", f"target {self.index + 1} not held in time"))
                self.index += 1
                events += self._show(deadline)
                s = s.since(deadline)
                continue
            break
        return events

    def status(self) -> dict[str, Any]:
        n = len(self.targets)
        shown = min(self.index + 1, n)
        return {
            "message": "Done!" if self.target is None else f"Move the dot into the circle and hold ({shown}/{n})",
            "successes": self.successes,
            "attempts": self.attempts,
            "hold_progress": self.timer.progress,
            "target": self.target,
        }


class SymmetricStanceTraining(TrainingMode):
    """Hold the affected limb's share inside a band; each ``hold_s`` held counts one success."""

    name = "symmetric_stance"

    def __init__(self, band: LoadBand, *, hold_s: float = 3.0) -> None:
        super().__init__()
        self.band = band
        self.timer = HoldTimer(hold_s)
        self.time_in_band_s = 0.0
        self.time_total_s = 0.0
        self._last_t: float | None = None
        self._last_inside = False

    def describe(self) -> str:
        return f"keep {self.band.describe()}, hold {self.timer.hold_s:g} s"

    def settings(self) -> dict[str, tuple[Any, str]]:
        return {
            "training.mode": (self.name, ""),
            "training.hold_s": (self.timer.hold_s, "s"),
            "training.band_min_pct": (self.band.min_pct, "%"),
            "training.band_max_pct": (self.band.max_pct, "%"),
        }

    def _advance(self, s: LiveSamples) -> list[TrainingEvent]:
        inside = self.band.contains(s.affected_pct) & s.loaded
        # time in band: each interval counts for the state of the sample that starts it (sample-and-hold)
        t = s.t_s if self._last_t is None else np.concatenate([[self._last_t], s.t_s])
        was_inside = inside if self._last_t is None else np.concatenate([[self._last_inside], inside])
        dt = np.diff(t)
        self.time_total_s += float(dt.sum())
        self.time_in_band_s += float(dt[was_inside[:-1]].sum())
        self._last_t, self._last_inside = float(s.t_s[-1]), bool(inside[-1])
        events: list[TrainingEvent] = []
        while s.n_samples:
            hit = self.timer.update(s.t_s, inside)
            if hit is None:
                break
            self.successes += 1
            self.attempts += 1
            events.append(TrainingEvent(hit, "hold_success", f"hold {self.successes}: {self.band.describe()}"))
            keep = s.t_s > hit
            s, inside = s.since(np.nextafter(hit, np.inf)), inside[keep]
        return events

    @property
    def percent_in_band(self) -> float:
        """Share of the training time spent inside the band, %."""
        return 100.0 * self.time_in_band_s / self.time_total_s if self.time_total_s > 0 else 0.0

    def score_label(self) -> str:
        return f"{self.name}: {self.successes} holds, {self.percent_in_band:.1f} % of {self.time_total_s:.1f} s in band"

    def status(self) -> dict[str, Any]:
        return {
            "message": f"Keep {self.band.describe()}",
            "successes": self.successes,
            "attempts": self.attempts,
            "hold_progress": self.timer.progress,
            "band": self.band,
        }


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


@dataclass
class _Stance:
    start_t_s: float | None = None  # first loaded sample of the current stance, s
    peak_n: float = 0.0  # peak load so far in the current stance, N
    last_on_t_s: float = math.nan  # last loaded sample seen, s
    steps: list[tuple[float, float]] = field(default_factory=list)  # (stance time s, peak %BW)


class SteppingTraining(TrainingMode):
    """Stepping: stance time and peak load of every step, affected vs unaffected limb, against a target.

    A limb is in stance while its load is at least ``contact_n``. When a stance ends, a ``step`` event
    records the limb, its stance time (s, first to last loaded sample) and its peak load in % body weight
    (peak N / (mass·g)). An affected-limb step succeeds when its peak reaches ``target_peak_pct_bw``.
    """

    name = "stepping"

    def __init__(self, body_mass_kg: float, *, target_peak_pct_bw: float = 90.0, contact_n: float = 50.0) -> None:
        super().__init__()
        if not (math.isfinite(body_mass_kg) and body_mass_kg > 0):
            raise ValueError(f"stepping needs the body mass (> 0 kg), got {body_mass_kg}")
        if not target_peak_pct_bw > 0:
            raise ValueError(f"target peak must be > 0 %BW, got {target_peak_pct_bw}")
        if not contact_n > 0:
            raise ValueError(f"contact threshold must be > 0 N, got {contact_n}")
        self.body_weight_n = body_mass_kg * STANDARD_GRAVITY_M_S2
        self.target_peak_pct_bw = float(target_peak_pct_bw)
        self.contact_n = float(contact_n)
        self.limbs = {"affected": _Stance(), "unaffected": _Stance()}

    def describe(self) -> str:
        return f"step; affected limb peak >= {self.target_peak_pct_bw:g} %BW"

    def settings(self) -> dict[str, tuple[Any, str]]:
        return {
            "training.mode": (self.name, ""),
            "training.target_peak_pct_bw": (self.target_peak_pct_bw, "%BW"),
            "training.contact_n": (self.contact_n, "N"),
            "training.body_weight_n": (self.body_weight_n, "N"),
        }

    def _advance(self, s: LiveSamples) -> list[TrainingEvent]:
        events: list[TrainingEvent] = []
        for limb, load in (("affected", s.affected_n), ("unaffected", s.unaffected_n)):
            events += self._limb(limb, s.t_s, np.asarray(load, dtype=np.float64))
        events.sort(key=lambda e: e.t_s)
        return events

    def _limb(self, limb: str, t: np.ndarray, load: np.ndarray) -> list[TrainingEvent]:
        st = self.limbs[limb]
        on = load >= self.contact_n
        prev = np.concatenate([[st.start_t_s is not None], on[:-1]])
        starts = np.flatnonzero(on & ~prev)
        ends = np.flatnonzero(~on & prev)  # the first unloaded sample after a stance
        events = []
        seg_start = 0  # where the current stance's samples begin in this block
        # a loop over stance boundaries (steps), not over samples
        for i, is_start in sorted([(int(i), True) for i in starts] + [(int(i), False) for i in ends]):
            if is_start:
                st.start_t_s, st.peak_n, seg_start = float(t[i]), 0.0, i
                continue
            peak = max(st.peak_n, float(load[seg_start:i].max()) if i > seg_start else 0.0)
            last_on = float(t[i - 1]) if i > 0 else st.last_on_t_s
            assert st.start_t_s is not None
            events.append(self._step(limb, float(t[i]), last_on - st.start_t_s, 100.0 * peak / self.body_weight_n))
            st.start_t_s, st.peak_n = None, 0.0
        if st.start_t_s is not None:
            st.peak_n = max(st.peak_n, float(load[seg_start:].max()))
            st.last_on_t_s = float(t[-1])
        return events

    def _step(self, limb: str, t_end: float, stance_s: float, peak_pct: float) -> TrainingEvent:
        self.limbs[limb].steps.append((stance_s, peak_pct))
        code = "step"
        if limb == "affected":
            self.attempts += 1
            if peak_pct >= self.target_peak_pct_bw:
                self.successes += 1
                code = "step_success"
        return TrainingEvent(t_end, code, f"{limb} step: stance {stance_s:.3f} s, peak {peak_pct:.1f} %BW")

    def summary(self, limb: str) -> tuple[int, float, float]:
        """(steps, mean stance time s, mean peak %BW) of ``limb`` ("affected" or "unaffected")."""
        steps = np.array(self.limbs[limb].steps, dtype=np.float64).reshape(-1, 2)
        if steps.shape[0] == 0:
            return 0, math.nan, math.nan
        return int(steps.shape[0]), float(steps[:, 0].mean()), float(steps[:, 1].mean())

    def score_label(self) -> str:
        na, sa, pa = self.summary("affected")
        nu, su, pu = self.summary("unaffected")
        return (
            f"{self.name}: affected {na} steps, stance {sa:.3f} s, peak {pa:.1f} %BW; "
            f"unaffected {nu} steps, stance {su:.3f} s, peak {pu:.1f} %BW; "
            f"{self.successes} of {self.attempts} affected steps reached {self.target_peak_pct_bw:g} %BW"
        )

    def status(self) -> dict[str, Any]:
        na, sa, pa = self.summary("affected")
        nu, su, pu = self.summary("unaffected")
        return {
            "message": "Step: load your affected leg" if na == 0
            else f"Affected leg {pa:.0f} %BW · goal {self.target_peak_pct_bw:g} %BW",
            "successes": self.successes,
            "attempts": self.attempts,
            "hold_progress": 0.0,
            "steps": {"affected": (na, sa, pa), "unaffected": (nu, su, pu)},
            "step_list": {limb: list(st.steps[-20:]) for limb, st in self.limbs.items()},
            "target_peak_pct_bw": self.target_peak_pct_bw,
        }


class UnderloadCue:
    """When to sound a cue: the affected share has been below ``min_pct`` for ``after_s``; at most every
    ``after_s`` while it stays below. Unloaded samples never cue (nobody on the board)."""

    def __init__(self, min_pct: float, *, after_s: float = 1.0) -> None:
        if not 0 < min_pct < 100:
            raise ValueError(f"cue threshold must be within 0-100 %, got {min_pct}")
        self.min_pct = float(min_pct)
        self.timer = HoldTimer(after_s)

    def update(self, s: LiveSamples) -> list[float]:
        """Times (s) at which a cue is due in this block."""
        with np.errstate(invalid="ignore"):
            under = s.loaded & (s.affected_pct < self.min_pct)
        cues: list[float] = []
        while s.n_samples:
            t = self.timer.update(s.t_s, under)
            if t is None:
                break
            cues.append(t)
            keep = s.t_s > t
            s, under = s.since(np.nextafter(t, np.inf)), under[keep]
        return cues


def parse_targets(text: str, radius_mm: float) -> list[CopTarget]:
    """Targets typed by the clinician as ``x,y; x,y; ...`` in mm, each with radius ``radius_mm``.

    >>> [t.describe() for t in parse_targets("60,0; -60, 0", 20)]
    ['(+60.0, +0.0) mm r=20.0 mm', '(-60.0, +0.0) mm r=20.0 mm']
    """
    targets = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        xy = part.split(",")
        try:
            x, y = (float(v) for v in xy)
        except ValueError:
            raise ValueError(f"a target must be 'x,y' in mm, got {part!r}") from None
        targets.append(CopTarget(x, y, radius_mm))
    if not targets:
        raise ValueError(f"no targets in {text!r}; write them as 'x,y; x,y' in mm")
    return targets


def make_mode(
    name: str,
    *,
    band: LoadBand,
    hold_s: float,
    targets: list[CopTarget] | None = None,
    body_mass_kg: float | None = None,
    target_peak_pct_bw: float = 90.0,
) -> TrainingMode:
    """Build a training mode from the settings the clinician entered."""
    if name == WeightShiftTraining.name:
        return WeightShiftTraining(targets or alternating_targets(6), hold_s=hold_s)
    if name == SymmetricStanceTraining.name:
        return SymmetricStanceTraining(band, hold_s=hold_s)
    if name == MiniSquatTraining.name:
        return MiniSquatTraining(band)
    if name == SteppingTraining.name:
        if body_mass_kg is None:
            raise ValueError("the stepping mode needs the body mass (kg) to express peaks in %BW")
        return SteppingTraining(body_mass_kg, target_peak_pct_bw=target_peak_pct_bw)
    raise ValueError(f"unknown training mode {name!r}; known: {', '.join(MODES)}")


#: Training modes by name (for the GUI's mode picker and the CLI).
MODES: dict[str, type[TrainingMode]] = {
    cls.name: cls for cls in (WeightShiftTraining, SymmetricStanceTraining, MiniSquatTraining, SteppingTraining)
}
