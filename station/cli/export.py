"""``station export FILE --to csv|c3d|metrics``: hand a recording to other tools, de-identified by default."""

from __future__ import annotations

import argparse
from pathlib import Path

from recordings.export_c3d import export_c3d
from recordings.export_csv import export_csv
from recordings.export_metrics import standing_metric_rows, write_metrics_csv
from recordings.reader import open_recording
from station.cli._args import positive_float
from station.protocols.standing import analyze_standing_recording

_SUFFIX = {"csv": ".csv", "c3d": ".c3d", "metrics": ".metrics.csv"}


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("export", help="export a recording as CSV, C3D or a tidy metrics CSV")
    parser.add_argument("file", type=Path, help="recording (.h5)")
    parser.add_argument(
        "--to", choices=tuple(_SUFFIX), required=True,
        help="csv: one row per sample; c3d: analog channels + force platform; metrics: tidy per-trial metrics",
    )
    parser.add_argument("--out", type=Path, help="file to write (default: FILE with the format's suffix)")
    parser.add_argument(
        "--keep-identifiers", action="store_true",
        help="also export the device serial number and the source file name (default: de-identified)",
    )
    parser.add_argument("--rate", type=positive_float, metavar="HZ", help="c3d: rate to resample irregular data to")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rec = open_recording(args.file)
    out = args.out or args.file.with_suffix(_SUFFIX[args.to])
    if args.to == "csv":
        export_csv(rec, out, keep_identifiers=args.keep_identifiers)
    elif args.to == "c3d":
        export_c3d(rec, out, rate_hz=args.rate, keep_identifiers=args.keep_identifiers)
    else:
        write_metrics_csv(standing_metric_rows(analyze_standing_recording(rec), rec), out)
    print(f"wrote {out}")
    return 0
