"""The store: one sqlite3 file in WAL mode, every write one transaction (all or nothing after a crash)."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recordings.writer import utc_now_iso
from station.store.migrations import MIGRATIONS, SCHEMA_VERSION
from station.store.scores import INSTRUMENTS

__all__ = ["Patient", "Score", "Session", "Store", "StoreError", "Trial", "new_patient_id"]

_BASE32 = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no I, L, O, U, 0, 1: nothing to misread
PLACES = ("clinic", "home")
_ID = re.compile(f"BS-[{_BASE32}]{{8}}")


class StoreError(ValueError):
    """A request the store refuses: unknown patient, bad value, a recording already registered."""


def new_patient_id() -> str:
    """A random pseudonymous id ``BS-XXXXXXXX`` (8 of 30 symbols, ~39 bits), never derived from the person."""
    return "BS-" + "".join(secrets.choice(_BASE32) for _ in range(8))


@dataclass(frozen=True)
class Patient:
    id: str
    birth_year: int | None
    sex: str | None
    height_m: float | None
    mass_kg: float | None
    affected_side: str
    notes: str
    created_utc: str


@dataclass(frozen=True)
class Session:
    id: int
    patient_id: str
    date: str  # ISO date, YYYY-MM-DD
    place: str  # clinic | home
    clinician: str
    n_trials: int = 0


@dataclass(frozen=True)
class Trial:
    """One registered recording with the analysis result (report dict) and the settings it used."""

    id: int
    session_id: int
    protocol: str
    condition: str
    path: str
    sha256: str
    recorded_utc: str
    result: dict[str, Any]
    settings: dict[str, Any]


@dataclass(frozen=True)
class Score:
    session_id: int
    instrument: str
    value: float


def _check_positive(name: str, value: float | None, high: float, unit: str) -> None:
    if value is not None and not (math.isfinite(value) and 0 < value < high):
        raise StoreError(f"{name} must be between 0 and {high:g} {unit}, got {value:g}")


def _check_date(date: str) -> str:
    try:
        return _dt.date.fromisoformat(date).isoformat()
    except (TypeError, ValueError):
        raise StoreError(f"a session date is YYYY-MM-DD, got {date!r}") from None


class Store:
    """A patient store in one sqlite3 file (created and migrated on open).

    Parameters
    ----------
    path : path-like
        The database file; its directory is created when missing.
    timeout_s : float
        How long to wait for another process's write lock, s.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout_s: float = 10.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._depth = 0  # nesting of transaction()
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path} is not a usable station store: {exc}") from exc

    # -- lifecycle ------------------------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT); rolled back on any exception.

        Transactions nest: inside another one this is a savepoint, rolled back alone on an exception, and
        nothing is committed before the outermost one ends — so a caller can make several writes (a whole
        home session: the session, its trials, its pain ratings) all or nothing.
        """
        if self._depth:
            name = f"nested_{self._depth}"
            self._db.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self._db
            except BaseException:
                self._db.execute(f"ROLLBACK TO {name}")
                raise
            finally:
                self._depth -= 1
                self._db.execute(f"RELEASE {name}")
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # another process holds the write lock past the timeout
            raise StoreError(f"{self.path} is busy or read-only: {exc}") from exc
        self._depth = 1
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._depth = 0

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, for the store's own modules (:mod:`station.store.home`); writes go in a transaction."""
        return self._db

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has store schema {version}, newer than this software's {SCHEMA_VERSION}")
        for target, script in MIGRATIONS:
            if target <= version:
                continue
            with self.transaction() as db:
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {int(target)}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def integrity_check(self) -> str:
        """sqlite's own check: ``"ok"`` for a sound file."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    # -- patients -------------------------------------------------------------------------------------
    def add_patient(
        self,
        *,
        affected_side: str,
        birth_year: int | None = None,
        sex: str | None = None,
        height_m: float | None = None,
        mass_kg: float | None = None,
        notes: str = "",
        patient_id: str | None = None,
    ) -> Patient:
        """Register a patient under a new random id (or ``patient_id``, for imports) and return it."""
        if affected_side not in ("left", "right"):
            raise StoreError(f"the affected side is left or right, got {affected_side!r}")
        _check_positive("body mass", mass_kg, 500, "kg")
        _check_positive("height", height_m, 3, "m")
        this_year = _dt.date.today().year
        if birth_year is not None and not 1900 <= birth_year <= this_year:
            raise StoreError(f"year of birth must be within 1900-{this_year}, got {birth_year}")
        if sex not in (None, "female", "male", "other"):
            raise StoreError(f"sex is female, male or other, got {sex!r}")
        if patient_id is not None and not _ID.fullmatch(patient_id):
            raise StoreError(f"patient ids are random pseudonyms like {new_patient_id()} (moving a patient between "
                             f"stores keeps the id); {patient_id!r} is not one")
        pid = patient_id or new_patient_id()
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM patients WHERE id = ?", (pid,)).fetchone():
                raise StoreError(f"patient {pid} already exists")
            db.execute(
                "INSERT INTO patients (id, birth_year, sex, height_m, mass_kg, affected_side, notes, created_utc)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (pid, birth_year, sex, height_m, mass_kg, affected_side, notes, utc_now_iso()),
            )
        return self.patient(pid)

    def patient(self, patient_id: str) -> Patient:
        row = self._db.execute("SELECT * FROM patients WHERE id = ?", (patient_id,)).fetchone()
        if row is None:
            raise StoreError(f"unknown patient {patient_id!r} in {self.path} (see `station patients list`)")
        return Patient(**dict(row))

    def patients(self) -> list[Patient]:
        return [Patient(**dict(r)) for r in self._db.execute("SELECT * FROM patients ORDER BY created_utc, id")]

    # -- sessions -------------------------------------------------------------------------------------
    def add_session(self, patient_id: str, date: str, *, place: str = "clinic", clinician: str = "") -> Session:
        self.patient(patient_id)
        if place not in PLACES:
            raise StoreError(f"a session takes place at the clinic or at home, got {place!r}")
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO sessions (patient_id, date, place, clinician, created_utc) VALUES (?, ?, ?, ?, ?)",
                (patient_id, _check_date(date), place, clinician, utc_now_iso()),
            )
        return self.session(int(cur.lastrowid))  # type: ignore[arg-type]

    def session(self, session_id: int) -> Session:
        row = self._db.execute(
            "SELECT s.*, (SELECT count(*) FROM trials t WHERE t.session_id = s.id) AS n_trials"
            " FROM sessions s WHERE s.id = ?", (session_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"unknown session {session_id} in {self.path}")
        d = dict(row)
        d.pop("created_utc")
        return Session(**d)

    def sessions(self, patient_id: str) -> list[Session]:
        """The patient's sessions, oldest first, with their trial counts."""
        self.patient(patient_id)
        rows = self._db.execute(
            "SELECT s.id, s.patient_id, s.date, s.place, s.clinician, count(t.id) AS n_trials"
            " FROM sessions s LEFT JOIN trials t ON t.session_id = s.id"
            " WHERE s.patient_id = ? GROUP BY s.id ORDER BY s.date, s.id",
            (patient_id,),
        )
        return [Session(**dict(r)) for r in rows]

    def session_for(self, patient_id: str, date: str, place: str = "clinic", clinician: str = "") -> Session:
        """The patient's latest session on ``date`` at ``place``, created when there is none."""
        row = self._db.execute(
            "SELECT id FROM sessions WHERE patient_id = ? AND date = ? AND place = ? ORDER BY id DESC LIMIT 1",
            (patient_id, _check_date(date), place),
        ).fetchone()
        if row is not None:
            return self.session(int(row[0]))
        return self.add_session(patient_id, date, place=place, clinician=clinician)

    # -- trials ---------------------------------------------------------------------------------------
    def add_trial(
        self,
        session_id: int,
        *,
        protocol: str,
        condition: str,
        path: str | os.PathLike[str],
        sha256: str,
        recorded_utc: str,
        result: dict[str, Any],
        settings: dict[str, Any],
    ) -> Trial:
        """Register one analysed recording. A file whose SHA-256 is already registered is refused."""
        self.session(session_id)
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise StoreError(f"a SHA-256 is 64 lower-case hex digits, got {sha256!r}")
        result_json = json.dumps(result, allow_nan=False)
        settings_json = json.dumps(settings, allow_nan=False)
        with self.transaction() as db:
            other = db.execute("SELECT id, session_id, path FROM trials WHERE sha256 = ?", (sha256,)).fetchone()
            if other is not None:
                raise StoreError(
                    f"this recording is already registered as trial {other['id']} of session "
                    f"{other['session_id']} ({other['path']}; SHA-256 {sha256[:12]}...)"
                )
            cur = db.execute(
                "INSERT INTO trials (session_id, protocol, condition, path, sha256, recorded_utc, result_json,"
                " settings_json, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, protocol, condition, str(path), sha256, recorded_utc, result_json, settings_json,
                 utc_now_iso()),
            )
        return self.trial(int(cur.lastrowid))  # type: ignore[arg-type]

    @staticmethod
    def _trial(row: sqlite3.Row) -> Trial:
        d = dict(row)
        d.pop("created_utc")
        d["result"] = json.loads(d.pop("result_json"))
        d["settings"] = json.loads(d.pop("settings_json"))
        return Trial(**d)

    def trial(self, trial_id: int) -> Trial:
        row = self._db.execute("SELECT * FROM trials WHERE id = ?", (trial_id,)).fetchone()
        if row is None:
            raise StoreError(f"unknown trial {trial_id} in {self.path}")
        return self._trial(row)

    def trials(self, session_id: int) -> list[Trial]:
        return [self._trial(r) for r in self._db.execute(
            "SELECT * FROM trials WHERE session_id = ? ORDER BY id", (session_id,))]

    def trial_by_sha256(self, sha256: str) -> Trial | None:
        row = self._db.execute("SELECT * FROM trials WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else self._trial(row)

    # -- scores ---------------------------------------------------------------------------------------
    def add_score(self, session_id: int, instrument: str, value: float) -> Score:
        """Attach a clinical score to a session (replacing an earlier value of the same instrument)."""
        self.session(session_id)
        spec = INSTRUMENTS.get(instrument)
        if spec is None:
            raise StoreError(f"unknown clinical score {instrument!r}; known: {', '.join(INSTRUMENTS)}")
        try:
            checked = spec.check(float(value))
        except ValueError as exc:
            raise StoreError(str(exc)) from None
        with self.transaction() as db:
            db.execute(
                "INSERT INTO scores (session_id, instrument, value, created_utc) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (session_id, instrument) DO UPDATE SET value = excluded.value",
                (session_id, instrument, checked, utc_now_iso()),
            )
        return Score(session_id, instrument, checked)

    def scores(self, session_id: int) -> list[Score]:
        return [Score(r["session_id"], r["instrument"], r["value"]) for r in self._db.execute(
            "SELECT * FROM scores WHERE session_id = ? ORDER BY instrument", (session_id,))]
