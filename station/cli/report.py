"""``station report (ID | FILE.h5 ...) --out report.pdf|report.html``: the clinical report."""

from __future__ import annotations

import argparse
from pathlib import Path

from station.cli._store import add_store_option, open_store
from station.reports.model import DEFAULT_TARGET_BAND, ReportSettings, model_from_files, model_from_store
from station.reports.references import NEUROCOM_WBS_BAND, Band
from station.reports.render import write_report


def _band(text: str) -> tuple[float, float]:
    low, sep, high = text.partition(",")
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH in %BW, got {text!r}") from None
    if not (sep and 0 <= lo < hi <= 100):
        raise argparse.ArgumentTypeError(f"expected 0 <= LOW < HIGH <= 100 %BW, got {text!r}")
    return lo, hi


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("report", help="clinical report of a patient (from the store) or of recordings")
    parser.add_argument("sources", nargs="+", metavar="ID | FILE.h5",
                        help="a patient id from the store, or one or more recordings")
    parser.add_argument("--out", type=Path, required=True, help="report.html or report.pdf (CSV written beside)")
    parser.add_argument("--deidentify", action="store_true",
                        help="keep only the year of dates; drop device serials and Bluetooth addresses")
    parser.add_argument("--target-band", type=_band, metavar="LOW,HIGH",
                        help=f"clinician's target for the affected limb, %%BW (default "
                             f"{DEFAULT_TARGET_BAND.low_pct:g},{DEFAULT_TARGET_BAND.high_pct:g})")
    parser.add_argument("--normal-band", type=_band, metavar="LOW,HIGH",
                        help=f"normal band, %%BW (default {NEUROCOM_WBS_BAND.low_pct:g},"
                             f"{NEUROCOM_WBS_BAND.high_pct:g}: NeuroCom 'within 7 %% of equal')")
    add_store_option(parser)
    parser.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    target = Band(*args.target_band, "clinician's target") if args.target_band else DEFAULT_TARGET_BAND
    normal = Band(*args.normal_band, "normal band (set by the clinician)") if args.normal_band else NEUROCOM_WBS_BAND
    settings = ReportSettings(target_band=target, normal_band=normal, deidentify=args.deidentify)
    files = [Path(s) for s in args.sources]
    if len(files) == 1 and files[0].suffix.lower() not in (".h5", ".hdf5") and not files[0].exists():
        with open_store(args) as store:
            model = model_from_store(store, args.sources[0], settings)
    else:
        model = model_from_files(files, settings)
    if not model.assessments:
        raise ValueError(f"nothing to report: {args.sources[0]} has no analysed trials")
    rendered = write_report(model, args.out)
    pages = f", {rendered.pages} pages" if rendered.pages else ""
    print(f"wrote {rendered.path}{pages} and {rendered.csv_path}")
    return 0
