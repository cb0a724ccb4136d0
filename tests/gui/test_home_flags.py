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
