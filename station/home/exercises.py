"""The library of board-measurable hip exercises a home prescription draws from.

Each exercise says what the patient does (plain words, patient-facing) and what the board measures
(docs/home-evidence.md §3.2). A repetition is either a *hold* (``counts_holds``: the target kept for
``hold_s``) or a *movement* (a squat, a rise, a step), detected by :func:`analysis.repetitions.detect_repetitions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = ["LIBRARY", "Exercise", "ExerciseKind", "exercise"]


class ExerciseKind(StrEnum):
    """How the board segments repetitions (the ``kind`` of :func:`analysis.repetitions.detect_repetitions`)."""

    SYMMETRIC_STANCE = "symmetric-stance"
    WEIGHT_SHIFT = "weight-shift"
    MINI_SQUAT = "mini-squat"
    SIT_TO_STAND = "sit-to-stand"
    SINGLE_LEG_STANCE = "single-leg-stance"
    STEP_UP = "step-up"
    STEPPING_IN_PLACE = "stepping-in-place"


@dataclass(frozen=True)
class Exercise:
    """One exercise of the library.

    Attributes
    ----------
    key : str
        Library key (stored in prescriptions and as the recording's condition).
    kind : ExerciseKind
        How repetitions are detected.
    title : str
        Short, patient-facing name.
    instructions : str
        One or two plain sentences for the patient.
    condition : str
        "eyes-open", "eyes-closed", "foam" or "".
    measures : tuple of str
        What the board measures, human-readable.
    counts_holds : bool
        True when a repetition is a hold of ``hold_s``; False when it is a movement.
    """

    key: str
    kind: ExerciseKind
    title: str
    instructions: str
    condition: str
    measures: tuple[str, ...]
    counts_holds: bool


_EXERCISES = (
    Exercise("stance-eyes-open", ExerciseKind.SYMMETRIC_STANCE, "Stand evenly",
             "Stand on the board with your feet on the marks and share your weight evenly. "
             "Keep the bar in the green zone.", "eyes-open",
             ("affected-limb load, %BW", "time in the target band, s", "longest hold, s"), True),
    Exercise("stance-eyes-closed", ExerciseKind.SYMMETRIC_STANCE, "Stand evenly, eyes closed",
             "Stand evenly on the board, then close your eyes. Keep your weight shared; open your eyes if unsteady.",
             "eyes-closed", ("affected-limb load, %BW", "time in the target band, s", "longest hold, s"), True),
    Exercise("stance-foam", ExerciseKind.SYMMETRIC_STANCE, "Stand evenly on the cushion",
             "Put the foam cushion on the board and stand on it with your weight shared evenly.", "foam",
             ("affected-limb load, %BW", "time in the target band, s", "longest hold, s"), True),
    Exercise("weight-shift", ExerciseKind.WEIGHT_SHIFT, "Shift onto your sore side",
             "Slowly move your weight onto your sore leg until the bar is green, hold it, then come back "
             "to the middle.",
             "", ("affected-limb load per shift, %BW", "hold on target, s"), True),
    Exercise("mini-squat", ExerciseKind.MINI_SQUAT, "Small knee bends",
             "Bend your knees a little as if to sit, keeping your weight on both legs, then stand up tall.", "",
             ("squat depth from the vertical force, mm", "affected-limb load during each squat, %BW"), False),
    Exercise("sit-to-stand", ExerciseKind.SIT_TO_STAND, "Stand up from a chair",
             "Sit on a chair with your feet on the board. Stand up without using your hands, then sit down slowly.",
             "", ("rises completed", "affected-limb load while standing, %BW"), False),
    Exercise("single-leg-affected", ExerciseKind.SINGLE_LEG_STANCE, "Stand on your sore leg",
             "Hold on to a chair. Lift your other foot just off the board and stand on your sore leg.", "",
             ("hold time on one leg, s", "affected-limb load, %BW"), True),
    Exercise("step-up-affected", ExerciseKind.STEP_UP, "Step up onto the board",
             "Step up onto the board with your sore leg first, then the other leg, then step down again.", "",
             ("affected-limb peak load per step-up, %BW", "step-ups completed"), False),
    Exercise("stepping-in-place", ExerciseKind.STEPPING_IN_PLACE, "March on the spot",
             "March slowly on the board, lifting one foot at a time. Put your full weight on each leg.", "",
             ("affected-limb peak load per step, %BW", "steps on the sore leg"), False),
)

#: Every exercise by key (read-only).
LIBRARY: Mapping[str, Exercise] = MappingProxyType({e.key: e for e in _EXERCISES})


def exercise(key: str) -> Exercise:
    """The library exercise ``key``; a clear error naming the known keys otherwise."""
    try:
        return LIBRARY[key]
    except KeyError:
        raise ValueError(f"unknown exercise {key!r}; the library has: {', '.join(LIBRARY)}") from None
