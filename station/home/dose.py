"""The dose a session delivered, from the sensor: per exercise, what was done against what was prescribed.

Reps done are *complete* repetitions detected on the board (:func:`analysis.repetitions.detect_repetitions`),
never ticks; "on target" are those that also met the load target. Hold achieved is the longest continuous
hold on target, s; time in band is the time with the affected-limb load inside the target band, s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from analysis.repetitions import RepetitionResult
from station.home.prescription import ExerciseDose, Prescription

__all__ = ["ExerciseDoseDone", "dose_summary", "set_result_dict"]


@dataclass(frozen=True)
class ExerciseDoseDone:
    """One exercise of one session: measured dose against the prescription."""

    exercise: str
    sets_done: int
    sets_prescribed: int
    reps_done: int
    reps_prescribed: int
    reps_on_target: int
    reps_incomplete: int
    hold_best_s: float
    time_in_band_s: float
    affected_pct_bw_per_rep: tuple[float, ...]

    @property
    def dose_fraction(self) -> float:
        """Complete reps done / prescribed (can exceed 1)."""
        return self.reps_done / self.reps_prescribed

    @property
    def success_fraction(self) -> float:
        """Reps on target / reps prescribed (0-1): the progression rule's quality criterion."""
        return min(self.reps_on_target / self.reps_prescribed, 1.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise, "sets_done": self.sets_done, "sets_prescribed": self.sets_prescribed,
            "reps_done": self.reps_done, "reps_prescribed": self.reps_prescribed,
            "reps_on_target": self.reps_on_target, "reps_incomplete": self.reps_incomplete,
            "hold_best_s": self.hold_best_s, "time_in_band_s": self.time_in_band_s,
            "affected_pct_bw_per_rep": list(self.affected_pct_bw_per_rep),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExerciseDoseDone:
        return cls(**{**d, "affected_pct_bw_per_rep": tuple(d["affected_pct_bw_per_rep"])})


def set_result_dict(exercise: str, set_index: int, dose: ExerciseDose, result: RepetitionResult,
                    affected_side: str) -> dict[str, Any]:
    """The stored analysis result of one home set (a trial's ``result``)."""
    complete = [r for r in result.repetitions if r.complete]
    d = result.to_dict()
    d.update({
        "protocol": "home",
        "exercise": exercise,
        "set_index": set_index,
        "affected_side": affected_side,
        "reps_prescribed": dose.reps,
        "hold_prescribed_s": dose.hold_s,
        "hold_best_s": max((r.hold_s for r in result.repetitions), default=0.0),
        "affected_mean_pct_bw": (sum(r.affected_mean_pct_bw for r in complete) / len(complete)) if complete else None,
        "on_target_pct": 100.0 * result.n_on_target / dose.reps,
    })
    return d


def dose_summary(prescription: Prescription, set_results: Sequence[tuple[str, RepetitionResult]]
                 ) -> list[ExerciseDoseDone]:
    """Per prescribed exercise, the dose of one session from ``(exercise key, result)`` per set recorded."""
    out = []
    for dose in prescription.exercises:
        results = [r for key, r in set_results if key == dose.exercise]
        reps = [rep for r in results for rep in r.repetitions]
        out.append(ExerciseDoseDone(
            exercise=dose.exercise,
            sets_done=len(results),
            sets_prescribed=dose.sets,
            reps_done=sum(r.n_complete for r in results),
            reps_prescribed=dose.sets * dose.reps,
            reps_on_target=sum(r.n_on_target for r in results),
            reps_incomplete=sum(r.n_incomplete for r in results),
            hold_best_s=max((rep.hold_s for rep in reps), default=0.0),
            time_in_band_s=sum(r.time_in_band_s for r in results),
            affected_pct_bw_per_rep=tuple(rep.affected_mean_pct_bw for rep in reps if rep.complete),
        ))
    return out
