"""The store: schema and migrations, pseudonymous ids, validation, location, registration."""

from __future__ import annotations

import re
import sqlite3

import pytest

from drivers import registry
from recordings.metadata import Subject
from station.protocols.standing import run_standing
from station.store import ENV_VAR, Store, StoreError, default_store_path, new_patient_id, resolve_store_path
from station.store.migrations import SCHEMA_VERSION
from station.store.register import file_sha256, register_recording


def test_new_store_is_wal_and_migrated_and_reopens(tmp_path):
    path = tmp_path / "sub" / "store.sqlite3"
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION >= 1
        assert store.integrity_check() == "ok"
        pid = store.add_patient(affected_side="left", mass_kg=70.0).id
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"patients", "sessions", "trials", "scores"} <= tables
    raw.close()
    with Store(path) as again:  # migrating twice is a no-op and keeps the data
        assert again.patient(pid).mass_kg == 70.0


def test_a_newer_store_is_refused(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="newer than this software"):
        Store(path)


def test_patient_ids_are_random_pseudonyms():
    ids = {new_patient_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"BS-[A-Z2-9]{8}", i) for i in ids)
    assert not any(c in "".join(ids)[3:] for c in "ILOU01" if c != "-")


def test_bad_input_is_rejected_clearly(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    with pytest.raises(StoreError, match="body mass must be between 0 and 500 kg, got -3"):
        store.add_patient(affected_side="left", mass_kg=-3.0)
    with pytest.raises(StoreError, match="affected side is left or right"):
        store.add_patient(affected_side="both")
    with pytest.raises(StoreError, match="year of birth"):
        store.add_patient(affected_side="left", birth_year=1850)
    with pytest.raises(StoreError, match="unknown patient 'BS-NOBODY00'"):
        store.add_session("BS-NOBODY00", "2026-01-01")
    with pytest.raises(StoreError, match="unknown patient"):
        store.sessions("BS-NOBODY00")
    with pytest.raises(StoreError, match=r"random pseudonyms like BS-.*'Jane Doe' is not one"):
        store.add_patient(affected_side="left", patient_id="Jane Doe")
    pid = store.add_patient(affected_side="right").id
    with pytest.raises(StoreError, match=f"patient {pid} already exists"):
        store.add_patient(affected_side="right", patient_id=pid)
    with pytest.raises(StoreError, match="YYYY-MM-DD"):
        store.add_session(pid, "15/01/2026")
    with pytest.raises(StoreError, match="clinic or at home"):
        store.add_session(pid, "2026-01-15", place="pub")
    sid = store.add_session(pid, "2026-01-15").id
    with pytest.raises(StoreError, match="tug_s must be within 0-600 s, got -1"):
        store.add_score(sid, "tug_s", -1)
    with pytest.raises(StoreError, match="berg is a whole number"):
        store.add_score(sid, "berg", 40.5)
    with pytest.raises(StoreError, match="unknown clinical score 'iq'"):
        store.add_score(sid, "iq", 100)
    with pytest.raises(StoreError, match="unknown session 99"):
        store.add_score(99, "tug_s", 10)
    assert store.patients()[0].id == pid and store.scores(sid) == []
    store.add_score(sid, "tug_s", 12.5)
    store.add_score(sid, "tug_s", 11.5)  # a correction replaces the value
    assert [(s.instrument, s.value) for s in store.scores(sid)] == [("tug_s", 11.5)]


def test_store_location_explicit_then_env_then_user_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.sqlite3"))
    assert resolve_store_path(tmp_path / "x.sqlite3") == tmp_path / "x.sqlite3"
    assert resolve_store_path(None) == tmp_path / "env.sqlite3"
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_store_path(None) == default_store_path() == tmp_path / "data" / "balance-station" / "store.sqlite3"


def _record(tmp_path, patient_id, name="t.h5", seed=1):
    device = registry.create("sim", {"affected_side": "left", "seed": seed, "mass_kg": 70.0})
    path = tmp_path / name
    run_standing(device, path, Subject(patient_id, 70.0, "left"), seconds=12.0)
    return path


def test_register_stores_hash_result_and_settings_and_refuses_duplicates(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    pid = store.add_patient(affected_side="left", mass_kg=70.0).id
    path = _record(tmp_path, pid)
    trial = register_recording(store, pid, path)
    assert trial.sha256 == file_sha256(path) and len(trial.sha256) == 64
    assert trial.protocol == "standing" and trial.condition == "eyes open, firm surface"
    assert trial.settings == trial.result["settings"] and trial.settings["lowpass_hz"] == 10.0
    session = store.session(trial.session_id)
    assert session.patient_id == pid and session.place == "clinic" and session.n_trials == 1
    with pytest.raises(StoreError, match="already registered as trial 1 of session 1"):
        register_recording(store, pid, path)
    copy = tmp_path / "copy.h5"  # the same bytes under another name are the same recording
    copy.write_bytes(path.read_bytes())
    with pytest.raises(StoreError, match="already registered"):
        register_recording(store, pid, copy)
    other = store.add_patient(affected_side="left").id
    with pytest.raises(StoreError, match=f"recorded for subject '{pid}', not patient {other}"):
        register_recording(store, other, _record(tmp_path, pid, "t2.h5", seed=2))
    assert len(store.trials(trial.session_id)) == 1


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("this is not a database\n" * 100)
    with pytest.raises(StoreError, match="is not a usable station store"):
        Store(bogus)


def test_a_locked_store_says_busy(tmp_path):
    path = tmp_path / "s.sqlite3"
    holder = Store(path)
    waiting = Store(path, timeout_s=0.05)
    with holder.transaction():
        with pytest.raises(StoreError, match="busy or read-only"):
            waiting.add_patient(affected_side="left")
    assert waiting.add_patient(affected_side="left").affected_side == "left"
    holder.close()
    waiting.close()
