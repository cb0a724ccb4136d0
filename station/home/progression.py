"""Progression suggestion: advance, hold or step back, with the rule that fired (prescription.py: sources).

Rules, checked in this order on the home sessions under the current prescription version:

1. **NEMEX pain zone** (Ageberg et al. 2010): pain right after the latest session > ``pain_during_max`` (5, "high
   risk") -> step back.
2. **24-h rule, limit**: pain in the 24 h after any of the last ``sessions_required`` sessions >
   ``pain_next_day_max`` -> step back.
3. **24-h rule, My Hip Exercise**: pain the day after higher than before that session (pain lasting more than a
   day) -> hold (do not progress).
4. **Not enough data**: fewer than ``sessions_required`` sessions -> hold.
5. **Success**: in each of the last ``sessions_required`` sessions, reps on target / reps prescribed >=
   ``success_fraction`` -> advance; otherwise hold, naming the session that fell short.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.home.adherence import home_sessions
from station.home.prescription import Prescription, current_prescription
from station.store.store import Store

__all__ = ["ProgressionDecision", "suggest_progression"]


@dataclass(frozen=True)
class ProgressionDecision:
    action: str  # advance | hold | step-back
    rule: str
    detail: str


def suggest_progression(store: Store, patient_id: str, prescription: Prescription | None = None
                        ) -> ProgressionDecision:
    """The suggestion for the patient's current prescription and the rule that decided it."""
    p = prescription or current_prescription(store, patient_id)
    r = p.rule
    sessions = [s for s in home_sessions(store, patient_id) if s.prescription_version == p.version]
    if not sessions:
        return ProgressionDecision("hold", "no data", f"no home session under prescription v{p.version} yet")
    last = sessions[-1]
    if last.pain_after is not None and last.pain_after > r.pain_during_max:
        return ProgressionDecision(
            "step-back", "NEMEX pain zone",
            f"pain {last.pain_after:g}/10 after the session of {last.date} is above {r.pain_during_max:g} "
            "(high risk zone, Ageberg et al. 2010)")
    recent = sessions[-r.sessions_required:]
    for s in recent:
        if s.pain_next_day is not None and s.pain_next_day > r.pain_next_day_max:
            return ProgressionDecision(
                "step-back", "24-h pain rule",
                f"pain {s.pain_next_day:g}/10 in the 24 h after the session of {s.date} is above "
                f"{r.pain_next_day_max:g}")
    for s in recent:
        if s.pain_next_day is not None and s.pain_before is not None and s.pain_next_day > s.pain_before:
            return ProgressionDecision(
                "hold", "24-h pain rule (My Hip Exercise)",
                f"pain rose from {s.pain_before:g} before the session of {s.date} to {s.pain_next_day:g} the day "
                "after: do not progress while pain lasts more than a day")
    if len(sessions) < r.sessions_required:
        return ProgressionDecision("hold", "not enough sessions",
                                   f"{len(sessions)} of {r.sessions_required} sessions needed under v{p.version}")
    for s in recent:
        if s.success_fraction < r.success_fraction:
            return ProgressionDecision(
                "hold", "success fraction",
                f"{s.reps_on_target} of {s.reps_prescribed} repetitions on target on {s.date} "
                f"({s.success_fraction:.0%} < {r.success_fraction:.0%})")
    return ProgressionDecision(
        "advance", "success fraction",
        f"at least {r.success_fraction:.0%} of repetitions on target in the last {r.sessions_required} sessions "
        f"and pain within the limits (after <= {r.pain_during_max:g}, next day <= {r.pain_next_day_max:g})")
