"""The stepping mode on a simulated person stepping in place: step bars, stance times, recorded steps."""

import re

import numpy as np

import recordings
from drivers.sim.scaled_clock import ScaledClock
from drivers.sim.subject import SubjectTruth
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from physical import STANDARD_GRAVITY_M_S2
from station.gui.app import MainWindow

MASS_KG = 70.0


class Stepper:
    """Stepping in place, 1-s cycle: the left (affected) foot loads 0-0.4 s up to 80 %BW, the right foot
    0.5-0.95 s up to 110 %BW, each foot over its pair of cells (x = ∓216.5 mm); a subject for the simulated board."""

    mass_kg = MASS_KG

    def sample(self, t):
        bw = MASS_KG * STANDARD_GRAVITY_M_S2
        phase = t % 1.0
        left = np.where(phase < 0.4, 0.8 * bw * np.sin(np.pi * phase / 0.4), 0.0)
        right = np.where((phase >= 0.5) & (phase < 0.95), 1.1 * bw * np.sin(np.pi * (phase - 0.5) / 0.45), 0.0)
        fz = left + right
        cop_x = 216.5 * (right - left) / np.where(fz > 0, fz, 1.0)
        return SubjectTruth(t, fz, cop_x, np.zeros_like(t), left, right)


def stepping_board(spec, subject):
    # no tare: the subject steps on, at its phase 0, as the recording starts
    return SimulatedWiiBalanceBoard(subject=Stepper(), seed=2, mean_interval_ms=5.0, clock=ScaledClock(3.0), tare_s=0.0)


def test_stepping_mode_shows_and_records_each_step(qtbot, tmp_path, screenshot):
    win = MainWindow(device_factory=stepping_board)
    qtbot.addWidget(win)
    win.resize(1500, 900)
    win.panel.out_dir.setText(str(tmp_path))
    win.panel.mode.setCurrentIndex(win.panel.mode.findData("stepping"))
    win.panel.peak.setValue(75.0)
    win.panel.duration.setValue(8.0)
    win.show()
    qtbot.waitExposed(win)
    path = win.start_session()
    assert win.clinician.centre.currentWidget() is win.clinician.steps
    # the mode runs on the session's reader thread: wait until the view has drawn the fifth step too
    qtbot.waitUntil(lambda: len(win.clinician.steps.affected.opts["height"]) >= 5, timeout=10000)
    heights = win.clinician.steps.affected.opts["height"]
    assert len(heights) >= 5 and np.allclose(heights, 100 * 0.8, atol=1.5)
    assert re.search(r"affected 0\.3\d s", win.clinician.steps.getPlotItem().titleLabel.text)
    screenshot(win.clinician, "clinician_view_stepping", docs=False)
    win.tabs.setCurrentWidget(win.patient)
    assert win.patient.centre.currentWidget() is win.patient.steps
    n = win.controller.frames
    qtbot.waitUntil(lambda: win.controller.frames >= n + 5, timeout=3000)
    screenshot(win.patient, "patient_view_stepping")
    with qtbot.waitSignal(win.controller.finished, timeout=15000):
        pass
    rec = recordings.open(path)
    steps = [e for e in rec.events if e.code in ("step", "step_success")]
    affected = [e for e in steps if e.label.startswith("affected")]
    assert len(affected) >= 7 and all(e.code == "step_success" for e in affected)  # 80 %BW >= 75 %BW target
    stance = [float(re.search(r"stance ([\d.]+) s", e.label).group(1)) for e in affected]
    assert np.allclose(stance, 0.377, atol=0.02)  # loaded (>= 50 N) from 0.012 to 0.389 s of each cycle
    assert any(e.code == "score" and "reached 75 %BW" in e.label for e in rec.events)
    assert rec.settings["training.target_peak_pct_bw"] == 75.0
