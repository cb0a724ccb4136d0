"""``station patients add|list|show``: the store's pseudonymous patients."""

from __future__ import annotations

import argparse

from station.cli._store import add_store_option, open_store


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("patients", help="patients in the store (pseudonymous ids only)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    add = actions.add_parser("add", help="register a patient under a new random id")
    add.add_argument("--affected", choices=("left", "right"), required=True, help="painful side")
    add.add_argument("--birth-year", type=int, help="year of birth (no full dates are stored)")
    add.add_argument("--sex", choices=("female", "male", "other"))
    add.add_argument("--height", type=float, metavar="M", help="height, m")
    add.add_argument("--mass", type=float, metavar="KG", help="body mass, kg")
    add.add_argument("--notes", default="", help="clinical notes (no names or contact details)")
    add_store_option(add)
    add.set_defaults(run=_add)
    lst = actions.add_parser("list", help="list patients")
    add_store_option(lst)
    lst.set_defaults(run=_list)
    show = actions.add_parser("show", help="one patient with sessions and scores")
    show.add_argument("patient", metavar="ID")
    add_store_option(show)
    show.set_defaults(run=_show)


def _add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        p = store.add_patient(affected_side=args.affected, birth_year=args.birth_year, sex=args.sex,
                              height_m=args.height, mass_kg=args.mass, notes=args.notes)
    print(p.id)
    return 0


def _fmt(value: object, unit: str = "") -> str:
    return "-" if value is None else f"{value}{unit}"


def _list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        patients = store.patients()
        print(f"{'id':<12} {'born':>5} {'sex':<7} {'mass':>7} {'affected':<8} sessions")
        for p in patients:
            n = len(store.sessions(p.id))
            print(f"{p.id:<12} {_fmt(p.birth_year):>5} {_fmt(p.sex):<7} {_fmt(p.mass_kg, ' kg'):>7} "
                  f"{p.affected_side:<8} {n}")
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        p = store.patient(args.patient)
        print(f"Patient {p.id}: affected side {p.affected_side}, born {_fmt(p.birth_year)}, sex {_fmt(p.sex)}, "
              f"height {_fmt(p.height_m, ' m')}, mass {_fmt(p.mass_kg, ' kg')}")
        if p.notes:
            print(f"Notes: {p.notes}")
        for s in store.sessions(p.id):
            scores = ", ".join(f"{sc.instrument}={sc.value:g}" for sc in store.scores(s.id))
            print(f"  session {s.id}: {s.date} {s.place}, {s.n_trials} trials" + (f"; {scores}" if scores else ""))
    return 0
