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
    home = parser.add_mutually_exclusive_group()
    home.add_argument("--home", action="store_true", help="the patient's guided home session (needs --patient)")
    home.add_argument("--program", action="store_true",
                      help="the clinician's home-program window: adherence and prescription (needs --patient)")
    parser.add_argument("--patient", help="patient id in the store (with --home or --program)")
    parser.add_argument("--store", help="patient store file (with --home or --program)")
    parser.add_argument("--demo", action="store_true", help="with --home: a demo patient on the simulated home patient")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from station.gui import app
    except ImportError as exc:
        raise LookupError(f"the GUI needs the gui extra (pip install 'balance-station[gui]'): {exc}") from None
    if args.home or args.program or args.demo:
        return _run_home(args)
    argv = ["--fps", str(args.fps)]
    if args.device:
        argv += ["--device", args.device]
    if args.out_dir:
        argv += ["--out-dir", args.out_dir]
    if args.quit_after is not None:
        argv += ["--quit-after", str(args.quit_after)]
    return app.main(argv)


def _run_home(args: argparse.Namespace) -> int:
    """``--home`` / ``--program``: the home exercise program windows (station.gui.home_app)."""
    try:
        from station.gui import home_app
    except ImportError as exc:
        raise LookupError(f"the GUI needs the gui extra (pip install 'balance-station[gui]'): {exc}") from None
    home = args.home or not args.program  # --demo alone is the home session's demo
    argv = ["--home" if home else "--program"] + (["--demo"] if args.demo else [])
    for flag, value in (("--patient", args.patient), ("--device", args.device), ("--out-dir", args.out_dir),
                        ("--store", args.store), ("--quit-after", args.quit_after)):
        if value is not None:
            argv += [flag, str(value)]
    return home_app.main(argv)
