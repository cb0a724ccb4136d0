"""The clinician's adherence view: the flag banner and the days since the last session (hand-built sessions)."""

import datetime as dt

from station.gui.adherence_view import AdherenceView
from station.home import default_prescription, save_prescription
from station.home.adherence import adherence_summary
from station.store import Store
from tests.home._handbuilt import add_home_session

START = dt.date(2026, 11, 2)


def test_banner_shows_the_flags_and_hides_without(qtbot, tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        pat = store.add_patient(affected_side="left", mass_kg=70.0)
        p = save_prescription(store, default_prescription(pat.id, "left", created=START.isoformat()))
        add_home_session(store, p, START.isoformat(), pain_after=3)
        view = AdherenceView(store, pat.id, today=START + dt.timedelta(days=2))
        qtbot.addWidget(view)
        view.show()
        assert view.flags.isHidden() and view.since.text() == "2"
        add_home_session(store, p, (START + dt.timedelta(days=1)).isoformat(), pain_after=8)
        view.today = START + dt.timedelta(days=6)
        view.refresh()
        s = adherence_summary(store, pat.id, view.today)
        assert [f.kind for f in s.flags] == ["disengagement", "pain"]
        assert view.flags.isVisible() and view.since.text() == "5"
        text = view.flags.text()
        assert "no home session for 5 days" in text and "pain &gt;= 7 reported: 8/10 right after" in text


def test_apply_suggestion_button_creates_the_next_version(qtbot, tmp_path):
    from station.gui.home_app import ProgramWindow
    from station.home import current_prescription

    with Store(tmp_path / "s.sqlite3") as store:
        pat = store.add_patient(affected_side="left", mass_kg=70.0)
        p = save_prescription(store, default_prescription(pat.id, "left", created=START.isoformat()))
        today = START + dt.timedelta(days=5)
        window = ProgramWindow(store, pat.id, today=today)
        qtbot.addWidget(window)
        view = window.adherence
        assert not view.apply_button.isEnabled()  # hold: no data yet
        add_home_session(store, p, (START + dt.timedelta(days=1)).isoformat(), pain_after=2)
        add_home_session(store, p, (START + dt.timedelta(days=3)).isoformat(), pain_after=2)
        view.refresh()
        assert view.decision.action == "advance" and view.apply_button.isEnabled()
        asked = []
        view.confirm = lambda text: asked.append(text) or False
        view.apply_button.click()
        assert view.applied_message.text() == "not applied" and current_prescription(store, pat.id).version == 1
        assert "sit-to-stand: 1 x 5" in asked[0] and "-> 1 x 6" in asked[0]
        view.confirm = lambda text: True
        view.apply_button.click()
        new = current_prescription(store, pat.id)
        assert new.version == 2 and new.created == today.isoformat() and new.dose("sit-to-stand").reps == 6
        assert view.applied_message.text().startswith("advance: prescription v2 from v1")
        assert view.summary.prescription_version == 2 and not view.apply_button.isEnabled()  # no data under v2
        assert window.form.base == new and window.form.status.text() == f"version 2 of {today.isoformat()}"
        assert "Otago" in new.notes and "[progression] advance applied to v1" in window.form.notes.text()
