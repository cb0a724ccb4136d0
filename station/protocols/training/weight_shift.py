"""Weight shift: reach and hold each COP target in turn (targets from the clinician or alternating)."""

from __future__ import annotations

from typing import Any

import numpy as np

from station.engine.live import LiveSamples
from station.protocols.training.base import CopTarget, HoldTimer, TrainingEvent, TrainingMode


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
