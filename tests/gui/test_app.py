"""The station GUI end to end on the simulated board, offscreen (pytest-qt; no sleeps)."""

import re

import numpy as np
import pytest
from PyQt6 import QtCore, QtGui

import recordings
from analysis.cop import cop_from_cells
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from recordings import Subject
from station.gui.app import MainWindow, create_device

SEED = 5


def gui_board(**options):
    """The simulated Wii board without a tare (its 2 s of real time are the driver tests' subject): the subject
    steps on as the recording starts."""
    return SimulatedWiiBalanceBoard(seed=SEED, tare_s=0.0, **options)


def realtime_board(spec, subject):
    return gui_board(realtime=True, mass_kg=subject.mass_kg, affected_side=subject.affected_side)


def mean_cop_mm(mass_kg, side):
    """Where the simulated subject stands (an independent fast run of the same board, 3 s)."""
    board = gui_board(mass_kg=mass_kg, affected_side=side)
    with board:
        board.start()
        blocks = [board.read(1.0) for _ in range(60)]
    forces = np.concatenate([b.forces_n for b in blocks])
    cop = cop_from_cells(forces, board.info.sensor_positions())
    return float(np.nanmean(cop.cop_x_mm)), float(np.nanmean(cop.cop_y_mm))


@pytest.fixture
def window(qtbot, tmp_path):
    win = MainWindow(device_factory=realtime_board)
    qtbot.addWidget(win)
    win.resize(1500, 900)
    win.panel.out_dir.setText(str(tmp_path))
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.controller.running:
        win.controller.stop()


def set_mode(win, name):
    win.panel.mode.setCurrentIndex(win.panel.mode.findData(name))


def test_weight_shift_end_to_end(qtbot, window, screenshot):
    win = window
    x, y = mean_cop_mm(70.0, "left")
    set_mode(win, "weight_shift")
    win.panel.targets.setText(f"{x:.1f},{y:.1f}; -90,0")  # the first where the subject stands, then far left
    win.panel.radius.setValue(35.0)
    win.panel.hold.setValue(0.5)
    qtbot.mouseClick(win.panel.start, QtCore.Qt.MouseButton.LeftButton)
    assert win.controller.running and not win.panel.start.isEnabled()
    curve = win.clinician.forces.curves[0]
    qtbot.waitUntil(lambda: win.controller.frames >= 5 and curve.getData()[0] is not None, timeout=5000)
    first = curve.getData()[1].copy()
    qtbot.waitUntil(lambda: curve.getData()[1].shape != first.shape or not np.array_equal(curve.getData()[1], first),
                    timeout=3000)  # the curves keep updating
    with qtbot.waitSignal(win.controller.training_event, timeout=10000,
                          check_params_cb=lambda e: e.code == "target_hit"):
        pass
    qtbot.waitUntil(lambda: win.clinician.event_list.count() >= 4, timeout=2000)
    qtbot.waitUntil(lambda: win.controller.session.stats().elapsed_s >= 2.5, timeout=5000)  # a fuller picture
    frame = win.controller.last_frame
    assert 35 < frame.affected_pct < 50  # the simulated subject puts 42 % on the left (affected) limb
    assert "samples" in win.clinician.status.text() and "dropped 0" in win.clinician.status.text()
    screenshot(win.clinician, "clinician_view")
    win.tabs.setCurrentWidget(win.patient)
    n = win.controller.frames
    qtbot.waitUntil(lambda: win.controller.frames >= n + 5, timeout=3000)
    assert win.patient.score.text().startswith("★")
    assert win.patient.stabilogram.target_zone.isVisible()
    screenshot(win.patient, "patient_view_weight_shift")
    with qtbot.waitSignal(win.controller.finished, timeout=10000):
        qtbot.mouseClick(win.panel.stop, QtCore.Qt.MouseButton.LeftButton)
    result = win.controller.result
    rec = recordings.open(result.path)
    assert rec.status == "complete" and rec.protocol == "training.weight_shift"
    assert rec.n_samples == win.controller.samples_processed == result.stats.n_samples > 200
    assert rec.lost_samples == 0
    codes = [e.code for e in rec.events if not e.code.startswith("wbb.")]  # not the board's battery/temperature
    assert codes[:2] == ["training_start", "target_on"] and "target_hit" in codes and codes[-1] in ("score",)
    assert rec.settings["training.targets_radius_mm"].tolist() == [35.0, 35.0]
    assert rec.settings["training.targets_x_mm"][1] == -90.0
    text = win.results.toPlainText()
    assert "weight bearing" in text and "score" in text
    win.tabs.setCurrentWidget(win.results)
    screenshot(win, "results")


def test_symmetric_stance_patient_screen_and_cue(qtbot, window, screenshot):
    win = window
    set_mode(win, "symmetric_stance")
    win.panel.band_min.setValue(45.0)  # the subject keeps only ~42 % on the affected limb: under-loaded
    win.panel.band_max.setValue(55.0)
    win.panel.cue.setChecked(True)
    win.panel.duration.setValue(3.0)
    path = win.start_session()
    assert path is not None
    patient = win.show_patient_screen()
    qtbot.addWidget(patient)
    assert patient.isFullScreen()
    with qtbot.waitSignal(win.controller.cue, timeout=5000):
        pass
    assert win.cues >= 1
    qtbot.waitUntil(lambda: "Keep" in patient.message.text(), timeout=2000)
    patient.resize(1280, 800)
    screenshot(patient, "patient_view_symmetric_stance")
    with qtbot.waitSignal(win.controller.finished, timeout=10000):
        pass  # the 3-s duration ends the session by itself
    rec = recordings.open(path)
    assert rec.status == "complete" and 2.9 < rec.t_s[-1] - rec.t_s[0] <= 3.0
    assert rec.settings["training.band_min_pct"] == 45.0
    assert any(e.code == "score" and "in band" in e.label for e in rec.events)
    assert win.panel.start.isEnabled()
    patient.close()


def test_bad_settings_are_refused_with_a_message(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr("PyQt6.QtWidgets.QMessageBox.warning", lambda *a: shown.append(a[2]))
    set_mode(window, "weight_shift")
    window.panel.targets.setText("60;0")
    assert window.start_session() is None
    assert "x,y" in shown[0] and not window.controller.running


def test_open_recording_shows_a_summary_and_a_bad_file_is_reported(window, tmp_path):
    bad = tmp_path / "not.h5"
    bad.write_bytes(b"nope")
    assert window.show_recording(bad)[0].startswith("cannot read")


def test_create_device_makes_a_realtime_simulator_for_the_subject():
    board = create_device("sim", Subject("P9", 82.0, "right"))
    assert board.realtime and board.subject.mass_kg == 82.0 and board.subject.affected_side == "right"


def test_load_bars_render_band_and_values(qtbot, screenshot):
    from station.gui.load_bars import LoadBars
    from station.protocols.training import LoadBand

    bars = LoadBars()
    qtbot.addWidget(bars)
    bars.resize(300, 400)
    bars.set_affected("right")
    bars.set_band(LoadBand(45, 55))
    bars.set_values(60.0, 40.0)
    image = bars.grab().toImage()
    # the band is drawn (green) on the affected (right) bar only, at 50 % height
    right_x, left_x, mid_y = int(300 * (0.12 + 0.46) + 2), int(300 * 0.12 + 2), image.height() // 2 + 3
    band = QtGui.QColor(image.pixel(right_x, mid_y))
    other = QtGui.QColor(image.pixel(left_x, mid_y))
    assert band.green() > band.red() and other != band
    with pytest.raises(ValueError, match="left or right"):
        bars.set_affected("middle")


def test_a_six_component_plate_is_refused_and_leaves_no_file(qtbot, tmp_path, monkeypatch):
    from drivers.model import SIX_COMPONENT_CHANNELS, SIX_COMPONENT_UNITS, ChannelLayout, DeviceInfo

    class SixComponentSim(SimulatedWiiBalanceBoard):
        @property
        def info(self):
            return DeviceInfo("sim6", "six-component test plate", "X", 1000.0, SIX_COMPONENT_CHANNELS,
                              SIX_COMPONENT_UNITS, layout=ChannelLayout.SIX_COMPONENT)

    shown = []
    monkeypatch.setattr("PyQt6.QtWidgets.QMessageBox.warning", lambda *a: shown.append(a[2]))
    win = MainWindow(device_factory=lambda spec, subject: SixComponentSim(tare_s=0.0))
    qtbot.addWidget(win)
    win.panel.out_dir.setText(str(tmp_path))
    assert win.start_session() is None
    assert "load-cell device" in shown[0] and not win.controller.running
    assert list(tmp_path.iterdir()) == []


def test_rhythmic_pattern_alternates_targets_and_is_recorded(qtbot, window):
    win = window
    set_mode(win, "weight_shift")
    win.panel.pattern.setCurrentIndex(win.panel.pattern.findData("rhythmic"))
    win.panel.amplitude.setValue(70.0)
    win.panel.n_targets.setValue(4)
    path = win.start_session()
    qtbot.waitUntil(lambda: win.controller.frames >= 3, timeout=3000)
    with qtbot.waitSignal(win.controller.finished, timeout=5000):
        win.stop_session()
    rec = recordings.open(path)
    assert rec.settings["training.targets_x_mm"].tolist() == [70.0, -70.0, 70.0, -70.0]
    assert next(e.label for e in rec.events if e.code == "target_on").startswith("target 1/4 (+70.0, +0.0) mm")


def test_mini_squat_mode_paces_and_scores_repetitions(qtbot, tmp_path):
    from drivers.sim.scaled_clock import ScaledClock

    win = MainWindow(device_factory=lambda spec, subject: gui_board(clock=ScaledClock(4.0)))
    qtbot.addWidget(win)
    win.panel.out_dir.setText(str(tmp_path))
    set_mode(win, "mini_squat")
    win.tabs.setCurrentWidget(win.patient)
    win.show()
    path = win.start_session()
    qtbot.waitUntil(lambda: re.search(r"Bend your knees|Stand up", win.patient.message.text()), timeout=3000)
    with qtbot.waitSignal(win.controller.training_event, timeout=5000,
                          check_params_cb=lambda e: e.code in ("rep_success", "rep_fail")) as blocker:
        pass
    # the simulated subject keeps ~42 % on the affected limb: outside 45-55 % for most of the repetition
    assert blocker.args[0].code == "rep_fail"
    with qtbot.waitSignal(win.controller.finished, timeout=5000):
        win.stop_session()
    rec = recordings.open(path)
    assert blocker.args[0].t_s == pytest.approx(rec.t_s[0] + 4.0, abs=0.05)  # the end of the first 4 s repetition
    assert rec.settings["training.rep_s"] == 4.0
    assert any(e.code == "rep_fail" and "repetition 1" in e.label for e in rec.events)
