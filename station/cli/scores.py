"""``station scores add ID NAME=VALUE ...``: clinical scores attached to a session."""

from __future__ import annotations

import argparse
import datetime as _dt

from station.cli._args import key_value
from station.cli._store import add_store_option, open_store
from station.store import INSTRUMENTS


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("scores", help="clinical scores (TUG, chair stand, Berg, HOOS, Harris, pain)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    add = actions.add_parser(
        "add", help="attach scores to a session",
        epilog="scores: " + "; ".join(f"{i.name} ({i.label}, {i.unit})" for i in INSTRUMENTS.values()),
    )
    add.add_argument("patient", metavar="ID")
    add.add_argument("scores", nargs="+", type=key_value, metavar="NAME=VALUE")
    add.add_argument("--session", type=int, help="session id (default: the session of --date at --place)")
    add.add_argument("--date", help="session date YYYY-MM-DD (default today, UTC)")
    add.add_argument("--place", choices=("clinic", "home"), default="clinic")
    add.add_argument("--clinician", default="", help="who ran the session (for a new session)")
    add_store_option(add)
    add.set_defaults(run=_add)


def _add(args: argparse.Namespace) -> int:
    values = []
    for name, text in args.scores:
        try:
            values.append((name, float(text)))
        except ValueError:
            raise ValueError(f"score {name}: expected a number, got {text!r}") from None
    with open_store(args) as store:
        store.patient(args.patient)
        if args.session is not None:
            session = store.session(args.session)
            if session.patient_id != args.patient:
                raise ValueError(f"session {session.id} belongs to another patient, not {args.patient}")
        else:
            date = args.date or _dt.datetime.now(_dt.UTC).date().isoformat()
            session = store.session_for(args.patient, date, place=args.place, clinician=args.clinician)
        for name, value in values:  # check every score before storing any
            if name not in INSTRUMENTS:
                raise ValueError(f"unknown clinical score {name!r}; known: {', '.join(INSTRUMENTS)}")
            INSTRUMENTS[name].check(value)
        for name, value in values:
            store.add_score(session.id, name, value)
            print(f"session {session.id}: {name} = {value:g} {INSTRUMENTS[name].unit}")
    return 0
