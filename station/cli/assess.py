"""``station assess standing`` and ``station assess walking``: record a trial and print its report.

Standing: weight bearing per limb and sway. Walking (or stepping in place with ``--stepping``): the load under
each foot from two plates, two boards or a split-belt treadmill; per-step measures per limb, affected vs
unaffected symmetry of each, and every rejected contact with its reason (:mod:`station.protocols.walking`).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from pathlib import Path

from analysis.standing import StandingSettings
from drivers import registry
from recordings.metadata import Subject
from station.cli._args import key_value, positive_float
from station.cli._store import add_store_option, apply_patient, register_outcome
from station.cli.recover import unfinished_hint
from station.engine.acquisition import AcquisitionStats
from station.protocols.standing import run_standing
from station.protocols.walking import run_walking
from station.reports.standing import format_standing_table, standing_report
from station.reports.walking import format_walking_table, walking_report

DEFAULT_DIR = Path("station-data")


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("assess", help="run an assessment and report it")
    kinds = parser.add_subparsers(dest="assessment", metavar="ASSESSMENT")
    kinds.required = True
    standing = kinds.add_parser("standing", help="quiet standing: weight bearing per limb and sway")
    standing.add_argument("--device", default="sim", help="device spec NAME[:ADDRESS] (see `station devices`)")
    standing.add_argument("--seconds", type=positive_float, default=30.0, help="trial duration, s (default 30)")
    standing.add_argument("--affected", choices=("left", "right"), default="left", help="painful side")
    standing.add_argument("--mass", type=positive_float, help="body mass, kg (also the simulated subject's mass)")
    standing.add_argument("--subject", default="anonymous", help="pseudonymous subject id (no names)")
    standing.add_argument("--condition", default="eyes open, firm surface", help="trial condition")
    standing.add_argument(
        "--stance-width", type=positive_float, metavar="MM",
        help="distance between the feet's centres, mm: per-limb load by the lever rule instead of cell pairs",
    )
    standing.add_argument(
        "--out", type=Path, help="recording file to write (default station-data/<id>-standing-<UTC>.h5)"
    )
    _add_output_and_device_options(standing, "e.g. seed=3, dropout=0.01 for the simulator")
    standing.set_defaults(run=run_standing_command)
    _add_walking_parser(kinds)


def _add_walking_parser(kinds: argparse._SubParsersAction) -> None:
    walking = kinds.add_parser(
        "walking", help="walking or stepping in place: per-step loading of each foot and its symmetry",
        description="Record walking (or stepping in place) on a device that gives each foot its own load "
        "(two plates, two boards, a split-belt treadmill; for stepping, one balance board's left and right "
        "halves, resampled to 100 Hz with SWARII), then print per-limb step means (stance time, "
        "force peaks and valley in %BW, loading rate, impulse), affected vs unaffected symmetry indices and "
        "every rejected contact with its reason.",
    )  # fmt: skip
    walking.add_argument("--device", default="sim-gait",
                         help="device spec NAME[:ADDRESS] (default sim-gait, the simulated antalgic walker)")
    walking.add_argument("--seconds", type=positive_float, default=60.0, metavar="S",
                         help="trial duration, s (default 60)")
    walking.add_argument("--affected", choices=("left", "right"), default="left", help="painful side")
    walking.add_argument("--mass", type=positive_float, metavar="KG",
                         help="body mass, kg: normalises %%BW (else the mean total force over the trial)")
    walking.add_argument("--stepping", action="store_true",
                         help="stepping in place instead of walking (protocol 'stepping'; a simulator steps)")
    walking.add_argument("--subject", default="anonymous", help="pseudonymous subject id (no names)")
    walking.add_argument("--condition", help="trial condition (default: self-selected speed / cadence)")
    walking.add_argument(
        "--out", type=Path, metavar="FILE.h5",
        help="recording file to write (default station-data/<id>-walking-<UTC>.h5)",
    )
    _add_output_and_device_options(walking, "e.g. seed=3, affected_peak_reduction_pct=10 for sim-gait and sim")
    walking.set_defaults(run=run_walking_command)


def _add_output_and_device_options(parser: argparse.ArgumentParser, device_option_example: str) -> None:
    """The options every assessment shares: JSON output, pacing, driver options, the stored patient."""
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--realtime", action="store_true", help="simulators: stream at the pace of real time")
    parser.add_argument(
        "--device-option", type=key_value, action="append", default=[], metavar="KEY=VALUE",
        help=f"driver option, repeatable ({device_option_example})",
    )
    parser.add_argument("--patient", metavar="ID", help="stored patient: their id, side and mass; trial registered")
    add_store_option(parser)


def _default_path(subject_id: str, protocol: str = "standing") -> Path:
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in subject_id)
    return DEFAULT_DIR / f"{safe}-{protocol}-{stamp}.h5"


def _device_for(args: argparse.Namespace, extra: dict[str, object] | None = None):
    """The device of ``--device``; a simulator's subject is the person being assessed (mass, side)."""
    return registry.create_for(args.device, mass_kg=args.mass, affected_side=args.affected,
                               realtime=args.realtime or None, extras=extra, options=dict(args.device_option))


def _progress_printer(total_s: float):
    if not sys.stderr.isatty():
        return None

    def show(stats: AcquisitionStats) -> None:
        done = min(stats.elapsed_s / total_s, 1.0)
        bar = "#" * int(done * 30)
        print(f"\rrecording [{bar:<30}] {stats.elapsed_s:5.1f}/{total_s:.0f} s  "
              f"{stats.n_samples} samples, {stats.lost_samples} lost", end="", file=sys.stderr, flush=True)

    return show


def run_standing_command(args: argparse.Namespace) -> int:
    if args.patient:
        apply_patient(args)
    device = _device_for(args)
    subject = Subject(id=args.subject, mass_kg=args.mass, affected_side=args.affected)
    settings = (
        StandingSettings(limb_method="lever_rule", stance_width_mm=args.stance_width)
        if args.stance_width else StandingSettings()
    )
    out = args.out or _default_path(args.subject)
    if hint := unfinished_hint(out.parent):  # files a crashed run left behind: one line, never blocking
        print(hint, file=sys.stderr)
    progress = _progress_printer(args.seconds) if args.realtime else None
    outcome = run_standing(
        device, out, subject, seconds=args.seconds, settings=settings, condition=args.condition, progress=progress
    )
    if progress is not None:
        print(file=sys.stderr)
    report = standing_report(outcome.result, outcome.recording)
    if args.patient:
        print(register_outcome(args, outcome.path, report), file=sys.stderr)
    if args.json:
        print(json.dumps(report))
    else:
        print(format_standing_table(report))
    return 0


def run_walking_command(args: argparse.Namespace) -> int:
    if args.patient:
        apply_patient(args)
    protocol = "stepping" if args.stepping else "walking"
    device = _device_for(args, {"mode": protocol})
    subject = Subject(id=args.subject, mass_kg=args.mass, affected_side=args.affected)
    condition = args.condition or ("self-selected cadence" if args.stepping else "self-selected speed")
    out = args.out or _default_path(args.subject, protocol)
    if hint := unfinished_hint(out.parent):
        print(hint, file=sys.stderr)
    progress = _progress_printer(args.seconds) if args.realtime else None
    outcome = run_walking(
        device, out, subject, seconds=args.seconds, protocol=protocol, condition=condition, progress=progress
    )
    if progress is not None:
        print(file=sys.stderr)
    report = walking_report(outcome.analysis, outcome.recording)
    if args.patient:
        print(register_outcome(args, outcome.path, report), file=sys.stderr)
    if args.json:
        print(json.dumps(report))
    else:
        print(format_walking_table(report))
    return 0
