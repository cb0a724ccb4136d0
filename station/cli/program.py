"""``station program create|show|edit|export|import|apply-suggestion``: a patient's home exercise prescription.

Every edit at the clinic is a new version; ``export`` writes the current one as JSON and ``import`` on the home
device stores it under the clinic's version number.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from station.cli._store import add_store_option, open_store

if TYPE_CHECKING:
    from station.home.prescription import ExerciseDose, Prescription


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("program", help="home exercise prescriptions (create, show, edit, export)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    for name, helptext in (("create", "first prescription: the default program or one from JSON"),
                           ("edit", "a new version: from JSON or with changed fields")):
        p = actions.add_parser(name, help=helptext)
        p.add_argument("patient", metavar="ID")
        p.add_argument("--from-json", type=Path, metavar="FILE", help="prescription JSON (see `program export`)")
        p.add_argument("--sessions-per-week", type=int, metavar="N")
        p.add_argument("--start", metavar="YYYY-MM-DD", help="start date of this version (default today)")
        p.add_argument("--notes", help="notes for the patient")
        p.add_argument("--dose", action="append", default=[], type=_dose, metavar="KEY:SETSxREPS[,hold=S,...]",
                       help="add or replace an exercise, e.g. mini-squat:2x10,rest=60,min=40,max=60 or "
                            "weight-shift:1x5,hold=5,min=60 (keys: hold, rest, min, max in s and %%BW)")
        p.add_argument("--remove", action="append", default=[], metavar="KEY", help="remove an exercise")
        add_store_option(p)
        p.set_defaults(run=_create if name == "create" else _edit)
    show = actions.add_parser("show", help="the current prescription (or every version)")
    show.add_argument("patient", metavar="ID")
    show.add_argument("--history", action="store_true", help="every version, oldest first")
    show.add_argument("--json", action="store_true", help="as JSON")
    add_store_option(show)
    show.set_defaults(run=_show)
    imp = actions.add_parser("import", help="on the home device: take the clinic's exported prescription as it is "
                                            "(same version number and start date)")
    imp.add_argument("file", type=Path, metavar="FILE.json")
    imp.add_argument("--mass", type=float, metavar="KG",
                     help="body mass, kg: registers the patient under the prescription's id on a new home device")
    add_store_option(imp)
    imp.set_defaults(run=_import)
    apply = actions.add_parser("apply-suggestion", help="apply the progression suggestion: the next version, one "
                                                        "documented step per exercise (docs/home-program.md)")
    apply.add_argument("--patient", metavar="ID", required=True, dest="patient")
    apply.add_argument("--start", metavar="YYYY-MM-DD", help="start date of the new version (default today)")
    apply.add_argument("--dry-run", action="store_true", help="say what would change; store nothing")
    add_store_option(apply)
    apply.set_defaults(run=_apply_suggestion)
    export = actions.add_parser("export", help="write the current prescription as JSON (for the home device)")
    export.add_argument("patient", metavar="ID")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.json")
    add_store_option(export)
    export.set_defaults(run=_export)


def _dose(text: str) -> ExerciseDose:
    from station.home.exercises import LIBRARY
    from station.home.prescription import ExerciseDose, Target

    head, _, rest = text.partition(",")
    key, sep, sets_reps = head.partition(":")
    if not sep or key not in LIBRARY:
        raise argparse.ArgumentTypeError(f"expected KEY:SETSxREPS with KEY one of {', '.join(LIBRARY)}; got {text!r}")
    sets, x, reps = sets_reps.lower().partition("x")
    try:
        n_sets, n_reps = int(sets), int(reps)
    except ValueError:
        raise argparse.ArgumentTypeError(f"sets and repetitions are whole numbers like 2x10, got {sets_reps!r}"
                                         ) from None
    if not x:
        raise argparse.ArgumentTypeError(f"write sets and repetitions as SETSxREPS (e.g. 2x10), got {sets_reps!r}")
    values: dict[str, float] = {}
    for item in filter(None, rest.split(",")):
        name, eq, value = item.partition("=")
        if not eq or name not in ("hold", "rest", "min", "max"):
            raise argparse.ArgumentTypeError(f"unknown dose field {item!r}: use hold=S, rest=S, min=%BW, max=%BW")
        try:
            values[name] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {value!r}") from None
    hold = values.get("hold", 0.0)
    return ExerciseDose(key, n_sets, n_reps, hold, values.get("rest", 60.0),
                        Target(values.get("min"), values.get("max"), hold or None))


def describe(p: Prescription) -> list[str]:
    from station.home.exercises import LIBRARY

    lines = [f"Prescription v{p.version} for {p.patient_id} (affected side {p.affected_side}), from {p.created}: "
             f"{p.sessions_per_week} sessions a week"]
    for d in p.exercises:
        ex = LIBRARY[d.exercise]
        hold = f", hold {d.hold_s:g} s" if ex.counts_holds else ""
        lines.append(f"  {d.exercise}: {d.sets} x {d.reps}{hold}, rest {d.rest_s:g} s; target {d.target.describe()}")
    r = p.rule
    lines.append(f"  progression: advance when >= {r.success_fraction:.0%} of repetitions are on target in "
                 f"{r.sessions_required} sessions; pain after <= {r.pain_during_max:g}, next day <= "
                 f"{r.pain_next_day_max:g} (NEMEX zones, 24-h rule)")
    if p.notes:
        lines.append(f"  notes: {p.notes}")
    return lines


def _apply(args: argparse.Namespace, p: Prescription) -> Prescription:
    import datetime as _dt

    changes = {}
    if args.sessions_per_week is not None:
        changes["sessions_per_week"] = args.sessions_per_week
    if args.notes is not None:
        changes["notes"] = args.notes
    changes["created"] = args.start or _dt.date.today().isoformat()
    doses = [d for d in p.exercises if d.exercise not in set(args.remove)]
    unknown = sorted(set(args.remove) - {d.exercise for d in p.exercises})
    if unknown:
        raise ValueError(f"cannot remove {', '.join(unknown)}: not in the prescription")
    for new in args.dose:
        keys = [d.exercise for d in doses]
        if new.exercise in keys:
            doses[keys.index(new.exercise)] = new
        else:
            doses.append(new)
    changes["exercises"] = tuple(doses)
    return replace(p, **changes)


def _load(args: argparse.Namespace, patient_id: str) -> Prescription:
    from station.home.prescription import Prescription

    p = Prescription.from_json(args.from_json.read_text())
    if p.patient_id != patient_id:
        raise ValueError(f"{args.from_json} is a prescription for {p.patient_id}, not {patient_id}")
    return p


def _create(args: argparse.Namespace) -> int:
    from station.home.prescription import default_prescription, prescription_history, save_prescription

    with open_store(args) as store:
        patient = store.patient(args.patient)
        if prescription_history(store, patient.id):
            raise ValueError(f"{patient.id} already has a prescription; change it with `station program edit`")
        p = _load(args, patient.id) if args.from_json else default_prescription(patient.id, patient.affected_side)
        saved = save_prescription(store, _apply(args, replace(p, affected_side=patient.affected_side)).validate())
    print("\n".join(describe(saved)))
    return 0


def _edit(args: argparse.Namespace) -> int:
    from station.home.prescription import current_prescription, save_prescription

    with open_store(args) as store:
        p = _load(args, args.patient) if args.from_json else current_prescription(store, args.patient)
        saved = save_prescription(store, _apply(args, p).validate())
    print("\n".join(describe(saved)))
    return 0


def _show(args: argparse.Namespace) -> int:
    from station.home.prescription import current_prescription, prescription_history

    with open_store(args) as store:
        versions = prescription_history(store, args.patient) if args.history else [
            current_prescription(store, args.patient)]
    for p in versions:
        print(p.to_json() if args.json else "\n".join(describe(p)))
    return 0


def _import(args: argparse.Namespace) -> int:
    from station.home.prescription import Prescription, save_prescription
    from station.store import StoreError

    p = Prescription.from_json(args.file.read_text()).validate()
    with open_store(args) as store:
        try:
            store.patient(p.patient_id)
        except StoreError:
            if args.mass is None:
                raise StoreError(f"patient {p.patient_id} is not on this device yet: give --mass KG to register "
                                 "them under the clinic's id") from None
            store.add_patient(affected_side=p.affected_side, mass_kg=args.mass, patient_id=p.patient_id)
            print(f"registered patient {p.patient_id} ({p.affected_side} side affected, {args.mass:g} kg)")
        saved = save_prescription(store, p, keep_version=True)
    print("\n".join(describe(saved)))
    return 0


def _export(args: argparse.Namespace) -> int:
    from station.home.prescription import current_prescription

    with open_store(args) as store:
        p = current_prescription(store, args.patient)
    args.out.write_text(p.to_json())
    print(f"wrote prescription v{p.version} of {p.patient_id} to {args.out}")
    return 0


def _apply_suggestion(args: argparse.Namespace) -> int:
    from station.home.prescription import current_prescription
    from station.home.progression import suggest_progression
    from station.home.progression_steps import apply_suggestion, next_prescription

    if args.start is not None:
        _check_iso(args.start)
    with open_store(args) as store:
        if args.dry_run:
            p = current_prescription(store, args.patient)
            outcome = next_prescription(p, suggest_progression(store, args.patient, prescription=p), args.start)
        else:
            outcome = apply_suggestion(store, args.patient, args.start)
    d = outcome.decision
    print(f"suggestion: {d.action} ({d.rule}): {d.detail}")
    for c in outcome.changes:
        print(f"  {c.line()}")
    if outcome.prescription is None:
        print(outcome.message)
        return 0
    print(f"dry run, nothing stored: would be prescription v{outcome.prescription.version}" if args.dry_run
          else outcome.message)
    print("\n".join(describe(outcome.prescription)))
    return 0


def _check_iso(text: str) -> None:
    import datetime as _dt

    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--start must be a date YYYY-MM-DD, got {text!r}") from None
