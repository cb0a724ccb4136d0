"""``station batch PATH... --out metrics.csv``: a cohort through one sway preset into one tidy CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.presets import PRESETS
from station.batch import dask_executor, process_pool, run_batch


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("batch", help="analyse every recording under some paths into one tidy CSV")
    parser.add_argument("paths", nargs="+", type=Path, help="recordings and folders (searched for *.h5)")
    parser.add_argument("--out", type=Path, required=True, help="metrics CSV to write (never overwritten)")
    parser.add_argument("--errors", type=Path, help="errors CSV (default: OUT with .errors.csv)")
    parser.add_argument("--preset", choices=tuple(PRESETS), default="default", help="sway pipeline")
    parser.add_argument("--workers", type=_workers, help="worker processes (default: CPU count; local cluster: 2)")
    parser.add_argument("--scheduler", metavar="local|ADDRESS",
                        help="run on Dask distributed: 'local' starts a cluster on 127.0.0.1, an address joins one")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    def go(executor):
        return run_batch(args.paths, args.out, preset=args.preset, executor=executor, errors_out=args.errors,
                         progress=sys.stderr)

    if args.scheduler:
        with dask_executor(args.scheduler, workers=args.workers) as executor:
            summary = go(executor)
    else:
        with process_pool(args.workers) as executor:
            summary = go(executor)
    print(f"wrote {summary.metrics_csv}: {summary.n_ok} of {summary.n_files} recordings; "
          f"{summary.n_failed} failed (see {summary.errors_csv})")
    return 0
