"""Apply a progression suggestion: the next prescription version, one documented step per exercise kind.

The step of each kind, and where it comes from (docs/home-evidence.md §3.1-§3.3; "design choice" where
the sources give no number — the clinician can always edit the new version):

* **single-leg stance** — hold ladder 5 → 10 → 15 → 30 s. Otago/PreFIT: the one-leg stand is progressed by
  holding longer, "e.g. 30 s once 10 s is achieved"; the 15-s rung between them and the 5-s rung below are our
  design choice. At 30 s: no further documented step. Step back: the rung below; at 5 s: none.
* **movements** (sit-to-stand, mini-squat, step-up, stepping in place) — one repetition more per step up to 10
  (Otago knee bends: "begin with 1 set of 5 repetitions and build to 10"; one repetition at a time: the
  sit-to-stand advice "add one rep every 2 weeks", umcvc health library), then one set more up to 3 sets
  (My Hip Exercise: 3 × 10). At 3 × 10 or more: no further documented step. Step back: the reverse (a set
  less, then a repetition less), not below Otago's start of 1 × 5. Applying Otago's and the sit-to-stand
  numbers to the other movements is our design choice.
* **symmetric stance** — the target band is tightened: each edge moves 1.5 %BW towards equal loading, not
  inside the NeuroCom "within 7 % of equal" band 46.5-53.5 % (reports' normal band; a 45-55 % band reaches
  it in one step). The 1.5 %BW step is our design choice. At 46.5-53.5 %: no further documented step (the
  next is a harder condition — eyes closed, foam, as in mCTSIB — the clinician's choice). Step back: each
  edge 1.5 %BW outwards.
* **weight shift** — the minimum affected-limb load of the shift rises by 5 %BW, up to 90 %BW; step back
  lowers it by 5 %BW, not below 55 %BW (still a shift onto the sore side). All three numbers are our design
  choice (the sources give none for a shift-and-hold; NeuroCom's rhythmic weight shift progresses pace instead).

"hold" changes nothing. A step that changes no exercise (every exercise at the end of its ladder) creates no
version either; both say so.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace

from station.home.exercises import LIBRARY, ExerciseKind
from station.home.prescription import ExerciseDose, Prescription, current_prescription, save_prescription
from station.home.progression import ProgressionDecision, suggest_progression
from station.store.store import Store

__all__ = ["NOTE_PREFIX", "AppliedProgression", "StepChange", "apply_suggestion", "next_prescription", "step_dose"]

#: Lines of a prescription's notes written by :func:`next_prescription` start with this (replaced next time).
NOTE_PREFIX = "[progression] "

HOLD_LADDER_S = (5.0, 10.0, 15.0, 30.0)
MOVEMENT_REPS_START, MOVEMENT_REPS_MAX, MOVEMENT_SETS_MAX = 5, 10, 3
BAND_STEP_PCT = 1.5
NORMAL_BAND_PCT = (46.5, 53.5)
SHIFT_STEP_PCT, SHIFT_MIN_PCT, SHIFT_MAX_PCT = 5.0, 55.0, 90.0

_SOURCES = {
    ExerciseKind.SINGLE_LEG_STANCE: "hold ladder 5-10-15-30 s (Otago/PreFIT: hold longer, e.g. 30 s once 10 s is "
                                    "achieved; 5 and 15 s rungs: our design choice)",
    "movement": "+1 repetition up to 10, then +1 set up to 3 (Otago: 1 x 5 building to 10; one rep at a time: "
                "umcvc sit-to-stand advice; 3 x 10: My Hip Exercise)",
    ExerciseKind.SYMMETRIC_STANCE: "band edges 1.5 %BW towards equal (our design choice), not inside the NeuroCom "
                                   "'within 7 % of equal' band 46.5-53.5 %",
    ExerciseKind.WEIGHT_SHIFT: "minimum load +/-5 %BW within 55-90 %BW (our design choice)",
}
_MOVEMENTS = (ExerciseKind.SIT_TO_STAND, ExerciseKind.MINI_SQUAT, ExerciseKind.STEP_UP,
              ExerciseKind.STEPPING_IN_PLACE)


@dataclass(frozen=True)
class StepChange:
    """What one step did to one exercise: ``before``/``after`` in words, or ``after`` None with ``why``."""

    exercise: str
    before: str
    after: str | None
    rule: str
    why: str = ""

    @property
    def changed(self) -> bool:
        return self.after is not None

    def line(self) -> str:
        if self.after is None:
            return f"{self.exercise}: unchanged ({self.before}): {self.why}"
        return f"{self.exercise}: {self.before} -> {self.after} ({self.rule})"


@dataclass(frozen=True)
class AppliedProgression:
    """The outcome: the new version (None when nothing changes), the decision, and every exercise's change."""

    decision: ProgressionDecision
    previous: Prescription
    prescription: Prescription | None
    changes: tuple[StepChange, ...]
    message: str


def _kind_rule(kind: ExerciseKind) -> str:
    return _SOURCES["movement" if kind in _MOVEMENTS else kind]


def _hold(d: ExerciseDose, up: bool) -> tuple[ExerciseDose | None, str]:
    ladder = HOLD_LADDER_S
    if up:
        nxt = next((h for h in ladder if h > d.hold_s), None)
        if nxt is None:
            return None, f"hold {d.hold_s:g} s is at or beyond the 30 s of Otago/PreFIT: no further documented step"
    else:
        nxt = next((h for h in reversed(ladder) if h < d.hold_s), None)
        if nxt is None:
            return None, f"hold {d.hold_s:g} s is at or below the ladder's first rung (5 s): no step back documented"
    return replace(d, hold_s=nxt, target=replace(d.target, hold_s=nxt)), ""


def _movement(d: ExerciseDose, up: bool) -> tuple[ExerciseDose | None, str]:
    if up:
        if d.reps < MOVEMENT_REPS_MAX:
            return replace(d, reps=d.reps + 1), ""
        if d.sets < MOVEMENT_SETS_MAX:
            return replace(d, sets=d.sets + 1), ""
        return None, f"{d.sets} x {d.reps} is at or beyond 3 x 10 (My Hip Exercise): no further documented step"
    if d.sets > 1:
        return replace(d, sets=d.sets - 1), ""
    if d.reps > MOVEMENT_REPS_START:
        return replace(d, reps=d.reps - 1), ""
    return None, f"1 x {d.reps} is at or below Otago's start of 1 x 5: no step back documented (hand support, " \
                 "depth or chair height: the clinician's choice)"


def _band(d: ExerciseDose, up: bool) -> tuple[ExerciseDose | None, str]:
    lo, hi = d.target.affected_min_pct_bw, d.target.affected_max_pct_bw
    n_lo, n_hi = NORMAL_BAND_PCT
    if up:
        new_lo = min(lo + BAND_STEP_PCT, n_lo) if lo is not None and lo < n_lo else lo
        new_hi = max(hi - BAND_STEP_PCT, n_hi) if hi is not None and hi > n_hi else hi
        if (new_lo, new_hi) == (lo, hi):
            return None, ("band already within the NeuroCom normal band 46.5-53.5 %: the next step is a harder "
                          "condition (eyes closed, foam), the clinician's choice")
    else:
        new_lo = max(lo - BAND_STEP_PCT, 0.0) if lo is not None else None
        new_hi = min(hi + BAND_STEP_PCT, 100.0) if hi is not None else None
        if (new_lo, new_hi) == (lo, hi):
            return None, "band cannot widen further (0-100 %)"
    return replace(d, target=replace(d.target, affected_min_pct_bw=new_lo, affected_max_pct_bw=new_hi)), ""


def _shift(d: ExerciseDose, up: bool) -> tuple[ExerciseDose | None, str]:
    lo = d.target.affected_min_pct_bw
    if lo is None:
        return None, "no minimum load to move (the weight-shift step moves the minimum)"
    new = min(lo + SHIFT_STEP_PCT, SHIFT_MAX_PCT) if up else max(lo - SHIFT_STEP_PCT, SHIFT_MIN_PCT)
    hi = d.target.affected_max_pct_bw
    if new == lo or (hi is not None and not new < hi):
        edge = f"{SHIFT_MAX_PCT:g} %BW" if up else f"{SHIFT_MIN_PCT:g} %BW"
        if hi is not None and up and not new < hi:
            edge = f"the band's maximum {hi:g} %BW"
        return None, f"minimum {lo:g} %BW is at {edge}: no further step"
    return replace(d, target=replace(d.target, affected_min_pct_bw=new)), ""


def _describe(d: ExerciseDose) -> str:
    ex = LIBRARY[d.exercise]
    hold = f", hold {d.hold_s:g} s" if ex.counts_holds else ""
    return f"{d.sets} x {d.reps}{hold}, target {d.target.describe()}"


def step_dose(d: ExerciseDose, action: str) -> tuple[ExerciseDose, StepChange]:
    """One step of ``action`` ("advance" or "step-back") for one exercise: the new dose (the same when no step
    applies) and what changed."""
    if action not in ("advance", "step-back"):
        raise ValueError(f"a step is 'advance' or 'step-back', got {action!r}")
    kind = LIBRARY[d.exercise].kind
    up = action == "advance"
    if kind == ExerciseKind.SINGLE_LEG_STANCE:
        new, why = _hold(d, up)
    elif kind in _MOVEMENTS:
        new, why = _movement(d, up)
    elif kind == ExerciseKind.SYMMETRIC_STANCE:
        new, why = _band(d, up)
    elif kind == ExerciseKind.WEIGHT_SHIFT:
        new, why = _shift(d, up)
    else:  # pragma: no cover - every kind of the library is handled above
        raise ValueError(f"no progression step for exercise kind {kind}")
    rule = _kind_rule(kind)
    if new is None:
        return d, StepChange(d.exercise, _describe(d), None, rule, why)
    return new, StepChange(d.exercise, _describe(d), _describe(new), rule)


def next_prescription(p: Prescription, decision: ProgressionDecision, created: str | None = None
                      ) -> AppliedProgression:
    """The prescription after applying ``decision`` to ``p`` (validated; not stored: see
    :func:`apply_suggestion`). ``created``: the new version's start date (default today).
    """
    if decision.action == "hold":
        return AppliedProgression(decision, p, None, (), f"suggestion is hold ({decision.rule}: {decision.detail}): "
                                                        f"no change, prescription v{p.version} stays")
    doses, changes = [], []
    for d in p.exercises:
        new, change = step_dose(d, decision.action)
        doses.append(new)
        changes.append(change)
    if not any(c.changed for c in changes):
        return AppliedProgression(decision, p, None, tuple(changes),
                                  f"suggestion is {decision.action}, but no exercise has a further documented step: "
                                  f"no change, prescription v{p.version} stays")
    day = created or _dt.date.today().isoformat()
    head = (f"{NOTE_PREFIX}{decision.action} applied to v{p.version} on {day}: {decision.rule} — "
            f"{decision.detail}")
    lines = [head, *(NOTE_PREFIX + c.line() for c in changes)]
    kept = [ln for ln in p.notes.splitlines() if ln.strip() and not ln.startswith(NOTE_PREFIX)]
    new = replace(p, version=p.version + 1, created=day, exercises=tuple(doses),
                  notes="\n".join([*kept, *lines])).validate()
    return AppliedProgression(decision, p, new, tuple(changes),
                              f"{decision.action}: prescription v{new.version} from v{p.version}")


def apply_suggestion(store: Store, patient_id: str, created: str | None = None) -> AppliedProgression:
    """Apply the current suggestion (:func:`suggest_progression`) to the patient's current prescription and store
    the new version when it changes anything; the outcome says what was done."""
    p = current_prescription(store, patient_id)
    outcome = next_prescription(p, suggest_progression(store, patient_id, prescription=p), created)
    if outcome.prescription is None:
        return outcome
    saved = save_prescription(store, outcome.prescription)
    return replace(outcome, prescription=saved,
                   message=f"{outcome.decision.action}: prescription v{saved.version} from v{p.version}")
