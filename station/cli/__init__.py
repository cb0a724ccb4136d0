"""The ``station`` command. Thin: each command group is one module; the work happens elsewhere.

Errors a user can cause (unknown device, bad numbers, a file that is not a recording, nobody on the
board) end with one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from drivers.errors import DeviceError
from recordings.errors import RecordingError
from station import __version__
from station.cli import (
    analyze,
    assess,
    batch,
    devices,
    export,
    gui,
    home,
    importer,
    patients,
    program,
    recover,
    report,
    scores,
    sessions,
    stream,
    udev,
)

__all__ = ["main"]

EXIT_ERROR = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="station", description="Balance and gait station: assessments, recordings, analysis.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    modules = (devices, assess, analyze, recover, export, gui, importer, batch, patients, sessions, scores, report)
    modules += (udev, program, home, stream)
    for module in modules:
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # e.g. `station ... | head`: the reader has gone, nothing left to say
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("station: interrupted", file=sys.stderr)
        return 130
    except (DeviceError, RecordingError, ValueError, OSError, LookupError) as exc:
        print(f"station: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
