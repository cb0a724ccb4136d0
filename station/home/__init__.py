"""The home exercise program: prescriptions measured by the board, guided sessions, adherence, progression.

See docs/home-program.md.
"""

from station.home.adherence import AdherenceSummary, adherence_summary
from station.home.exercises import LIBRARY, Exercise, ExerciseKind, exercise
from station.home.live import LiveStatus, RepetitionCounter
from station.home.package import ImportResult, PackageError, export_package, import_package
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
from station.home.progression import ProgressionDecision, suggest_progression
from station.home.progression_steps import AppliedProgression, apply_suggestion
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
    "AdherenceSummary",
    "AppliedProgression",
    "Exercise",
    "ExerciseDose",
    "ExerciseKind",
    "HomeSessionSummary",
    "ImportResult",
    "LiveStatus",
    "PackageError",
    "Prescription",
    "PrescriptionError",
    "ProgressionDecision",
    "ProgressionRule",
    "RepetitionCounter",
    "SetOutcome",
    "Step",
    "Target",
    "adherence_summary",
    "analyze_set",
    "apply_suggestion",
    "current_prescription",
    "default_prescription",
    "exercise",
    "export_package",
    "finish_session",
    "import_package",
    "prescription_history",
    "record_set",
    "run_home_session",
    "save_prescription",
    "session_plan",
    "suggest_progression",
]
