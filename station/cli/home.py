"""``station home``: a guided home session on the console; ``station home export|import``: the clinic package.

``station home --device sim --demo`` runs a short demo from a fresh install: a demo patient and prescription in a
temporary store (unless ``--store``), the simulated home patient (driver ``sim-home``) at 10× real time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from station.cli._store import add_store_option, open_store

if TYPE_CHECKING:
    from station.store import Store

DEMO_SPEED = 10.0


def _pain(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"pain is a number 0-10, got {text!r}") from None
    if not 0 <= v <= 10:
        raise argparse.ArgumentTypeError(f"pain is a number 0-10, got {text}")
    return v


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "home", help="guided home exercise session; export/import home packages",
        description="Without ACTION: a guided home session on the console (e.g. `station home --device sim "
                    "--demo`). With ACTION: export or import a home package, or show a patient's adherence.")
    parser.add_argument("--device", default="sim", help="device spec (sim = the simulated home patient, sim-home)")
    parser.add_argument("--patient", metavar="ID", help="patient id in the store")
    parser.add_argument("--demo", action="store_true",
                        help="demo patient + short prescription (in a temporary store unless --store)")
    parser.add_argument("--pain-before", type=_pain, metavar="0-10", help="pain before (no prompt)")
    parser.add_argument("--pain-after", type=_pain, metavar="0-10", help="pain after (no prompt)")
    parser.add_argument("--pain-next-day", type=_pain, metavar="0-10",
                        help="pain in the 24 h after the previous session")
    parser.add_argument("--out", type=Path, metavar="DIR", help="directory for the set recordings")
    parser.add_argument("--speed", type=float, metavar="X",
                        help=f"simulated devices: X times real time (default {DEMO_SPEED:g}; 0 = no waiting)")
    add_store_option(parser)
    parser.set_defaults(run=_session)
    actions = parser.add_subparsers(dest="home_action", metavar="ACTION")
    export = actions.add_parser("export", help="write a de-identified package of the home sessions")
    export.add_argument("--patient", metavar="ID", required=True, dest="export_patient")
    export.add_argument("--out", type=Path, required=True, metavar="PKG", dest="package",
                        help="package directory, or PKG.zip for one zip file")
    _store_option(export)
    export.set_defaults(run=_export)
    imp = actions.add_parser("import", help="import a home package at the clinic (refuses bad packages)")
    imp.add_argument("package", type=Path, metavar="PKG", help="package directory or .zip")
    imp.add_argument("--patient", metavar="ID", dest="import_patient", help="refuse unless the package is this one's")
    _store_option(imp)
    imp.set_defaults(run=_import)
    status = actions.add_parser("status", help="adherence and the progression suggestion (clinician)")
    status.add_argument("status_patient", metavar="ID")
    status.add_argument("--today", metavar="YYYY-MM-DD", help="as of this day (default today)")
    status.add_argument("--json", action="store_true", help="as JSON")
    status.add_argument("--inactivity-days", type=int, metavar="N", default=None,
                        help="flag no home session for N days or more (default 4: the 3-5 day check-in rule)")
    status.add_argument("--pain-flag", type=_pain, metavar="0-10", default=None,
                        help="flag pain ratings at or above this (default 7)")
    _store_option(status)
    status.set_defaults(run=_status)


def _status(args: argparse.Namespace) -> int:
    import json

    from station.home.adherence import DEFAULT_INACTIVITY_DAYS, DEFAULT_PAIN_FLAG, adherence_summary
    from station.home.exercises import LIBRARY
    from station.home.progression import suggest_progression

    inactivity = DEFAULT_INACTIVITY_DAYS if args.inactivity_days is None else args.inactivity_days
    pain_flag = DEFAULT_PAIN_FLAG if args.pain_flag is None else args.pain_flag
    with open_store(args) as store:
        a = adherence_summary(store, args.status_patient, args.today, inactivity_days=inactivity,
                              pain_flag=pain_flag)
        d = suggest_progression(store, args.status_patient)
    if args.json:
        print(json.dumps({**a.to_dict(), "progression": d.__dict__}, indent=1))
        return 0
    print(f"{a.patient_id}, prescription v{a.prescription_version} ({a.sessions_per_week_prescribed} sessions a week),"
          f" as of {a.today}")
    for flag in a.flags:
        print(f"  FLAG ({flag.kind}): {flag.text}")
    since = "no home session yet" if a.days_since_last_session is None else (
        f"{a.days_since_last_session} days since the last home session")
    print(f"  {since}")
    weeks = " · ".join(f"{w.week + 1}: {w.sessions_done}/{w.sessions_prescribed}{'' if w.complete else ' so far'}"
                       for w in a.weeks)
    print(f"  sessions per week: {weeks or 'none yet'}")
    print(f"  home sessions {len(a.sessions)}, days with data in the last 30: {a.days_with_data_last_30}, "
          f"streak of prescribed sessions: {a.streak_sessions}")
    for date, fraction in a.dose_per_session:
        print(f"  {date}: {fraction:.0%} of the prescribed repetitions")
    for e in a.exercises:
        hold = f", best hold {e.hold_best_s:.1f} s" if LIBRARY[e.exercise].counts_holds else ""
        print(f"  {LIBRARY[e.exercise].title}: {e.reps_done}/{e.reps_prescribed} repetitions, "
              f"{e.reps_on_target} on target{hold}, {e.time_in_band_s:.0f} s in the band")
    print(f"  suggestion: {d.action} ({d.rule}): {d.detail}")
    if d.action != "hold":
        print(f"  apply it: station program apply-suggestion --patient {a.patient_id}")
    return 0


def _store_option(parser: argparse.ArgumentParser) -> None:
    """``--store`` after the action too, without hiding one given before it (``station home --store X export``)."""
    parser.add_argument("--store", type=Path, metavar="PATH", default=argparse.SUPPRESS,
                        help="patient store file (as for `station home`)")


def _export(args: argparse.Namespace) -> int:
    from station.home.package import export_package

    with open_store(args) as store:
        root = export_package(store, args.export_patient, args.package)
    kind = "zip of a package directory" if root.is_file() else "directory"
    print(f"wrote {root} ({kind}: manifest.json with SHA-256 of every file, summary.json, de-identified HDF5)")
    return 0


def _import(args: argparse.Namespace) -> int:
    from station.home.package import import_package

    with open_store(args) as store:
        r = import_package(store, args.package, patient_id=args.import_patient)
    skipped = f"; {r.n_skipped} already stored, skipped" if r.n_skipped else ""
    print(f"imported {len(r.session_ids)} home sessions ({r.n_trials} sets) for patient {r.patient_id}{skipped}")
    return 0


def _prompt_pain(question: str) -> float:
    while True:
        answer = input(question).strip()
        try:
            return _pain(answer)
        except argparse.ArgumentTypeError as exc:
            print(f"  {exc}; please type a number from 0 to 10")


def _has_home_session(store: Store, patient_id: str) -> bool:
    from station.home.adherence import home_sessions

    return bool(home_sessions(store, patient_id))


def _demo_setup(store: Store) -> str:
    from station.home.prescription import ExerciseDose, Prescription, Target, save_prescription

    patient = store.add_patient(affected_side="left", mass_kg=70.0, notes="demo patient")
    save_prescription(store, Prescription(patient.id, 1, time.strftime("%Y-%m-%d"), 3, (
        ExerciseDose("stance-eyes-open", 1, 2, 4.0, 3.0, Target(45.0, 55.0, 4.0)),
        ExerciseDose("mini-squat", 1, 4, 0.0, 0.0, Target(30.0, 60.0, None)),
    ), affected_side="left"))
    return patient.id


def _session(args: argparse.Namespace) -> int:
    if args.home_action is not None:  # pragma: no cover - argparse routes subcommands to their own run
        return args.run(args)
    from drivers.registry import create_for
    from station.home.live import LiveStatus
    from station.home.prescription import current_prescription
    from station.home.session import SetOutcome, Step, run_home_session

    simulated = args.device in ("sim", "sim-home")
    if args.patient is None and simulated and not args.demo:
        # A simulated board and nobody named: the fresh-install demo (``station home --device sim``).
        print("no --patient given: running the demo (a demo patient on the simulated board)")
        args.demo = True
    tmp = None
    if args.store is None and args.demo:
        tmp = tempfile.mkdtemp(prefix="station-home-demo-")
        args.store = Path(tmp) / "store.sqlite3"
    speed = DEMO_SPEED if args.speed is None else args.speed
    with open_store(args) as store:
        patient_id = args.patient
        if patient_id is None:
            if not args.demo:
                raise ValueError("say whose session it is: --patient ID (or --demo for a demo patient)")
            patient_id = _demo_setup(store)
            print(f"demo: patient {patient_id} and a short prescription in {args.store}")
        p = current_prescription(store, patient_id)
        patient = store.patient(patient_id)
        # In a home session ``sim`` is the simulated board carrying the home patient (``sim-home``).
        device = create_for("sim-home" if args.device == "sim" else args.device, mass_kg=patient.mass_kg or 70.0,
                            affected_side=patient.affected_side, speed=speed)
        if simulated:
            print(f"device: simulated home patient (sim-home) at {speed:g}x real time" if speed > 0 else
                  "device: simulated home patient (sim-home), as fast as possible")
        pains = {"before": args.pain_before, "after": args.pain_after}
        simulated_pain = getattr(device, "simulated_pain", None)
        if callable(simulated_pain):  # the simulated patient answers for itself unless a flag says otherwise
            pains = {k: simulated_pain(k) if v is None else v for k, v in pains.items()}
        pace = speed if simulated else 1.0

        def ask(which: str) -> float | None:
            if pains[which] is not None:
                print(f"pain {which}: {pains[which]:g}/10")
                return pains[which]
            if not sys.stdin.isatty():
                raise ValueError(f"no terminal to ask for pain {which}: give --pain-{which} N (0-10)")
            return _prompt_pain(f"Pain {which} (0 = none, 10 = worst): ")

        next_day = args.pain_next_day
        if next_day is None and not args.demo and sys.stdin.isatty() and _has_home_session(store, patient_id):
            next_day = _prompt_pain("Pain in the 24 hours after your last session (0-10): ")

        def on_step(step: Step) -> None:
            if step.kind in ("pain-before", "pain-after", "summary"):
                return
            if step.kind == "instruction":
                print(f"\n== {step.text}")
                if not simulated and sys.stdin.isatty():
                    input("   Press Enter when you are ready. ")
            elif step.kind == "countdown":
                print(f"{step.text} ", end="", flush=True)
                for k in range(int(step.seconds), 0, -1):
                    print(f"{k}.. ", end="", flush=True)
                    if pace > 0:
                        time.sleep(1.0 / pace)
                print("go!")
            elif step.kind == "set":
                print(f"   recording {step.seconds:.0f} s ...", flush=True)
            elif step.kind == "rest":
                print(f"   rest {step.seconds:g} s")
                if pace > 0:
                    time.sleep(step.seconds / pace)

        tty = sys.stdout.isatty()
        shown = {"next_s": 0.0}

        def on_live(status: LiveStatus) -> None:
            if tty:
                print("\r" + status.line(), end="", flush=True)
            elif status.elapsed_s >= shown["next_s"]:  # a pipe or a log: a line every 5 s of the set
                print(status.line(), flush=True)
                shown["next_s"] = status.elapsed_s + 5.0

        def on_set(o: SetOutcome) -> None:
            shown["next_s"] = 0.0
            if tty:
                print()
            r = o.result
            print(f"   {r.n_complete} repetitions counted, {r.n_on_target} on target, "
                  f"{r.time_in_band_s:.0f} s in the target band")
            for rep in r.repetitions:
                if rep.reason:
                    print(f"     {rep.start_s:5.1f}-{rep.end_s:5.1f} s: {rep.reason}")

        if args.out is not None:
            out = args.out
        else:
            out = Path(args.store).parent / "home-recordings" if args.store else Path("home-recordings")
        summary = run_home_session(device, p, store, out, ask_pain=ask, on_step=on_step, on_set=on_set,
                                   on_live=on_live, pain_next_day=next_day)
    print()
    print("\n".join(summary.lines()))
    print(f"recordings in {out}; stored as session {summary.session_id}")
    return 0
