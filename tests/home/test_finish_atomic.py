"""Storing a finished home session is one transaction: a fault injected anywhere in it leaves nothing written,
and the same call afterwards stores everything once."""

from __future__ import annotations

import pytest

from drivers.registry import create
from recordings.metadata import Subject
from station.home import ExerciseDose, Prescription, Target, save_prescription
from station.home import session as home_session
from station.home.adherence import home_sessions
from station.home.session import finish_session, record_set
from station.store import Store
from station.store.register import file_sha256

DOSE = ExerciseDose("sit-to-stand", 2, 2, 0.0, 0.0, Target(30.0, None))


@pytest.fixture
def recorded(tmp_path):
    store = Store(tmp_path / "store.sqlite3")
    patient = store.add_patient(affected_side="left", mass_kg=70.0)
    p = save_prescription(store, Prescription(patient.id, 1, "2026-11-02", 3, (DOSE,), affected_side="left"))
    earlier = finish_session(store, patient.id, [], 1.0, 2.0, date="2026-11-03", prescription=p)
    subject = Subject(patient.id, 70.0, "left")
    outcomes = [record_set(create("sim-home", {"seed": str(k)}), tmp_path / f"set{k}.h5", subject, DOSE, k)
                for k in range(2)]
    return store, patient.id, p, outcomes, earlier


def _counts(store, pid):
    sessions = store.sessions(pid)
    trials = sum(len(store.trials(s.id)) for s in sessions)
    return len(sessions), trials, len(home_sessions(store, pid))


class Injected(RuntimeError):
    pass


@pytest.mark.parametrize("where", ["second trial", "home row", "next-day pain"])
def test_a_fault_mid_finish_leaves_nothing_half_written(recorded, monkeypatch, where):
    store, pid, p, outcomes, earlier = recorded
    before = _counts(store, pid)
    assert before == (1, 0, 1)
    real_register, real_home, real_pain = (home_session.register_recording, home_session.add_home_session,
                                           home_session.set_pain_next_day)
    calls = {"n": 0}

    def register(*args, **kwargs):
        calls["n"] += 1
        if where == "second trial" and calls["n"] == 2:
            raise Injected("disk full while registering the second set")
        return real_register(*args, **kwargs)

    def home_row(*args, **kwargs):
        if where == "home row":
            raise Injected("the home-session row failed")
        return real_home(*args, **kwargs)

    def pain(*args, **kwargs):
        real_pain(*args, **kwargs)  # written, then the last step fails: it must be rolled back too
        if where == "next-day pain":
            raise Injected("the rating of the day after failed")

    monkeypatch.setattr(home_session, "register_recording", register)
    monkeypatch.setattr(home_session, "add_home_session", home_row)
    monkeypatch.setattr(home_session, "set_pain_next_day", pain)
    with pytest.raises(Injected):
        finish_session(store, pid, outcomes, 2.0, 3.0, date="2026-11-04", prescription=p, pain_next_day=5.0)
    assert _counts(store, pid) == before  # no session, no trial, no home row
    assert all(store.trial_by_sha256(file_sha256(o.path)) is None for o in outcomes)
    assert home_sessions(store, pid)[0].pain_next_day is None  # the earlier session's rating was not kept
    assert store.integrity_check() == "ok"

    monkeypatch.setattr(home_session, "register_recording", real_register)
    monkeypatch.setattr(home_session, "add_home_session", real_home)
    monkeypatch.setattr(home_session, "set_pain_next_day", real_pain)
    sid = finish_session(store, pid, outcomes, 2.0, 3.0, date="2026-11-04", prescription=p, pain_next_day=5.0)
    assert _counts(store, pid) == (2, 2, 2) and sid != earlier
    rows = home_sessions(store, pid)
    assert rows[0].pain_next_day == 5.0 and (rows[1].pain_before, rows[1].pain_after) == (2.0, 3.0)


def test_nested_transactions_roll_back_alone_and_commit_with_the_outer_one(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    pid = store.add_patient(affected_side="right").id
    with store.transaction():
        kept = store.add_session(pid, "2026-01-01")  # a nested transaction: a savepoint
        with pytest.raises(Injected):
            with store.transaction():
                store.add_session(pid, "2026-01-02")
                raise Injected("inner")
        other = Store(tmp_path / "s.sqlite3", timeout_s=0.1)  # another connection sees nothing before the commit
        assert other.sessions(pid) == []
        other.close()
    assert [s.id for s in store.sessions(pid)] == [kept.id]
    with pytest.raises(Injected):
        with store.transaction():
            store.add_session(pid, "2026-01-03")
            raise Injected("outer")
    assert [s.date for s in store.sessions(pid)] == ["2026-01-01"]
