"""The home exercise program's rows in the store: prescription versions, home sessions, imported packages.

Every statement on the tables of schema version 2 (:mod:`station.store.migrations`) is here; the home program
(:mod:`station.home`) calls these functions and writes no SQL of its own. Writes run in a store transaction,
so a caller that wraps several of them in its own ``with store.transaction():`` gets them all or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from station.store.store import Store, utc_now_iso

__all__ = [
    "HOME_SESSION_COLUMNS",
    "add_home_import",
    "add_home_session",
    "add_prescription",
    "home_import_date",
    "home_session_rows",
    "known_home_uids",
    "last_home_session_id",
    "latest_prescription_version",
    "prescription_jsons",
    "set_pain_next_day",
]


#: The columns of each row :func:`home_session_rows` returns, in order.
HOME_SESSION_COLUMNS = ("session_id", "date", "prescription_version", "pain_before", "pain_after", "pain_next_day",
                        "summary_json", "uid")


# -- prescriptions --------------------------------------------------------------------------------------

def latest_prescription_version(store: Store, patient_id: str) -> int:
    """The patient's newest prescription version (0 when there is none)."""
    row = store.db.execute("SELECT max(version) FROM prescriptions WHERE patient_id = ?", (patient_id,)).fetchone()
    return int(row[0] or 0)


def add_prescription(store: Store, patient_id: str, version: int, created: str, prescription_json: str) -> None:
    """Store one prescription version (the caller checked it is newer than every stored one)."""
    with store.transaction() as db:
        db.execute("INSERT INTO prescriptions (patient_id, version, created, json, created_utc) VALUES (?, ?, ?, ?, ?)",
                   (patient_id, version, created, prescription_json, utc_now_iso()))


def prescription_jsons(store: Store, patient_id: str) -> list[str]:
    """Every version of the patient's prescription as stored (JSON), oldest first."""
    rows = store.db.execute("SELECT json FROM prescriptions WHERE patient_id = ? ORDER BY version", (patient_id,))
    return [r[0] for r in rows]


# -- home sessions --------------------------------------------------------------------------------------

def add_home_session(store: Store, session_id: int, *, uid: str, prescription_version: int,
                     pain_before: float | None, pain_after: float | None, pain_next_day: float | None,
                     summary_json: str) -> None:
    """Write the home-session row of a stored session."""
    with store.transaction() as db:
        db.execute(
            "INSERT INTO home_sessions (session_id, uid, prescription_version, pain_before, pain_after,"
            " pain_next_day, summary_json, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, uid, prescription_version, pain_before, pain_after, pain_next_day, summary_json,
             utc_now_iso()),
        )


def home_session_rows(store: Store, patient_id: str) -> list[tuple[Any, ...]]:
    """The patient's home sessions, oldest first (:data:`HOME_SESSION_COLUMNS`; the dose summary as JSON)."""
    rows = store.db.execute(
        "SELECT s.id, s.date, h.prescription_version, h.pain_before, h.pain_after, h.pain_next_day,"
        " h.summary_json, h.uid FROM sessions s JOIN home_sessions h ON h.session_id = s.id"
        " WHERE s.patient_id = ? ORDER BY s.date, s.id", (patient_id,)).fetchall()
    return [tuple(r) for r in rows]


def last_home_session_id(store: Store, patient_id: str) -> int | None:
    """The patient's latest home session (by date, then id), or None."""
    row = store.db.execute(
        "SELECT h.session_id FROM home_sessions h JOIN sessions s ON s.id = h.session_id"
        " WHERE s.patient_id = ? ORDER BY s.date DESC, s.id DESC LIMIT 1", (patient_id,)).fetchone()
    return None if row is None else int(row[0])


def set_pain_next_day(store: Store, session_id: int, value: float) -> None:
    """Store the rating of the 24 h after a home session (0-10, checked by the caller)."""
    with store.transaction() as db:
        db.execute("UPDATE home_sessions SET pain_next_day = ? WHERE session_id = ?", (value, session_id))


def known_home_uids(store: Store, uids: Sequence[str]) -> set[str]:
    """Which of these home-session uids the store holds already."""
    if not uids:
        return set()
    marks = ",".join("?" * len(uids))
    return {r[0] for r in store.db.execute(f"SELECT uid FROM home_sessions WHERE uid IN ({marks})", list(uids))}


# -- imported packages ----------------------------------------------------------------------------------

def home_import_date(store: Store, package_id: str) -> str | None:
    """When a home package was imported (UTC ISO), or None if it never was."""
    row = store.db.execute("SELECT imported_utc FROM home_imports WHERE package_id = ?", (package_id,)).fetchone()
    return None if row is None else str(row[0])


def add_home_import(store: Store, package_id: str, patient_id: str, manifest_sha256: str, n_sessions: int) -> None:
    """Remember an imported package (a second import of it is refused)."""
    with store.transaction() as db:
        db.execute("INSERT INTO home_imports (package_id, patient_id, manifest_sha256, n_sessions, imported_utc)"
                   " VALUES (?, ?, ?, ?, ?)", (package_id, patient_id, manifest_sha256, n_sessions, utc_now_iso()))
