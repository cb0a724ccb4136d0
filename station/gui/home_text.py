"""The words of the guided home session: the dose, the target in the patient's words, the questions, the
pace cues of a movement, and the summary at the end."""

from __future__ import annotations

from station.home import LIBRARY, ExerciseDose, Prescription, SetOutcome
from station.home.session import MOVEMENT_REP_S, SET_LEAD_IN_S

__all__ = ["NEXT_DAY_QUESTION", "PACE_PHASES", "dose_text", "pace_cue", "summary_lines", "target_text"]

#: Asked first when the patient has done a home session before; stored on that session (the 24-h pain rule of
#: station/home/progression.py).
NEXT_DAY_QUESTION = "How was your hip in the 24 hours after your last exercise session? (0 = no pain, 10 = worst)"


def dose_text(dose: ExerciseDose) -> str:
    """The dose in words: "3 sets of 10, hold 10 s, rest 60 s"."""
    hold = f", hold {dose.hold_s:g} s" if dose.hold_s else ""
    return f"{dose.sets} sets of {dose.reps}{hold}, rest {dose.rest_s:g} s between sets"


def target_text(dose: ExerciseDose) -> str:
    """The target in the patient's words (the numbers are on the screen as the green band)."""
    target = dose.target
    if target.affected_min_pct_bw is None and target.affected_max_pct_bw is None:
        return ""
    hold = f" for {dose.hold_s:g} seconds each time" if LIBRARY[dose.exercise].counts_holds and dose.hold_s else ""
    return f"Keep the bar of your sore leg in the green band{hold}."


def summary_lines(outcomes: list[SetOutcome], prescription: Prescription, pain_before: int | None,
                  pain_after: int | None) -> list[str]:
    """One line per exercise (repetitions counted by the board against the prescription) and the pain ratings."""
    lines = []
    for dose in prescription.exercises:
        sets = [o for o in outcomes if o.exercise == dose.exercise]
        done = sum(o.result.n_complete for o in sets)
        on_target = sum(o.result.n_on_target for o in sets)
        missed = sum(1 for o in sets for r in o.result.repetitions if not r.complete)
        lines.append(f"{LIBRARY[dose.exercise].title}: {done} of {dose.sets * dose.reps} repetitions, "
                     f"{on_target} on target" + (f", {missed} not counted" if missed else ""))
    if pain_before is not None and pain_after is not None:
        lines.append(f"Pain: {pain_before} before, {pain_after} after")
    return lines


#: What to do in the first and the second half of each repetition of a movement, by exercise kind.
PACE_PHASES = {
    "mini-squat": ("Bend your knees slowly", "Stand up tall"),
    "sit-to-stand": ("Stand up", "Sit down slowly"),
    "step-up": ("Step up, sore leg first", "Step down"),
    "stepping-in-place": ("Stand on your sore leg", "Stand on your other leg"),
}


def pace_cue(kind: str, elapsed_s: float, reps: int) -> str:
    """The pace cue of a movement exercise ``elapsed_s`` (s) after its set started; "" for a hold exercise.

    The set's timing is the plan's (:mod:`station.home.session`): a lead-in of ``SET_LEAD_IN_S``, then
    ``reps`` repetitions of ``MOVEMENT_REP_S[kind]`` each, the first half of each one phase and the second half
    the other (patients move faster at home than they were shown; docs/home-evidence.md §2.4).
    """
    if kind not in PACE_PHASES:
        return ""
    if elapsed_s < SET_LEAD_IN_S:
        return "Get ready"
    rep_s = MOVEMENT_REP_S[kind]
    into = elapsed_s - SET_LEAD_IN_S
    if into >= reps * rep_s:
        return "Done — relax"
    first, second = PACE_PHASES[kind]
    return first if (into % rep_s) < rep_s / 2 else second

