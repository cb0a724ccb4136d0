"""Symmetric stance: keep the affected limb's share of the load inside a band; each held period counts."""

from __future__ import annotations

from typing import Any

import numpy as np

from station.engine.live import LiveSamples
from station.protocols.training.base import HoldTimer, LoadBand, TrainingEvent, TrainingMode


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
