"""``station sessions list ID`` and ``station sessions import ID FILE.h5 ...``."""

from __future__ import annotations

import argparse
from pathlib import Path

from station.cli._store import add_store_option, open_store
from station.store.register import register_recording


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("sessions", help="a patient's sessions and their trials")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    lst = actions.add_parser("list", help="list a patient's sessions")
    lst.add_argument("patient", metavar="ID")
    add_store_option(lst)
    lst.set_defaults(run=_list)
    imp = actions.add_parser("import", help="analyse recordings and register them in a session")
    imp.add_argument("patient", metavar="ID")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE.h5")
    imp.add_argument("--session", type=int, help="session id (default: the recording day's session)")
    imp.add_argument("--place", choices=("clinic", "home"), default="clinic")
    imp.add_argument("--clinician", default="", help="who ran the session (for a new session)")
    add_store_option(imp)
    imp.set_defaults(run=_import)


def _list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        sessions = store.sessions(args.patient)
        print(f"{'session':>7} {'date':<10} {'place':<6} trials  protocols")
        for s in sessions:
            kinds = sorted({f"{t.protocol} ({t.condition})" for t in store.trials(s.id)})
            print(f"{s.id:>7} {s.date:<10} {s.place:<6} {s.n_trials:>6}  {'; '.join(kinds)}")
    return 0


def _import(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        for path in args.files:
            trial = register_recording(store, args.patient, path, session_id=args.session, place=args.place,
                                       clinician=args.clinician)
            print(f"{path}: trial {trial.id} of session {trial.session_id}")
    return 0


