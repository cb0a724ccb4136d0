"""``station gui``: the live biofeedback station (needs the ``gui`` extra; Qt is imported only here)."""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("gui", help="open the live biofeedback station (PyQt6)")
    parser.add_argument("--device", help="device spec to preselect, e.g. sim")
    parser.add_argument("--out-dir", help="folder for recordings")
    parser.add_argument("--fps", type=float, default=60.0, help="display rate, frames/s (default 60)")
    parser.add_argument("--quit-after", type=float, metavar="SECONDS",
                        help="close the window after this many seconds (unattended smoke runs)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from station.gui import app
    except ImportError as exc:
        raise LookupError(f"the GUI needs the gui extra (pip install 'balance-station[gui]'): {exc}") from None
    argv = ["--fps", str(args.fps)]
    if args.device:
        argv += ["--device", args.device]
    if args.out_dir:
        argv += ["--out-dir", args.out_dir]
    if args.quit_after is not None:
        argv += ["--quit-after", str(args.quit_after)]
    return app.main(argv)
