"""The guided home session, headless: the plan of steps, recording and analysing each set, storing it.

The console (``station home``) walks :func:`run_home_session`; the GUI walks :func:`session_plan` with its own
live controller and calls :func:`analyze_set` and :func:`finish_session`.

Set durations: a hold exercise's set lasts ``SET_LEAD_IN_S + reps × (hold_s + HOLD_ALLOWANCE_S) +
SET_TAIL_S`` (the allowance is the time to find the target and relax between holds); a movement's set
lasts ``SET_LEAD_IN_S + reps × MOVEMENT_REP_S[kind] + SET_TAIL_S``. A countdown of ``COUNTDOWN_S``
precedes every set.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.repetitions import RepetitionResult, detect_repetitions
from analysis.weight_bearing import limb_loads_from_cell_pairs
from drivers.device import Device
from drivers.errors import DeviceError
from physical import STANDARD_GRAVITY_M_S2
from recordings.metadata import Subject
from recordings.reader import Recording, open_recording
from station.engine.acquisition import AcquisitionStats
from station.home.dose import ExerciseDoseDone, dose_summary, set_result_dict
from station.home.exercises import exercise
from station.home.live import LiveStatus, RepetitionCounter
from station.home.prescription import ExerciseDose, Prescription, current_prescription
from station.protocols.training.feed import TrainingFeed
from station.protocols.trial import record_trial
from station.store.home import add_home_session, last_home_session_id, set_pain_next_day
from station.store.register import file_sha256, register_recording
from station.store.store import Store, StoreError

__all__ = [
    "COUNTDOWN_S",
    "HOLD_ALLOWANCE_S",
    "MOVEMENT_REP_S",
    "STEP_KINDS",
    "HomeSessionSummary",
    "SetOutcome",
    "Step",
    "analyze_set",
    "check_pain",
    "finish_session",
    "record_set",
    "run_home_session",
    "session_plan",
    "set_seconds",
    "set_settings",
]

STEP_KINDS = ("pain-before", "instruction", "countdown", "set", "rest", "pain-after", "summary")
COUNTDOWN_S = 3.0
SET_LEAD_IN_S = 2.0
SET_TAIL_S = 2.0
HOLD_ALLOWANCE_S = 4.0
#: Seconds allowed per repetition of a movement (a slow squat, a rise and sit, a step up and down, a pair of steps).
MOVEMENT_REP_S = {"mini-squat": 4.0, "sit-to-stand": 5.0, "step-up": 5.0, "stepping-in-place": 2.0}
PROTOCOL = "home"


@dataclass(frozen=True)
class Step:
    """One step of a guided session: what to show, for how long (s; 0 = until the patient goes on)."""

    kind: str
    exercise: ExerciseDose | None
    set_index: int
    seconds: float
    text: str


@dataclass(frozen=True)
class SetOutcome:
    """A recorded and analysed set."""

    exercise: str
    set_index: int
    path: str
    result: RepetitionResult


@dataclass(frozen=True)
class HomeSessionSummary:
    """What a finished session stored."""

    session_id: int
    date: str
    outcomes: tuple[SetOutcome, ...]
    pain_before: float
    pain_after: float
    dose: tuple[ExerciseDoseDone, ...] = field(default_factory=tuple)

    def lines(self) -> list[str]:
        out = [f"Session {self.session_id} on {self.date}: pain {self.pain_before:g} before, {self.pain_after:g} after"]
        for d in self.dose:
            ex = exercise(d.exercise)
            hold = f"best hold {d.hold_best_s:.1f} s, " if ex.counts_holds else ""
            out.append(f"  {ex.title}: {d.reps_done} of {d.reps_prescribed} repetitions done, "
                       f"{d.reps_on_target} on target, {hold}{d.time_in_band_s:.0f} s in the target band")
        return out


def set_seconds(dose: ExerciseDose) -> float:
    """Recording length of one set of ``dose``, s (module docstring)."""
    ex = exercise(dose.exercise)
    if ex.counts_holds:
        body = dose.reps * (dose.hold_s + HOLD_ALLOWANCE_S)
    else:
        body = dose.reps * MOVEMENT_REP_S[ex.kind.value]
    return SET_LEAD_IN_S + body + SET_TAIL_S


def session_plan(prescription: Prescription) -> list[Step]:
    """The steps of one session: pain before, then per exercise an instruction and, per set, a countdown,
    the set and a rest (none after the last set), then pain after and the summary."""
    steps = [Step("pain-before", None, 0, 0.0, "How much does your hip hurt right now? (0 = no pain, 10 = worst)")]
    n_sets = sum(d.sets for d in prescription.exercises)
    done = 0
    for dose in prescription.exercises:
        ex = exercise(dose.exercise)
        how = f"{dose.sets} × {dose.reps}" + (f", hold {dose.hold_s:g} s" if ex.counts_holds else "")
        steps.append(Step("instruction", dose, 0, 0.0, f"{ex.title} ({how}). {ex.instructions} "
                          f"Target: {dose.target.describe()}."))
        for k in range(dose.sets):
            steps.append(Step("countdown", dose, k, COUNTDOWN_S, f"{ex.title}: set {k + 1} of {dose.sets} starts in"))
            steps.append(Step("set", dose, k, set_seconds(dose), f"{ex.title}: set {k + 1} of {dose.sets}"))
            done += 1
            if done < n_sets and dose.rest_s > 0:
                steps.append(Step("rest", dose, k, dose.rest_s, "Rest"))
    steps.append(Step("pain-after", None, 0, 0.0, "How much does your hip hurt now, after the exercises? (0-10)"))
    steps.append(Step("summary", None, 0, 0.0, "Well done. Here is what the board measured."))
    return steps


def _limbs(recording: Recording, affected_side: str) -> tuple[Any, Any]:
    loads = limb_loads_from_cell_pairs(recording.forces_n, recording.device.sensor_positions())
    if affected_side == "left":
        return loads.left_n, loads.right_n
    if affected_side == "right":
        return loads.right_n, loads.left_n
    raise ValueError(f"affected side must be left or right, got {affected_side!r}")


def analyze_set(recording: Recording, dose: ExerciseDose, body_weight_n: float, affected_side: str
                ) -> RepetitionResult:
    """Repetitions of one finished set (an HDF5 recording) against its dose and target."""
    ex = exercise(dose.exercise)
    affected, unaffected = _limbs(recording, affected_side)
    return detect_repetitions(
        ex.kind.value, recording.t_s, affected, unaffected, body_weight_n=body_weight_n,
        target_min_pct_bw=dose.target.affected_min_pct_bw, target_max_pct_bw=dose.target.affected_max_pct_bw,
        hold_s=dose.hold_s if ex.counts_holds else None,
    )


def set_settings(dose: ExerciseDose, set_index: int, body_weight_n: float) -> dict[str, tuple[Any, str]]:
    """The settings every home set stores in its HDF5 file (``record_set`` and the GUI write the same).

    :func:`analyze_set` and :func:`finish_session` need nothing beyond these, the protocol ("home"), the
    condition (the exercise key) and the subject.
    """
    t = dose.target
    return {
        "home.body_weight_n": (float(body_weight_n), "N"),
        "home.exercise": (dose.exercise, ""),
        "home.set_index": (set_index, ""),
        "home.sets": (dose.sets, ""),
        "home.reps": (dose.reps, ""),
        "home.hold_s": (dose.hold_s, "s"),
        "home.rest_s": (dose.rest_s, "s"),
        "home.target_min_pct_bw": ("" if t.affected_min_pct_bw is None else t.affected_min_pct_bw, "%BW"),
        "home.target_max_pct_bw": ("" if t.affected_max_pct_bw is None else t.affected_max_pct_bw, "%BW"),
    }


def body_weight_n(subject: Subject) -> float:
    if subject.mass_kg is None:
        raise ValueError(f"patient {subject.id} has no body mass: the %BW targets need one "
                         "(set it with `station patients` before a home session)")
    return subject.mass_kg * STANDARD_GRAVITY_M_S2


def record_set(device: Device, out_path: str | os.PathLike[str], subject: Subject, dose: ExerciseDose,
               set_index: int, *, progress: Callable[[AcquisitionStats], None] | None = None,
               live: Callable[[LiveStatus], None] | None = None) -> SetOutcome:
    """Record one set (protocol "home", condition = exercise key) and detect its repetitions.

    A simulated home patient (driver ``sim-home``) is told which exercise to perform through its
    ``prepare_set`` method; real devices have none. ``live`` receives a :class:`~station.home.live.LiveStatus`
    (repetitions so far, load against the target) about every 0.1 s while the set records: the session feeds
    a :class:`~station.home.live.RepetitionCounter` — the GUI's — with every block once, and records its
    events. The stored count is the analysis of the finished file (:func:`analyze_set`).
    """
    bw = body_weight_n(subject)
    prepare = getattr(device, "prepare_set", None)
    if callable(prepare):
        prepare(dose.exercise, reps=dose.reps, hold_s=dose.hold_s, set_index=set_index)
    seconds = set_seconds(dose)
    settings = set_settings(dose, set_index, bw)
    subscribers: list[TrainingFeed] = []
    if live is not None:
        counter = RepetitionCounter(dose, bw)
        feed = TrainingFeed(counter)
        subscribers.append(feed)
        settings.update(counter.settings())
        outer = progress

        def both(stats: AcquisitionStats) -> None:
            if outer is not None:
                outer(stats)
            live(feed.call(counter.live_status, seconds))

        progress = both
    rec, _ = record_trial(device, out_path, subject, protocol=PROTOCOL, seconds=seconds, settings=settings,
                          condition=dose.exercise, progress=progress, subscribers=subscribers)
    if live is not None:
        live(counter.live_status(seconds))  # the final status: the whole set, the count the analysis below finds
    result = analyze_set(rec, dose, bw, str(subject.affected_side))
    return SetOutcome(dose.exercise, set_index, str(Path(out_path)), result)


def check_pain(name: str, value: float | None) -> float | None:
    """A pain rating on the 0-10 numeric scale, or None; anything else is a clear error."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} is a number from 0 (no pain) to 10 (worst pain), got {value!r}") from None
    if not 0.0 <= v <= 10.0:
        raise ValueError(f"{name} is a number from 0 (no pain) to 10 (worst pain), got {value!r}")
    return v


def finish_session(
    store: Store,
    patient_id: str,
    outcomes: Sequence[SetOutcome],
    pain_before: float | None,
    pain_after: float | None,
    *,
    place: str = "home",
    date: str | None = None,
    prescription: Prescription | None = None,
    pain_next_day: float | None = None,
) -> int:
    """Store a finished session: every set as a trial, the pain ratings and the dose summary; its id.

    The home session gets a random ``uid`` that travels with it to the clinic, so a later package that
    carries it again imports only the sessions the clinic does not have yet.

    ``pain_next_day`` is the patient's rating of the 24 h after their *previous* home session (asked at the
    start of this one, the "24-h rule"); it is stored on that session.
    """
    pb = check_pain("pain before", pain_before)
    pa = check_pain("pain after", pain_after)
    pn = check_pain("pain the day after", pain_next_day)
    patient = store.patient(patient_id)
    p = prescription or current_prescription(store, patient_id)
    if p.patient_id != patient.id:
        raise StoreError(f"prescription of {p.patient_id} used for patient {patient.id}")
    day = date or _dt.date.today().isoformat()
    _check_outcomes(store, patient.id, p, outcomes)  # before anything is written
    summary = json.dumps([d.to_dict() for d in dose_summary(p, [(o.exercise, o.result) for o in outcomes])],
                         allow_nan=False)
    with store.transaction():  # the session, its trials and its pain ratings: all of them or none
        previous = last_home_session_id(store, patient_id)
        session = store.add_session(patient_id, day, place=place)
        for o in outcomes:
            result = set_result_dict(o.exercise, o.set_index, p.dose(o.exercise), o.result, patient.affected_side)
            register_recording(store, patient_id, o.path, session_id=session.id, result=result)
        add_home_session(store, session.id, uid=secrets.token_hex(16), prescription_version=p.version,
                         pain_before=pb, pain_after=pa, pain_next_day=None, summary_json=summary)
        if pn is not None and previous is not None:
            set_pain_next_day(store, previous, pn)
    return session.id


def _check_outcomes(store: Store, patient_id: str, p: Prescription, outcomes: Sequence[SetOutcome]) -> None:
    """Every set belongs to the prescription and the patient and is not stored yet (else nothing is written)."""
    seen: set[str] = set()
    for o in outcomes:
        p.dose(o.exercise)
        path = Path(o.path)
        if not path.is_file():
            raise StoreError(f"set recording {path} is missing")
        subject = open_recording(path).subject.id
        if subject != patient_id:
            raise StoreError(f"{path} was recorded for subject {subject!r}, not patient {patient_id}")
        sha = file_sha256(path)
        known = store.trial_by_sha256(sha)
        if known is not None or sha in seen:
            raise StoreError(f"{path} is already stored" + (f" as trial {known.id}" if known else " (listed twice)"))
        seen.add(sha)


def run_home_session(
    device: Device,
    prescription: Prescription,
    store: Store,
    out_dir: str | os.PathLike[str],
    *,
    ask_pain: Callable[[str], float | None],
    on_step: Callable[[Step], None] | None = None,
    on_set: Callable[[SetOutcome], None] | None = None,
    on_live: Callable[[LiveStatus], None] | None = None,
    date: str | None = None,
    pain_next_day: float | None = None,
) -> HomeSessionSummary:
    """Walk the whole session on ``device`` (blocking): the console's loop.

    ``ask_pain("before" | "after")`` returns the 0-10 rating; ``on_step`` sees every step before it runs
    (the console prints it and waits out countdowns and rests); ``on_live`` sees the live status of the set
    being recorded; ``on_set`` sees every analysed set. A session stopped part-way (Ctrl-C, a device fault)
    stores the sets already done (no pain-after rating) before the exception goes on.
    """
    patient = store.patient(prescription.patient_id)
    subject = Subject(id=patient.id, mass_kg=patient.mass_kg, affected_side=patient.affected_side,
                      height_m=patient.height_m)
    body_weight_n(subject)  # fail before recording anything
    day = date or _dt.date.today().isoformat()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    outcomes: list[SetOutcome] = []
    pain_before = pain_after = None
    stamp = _dt.datetime.now(_dt.UTC).strftime("%H%M%S")
    try:
        for step in session_plan(prescription):
            if on_step is not None:
                on_step(step)
            if step.kind == "pain-before":
                pain_before = check_pain("pain before", ask_pain("before"))
            elif step.kind == "pain-after":
                pain_after = check_pain("pain after", ask_pain("after"))
            elif step.kind == "set":
                assert step.exercise is not None
                path = out / f"{patient.id}_{day}_{stamp}_{step.exercise.exercise}_set{step.set_index + 1}.h5"
                outcome = record_set(device, path, subject, step.exercise, step.set_index, live=on_live)
                outcomes.append(outcome)
                if on_set is not None:
                    on_set(outcome)
    except (KeyboardInterrupt, DeviceError):
        # Stopped part-way (Ctrl-C, the board went away): the sets already done are stored, then the stop goes on.
        if outcomes:
            finish_session(store, patient.id, outcomes, pain_before, None, date=day, prescription=prescription,
                           pain_next_day=pain_next_day)
        raise
    session_id = finish_session(store, patient.id, outcomes, pain_before, pain_after, date=day,
                                prescription=prescription, pain_next_day=pain_next_day)
    dose = dose_summary(prescription, [(o.exercise, o.result) for o in outcomes])
    nan = float("nan")
    return HomeSessionSummary(session_id, day, tuple(outcomes), nan if pain_before is None else pain_before,
                              nan if pain_after is None else pain_after, tuple(dose))

