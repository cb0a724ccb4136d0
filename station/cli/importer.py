"""``station import PATH --format c3d|csv|hbedb|pds --out FILE.h5``: another lab's trial as a recording."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from recordings.importers import FORMATS, read_trial, write_recording
from recordings.importers.csv_columns import LENGTH_UNITS_MM, parse_column_map
from recordings.metadata import Subject
from station.cli._args import positive_float


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("import", help="import another lab's force-plate trial as a recording")
    parser.add_argument("path", type=Path, help="the file to import")
    parser.add_argument("--format", choices=FORMATS, required=True, help="the file's format")
    parser.add_argument("--out", type=Path, required=True, help="recording to write (.h5, never overwritten)")
    parser.add_argument("--mass", type=positive_float, metavar="KG", help="subject's body mass, kg")
    parser.add_argument("--affected", choices=("left", "right"), help="the painful (affected) side")
    parser.add_argument("--subject", default="anonymous", metavar="ID", help="pseudonymous subject id")
    parser.add_argument("--condition", default="", help='e.g. "eyes closed, foam"')
    parser.add_argument("--session", default="", help="session label")
    parser.add_argument("--trial", default="", help="trial label (default: the source file's name)")
    parser.add_argument("--columns", help="csv: KEY=COLUMN,... with keys t, fz, cop_x, cop_y [fx, fy, mz]")
    parser.add_argument("--units", choices=tuple(LENGTH_UNITS_MM), default="mm", help="csv: COP length unit")
    parser.add_argument("--platform", type=int, default=0, help="c3d: force platform index (0 = the first)")
    parser.add_argument("--plate-size", type=_size, metavar="WIDTH,DEPTH",
                        help="one-plate text formats: the plate's surface in mm (C3D export needs it)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    columns = parse_column_map(args.columns) if args.columns else None
    trial = read_trial(args.path, args.format, columns=columns, units=args.units, platform=args.platform)
    if args.plate_size is not None:
        trial = dataclasses.replace(trial, surface_size_mm=args.plate_size)
    subject = Subject(id=args.subject, mass_kg=args.mass, affected_side=args.affected)
    out = write_recording(trial, args.out, subject, condition=args.condition, session=args.session,
                          trial_label=args.trial or args.path.stem)
    print(f"wrote {out} ({trial.t_s.shape[0]} samples, {trial.rate_hz:.1f} Hz, {len(trial.plates)} plate(s))")
    return 0


def _size(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        width, depth = (float(v) for v in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTH,DEPTH in mm, got {text!r}") from None
    if not (width > 0 and depth > 0):
        raise argparse.ArgumentTypeError(f"the plate size must be positive, got {text}")
    return width, depth
