"""``station stream``: publish a device live over Lab Streaming Layer, without recording (docs/lsl.md)."""

from __future__ import annotations

import argparse
import sys

from drivers import registry
from station.cli._args import key_value, positive_float
from station.stream import LslError, LslOutlet
from station.stream.publish import publish


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "stream", help="publish a device over Lab Streaming Layer (LSL) without recording",
        description="Publish a device's force channels and a marker stream over LSL, for LabRecorder or any "
        "inlet, until Ctrl-C or --seconds of device time. Nothing is recorded. Simulators run in real time. "
        "The device serial is published only with --keep-identifiers.",
    )  # fmt: skip
    parser.add_argument("--device", default="sim", help="device spec NAME[:ADDRESS] (see `station devices`)")
    parser.add_argument("--seconds", type=positive_float, metavar="S",
                        help="stop after this much device time, s (default: until Ctrl-C)")
    parser.add_argument("--device-option", type=key_value, action="append", default=[], metavar="KEY=VALUE",
                        help="driver option, repeatable (e.g. seed=3; realtime=false streams a simulator "
                             "as fast as it computes)")
    parser.add_argument("--keep-identifiers", action="store_true",
                        help="publish the device serial (in the metadata and the stream's source_id)")
    parser.add_argument("--name", help="LSL stream name (default balance-station-<driver>)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    name, _ = registry.parse_spec(args.device)
    options: dict[str, object] = {}
    if "realtime" in registry.driver_class(name).OPTIONS:
        options["realtime"] = True  # a live stream of a simulator runs at the pace of a real device
    options.update(dict(args.device_option))
    device = registry.create(args.device, options)
    outlet = LslOutlet(name=args.name)

    def announce(opened: LslOutlet) -> None:
        print(f"station: streaming {opened.name!r} and {opened.marker_name!r} over LSL"
              f"{'' if args.seconds else '; Ctrl-C stops'}", file=sys.stderr, flush=True)

    try:
        stats = publish(device, outlet, seconds=args.seconds, keep_identifiers=args.keep_identifiers,
                        on_open=announce)
    except KeyboardInterrupt:
        print(f"station: stopped; {outlet.n_samples} samples published, {outlet.n_lost} lost", file=sys.stderr)
        return 0
    except LslError as exc:
        print(f"station: error: {exc}", file=sys.stderr)
        return 1
    print(f"station: {stats.n_samples} samples published in {stats.elapsed_s:.1f} s of device time, "
          f"{stats.lost_samples} lost", file=sys.stderr)
    return 0
