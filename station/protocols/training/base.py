"""Training building blocks: events, COP targets, load bands, hold timers, the mode interface, cues."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from station.engine.live import LiveSamples


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
