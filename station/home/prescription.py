"""A home exercise prescription: exercises with their dose and target, and the progression rule.

Fields follow the prescription anchors of docs/home-evidence.md §2.1 (sets, repetitions, hold, rest,
sessions per week, a measurable target, a decision rule for progression — CERT items 7-8). Every edit is
stored as a new version (MedBridge: "every edit to a HEP is treated as a new prescription"), so the history
of what the patient was asked to do stays readable.

Progression rule defaults and their sources (§3.1, §3.2):

* ``pain_during_max = 5`` — NEMEX-TJR pain zones (Ageberg et al. 2010, 2013): pain 0-10 rated right after
  the session, 0-2 safe, > 2-5 acceptable, > 5 high risk.
* ``pain_next_day_max = 5`` — the same NEMEX limit applied to the rating of the 24 h after the session;
  the "24-h rule" of My Hip Exercise (University of Melbourne) adds: do *not* progress when hip pain
  increased for more than a day after exercising (next-day pain above the pre-session rating).
* ``success_fraction = 0.8`` over ``sessions_required = 2`` sessions — our design choice, stated in §3.2
  ("limb share within band on ≥ 80 % of reps"), set by the clinician.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from station.home.exercises import LIBRARY
from station.store.home import add_prescription, latest_prescription_version, prescription_jsons
from station.store.store import Store, StoreError

__all__ = [
    "ExerciseDose",
    "Prescription",
    "PrescriptionError",
    "ProgressionRule",
    "Target",
    "current_prescription",
    "default_prescription",
    "prescription_history",
    "save_prescription",
]

_MAX_BW_PCT = 100.0  # a share of the load measured; step and stepping peaks may exceed it (body-weight %BW)
_MAX_PEAK_PCT = 250.0


class PrescriptionError(ValueError):
    """A prescription field that cannot be: ``field`` names it ("sessions_per_week", "exercises[0].hold_s",
    "exercises[1].target.affected_min_pct_bw", "rule.success_fraction", ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value: object, lo: int, hi: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi


@dataclass(frozen=True)
class Target:
    """The target of each repetition: affected-limb load in a band (%BW, either side open) held ``hold_s``."""

    affected_min_pct_bw: float | None = None
    affected_max_pct_bw: float | None = None
    hold_s: float | None = None

    def describe(self) -> str:
        lo, hi = self.affected_min_pct_bw, self.affected_max_pct_bw
        if lo is not None and hi is not None:
            band = f"affected limb {lo:g}-{hi:g} %BW"
        elif lo is not None:
            band = f"affected limb >= {lo:g} %BW"
        elif hi is not None:
            band = f"affected limb <= {hi:g} %BW"
        else:
            band = "no load target"
        return band + (f", held {self.hold_s:g} s" if self.hold_s else "")


@dataclass(frozen=True)
class ExerciseDose:
    """One exercise of a prescription: ``sets`` × ``reps`` (holds of ``hold_s``), ``rest_s`` between sets."""

    exercise: str
    sets: int
    reps: int
    hold_s: float
    rest_s: float
    target: Target = field(default_factory=Target)

    def problems(self, prefix: str = "") -> list[tuple[str, str]]:
        """Every problem as (field, message); field names are prefixed (e.g. "exercises[0].")."""
        out: list[tuple[str, str]] = []
        if self.exercise not in LIBRARY:
            return [(prefix + "exercise", f"unknown exercise {self.exercise!r}; the library has: {', '.join(LIBRARY)}")]
        ex = LIBRARY[self.exercise]
        for name in ("sets", "reps"):
            value = getattr(self, name)
            if not _is_whole(value, 1, 100):
                out.append((prefix + name, f"must be a whole number within 1-100, got {value!r}"))
        if not _is_number(self.hold_s) or not 0 <= self.hold_s <= 300:
            out.append((prefix + "hold_s", f"must be within 0-300 s, got {self.hold_s!r}"))
        elif ex.counts_holds and not self.hold_s > 0:
            out.append((prefix + "hold_s", f"{ex.title!r} is a hold exercise: hold must be > 0 s, got {self.hold_s}"))
        if not _is_number(self.rest_s) or not 0 <= self.rest_s <= 600:
            out.append((prefix + "rest_s", f"must be within 0-600 s, got {self.rest_s!r}"))
        lo, hi = self.target.affected_min_pct_bw, self.target.affected_max_pct_bw
        top = _MAX_PEAK_PCT if ex.kind in ("step-up", "stepping-in-place", "sit-to-stand") else _MAX_BW_PCT
        bounds_ok = True
        for name, value in (("affected_min_pct_bw", lo), ("affected_max_pct_bw", hi)):
            if value is not None and (not _is_number(value) or not 0 <= value <= top):
                out.append((f"{prefix}target.{name}", f"must be within 0-{top:g} %BW, got {value!r}"))
                bounds_ok = False
        if bounds_ok and lo is not None and hi is not None and not lo < hi:
            out.append((f"{prefix}target.affected_min_pct_bw",
                        f"impossible target: minimum {lo:g} %BW is not below maximum {hi:g} %BW"))
        if ex.counts_holds and lo is None and hi is None:
            out.append((f"{prefix}target.affected_min_pct_bw",
                        "a hold exercise needs a load target (a minimum and/or a maximum %BW)"))
        th = self.target.hold_s
        if th is not None and (not _is_number(th) or not th > 0):
            out.append((f"{prefix}target.hold_s", f"must be > 0 s when given, got {th!r}"))
        return out

    def validate(self) -> ExerciseDose:
        problems = self.problems()
        if problems:
            raise PrescriptionError(*problems[0])
        return self


@dataclass(frozen=True)
class ProgressionRule:
    """When to advance, hold or step back (module docstring: sources)."""

    success_fraction: float = 0.8
    sessions_required: int = 2
    pain_during_max: float = 5.0
    pain_next_day_max: float = 5.0

    def problems(self, prefix: str = "rule.") -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if not _is_number(self.success_fraction) or not 0 < self.success_fraction <= 1:
            out.append((prefix + "success_fraction", f"must be within (0, 1], got {self.success_fraction!r}"))
        if not _is_whole(self.sessions_required, 1, 20):
            out.append((prefix + "sessions_required", f"must be a whole number within 1-20, got "
                                                      f"{self.sessions_required!r}"))
        for name in ("pain_during_max", "pain_next_day_max"):
            value = getattr(self, name)
            if not _is_number(value) or not 0 <= value <= 10:
                out.append((prefix + name, f"is on the 0-10 pain scale, got {value!r}"))
        return out


@dataclass(frozen=True)
class Prescription:
    """A versioned home exercise prescription of one patient."""

    patient_id: str
    version: int
    created: str
    sessions_per_week: int
    exercises: tuple[ExerciseDose, ...]
    rule: ProgressionRule = field(default_factory=ProgressionRule)
    affected_side: str = "left"
    notes: str = ""

    def problems(self) -> list[tuple[str, str]]:
        """Every problem as (field, message), in field order (the GUI form marks them all)."""
        out: list[tuple[str, str]] = []
        if not isinstance(self.patient_id, str) or not self.patient_id.strip():
            out.append(("patient_id", "must not be empty"))
        if not _is_whole(self.version, 1, 1_000_000):
            out.append(("version", f"must be a whole number >= 1, got {self.version!r}"))
        try:
            _dt.date.fromisoformat(self.created)
        except (TypeError, ValueError):
            out.append(("created", f"must be an ISO date YYYY-MM-DD, got {self.created!r}"))
        if not _is_whole(self.sessions_per_week, 1, 14):
            out.append(("sessions_per_week", f"must be a whole number within 1-14, got {self.sessions_per_week!r}"))
        if self.affected_side not in ("left", "right"):
            out.append(("affected_side", f"must be left or right, got {self.affected_side!r}"))
        if not self.exercises:
            out.append(("exercises", "a prescription needs at least one exercise"))
        seen: set[str] = set()
        for i, dose in enumerate(self.exercises):
            out.extend(dose.problems(f"exercises[{i}]."))
            if dose.exercise in seen:
                out.append((f"exercises[{i}].exercise", f"{dose.exercise} is listed twice (use more sets instead)"))
            seen.add(dose.exercise)
        out.extend(self.rule.problems())
        return out

    def validate(self) -> Prescription:
        """Raise :class:`PrescriptionError` (a ValueError) for the first problem; return self when sound."""
        problems = self.problems()
        if problems:
            raise PrescriptionError(*problems[0])
        return self

    def dose(self, key: str) -> ExerciseDose:
        for d in self.exercises:
            if d.exercise == key:
                return d
        raise ValueError(f"exercise {key!r} is not in prescription v{self.version} of {self.patient_id}")

    # -- JSON -----------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["exercises"] = [asdict(x) for x in self.exercises]
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prescription:
        try:
            doses = tuple(
                ExerciseDose(
                    exercise=str(x["exercise"]), sets=x["sets"], reps=x["reps"], hold_s=float(x.get("hold_s", 0.0)),
                    rest_s=float(x.get("rest_s", 0.0)), target=Target(**(x.get("target") or {})),
                )
                for x in data["exercises"]
            )
            rule = ProgressionRule(**(data.get("rule") or {}))
            return cls(
                patient_id=str(data["patient_id"]), version=data.get("version", 1), created=str(data["created"]),
                sessions_per_week=data["sessions_per_week"], exercises=doses, rule=rule,
                affected_side=str(data.get("affected_side", "left")), notes=str(data.get("notes", "")),
            )
        except KeyError as exc:
            raise ValueError(f"prescription is missing the field {exc.args[0]!r}") from None
        except TypeError as exc:
            raise ValueError(f"prescription has an unknown or malformed field: {exc}") from None

    @classmethod
    def from_json(cls, text: str) -> Prescription:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"prescription is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError("a prescription is a JSON object")
        return cls.from_dict(data)


def default_prescription(patient_id: str, affected_side: str, created: str | None = None) -> Prescription:
    """A starting program: stance, weight shift, mini-squat, sit-to-stand; 3 sessions a week (My Hip Exercise)."""
    return Prescription(
        patient_id=patient_id, version=1, created=created or _dt.date.today().isoformat(), sessions_per_week=3,
        exercises=(
            ExerciseDose("stance-eyes-open", 1, 3, 10.0, 30.0, Target(45.0, 55.0, 10.0)),
            ExerciseDose("weight-shift", 1, 5, 5.0, 30.0, Target(60.0, None, 5.0)),
            ExerciseDose("mini-squat", 2, 8, 0.0, 60.0, Target(40.0, 60.0, None)),
            ExerciseDose("sit-to-stand", 1, 5, 0.0, 60.0, Target(40.0, None, None)),
        ),
        affected_side=affected_side,
    ).validate()


# -- store ---------------------------------------------------------------------------------------------

def save_prescription(store: Store, p: Prescription, *, keep_version: bool = False) -> Prescription:
    """Store ``p`` as the patient's next version (every edit is a new version); return what was stored.

    ``keep_version``: store ``p`` under its own version number — the home device taking the clinic's
    prescription keeps the clinic's numbering, so sessions name the same version in both stores. It must be
    newer than every version already stored.
    """
    patient = store.patient(p.patient_id)
    with store.transaction():
        latest = latest_prescription_version(store, p.patient_id)
        if keep_version and not (isinstance(p.version, int) and p.version > latest):
            raise StoreError(f"prescription v{p.version} of {p.patient_id} is not newer than the stored v{latest}")
        version = p.version if keep_version else latest + 1
        saved = replace(p, version=version, affected_side=patient.affected_side).validate()
        add_prescription(store, p.patient_id, version, saved.created, saved.to_json())
    return saved


def prescription_history(store: Store, patient_id: str) -> list[Prescription]:
    """Every version of the patient's prescription, oldest first."""
    store.patient(patient_id)
    return [Prescription.from_json(text) for text in prescription_jsons(store, patient_id)]


def current_prescription(store: Store, patient_id: str) -> Prescription:
    """The patient's latest prescription version; a clear error when there is none."""
    history = prescription_history(store, patient_id)
    if not history:
        raise StoreError(f"patient {patient_id} has no home exercise prescription yet "
                         f"(create one with `station program create {patient_id}`)")
    return history[-1]

