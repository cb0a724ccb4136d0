"""Adherence from the sensor (docs/home-evidence.md §2.2): what the board measured, against the prescription.

* Sessions per week: home sessions stored per week counted from the prescription's start date (week k =
  days 7k..7k+6 after ``created``), against ``sessions_per_week``.
* Dose per session: complete repetitions measured / repetitions prescribed, per session and per exercise.
* Days with data in the last 30 days (the RTM convention of ≥ 16 days per 30, §2.2).
* Streak of *prescribed* sessions done: rest days are compliant (a daily streak would push a 3×/week patient to
  over-exercise, §2.2). Counting back from the current week: every session of the current week so far, then each
  earlier complete week that met the prescription adds its sessions (at most the prescribed number: extra
  sessions are not rewarded); the first earlier week short of the prescription ends the streak.
* Days since the last home session (any prescription version), and two flags for the clinician (§2.3):

  - **disengagement**: no home session for ``inactivity_days`` days or more (default 4, inside the 3-5 day
    "no HEP activity -> therapist check-in" rule, phyxup remote-PT HEP assignment docs); with no session at all,
    counted from the prescription's start date;
  - **pain**: a rating >= ``pain_flag`` (default 7/10, the "pain >= 7" feedback flag of Okta Health's session
    log) before, right after, or in the 24 h after a session under the current prescription; every such
    rating is named, coalesced into one flag (as that source coalesces them into one notification).
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

from station.home.dose import ExerciseDoseDone
from station.home.prescription import Prescription, current_prescription
from station.store.home import home_session_rows
from station.store.store import Store

__all__ = ["DEFAULT_INACTIVITY_DAYS", "DEFAULT_PAIN_FLAG", "AdherenceFlag", "AdherenceSummary", "ExerciseAdherence",
           "HomeSessionRecord", "WeekAdherence", "adherence_flags", "adherence_summary", "home_sessions"]

#: Days without a home session that raise the disengagement flag (the 3-5 day check-in rule, §2.3).
DEFAULT_INACTIVITY_DAYS = 4
#: A pain rating (0-10) at or above this raises the pain flag (Okta Health's "pain >= 7" session flag, §2.3).
DEFAULT_PAIN_FLAG = 7.0


@dataclass(frozen=True)
class HomeSessionRecord:
    session_id: int
    date: str
    prescription_version: int
    pain_before: float | None
    pain_after: float | None
    pain_next_day: float | None
    dose: tuple[ExerciseDoseDone, ...]
    uid: str = ""

    @property
    def reps_done(self) -> int:
        return sum(d.reps_done for d in self.dose)

    @property
    def reps_prescribed(self) -> int:
        return sum(d.reps_prescribed for d in self.dose)

    @property
    def reps_on_target(self) -> int:
        return sum(d.reps_on_target for d in self.dose)

    @property
    def dose_fraction(self) -> float:
        """Complete reps / prescribed reps over the whole session."""
        return self.reps_done / self.reps_prescribed if self.reps_prescribed else 0.0

    @property
    def success_fraction(self) -> float:
        """Reps on target / reps prescribed over the whole session (0-1)."""
        return min(self.reps_on_target / self.reps_prescribed, 1.0) if self.reps_prescribed else 0.0


@dataclass(frozen=True)
class WeekAdherence:
    week: int  # 0 = the prescription's first week
    start: str
    sessions_done: int
    sessions_prescribed: int
    complete: bool  # the week is over


@dataclass(frozen=True)
class ExerciseAdherence:
    exercise: str
    reps_done: int
    reps_prescribed: int
    reps_on_target: int
    hold_best_s: float
    time_in_band_s: float
    #: (date, affected-limb load of each complete repetition, %BW) per session, oldest first
    load_per_rep: tuple[tuple[str, tuple[float, ...]], ...]


@dataclass(frozen=True)
class AdherenceFlag:
    """Something the clinician should act on: ``kind`` is "disengagement" or "pain"; ``text`` says it in words."""

    kind: str
    text: str


@dataclass(frozen=True)
class AdherenceSummary:
    patient_id: str
    today: str
    prescription_version: int
    sessions_per_week_prescribed: int
    weeks: tuple[WeekAdherence, ...]
    sessions: tuple[HomeSessionRecord, ...]
    days_with_data_last_30: int
    streak_sessions: int
    exercises: tuple[ExerciseAdherence, ...] = field(default_factory=tuple)
    #: whole days from the last home session (any prescription version) to ``today``; None without any session
    days_since_last_session: int | None = None
    flags: tuple[AdherenceFlag, ...] = field(default_factory=tuple)

    @property
    def dose_per_session(self) -> list[tuple[str, float]]:
        return [(s.date, s.dose_fraction) for s in self.sessions]

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id, "today": self.today, "prescription_version": self.prescription_version,
            "sessions_per_week_prescribed": self.sessions_per_week_prescribed,
            "weeks": [w.__dict__ for w in self.weeks],
            "days_with_data_last_30": self.days_with_data_last_30, "streak_sessions": self.streak_sessions,
            "dose_per_session": self.dose_per_session,
            "days_since_last_session": self.days_since_last_session,
            "flags": [f.__dict__ for f in self.flags],
            "exercises": [{**e.__dict__, "load_per_rep": [list(x) for x in e.load_per_rep]} for e in self.exercises],
        }


def home_sessions(store: Store, patient_id: str) -> list[HomeSessionRecord]:
    """The patient's home sessions with their pain ratings and measured dose, oldest first."""
    store.patient(patient_id)
    return [HomeSessionRecord(*row[:6], tuple(ExerciseDoseDone.from_dict(d) for d in json.loads(row[6])), row[7])
            for row in home_session_rows(store, patient_id)]


def _streak(weeks: list[WeekAdherence]) -> int:
    if not weeks:
        return 0
    current = weeks[-1]
    streak = current.sessions_done if not current.complete else 0
    earlier = weeks[:-1] if not current.complete else weeks
    for w in reversed(earlier):
        if w.sessions_done < w.sessions_prescribed:
            break
        streak += min(w.sessions_done, w.sessions_prescribed)
    return streak


def adherence_flags(sessions: list[HomeSessionRecord], day: _dt.date, start: _dt.date, *,
                    inactivity_days: int = DEFAULT_INACTIVITY_DAYS, pain_flag: float = DEFAULT_PAIN_FLAG,
                    current: list[HomeSessionRecord] | None = None) -> tuple[int | None, tuple[AdherenceFlag, ...]]:
    """Days since the last session up to ``day`` and the flags (module docstring).

    ``sessions``: every home session of the patient (any version); ``current``: those under the current
    prescription up to ``day`` (the pain flag looks at these; default: ``sessions``); ``start``: the current
    prescription's start date (the disengagement count without any session).
    """
    if not (isinstance(inactivity_days, int) and not isinstance(inactivity_days, bool) and inactivity_days >= 1):
        raise ValueError(f"inactivity_days must be a whole number of days >= 1, got {inactivity_days!r}")
    if not (isinstance(pain_flag, int | float) and 0 < pain_flag <= 10):
        raise ValueError(f"pain_flag is on the 0-10 pain scale (> 0), got {pain_flag!r}")
    past = [_dt.date.fromisoformat(s.date) for s in sessions if _dt.date.fromisoformat(s.date) <= day]
    since = (day - max(past)).days if past else None
    flags = []
    if since is not None and since >= inactivity_days:
        flags.append(AdherenceFlag("disengagement", f"no home session for {since} days (last {max(past)}; "
                                                    f"check in after {inactivity_days})"))
    elif since is None and (day - start).days >= inactivity_days:
        flags.append(AdherenceFlag("disengagement", f"no home session for {(day - start).days} days: none since "
                                                    f"the prescription started on {start} (check in after "
                                                    f"{inactivity_days})"))
    reports = []
    for s in (sessions if current is None else current):
        for label, value in (("before", s.pain_before), ("right after", s.pain_after),
                             ("in the 24 h after", s.pain_next_day)):
            if value is not None and value >= pain_flag:
                reports.append(f"{value:g}/10 {label} the session of {s.date}")
    if reports:
        flags.append(AdherenceFlag("pain", f"pain >= {pain_flag:g} reported: " + "; ".join(reports)))
    return since, tuple(flags)


def adherence_summary(store: Store, patient_id: str, today: str | _dt.date | None = None,
                      prescription: Prescription | None = None, *, inactivity_days: int = DEFAULT_INACTIVITY_DAYS,
                      pain_flag: float = DEFAULT_PAIN_FLAG) -> AdherenceSummary:
    """Adherence of the patient's home sessions under the current prescription, as of ``today``, with the
    disengagement and pain flags (``inactivity_days``, ``pain_flag``: module docstring)."""
    p = prescription or current_prescription(store, patient_id)
    day = _dt.date.fromisoformat(str(today)) if today is not None else _dt.date.today()
    start = _dt.date.fromisoformat(p.created)
    everything = home_sessions(store, patient_id)
    sessions = [s for s in everything if start <= _dt.date.fromisoformat(s.date) <= day]
    n_weeks = max((day - start).days // 7 + 1, 0)
    weeks = []
    for k in range(n_weeks):
        w0 = start + _dt.timedelta(days=7 * k)
        w1 = w0 + _dt.timedelta(days=7)
        done = sum(w0 <= _dt.date.fromisoformat(s.date) < w1 for s in sessions)
        weeks.append(WeekAdherence(k, w0.isoformat(), done, p.sessions_per_week, complete=w1 <= day))
    last30 = {s.date for s in everything if 0 <= (day - _dt.date.fromisoformat(s.date)).days < 30}
    exercises = []
    for dose in p.exercises:
        per = [(s.date, d) for s in sessions for d in s.dose if d.exercise == dose.exercise]
        exercises.append(ExerciseAdherence(
            exercise=dose.exercise,
            reps_done=sum(d.reps_done for _, d in per),
            reps_prescribed=sum(d.reps_prescribed for _, d in per),
            reps_on_target=sum(d.reps_on_target for _, d in per),
            hold_best_s=max((d.hold_best_s for _, d in per), default=0.0),
            time_in_band_s=sum(d.time_in_band_s for _, d in per),
            load_per_rep=tuple((date, d.affected_pct_bw_per_rep) for date, d in per),
        ))
    since, flags = adherence_flags(everything, day, start, inactivity_days=inactivity_days, pain_flag=pain_flag,
                                   current=sessions)
    return AdherenceSummary(patient_id, day.isoformat(), p.version, p.sessions_per_week, tuple(weeks),
                            tuple(sessions), len(last30), _streak(weeks), tuple(exercises), since, flags)
