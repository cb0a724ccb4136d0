"""The patient's guided home session, end to end offscreen on the simulated home patient (``sim-home``) with a
clock 25x real time: steps in order, live and final repetition counts equal to what the simulated patient did,
every set recorded to HDF5 and stored as a trial, the pain ratings saved."""

import numpy as np
import pytest
from PyQt6 import QtCore

import recordings
from drivers.sim.home_patient import SimulatedHomeBoard
from drivers.sim.scaled_clock import ScaledClock
from recordings import Subject
from station.gui.home_devices import create_home_device
from station.gui.home_session import HomeSessionView
from station.home import (
    ExerciseDose,
    Prescription,
    ProgressionRule,
    Target,
    finish_session,
    save_prescription,
    session_plan,
)
from station.home.adherence import home_sessions
from station.store import Store

SPEED = 25.0  # simulated seconds per wall second
MASS_KG = 70.0


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite3") as s:
        yield s


@pytest.fixture
def prescription(store):
    patient = store.add_patient(affected_side="left", mass_kg=MASS_KG)
    p = Prescription(
        patient_id=patient.id, version=1, created="2026-11-20", sessions_per_week=3,
        exercises=(
            ExerciseDose("stance-eyes-open", 2, 3, 3.0, 20.0, Target(45.0, 60.0, 3.0)),
            ExerciseDose("mini-squat", 1, 4, 0.0, 0.0, Target(40.0, 60.0, None)),
        ),
        rule=ProgressionRule(), affected_side="left",
    )
    return save_prescription(store, p)


def board_factory(compliance=1.0, first_speed=SPEED):
    """One simulated home patient per set, told the set's exercise as the guided session does (the first set at
    ``first_speed``, the others at SPEED)."""
    made = []

    def factory(dose, set_index):
        board = SimulatedHomeBoard(mass_kg=MASS_KG, affected_side="left", compliance=compliance, seed=3,
                                   clock=ScaledClock(SPEED if made else first_speed))
        board.prepare_set(dose.exercise, reps=dose.reps, hold_s=dose.hold_s, set_index=set_index)
        made.append(board)
        return board

    factory.made = made
    return factory


def make_view(qtbot, store, prescription, tmp_path, factory):
    subject = Subject(prescription.patient_id, MASS_KG, "left")
    # the simulated patient runs 25x faster than real time, so the live count re-counts every 0.01 s of wall time
    # (0.25 s of the patient's time, as the default 0.25 s does at real speed)
    view = HomeSessionView(prescription, subject, store, tmp_path / "sets", device_factory=factory, time_scale=50.0,
                           recount_interval_s=0.25 / SPEED)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    return view


def click(qtbot, button):
    qtbot.mouseClick(button, QtCore.Qt.MouseButton.LeftButton)


def wait_for_step(qtbot, view, kind, timeout=20000):
    qtbot.waitUntil(lambda: view.step is not None and view.step.kind == kind, timeout=timeout)


def test_a_guided_session_end_to_end(qtbot, store, prescription, tmp_path, screenshot):
    # an earlier home session (nothing recorded): the patient is asked about the 24 h after it first
    earlier = finish_session(store, prescription.patient_id, [], 1, 2, date="2026-11-21", prescription=prescription)
    factory = board_factory(first_speed=10.0)  # the first set slower, for a mid-hold screenshot
    view = make_view(qtbot, store, prescription, tmp_path, factory)
    kinds, live_counts = [], []
    view.step_started.connect(lambda step: kinds.append(step.kind))
    view.set_recorded.connect(lambda outcome: live_counts.append(view.counter.reps_done))

    view.start()
    assert view.pages.currentWidget() is view.pain and "24 hours after" in view.pain.question.text()
    click(qtbot, view.pain.buttons[1])  # the day after the earlier session: 1
    assert view.pages.currentWidget() is view.pain and "right now" in view.pain.question.text()
    click(qtbot, view.pain.buttons[3])  # pain before: 3
    assert view.pain_before == 3
    assert view.pages.currentWidget() is view.instruction
    assert view.instruction.title.text() == "Stand evenly" and "2 sets of 3" in view.instruction.dose.text()
    assert view.instruction.text.text().endswith("in the green band for 3 seconds each time.")
    assert "(" not in view.pain.question.text()  # the scale is explained once, under the question
    click(qtbot, view.instruction.ready)
    assert view.pages.currentWidget() is view.countdown and view.countdown.number.text() == "3"
    wait_for_step(qtbot, view, "set")
    assert view.pages.currentWidget() is view.set_page
    # mid-set: the live count rises while the patient holds, the hold timer runs, the bar shows the band
    qtbot.waitUntil(lambda: view.counter.reps_done >= 1 and 1.0 < view.counter.status()["held_s"] < 2.9,
                    timeout=10000)
    assert view.set_page.reps.text().endswith("/ 3")
    assert view.set_page.load_bars.band is not None and view.set_page.load_bars.band.min_pct == 45.0
    assert view.set_page.hold.value() > 0
    screenshot(view, "home-session")
    wait_for_step(qtbot, view, "rest")
    assert view.pages.currentWidget() is view.rest
    wait_for_step(qtbot, view, "instruction")  # second set done, then the mini-squat
    assert view.instruction.title.text() == "Small knee bends"
    click(qtbot, view.instruction.ready)
    wait_for_step(qtbot, view, "set")
    paced = ("Get ready", "Bend your knees slowly", "Stand up tall")  # the mini-squat is paced
    qtbot.waitUntil(lambda: view.set_page.pace.text() in paced[1:], timeout=5000)
    assert view.set_page.hold.isHidden()  # a movement: no hold timer
    screenshot(view, "home-session-squat", docs=False)
    wait_for_step(qtbot, view, "pain-after")
    with qtbot.waitSignal(view.session_saved, timeout=5000) as saved:
        click(qtbot, view.pain.buttons[4])
    assert view.pages.currentWidget() is view.summary

    # the steps came in the order of the plan
    assert kinds == ["pain-next-day", *(s.kind for s in session_plan(prescription))]
    # repetitions: the final analysis and the live count both equal what the simulated patient did
    done = [b.home_subject.reps for b in factory.made]
    assert done == [3, 3, 4]
    assert [o.result.n_complete for o in view.outcomes] == done
    assert live_counts == done
    # every set is an HDF5 recording of the home protocol
    for outcome, dose_key, k in zip(view.outcomes, ["stance-eyes-open"] * 2 + ["mini-squat"], [0, 1, 0], strict=True):
        rec = recordings.open(outcome.path)
        assert rec.status == "complete" and rec.protocol == "home" and rec.condition == dose_key
        assert rec.subject.id == prescription.patient_id and rec.lost_samples == 0
        assert rec.settings["home.set_index"] == k and outcome.set_index == k
        assert np.isclose(rec.settings["home.body_weight_n"], MASS_KG * 9.80665)
    # stored: one home session with three trials and the two pain ratings
    session_id = saved.args[0]
    trials = store.trials(session_id)
    assert sorted(t.path for t in trials) == sorted(str(recordings.open(o.path).path.resolve()) for o in view.outcomes)
    assert all(t.protocol == "home" for t in trials)
    pains = {h.session_id: (h.pain_before, h.pain_after, h.pain_next_day)
             for h in home_sessions(store, prescription.patient_id)}
    assert pains == {earlier: (1.0, 2.0, 1.0), session_id: (3.0, 4.0, None)}
    text = view.summary.lines.text()
    assert "Stand evenly: 6 of 6 repetitions" in text and "Small knee bends: 4 of 4 repetitions" in text
    assert "Pain: 3 before, 4 after" in text


def test_stopping_a_set_early_keeps_what_was_done(qtbot, store, prescription, tmp_path):
    view = make_view(qtbot, store, prescription, tmp_path, board_factory())
    view.start()
    click(qtbot, view.pain.buttons[0])
    click(qtbot, view.instruction.ready)
    wait_for_step(qtbot, view, "set")
    qtbot.waitUntil(lambda: view.counter.reps_done >= 1, timeout=10000)
    with qtbot.waitSignal(view.set_recorded, timeout=5000) as recorded:
        click(qtbot, view.set_page.stop)
    outcome = recorded.args[0]
    assert 1 <= outcome.result.n_complete < 3  # stopped after the first hold, before the third
    assert recordings.open(outcome.path).status == "complete"
    wait_for_step(qtbot, view, "rest")
    view.close()


def test_the_default_device_factory_makes_a_paced_sim_home_patient_doing_the_set():
    factory = create_home_device("sim-home", Subject("P1", 64.0, "right"))
    board = factory(ExerciseDose("mini-squat", 2, 6, 0.0, 30.0, Target(40.0, 60.0)), 1)
    assert isinstance(board, SimulatedHomeBoard)
    subject = board.home_subject
    assert subject.exercise == "mini-squat" and subject.reps == 6
    assert subject.mass_kg == 64.0 and subject.affected_side == "right"
    assert board.realtime and board._make_transport().clock.__class__.__name__ == "RealTimeClock"
    plain = create_home_device("sim", Subject("P1", 64.0, "right"))(ExerciseDose("mini-squat", 1, 6, 0.0, 30.0,
                                                                                 Target(40.0, 60.0)), 0)
    assert plain.info.driver == "sim" and plain.subject.mass_kg == 64.0  # a standing subject: no exercise option


def test_a_patient_without_body_mass_is_refused(store, prescription):
    with pytest.raises(ValueError, match="body mass"):
        HomeSessionView(prescription, Subject(prescription.patient_id, None, "left"), store, ".",
                        device_factory=board_factory())


class FailingBoard(SimulatedHomeBoard):
    """The simulated home patient's board, disconnected 3 s into the set ``fail_set``."""

    fail_set = 0

    def _read(self, timeout_s):
        block = super()._read(timeout_s)
        if self._set["set_index"] == self.fail_set and block is not None and block.t_s.size and block.t_s[-1] > 3.0:
            from drivers.errors import DeviceDisconnected

            raise DeviceDisconnected("the board stopped answering")
        return block


@pytest.mark.parametrize("fail_set", [0, 1])
def test_a_board_fault_stops_the_session_keeps_the_file_and_stores_the_sets_done(qtbot, store, prescription,
                                                                                  tmp_path, fail_set):
    FailingBoard.fail_set = fail_set

    def factory(dose, set_index):
        board = FailingBoard(mass_kg=MASS_KG, affected_side="left", clock=ScaledClock(SPEED))
        board.prepare_set(dose.exercise, reps=dose.reps, hold_s=dose.hold_s, set_index=set_index)
        return board

    view = make_view(qtbot, store, prescription, tmp_path, factory)
    view.start()
    click(qtbot, view.pain.buttons[2])
    click(qtbot, view.instruction.ready)
    with qtbot.waitSignal(view.failed, timeout=15000) as failed:
        pass
    assert "stopped answering" in failed.args[0] and "interrupted" in failed.args[0]
    assert view.pages.currentWidget() is view.summary and view.summary.title.text() == "The session stopped"
    files = sorted((tmp_path / "sets").glob("*.h5"), key=lambda f: f.stat().st_mtime)
    assert [recordings.open(f).status for f in files] == ["complete"] * fail_set + ["interrupted"]
    assert len(view.outcomes) == fail_set
    stored = home_sessions(store, prescription.patient_id)
    if fail_set == 0:
        assert stored == []  # nothing done, nothing stored
    else:  # the first set is stored, without a pain-after rating
        assert [(h.pain_before, h.pain_after) for h in stored] == [(2.0, None)]
        assert [t.path for t in store.trials(stored[0].session_id)] == [str(files[0].resolve())]
        assert f"stored as session {stored[0].session_id}" in failed.args[0]


def test_closing_mid_set_keeps_and_stores_the_set_and_starts_nothing_more(qtbot, store, prescription, tmp_path):
    factory = board_factory()
    view = make_view(qtbot, store, prescription, tmp_path, factory)
    view.start()
    click(qtbot, view.pain.buttons[2])
    click(qtbot, view.instruction.ready)
    wait_for_step(qtbot, view, "set")
    qtbot.waitUntil(lambda: view.controller.frames >= 3, timeout=5000)
    with qtbot.waitSignal(view.set_recorded, timeout=5000):
        view.close()
    qtbot.wait(300)  # the deferred next step would have started the rest (and later a new device) by now
    assert view.step.kind == "set" and len(factory.made) == 1 and not view.controller.running
    assert recordings.open(view.outcomes[0].path).status == "complete"
    stored = home_sessions(store, prescription.patient_id)  # stopped part-way: the set done is stored
    assert [(h.pain_before, h.pain_after, h.session_id) for h in stored] == [(2.0, None, view.session_id)]
    assert len(store.trials(view.session_id)) == 1


def test_the_demo_patient_and_a_faster_simulated_patient(tmp_path):
    from station.gui.home_app import DEMO_SPEED, demo_patient
    from station.home import current_prescription

    with Store(tmp_path / "demo.sqlite3") as store:
        pid = demo_patient(store)
        p = current_prescription(store, pid)
        assert p.validate() is p and store.patient(pid).mass_kg == 70.0
    factory = create_home_device("sim-home", Subject(pid, 70.0, "left"), speed=DEMO_SPEED)
    board = factory(p.exercises[1], 0)
    assert board._clock.speed == DEMO_SPEED and board.home_subject.exercise == "mini-squat"


@pytest.mark.parametrize(("exercise", "reps", "hold_s", "target"), [
    ("weight-shift", 3, 3.0, Target(60.0, None, 3.0)),
    ("sit-to-stand", 3, 0.0, Target(40.0, None)),
])
def test_the_count_is_what_the_patient_did_not_what_was_prescribed(qtbot, store, tmp_path, exercise, reps, hold_s,
                                                                   target):
    patient = store.add_patient(affected_side="left", mass_kg=MASS_KG)
    p = save_prescription(store, Prescription(patient.id, 1, "2026-11-20", 3,
                                              (ExerciseDose(exercise, 1, reps, hold_s, 0.0, target),)))
    factory = board_factory(compliance=2 / 3)  # the simulated patient does 2 of the 3 repetitions
    view = make_view(qtbot, store, p, tmp_path, factory)
    view.start()
    click(qtbot, view.pain.buttons[2])
    click(qtbot, view.instruction.ready)
    wait_for_step(qtbot, view, "pain-after")
    assert factory.made[0].home_subject.reps == 2
    assert view.outcomes[0].result.n_complete == view.counter.reps_done == 2
    assert view.set_page.reps.text() == "2 / 3"


def test_the_home_window_runs_the_current_prescription_and_goes_full_screen(qtbot, store, prescription, tmp_path):
    from station.gui.home_app import HomeWindow

    window = HomeWindow(store, prescription.patient_id, tmp_path / "sets", device_factory=board_factory())
    qtbot.addWidget(window)
    window.show()
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)  # shortcuts reach the active window
    assert window.session.prescription == prescription and window.session.subject.mass_kg == MASS_KG
    qtbot.keyClick(window, QtCore.Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=2000)
    window.session.start()
    click(qtbot, window.session.pain.buttons[0])
    assert window.session.step.kind == "instruction"
    window.close()
    assert window.session.closed and home_sessions(store, prescription.patient_id) == []  # no set done: nothing
