"""Weeks of simulated home sessions in seconds: the demo and the end-to-end test walk this.

Each planned day of a :class:`~drivers.sim.home_course.HomePatientCourse` on which the patient exercises runs a
full :func:`~station.home.session.run_home_session` on a ``sim-home`` board (fast clock unless ``speed`` > 0),
with the course's pain ratings and its gradually improving affected-limb share.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from pathlib import Path

from drivers.sim.home_course import HomePatientCourse
from drivers.sim.home_patient import SimulatedHomeBoard
from station.home.prescription import current_prescription
from station.home.session import HomeSessionSummary, Step, run_home_session
from station.store.store import Store

__all__ = ["simulate_course"]


def simulate_course(store: Store, patient_id: str, course: HomePatientCourse, n_days: int,
                    out_dir: str | os.PathLike[str], *, seed: int = 0, speed: float = 0.0,
                    on_step: Callable[[Step], None] | None = None) -> list[HomeSessionSummary]:
    """Run the course's sessions for days 0..n_days-1 from the prescription's start date; their summaries."""
    p = current_prescription(store, patient_id)
    patient = store.patient(patient_id)
    start = _dt.date.fromisoformat(p.created)
    summaries = []
    previous_next_day: float | None = None
    for k, plan in enumerate(course.days(n_days)):
        if not plan.done:
            continue
        device = SimulatedHomeBoard(mass_kg=patient.mass_kg or 70.0, affected_side=patient.affected_side,
                                    affected_share_pct=plan.affected_share_pct, compliance=plan.reps_fraction,
                                    pain_before=plan.pain_before, pain_after=plan.pain_after,
                                    seed=seed * 100 + k, speed=speed)
        day = (start + _dt.timedelta(days=plan.day)).isoformat()
        summaries.append(run_home_session(device, p, store, Path(out_dir), ask_pain=device.simulated_pain,
                                          on_step=on_step, date=day, pain_next_day=previous_next_day))
        previous_next_day = plan.pain_next_day
    return summaries
