"""The clinician's adherence view on three weeks of simulated home sessions (the console engine on the simulated
home patient, fast clock): it shows the numbers adherence_summary and suggest_progression computed, and those
numbers match hand counts of the simulated course."""

import datetime as dt

import numpy as np
import pytest
from PyQt6 import QtGui

from drivers.sim.home_course import HomePatientCourse
from station.gui.adherence_view import AdherenceView, load_points
from station.gui.home_app import ProgramWindow
from station.home import (
    LIBRARY,
    ExerciseDose,
    Prescription,
    ProgressionRule,
    Target,
    save_prescription,
)
from station.home.adherence import adherence_summary
from station.home.progression import suggest_progression
from station.home.simulate import simulate_course
from station.store import Store

START = dt.date(2026, 11, 2)
TODAY = START + dt.timedelta(days=20)  # the third week, its last day not yet over
SKIPPED = (9,)  # the patient skipped the second session of week 2
MASS_KG = 68.0


def three_weeks(store, out_dir):
    """A patient with a prescription from START and the home sessions of the simulated course up to TODAY
    (:func:`station.home.simulate.simulate_course`: the console engine on ``sim-home``, fast clock)."""
    patient = store.add_patient(affected_side="right", mass_kg=MASS_KG)
    save_prescription(store, Prescription(
        patient_id=patient.id, version=1, created=START.isoformat(), sessions_per_week=3,
        exercises=(
            ExerciseDose("stance-eyes-open", 1, 3, 3.0, 10.0, Target(47.0, 60.0, 3.0)),
            ExerciseDose("weight-shift", 1, 3, 3.0, 10.0, Target(60.0, None, 3.0)),
            ExerciseDose("mini-squat", 1, 4, 0.0, 0.0, Target(40.0, 60.0, None)),
        ),
        rule=ProgressionRule(success_fraction=0.8, sessions_required=2), affected_side="right",
    ))
    course = HomePatientCourse(3, skip_days=SKIPPED, affected_share_pct=40.0, improvement_per_session=0.5,
                               pain_before=2.0, pain_after=3.0, pain_next_day=2.0)
    simulate_course(store, patient.id, course, (TODAY - START).days + 1, out_dir)
    days = [d for d in course.days((TODAY - START).days + 1) if d.done]
    return patient, days


@pytest.fixture(scope="module")
def course_store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("course")
    with Store(tmp / "store.sqlite3") as store:
        patient, days = three_weeks(store, tmp)
        yield store, patient, days


def test_the_view_shows_what_adherence_summary_computed(qtbot, course_store, screenshot):
    store, patient, days = course_store
    view = AdherenceView(store, patient.id, today=TODAY)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    qtbot.waitExposed(view)
    s = adherence_summary(store, patient.id, TODAY)
    decision = suggest_progression(store, patient.id)

    # hand counts of the simulated course: sessions on days 0 2 4 | 7 (9 skipped) 11 | 14 16 18
    assert [d.day for d in days] == [0, 2, 4, 7, 11, 14, 16, 18]
    assert [w.sessions_done for w in s.weeks] == [3, 2, 3]
    assert s.days_with_data_last_30 == 8
    assert s.streak_sessions == 3  # this week's 3; week 2 fell short
    assert [e.reps_done for e in s.exercises] == [8 * 3, 8 * 3, 8 * 4]

    # the view shows exactly those numbers
    assert view.this_week.text() == "3 / 3"
    assert view.days_30.text() == str(s.days_with_data_last_30) == "8"
    assert view.streak.text() == str(s.streak_sessions) == "3"
    done = sum(e.reps_done for e in s.exercises)
    assert view.dose.text() == f"{done} / {sum(e.reps_prescribed for e in s.exercises)}" == "80 / 80"
    assert f"Suggestion: {decision.action}" in view.progression.text()
    shown = QtGui.QTextDocumentFragment.fromHtml(view.progression.text()).toPlainText()
    assert f"rule: {decision.rule} — {decision.detail}" in shown
    assert np.array_equal(view.week_bars.opts["height"], [3, 2, 3])
    for row, e in enumerate(s.exercises):
        assert view.exercises.item(row, 0).text() == LIBRARY[e.exercise].title
        assert view.exercises.item(row, 1).text() == f"{e.reps_done} / {e.reps_prescribed}"
        assert view.exercises.item(row, 2).text() == str(e.reps_on_target)
        assert view.exercises.item(row, 3).text() == (f"{e.hold_best_s:.1f}" if e.exercise != "mini-squat" else "–")
        assert view.exercises.item(row, 4).text() == f"{e.time_in_band_s:.0f}"
        x, y = view.load_series[e.exercise]
        ex, ey = load_points(e.load_per_rep)
        assert np.array_equal(x, ex) and np.array_equal(y, ey)
        assert y.size == e.reps_done  # one point per complete repetition
    assert view.sessions.rowCount() == 8
    assert view.sessions.item(0, 0).text() == (START + dt.timedelta(days=18)).isoformat()  # newest first
    assert [view.sessions.item(0, c).text() for c in (3, 4)] == ["2", "3"]
    assert view.sessions.item(1, 5).text() == "2"  # next-day pain, stored on the previous session
    screenshot(view, "home-adherence")


def test_load_points_place_repetitions_side_by_side_on_their_day():
    x, y = load_points((("2026-11-02", (40.0, 41.0, 42.0)), ("2026-11-04", ()), ("2026-11-05", (50.0,))))
    noon = dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC).timestamp()
    assert y.tolist() == [40.0, 41.0, 42.0, 50.0]
    assert x[1] == noon and x[0] < x[1] < x[2] and x[2] - x[0] < 43200  # within the middle half of the day
    assert x[3] == dt.datetime(2026, 11, 5, 12, tzinfo=dt.UTC).timestamp()


def test_a_patient_without_prescription_gets_a_message_and_the_form_starts_empty(qtbot, tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        patient = store.add_patient(affected_side="left", mass_kg=70.0)
        window = ProgramWindow(store, patient.id, today=TODAY)
        qtbot.addWidget(window)
        assert "no home exercise prescription" in window.adherence.message.text()
        assert len(window.form.editors) == 1
        saved = window.form.submit()
        assert saved is not None and saved.version == 1
        assert window.adherence.summary is not None  # the view re-read the store after the save
        assert window.adherence.days_30.text() == "0" and window.adherence.sessions.rowCount() == 0
