"""``station udev-rules``: print the udev rules shipped with balance-station (Linux device access).

Every ``*.rules`` file in the ``station.udev`` package data is printed, in name order, so one command
installs them all: ``station udev-rules | sudo tee /etc/udev/rules.d/72-balance-station.rules``.
"""

from __future__ import annotations

import argparse
from importlib import resources

__all__ = ["add_parser", "rules_files", "run"]

PACKAGE = "station.udev"


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "udev-rules",
        help="print the udev rules that give non-root access to the boards and plates",
        description="Print every udev rules file shipped with balance-station. Install with: "
        "station udev-rules | sudo tee /etc/udev/rules.d/72-balance-station.rules && "
        "sudo udevadm control --reload-rules && sudo udevadm trigger",
    )
    parser.set_defaults(run=run)


def rules_files() -> list[tuple[str, str]]:
    """(file name, text) of every shipped ``*.rules`` file, sorted by name."""
    folder = resources.files(PACKAGE)
    found = [(entry.name, entry.read_text(encoding="utf-8")) for entry in folder.iterdir()
             if entry.name.endswith(".rules") and entry.is_file()]
    if not found:
        raise FileNotFoundError(f"no udev rules files in the installed package ({PACKAGE}); reinstall balance-station")
    return sorted(found)


def run(args: argparse.Namespace) -> int:
    for name, text in rules_files():
        print(f"# ---- {name} ----")
        print(text.rstrip("\n"))
        print()
    return 0
