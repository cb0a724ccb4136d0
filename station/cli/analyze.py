"""``station analyze FILE``: re-analyse a recording with the settings stored in it.

Dispatches on the recording's protocol through the protocol table (:mod:`station.protocols.table`):
walking and stepping trials get the per-step report, standing trials (and files without a protocol) the
standing report. ``--preset NAME`` instead runs a named sway pipeline (:mod:`analysis.presets`) on
any force-plate or board recording; single-plate recordings (imports, one six-component plate) have no
per-limb loads and get the ``default`` preset when no preset is named.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from analysis.presets import PRESETS
from drivers.model import ChannelLayout
from recordings.reader import open_recording
from station.protocols.presets import preset_recording_report
from station.protocols.table import protocol_spec


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("analyze", help="re-analyse a recording")
    parser.add_argument("file", type=Path, help="recording (.h5)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--preset", choices=tuple(PRESETS),
                        help="sway only, through a named published pipeline (hbedb, quijoux2021, prieto1996, default)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    recording = open_recording(args.file)
    preset = args.preset
    if preset is None and recording.device.layout == ChannelLayout.SIX_COMPONENT:
        preset = "default"  # one plate under both feet: no per-limb loads, sway only
    if preset is not None:
        report = preset_recording_report(recording, preset)
        print(json.dumps(report) if args.json else format_preset_table(report))
        return 0
    spec = protocol_spec(recording.protocol)
    report = spec.analysed_report(recording)
    print(json.dumps(report) if args.json or spec.format_table is None else spec.format_table(report))
    return 0


def format_preset_table(report: dict) -> str:
    """A short readable summary of a preset report."""
    sway = report["sway"]
    lines = [
        f"{report['file']}  preset {report['preset']}: {report['description']}",
        f"  steps: {'; '.join(report['steps'])}",
        f"  95 % prediction ellipse  {sway['ellipse95_area_mm2']:.1f} mm²",
        f"  mean velocity            {sway['mean_velocity_mm_s']:.2f} mm/s",
        f"  path length              {sway['path_length_mm']:.1f} mm",
        f"  RMS ML / AP              {sway['rms_ml_mm']:.2f} / {sway['rms_ap_mm']:.2f} mm",
        f"  mean power frequency     {sway['mean_power_frequency_hz']:.3f} Hz",
    ]
    return "\n".join(lines)
