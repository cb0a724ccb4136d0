"""Versioned schema migrations of the store. ``PRAGMA user_version`` holds the applied version.

Append a migration to :data:`MIGRATIONS`; never edit one that has shipped. Each runs in its own
transaction together with the version bump, so a crash leaves the store at the old or the new version.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

_V1 = """
CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    birth_year INTEGER CHECK (birth_year IS NULL OR birth_year BETWEEN 1900 AND 2200),
    sex TEXT CHECK (sex IS NULL OR sex IN ('female', 'male', 'other')),
    height_m REAL CHECK (height_m IS NULL OR (height_m > 0 AND height_m < 3)),
    mass_kg REAL CHECK (mass_kg IS NULL OR (mass_kg > 0 AND mass_kg < 500)),
    affected_side TEXT NOT NULL CHECK (affected_side IN ('left', 'right')),
    notes TEXT NOT NULL DEFAULT '',
    created_utc TEXT NOT NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    date TEXT NOT NULL,
    place TEXT NOT NULL CHECK (place IN ('clinic', 'home')),
    clinician TEXT NOT NULL DEFAULT '',
    created_utc TEXT NOT NULL
);
CREATE INDEX sessions_by_patient ON sessions(patient_id, date, id);
CREATE TABLE trials (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    protocol TEXT NOT NULL,
    condition TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    recorded_utc TEXT NOT NULL,
    result_json TEXT NOT NULL,
    settings_json TEXT NOT NULL,
    created_utc TEXT NOT NULL
);
CREATE INDEX trials_by_session ON trials(session_id, id);
CREATE TABLE scores (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    instrument TEXT NOT NULL,
    value REAL NOT NULL,
    created_utc TEXT NOT NULL,
    UNIQUE (session_id, instrument)
);
"""

#: Home exercise program (station/home): prescription versions, the pain ratings and dose summary of each
#: home session, and the packages imported from home devices (a second import of one package is refused).
_V2 = """
CREATE TABLE prescriptions (
    patient_id TEXT NOT NULL REFERENCES patients(id),
    version INTEGER NOT NULL CHECK (version >= 1),
    created TEXT NOT NULL,
    json TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    PRIMARY KEY (patient_id, version)
);
CREATE TABLE home_sessions (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
    uid TEXT NOT NULL UNIQUE,
    prescription_version INTEGER NOT NULL,
    pain_before REAL CHECK (pain_before IS NULL OR pain_before BETWEEN 0 AND 10),
    pain_after REAL CHECK (pain_after IS NULL OR pain_after BETWEEN 0 AND 10),
    pain_next_day REAL CHECK (pain_next_day IS NULL OR pain_next_day BETWEEN 0 AND 10),
    summary_json TEXT NOT NULL,
    created_utc TEXT NOT NULL
);
CREATE TABLE home_imports (
    package_id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    manifest_sha256 TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
    n_sessions INTEGER NOT NULL,
    imported_utc TEXT NOT NULL
)
"""

#: (version, SQL script) in order. The store's schema version is the last one.
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, _V1), (2, _V2))
SCHEMA_VERSION = MIGRATIONS[-1][0]
