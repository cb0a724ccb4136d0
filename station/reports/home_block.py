"""The report's Home program block: adherence and the progression suggestion of the patient's home program.

Numbers come from :mod:`station.home.adherence` and :mod:`station.home.progression` as they are; with
``deidentify`` the dates in the suggestion's detail keep only their year.
"""

from __future__ import annotations

import re
from typing import Any

from station.store.store import Store

__all__ = ["home_program_block"]

_ISO_DATE = re.compile(r"\b(\d{4})-\d{2}-\d{2}\b")


def home_program_block(store: Store, patient_id: str, deidentify: bool) -> dict[str, Any] | None:
    """Adherence and the progression suggestion of the patient's home program (None without a prescription)."""
    from station.home.adherence import adherence_summary
    from station.home.exercises import LIBRARY
    from station.home.prescription import prescription_history
    from station.home.progression import suggest_progression

    history = prescription_history(store, patient_id)
    if not history:
        return None
    a = adherence_summary(store, patient_id, prescription=history[-1])
    d = suggest_progression(store, patient_id, prescription=history[-1])
    doses = [f for _, f in a.dose_per_session]
    detail = _ISO_DATE.sub(r"\1", d.detail) if deidentify else d.detail
    return {
        "version": history[-1].version,
        "sessions_per_week": a.sessions_per_week_prescribed,
        "weeks": [(w.week + 1, w.sessions_done, w.sessions_prescribed, w.complete) for w in a.weeks],
        "n_sessions": len(a.sessions),
        "days_with_data_last_30": a.days_with_data_last_30,
        "streak": a.streak_sessions,
        "mean_dose_pct": 100.0 * sum(doses) / len(doses) if doses else None,
        "exercises": [(LIBRARY[e.exercise].title, e.reps_done, e.reps_prescribed, e.reps_on_target,
                       e.hold_best_s if LIBRARY[e.exercise].counts_holds else None) for e in a.exercises],
        "decision": (d.action, d.rule, detail),
    }
