"""A simulated home patient over weeks: which planned sessions they do, how many repetitions, their pain and their
gradual improvement (drives :class:`~drivers.sim.home_patient.SimulatedHomeBoard` day by day)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["HomePatientCourse", "SessionPlanTruth"]


@dataclass(frozen=True)
class SessionPlanTruth:
    """What the simulated patient does on one day."""

    day: int
    done: bool
    reps_fraction: float
    affected_share_pct: float
    pain_before: float
    pain_after: float
    pain_next_day: float


class HomePatientCourse:
    """The simulated patient over weeks: compliance, pain and gradual improvement.

    Parameters
    ----------
    sessions_per_week : int
        Prescribed sessions per week; the patient plans them on evenly spread weekdays.
    skip_days : iterable of int
        Planned session days (0-based day numbers) the patient skips.
    reps_fraction : float
        Fraction of the prescribed repetitions the patient performs (compliance with the dose).
    affected_share_pct : float
        Habitual affected-limb share on day 0, %.
    improvement_per_session : float
        Percentage points of affected-limb share gained per session done (capped at 50 %).
    pain_before, pain_after : float
        Pain 0-10 before and right after a session; ``pain_next_day`` the rating of the next 24 h.
    flare_days : mapping of day -> (pain after, pain next day), optional
        Days on which the session hurts more.
    """

    def __init__(self, sessions_per_week: int = 3, *, skip_days: tuple[int, ...] = (), reps_fraction: float = 1.0,
                 affected_share_pct: float = 42.0, improvement_per_session: float = 0.5, pain_before: float = 2.0,
                 pain_after: float = 3.0, pain_next_day: float = 2.0,
                 flare_days: Mapping[int, tuple[float, float]] | None = None) -> None:
        if not 1 <= sessions_per_week <= 7:
            raise ValueError(f"sessions_per_week must be 1-7 for the simulated patient, got {sessions_per_week}")
        self.sessions_per_week = sessions_per_week
        self.skip_days = frozenset(skip_days)
        self.reps_fraction = reps_fraction
        self.affected_share_pct = affected_share_pct
        self.improvement_per_session = improvement_per_session
        self.pain = (pain_before, pain_after, pain_next_day)
        self.flare_days = dict(flare_days or {})

    def planned_days(self, n_days: int) -> list[int]:
        """Days (0-based) the patient plans a session: evenly spread within each week."""
        per_week = [int(k * 7 // self.sessions_per_week) for k in range(self.sessions_per_week)]
        return [w * 7 + d for w in range((n_days + 6) // 7) for d in per_week if w * 7 + d < n_days]

    def days(self, n_days: int) -> list[SessionPlanTruth]:
        out = []
        done = 0
        for day in self.planned_days(n_days):
            performed = day not in self.skip_days
            share = min(self.affected_share_pct + self.improvement_per_session * done, 50.0)
            before, after, next_day = self.pain
            if day in self.flare_days:
                after, next_day = self.flare_days[day]
            out.append(SessionPlanTruth(day, performed, self.reps_fraction, share, before, after, next_day))
            done += performed
        return out
