"""``station devices``: list the devices that can be opened now, simulators included."""

from __future__ import annotations

import argparse

from drivers import registry


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("devices", help="list devices that can be opened (simulators included)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    found = registry.find_devices()
    width = max((len(d.spec) for d in found), default=0)
    for device in found:
        print(f"{device.spec:<{width}}  {device.description}")
    return 0
