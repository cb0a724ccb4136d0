"""Home sessions written straight into the store (no recordings): hand-built cases for flags and progression."""

from __future__ import annotations

import json
import secrets

from station.home.dose import ExerciseDoseDone
from station.home.prescription import Prescription
from station.store.home import add_home_session as store_home_session


def add_home_session(store, p: Prescription, date: str, *, pain_before=None, pain_after=None, pain_next_day=None,
                     on_target_fraction: float = 1.0) -> int:
    """A home session of ``p`` on ``date``: every prescribed repetition done, ``on_target_fraction`` of them on
    target (rounded down), one value of 50 %BW per repetition."""
    doses = []
    for d in p.exercises:
        n = d.sets * d.reps
        doses.append(ExerciseDoseDone(d.exercise, d.sets, d.sets, n, n, int(n * on_target_fraction), 0,
                                      d.hold_s, 0.0, (50.0,) * n))
    session = store.add_session(p.patient_id, date, place="home")
    store_home_session(store, session.id, uid=secrets.token_hex(16), prescription_version=p.version,
                       pain_before=pain_before, pain_after=pain_after, pain_next_day=pain_next_day,
                       summary_json=json.dumps([x.to_dict() for x in doses]))
    return session.id
