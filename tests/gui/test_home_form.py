"""The clinician's prescription form, offscreen: invalid input is refused with the problem next to its field,
valid input is saved as a new version."""

import pytest
from PyQt6 import QtCore

from station.gui.prescription_form import PrescriptionForm, error_field
from station.home import (
    ExerciseDose,
    Prescription,
    Target,
    current_prescription,
    default_prescription,
    prescription_history,
    save_prescription,
)
from station.store import Store


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite3") as s:
        yield s


@pytest.fixture
def patient(store):
    return store.add_patient(affected_side="right", mass_kg=72.0)


@pytest.fixture
def form(qtbot, store, patient):
    f = PrescriptionForm(store, patient.id)
    qtbot.addWidget(f)
    f.resize(1100, 900)
    f.show()
    qtbot.waitExposed(f)
    return f


def click(qtbot, button):
    qtbot.mouseClick(button, QtCore.Qt.MouseButton.LeftButton)


def visible_errors(form):
    labels = [f.error for f in form.fields.values()]
    labels += [f.error for e in form.editors for f in e.fields.values()]
    return {label.objectName(): label.text() for label in labels if not label.isHidden()}


def test_a_valid_prescription_is_saved_as_version_1_then_an_edit_as_version_2(qtbot, form, store, patient):
    editor = form.add_exercise()
    editor.exercise.setCurrentIndex(editor.exercise.findData("single-leg-affected"))
    editor.sets.setValue(2)
    editor.reps.setValue(4)
    editor.hold_s.setValue(8.0)
    editor.rest_s.setValue(45.0)
    editor.target_min.setValue(85.0)
    editor.target_max.setValue(editor.target_max.minimum())  # "none": no upper bound
    editor.target_hold.setValue(8.0)
    form.sessions_per_week.setValue(4)
    with qtbot.waitSignal(form.saved, timeout=1000) as saved:
        click(qtbot, form.save)
    stored = current_prescription(store, patient.id)
    assert saved.args[0] == stored and stored.version == 1
    assert stored.sessions_per_week == 4 and stored.affected_side == "right"
    assert stored.exercises == (ExerciseDose("single-leg-affected", 2, 4, 8.0, 45.0, Target(85.0, None, 8.0)),)
    assert form.status.text() == "Saved as version 1" and not visible_errors(form)

    editor.reps.setValue(6)  # an edit: a new version, the old one kept
    click(qtbot, form.save)
    history = prescription_history(store, patient.id)
    assert [p.version for p in history] == [1, 2]
    assert history[0].exercises[0].reps == 4 and history[1].exercises[0].reps == 6
    assert form.status.text() == "Saved as version 2"


def test_loading_an_existing_prescription_fills_the_form(qtbot, form, store, patient, screenshot):
    p = save_prescription(store, default_prescription(patient.id, "right"))
    form.load(p)
    assert form.prescription().exercises == p.exercises
    assert form.prescription().rule == p.rule and form.prescription().sessions_per_week == 3
    assert form.prescription().version == 2  # saving the loaded one makes the next version
    shift = form.editors[1]  # an edit with a mistake: the weight shift's band upside down
    shift.target_max.setValue(50.0)
    qtbot.waitUntil(shift.isVisible)  # editors added to a shown form appear with the next events
    click(qtbot, form.save)
    assert "impossible target" in shift.fields["target.affected_min_pct_bw"].error.text()
    assert [q.version for q in prescription_history(store, patient.id)] == [1]
    label = shift.fields["target.affected_min_pct_bw"].error
    qtbot.waitUntil(label.isVisible)
    viewport = form.scroll.viewport()
    top = label.mapTo(viewport, QtCore.QPoint(0, 0)).y()
    assert 0 <= top < viewport.height()  # scrolled to the problem
    screenshot(form, "home-prescription")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda e, f: e.hold_s.setValue(0.0), "exercises[0].hold_s", "hold exercise"),
        (lambda e, f: (e.target_min.setValue(60.0), e.target_max.setValue(50.0)),
         "exercises[0].target.affected_min_pct_bw", "impossible target"),
        (lambda e, f: e.target_max.setValue(130.0), "exercises[0].target.affected_max_pct_bw", "0-100 %BW"),
        (lambda e, f: e.sets.setValue(0), "exercises[0].sets", "1-100, got 0"),
        (lambda e, f: e.reps.setValue(0), "exercises[0].reps", "1-100, got 0"),
        (lambda e, f: f.sessions_per_week.setValue(0), "sessions_per_week", "1-14, got 0"),
        (lambda e, f: f.success_fraction.setValue(0.0), "rule.success_fraction", "(0, 1], got 0.0"),
    ],
)
def test_invalid_input_is_refused_with_the_error_next_to_its_field(qtbot, form, store, patient, change, field,
                                                                    words):
    editor = form.add_exercise()  # stance, eyes open: a hold exercise with a 45-55 %BW band, valid as created
    change(editor, form)
    with qtbot.assertNotEmitted(form.saved):
        click(qtbot, form.save)
    assert prescription_history(store, patient.id) == []  # nothing saved
    label = form.show_error(field, "probe")  # the label the form uses for that field ...
    errors = visible_errors(form)
    assert list(errors) == [label.objectName()] and label.objectName() != "error:general"
    form.clear_errors()
    click(qtbot, form.save)
    assert words in visible_errors(form)[label.objectName()]  # ... shows the validation message, and only it


def test_an_error_about_the_second_exercise_is_shown_on_the_second(qtbot, form, store, patient):
    form.add_exercise()
    second = form.add_exercise()
    second.exercise.setCurrentIndex(second.exercise.findData("weight-shift"))
    second.rest_s.setValue(-1.0)  # the spin box refuses it: stays at 0, which is valid
    assert second.rest_s.value() == 0.0
    second.target_min.setValue(second.target_min.minimum())
    second.target_max.setValue(second.target_max.minimum())  # a hold exercise without any load target
    click(qtbot, form.save)
    errors = visible_errors(form)
    assert list(errors) == ["error:target_min"]
    assert not second.fields["target.affected_min_pct_bw"].error.isHidden()
    assert form.editors[0].fields["target.affected_min_pct_bw"].error.isHidden()


def test_every_problem_is_shown_at_once(qtbot, form, store, patient):
    first = form.add_exercise()
    first.sets.setValue(0)
    form.sessions_per_week.setValue(0)
    form.add_exercise().reps.setValue(0)  # and the same exercise listed twice
    click(qtbot, form.save)
    errors = visible_errors(form)
    assert set(errors) == {"error:sessions_per_week", "error:sets", "error:reps", "error:exercise"}
    assert form.status.text() == "Not saved: 4 problems, shown in red next to the fields."
    assert "listed twice" in form.editors[1].fields["exercise"].error.text()
    assert form.editors[0].fields["exercise"].error.isHidden()
    assert prescription_history(store, patient.id) == []


def test_a_duplicate_exercise_is_shown_on_the_second_and_removing_it_fixes_it(qtbot, form, store, patient):
    form.add_exercise()
    twin = form.add_exercise()
    click(qtbot, form.save)
    assert "listed twice" in twin.fields["exercise"].error.text()
    click(qtbot, twin.remove)
    assert len(form.editors) == 1
    click(qtbot, form.save)
    assert not visible_errors(form) and form.general_error.text() == ""
    assert len(prescription_history(store, patient.id)) == 1


def test_error_field_reads_the_field_from_validation_messages():
    base = default_prescription("P1", "left")
    bad = Prescription("P1", 1, "2026-11-26", 3, (*base.exercises[:1], ExerciseDose("mini-squat", 2, 8, 0.0, 60.0,
                                                                                   Target(70.0, 60.0))))
    with pytest.raises(ValueError) as caught:
        bad.validate()
    assert error_field(caught.value) == "exercises[1].target.affected_min_pct_bw"
    assert error_field(ValueError("something else")) == ""
