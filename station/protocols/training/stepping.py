"""Stepping in place or step-ups: stance time and peak load (%BW) per step, affected vs unaffected."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from physical import STANDARD_GRAVITY_M_S2
from station.engine.live import LiveSamples
from station.protocols.training.base import TrainingEvent, TrainingMode


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
