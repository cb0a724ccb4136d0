"""``station analyze FILE``: re-analyse a recording with the settings stored in it.

Dispatches on the recording's protocol: walking and stepping trials get the per-step report, everything
else the standing report.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from recordings.reader import open_recording
from station.protocols.standing import analyze_standing_recording
from station.protocols.walking import PROTOCOLS as WALKING_PROTOCOLS
from station.protocols.walking import analyze_walking_recording
from station.reports.standing import format_standing_table, standing_report
from station.reports.walking import format_walking_table, walking_report


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("analyze", help="re-analyse a recording")
    parser.add_argument("file", type=Path, help="recording (.h5)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    recording = open_recording(args.file)
    if recording.protocol in WALKING_PROTOCOLS:
        report = walking_report(analyze_walking_recording(recording), recording)
        print(json.dumps(report) if args.json else format_walking_table(report))
        return 0
    result = analyze_standing_recording(recording)
    report = standing_report(result, recording)
    print(json.dumps(report) if args.json else format_standing_table(report))
    return 0
