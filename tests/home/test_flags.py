"""Disengagement and pain flags of the adherence summary (research §2.3), on hand-built sessions."""

import datetime as dt

import pytest

from station.cli import main
from station.home import default_prescription, save_prescription
from station.home.adherence import adherence_summary
from station.store import Store
from tests.home._handbuilt import add_home_session

START = dt.date(2026, 11, 2)


def _day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


@pytest.fixture
def patient(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        pat = store.add_patient(affected_side="left", mass_kg=70.0)
        p = save_prescription(store, default_prescription(pat.id, "left", created=START.isoformat()))
        yield store, p


def test_no_session_since_the_start_flags_from_the_start_date(patient):
    store, p = patient
    a = adherence_summary(store, p.patient_id, _day(3))
    assert a.days_since_last_session is None and a.flags == ()
    a = adherence_summary(store, p.patient_id, _day(4))
    assert [f.kind for f in a.flags] == ["disengagement"]
    assert "no home session for 4 days" in a.flags[0].text and START.isoformat() in a.flags[0].text


def test_disengagement_after_n_days_configurable(patient):
    store, p = patient
    add_home_session(store, p, _day(1))
    add_home_session(store, p, _day(5))
    for today, since, flagged in ((5, 0, False), (8, 3, False), (9, 4, True), (12, 7, True)):
        a = adherence_summary(store, p.patient_id, _day(today))
        assert a.days_since_last_session == since
        assert any(f.kind == "disengagement" for f in a.flags) is flagged, today
    a = adherence_summary(store, p.patient_id, _day(9))
    assert a.flags[0].text.startswith(f"no home session for 4 days (last {_day(5)}")
    # the clinician's N: 3 flags a day earlier, 5 a day later
    assert adherence_summary(store, p.patient_id, _day(8), inactivity_days=3).flags
    assert not adherence_summary(store, p.patient_id, _day(9), inactivity_days=5).flags
    # a session after "today" does not count (the summary as of an earlier day)
    assert adherence_summary(store, p.patient_id, _day(4)).days_since_last_session == 3
    with pytest.raises(ValueError, match="inactivity_days"):
        adherence_summary(store, p.patient_id, _day(9), inactivity_days=0)


def test_pain_flag_names_every_rating_at_or_above_7(patient):
    store, p = patient
    add_home_session(store, p, _day(0), pain_before=2, pain_after=6.5, pain_next_day=3)
    a = adherence_summary(store, p.patient_id, _day(1))
    assert a.flags == ()  # 6.5 is below 7
    add_home_session(store, p, _day(2), pain_before=2, pain_after=7, pain_next_day=8)
    add_home_session(store, p, _day(4), pain_before=3, pain_after=4)
    a = adherence_summary(store, p.patient_id, _day(5))
    assert [f.kind for f in a.flags] == ["pain"]
    assert a.flags[0].text == (f"pain >= 7 reported: 7/10 right after the session of {_day(2)}; "
                               f"8/10 in the 24 h after the session of {_day(2)}")
    a = adherence_summary(store, p.patient_id, _day(5), pain_flag=8)
    assert a.flags[0].text == f"pain >= 8 reported: 8/10 in the 24 h after the session of {_day(2)}"
    # both flags at once, the JSON carries them
    a = adherence_summary(store, p.patient_id, _day(10))
    assert [f.kind for f in a.flags] == ["disengagement", "pain"]
    d = a.to_dict()
    assert d["days_since_last_session"] == 6 and [f["kind"] for f in d["flags"]] == ["disengagement", "pain"]


def test_home_status_prints_the_flags(patient, capsys):
    store, p = patient
    add_home_session(store, p, _day(0), pain_after=9)
    argv = ["home", "status", p.patient_id, "--store", str(store.path), "--today", _day(6)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "FLAG (disengagement): no home session for 6 days" in out
    assert f"FLAG (pain): pain >= 7 reported: 9/10 right after the session of {_day(0)}" in out
    assert "6 days since the last home session" in out
    assert main([*argv, "--inactivity-days", "7", "--pain-flag", "9.5"]) == 0
    out = capsys.readouterr().out
    assert "FLAG" not in out and "6 days since the last home session" in out
