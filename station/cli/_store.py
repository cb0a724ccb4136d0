"""The ``--store PATH`` option every store command shares."""

from __future__ import annotations

import argparse
from pathlib import Path

from station.store import ENV_VAR, Store, resolve_store_path


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store", type=Path, metavar="PATH",
        help=f"patient store file (default: ${ENV_VAR}, else ~/.local/share/balance-station/store.sqlite3)",
    )


def open_store(args: argparse.Namespace) -> Store:
    return Store(resolve_store_path(getattr(args, "store", None)))


def apply_patient(args: argparse.Namespace) -> None:
    """``--patient ID``: the subject is the stored patient (id, affected side, and mass unless given)."""
    with open_store(args) as store:
        patient = store.patient(args.patient)
    args.subject = patient.id
    args.affected = patient.affected_side
    if args.mass is None:
        args.mass = patient.mass_kg


def register_outcome(args: argparse.Namespace, path: Path, report: dict) -> str:
    """Register an assessment that just ran in the patient's session of the day; a line for the user."""
    from station.store.register import register_recording

    with open_store(args) as store:
        trial = register_recording(store, args.patient, path, result=report)
    return f"registered as trial {trial.id} of session {trial.session_id} for patient {args.patient}"
