"""The home exercise program: prescriptions measured by the board, guided sessions, adherence, progression.

See docs/home-program.md.
"""

from station.home.exercises import LIBRARY, Exercise, ExerciseKind, exercise
from station.home.prescription import (
    ExerciseDose,
    Prescription,
    PrescriptionError,
    ProgressionRule,
    Target,
    current_prescription,
    default_prescription,
    prescription_history,
    save_prescription,
)
from station.home.session import (
    HomeSessionSummary,
    SetOutcome,
    Step,
    analyze_set,
    finish_session,
    record_set,
    run_home_session,
    session_plan,
)

__all__ = [
    "LIBRARY",
    "Exercise",
    "ExerciseDose",
    "ExerciseKind",
    "HomeSessionSummary",
    "Prescription",
    "PrescriptionError",
    "ProgressionRule",
    "SetOutcome",
    "Step",
    "Target",
    "analyze_set",
    "current_prescription",
    "default_prescription",
    "exercise",
    "finish_session",
    "prescription_history",
    "record_set",
    "run_home_session",
    "save_prescription",
    "session_plan",
]
