"""Adherence from the sensor (home-program-and-reports.md §2.2): what the board measured, against the prescription.

* Sessions per week: home sessions stored per week counted from the prescription's start date (week k =
  days 7k..7k+6 after ``created``), against ``sessions_per_week``.
* Dose per session: complete repetitions measured / repetitions prescribed, per session and per exercise.
* Days with data in the last 30 days (the RTM convention of ≥ 16 days per 30, §2.2).
* Streak of *prescribed* sessions done: rest days are compliant (a daily streak would push a 3×/week patient to
  over-exercise, §2.2). Counting back from the current week: every session of the current week so far, then each
  earlier complete week that met the prescription adds its sessions (at most the prescribed number: extra
  sessions are not rewarded); the first earlier week short of the prescription ends the streak.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

from station.home.dose import ExerciseDoseDone
from station.home.prescription import Prescription, current_prescription
from station.store.store import Store

__all__ = ["AdherenceSummary", "ExerciseAdherence", "HomeSessionRecord", "WeekAdherence", "adherence_summary",
           "home_sessions"]


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
            "exercises": [{**e.__dict__, "load_per_rep": [list(x) for x in e.load_per_rep]} for e in self.exercises],
        }


def home_sessions(store: Store, patient_id: str) -> list[HomeSessionRecord]:
    """The patient's home sessions with their pain ratings and measured dose, oldest first."""
    store.patient(patient_id)
    with store.transaction() as db:
        rows = db.execute(
            "SELECT s.id, s.date, h.prescription_version, h.pain_before, h.pain_after, h.pain_next_day,"
            " h.summary_json, h.uid FROM sessions s JOIN home_sessions h ON h.session_id = s.id"
            " WHERE s.patient_id = ? ORDER BY s.date, s.id", (patient_id,)).fetchall()
    return [HomeSessionRecord(r[0], r[1], r[2], r[3], r[4], r[5],
                              tuple(ExerciseDoseDone.from_dict(d) for d in json.loads(r[6])), r[7]) for r in rows]


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


def adherence_summary(store: Store, patient_id: str, today: str | _dt.date | None = None,
                      prescription: Prescription | None = None) -> AdherenceSummary:
    """Adherence of the patient's home sessions under the current prescription, as of ``today``."""
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
    return AdherenceSummary(patient_id, day.isoformat(), p.version, p.sessions_per_week, tuple(weeks),
                            tuple(sessions), len(last30), _streak(weeks), tuple(exercises))
