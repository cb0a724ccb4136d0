"""The station's main window: pick a device and a subject, run a training protocol, watch the clinician
and patient views, see results, open past recordings. ``main()`` is the ``station-gui`` entry point."""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PyQt6 import QtCore, QtGui, QtWidgets

import recordings
from drivers import registry
from drivers.device import Device
from recordings.metadata import Subject
from station.engine.session import Session, SessionResult
from station.gui.clinician_view import ClinicianView
from station.gui.controller import LiveController
from station.gui.patient_view import PatientView
from station.protocols.summary import summarize_recording
from station.protocols.training import (
    MODES,
    CopTarget,
    LoadBand,
    TrainingEvent,
    UnderloadCue,
    alternating_targets,
    make_mode,
    parse_targets,
)

__all__ = ["MainWindow", "main"]

DeviceFactory = Callable[[str, Subject], Device]

_MODE_TITLES = {
    "weight_shift": "Weight shift to targets",
    "symmetric_stance": "Symmetric stance",
    "mini_squat": "Mini-squat, symmetric loading",
    "stepping": "Stepping (peak load, stance time)",
}


def create_device(spec: str, subject: Subject) -> Device:
    """Create the device ``spec``; simulators stream in real time with the subject's mass and side."""
    return registry.create_for(spec, mass_kg=subject.mass_kg, affected_side=subject.affected_side, realtime=True)


class SessionPanel(QtWidgets.QWidget):
    """Device, subject and protocol settings; Start / Stop."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        form = QtWidgets.QFormLayout(self)
        self.device = QtWidgets.QComboBox()
        for found in registry.find_devices():
            self.device.addItem(f"{found.spec} — {found.description}", found.spec)
        self.subject_id = QtWidgets.QLineEdit("P001")
        self.mass = QtWidgets.QDoubleSpinBox(minimum=10.0, maximum=300.0, value=70.0, suffix=" kg", decimals=1)
        self.side = QtWidgets.QComboBox()
        self.side.addItems(["left", "right"])
        self.mode = QtWidgets.QComboBox()
        for name in MODES:
            self.mode.addItem(_MODE_TITLES.get(name, name), name)
        self.band_min = QtWidgets.QDoubleSpinBox(minimum=0.0, maximum=99.0, value=45.0, suffix=" %")
        self.band_max = QtWidgets.QDoubleSpinBox(minimum=1.0, maximum=100.0, value=55.0, suffix=" %")
        self.hold = QtWidgets.QDoubleSpinBox(minimum=0.2, maximum=60.0, value=2.0, suffix=" s", decimals=1)
        self.pattern = QtWidgets.QComboBox()
        self.pattern.addItem("targets typed below", "typed")
        self.pattern.addItem("rhythmic left-right", "rhythmic")
        self.amplitude = QtWidgets.QDoubleSpinBox(minimum=10.0, maximum=200.0, value=60.0, suffix=" mm")
        self.n_targets = QtWidgets.QSpinBox(minimum=2, maximum=100, value=10)
        self.targets = QtWidgets.QLineEdit("60,0; -60,0; 60,0; -60,0; 0,50; 0,-50")
        self.radius = QtWidgets.QDoubleSpinBox(minimum=5.0, maximum=100.0, value=25.0, suffix=" mm")
        self.peak = QtWidgets.QDoubleSpinBox(minimum=10.0, maximum=200.0, value=90.0, suffix=" %BW")
        self.cue = QtWidgets.QCheckBox("sound a cue when the affected limb takes less than the band")
        self.duration = QtWidgets.QDoubleSpinBox(minimum=0.0, maximum=3600.0, value=0.0, suffix=" s",
                                                 specialValueText="until stopped")
        self.out_dir = QtWidgets.QLineEdit(str(Path.cwd() / "recordings"))
        self.start = QtWidgets.QPushButton("Start")
        self.stop = QtWidgets.QPushButton("Stop")
        self.stop.setEnabled(False)
        self.patient_screen = QtWidgets.QPushButton("Patient screen (full screen)")
        self.open_recording = QtWidgets.QPushButton("Open recording…")
        form.addRow("Device", self.device)
        form.addRow("Subject id (no names)", self.subject_id)
        form.addRow("Body mass", self.mass)
        form.addRow("Affected side", self.side)
        form.addRow("Training", self.mode)
        form.addRow("Affected share, min", self.band_min)
        form.addRow("Affected share, max", self.band_max)
        form.addRow("Hold", self.hold)
        form.addRow("Weight-shift pattern", self.pattern)
        form.addRow("Rhythmic amplitude", self.amplitude)
        form.addRow("Rhythmic targets", self.n_targets)
        form.addRow("Targets x,y (mm)", self.targets)
        form.addRow("Target radius", self.radius)
        form.addRow("Step target peak", self.peak)
        form.addRow(self.cue)
        form.addRow("Duration", self.duration)
        form.addRow("Save in", self.out_dir)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.start)
        buttons.addWidget(self.stop)
        form.addRow(buttons)
        form.addRow(self.patient_screen)
        form.addRow(self.open_recording)

    def subject(self) -> Subject:
        return Subject(self.subject_id.text().strip(), self.mass.value(), self.side.currentText())

    def band(self) -> LoadBand:
        return LoadBand(self.band_min.value(), self.band_max.value())

    def cop_targets(self) -> list[CopTarget]:
        """The weight-shift targets: typed by the clinician, or the rhythmic left-right pattern."""
        if self.pattern.currentData() == "rhythmic":
            return alternating_targets(self.n_targets.value(), amplitude_mm=self.amplitude.value(),
                                       radius_mm=self.radius.value())
        return parse_targets(self.targets.text(), self.radius.value())


class MainWindow(QtWidgets.QMainWindow):
    """The station window. ``device_factory(spec, subject)`` creates the device (tests inject simulators)."""

    def __init__(self, *, device_factory: DeviceFactory = create_device, fps: float = 60.0) -> None:
        super().__init__()
        self.setWindowTitle("Balance station")
        self.device_factory = device_factory
        self.controller = LiveController(fps=fps, parent=self)
        self.panel = SessionPanel()
        self.clinician = ClinicianView()
        self.patient = PatientView()
        self.results = QtWidgets.QPlainTextEdit(readOnly=True)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(self.clinician, "Clinician")
        self.tabs.addTab(self.patient, "Patient")
        self.tabs.addTab(self.results, "Results")
        dock = QtWidgets.QDockWidget("Session", self)
        dock.setWidget(self.panel)
        self.panel.setMaximumWidth(420)
        dock.setFeatures(QtWidgets.QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.setCentralWidget(self.tabs)
        self.patient_window: PatientView | None = None
        self.mode_name = ""
        self.cues = 0

        self.panel.start.clicked.connect(self.start_session)
        self.panel.stop.clicked.connect(self.stop_session)
        self.panel.patient_screen.clicked.connect(self.show_patient_screen)
        self.panel.open_recording.clicked.connect(self._ask_open_recording)
        self.controller.frame_ready.connect(self.clinician.show_frame)
        self.controller.frame_ready.connect(self._patient_frame)
        self.controller.finished.connect(self._session_finished)
        self.controller.cue.connect(self._cue)
        self.controller.training_event.connect(self._training_event)

    # -- session --------------------------------------------------------------------------------------

    def recording_path(self, subject: Subject, mode: str) -> Path:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return Path(self.panel.out_dir.text()).expanduser() / f"{subject.id}_{mode}_{stamp}.h5"

    def start_session(self) -> Path | None:
        """Start the protocol set in the panel; the path of the new recording (None on a user error)."""
        try:
            subject = self.panel.subject()
            band = self.panel.band()
            name = self.panel.mode.currentData()
            targets = self.panel.cop_targets()
            mode = make_mode(name, band=band, hold_s=self.panel.hold.value(), targets=targets,
                             body_mass_kg=subject.mass_kg, target_peak_pct_bw=self.panel.peak.value())
            cue = UnderloadCue(band.min_pct, after_s=1.0) if self.panel.cue.isChecked() and band.min_pct > 0 else None
            device = self.device_factory(self.panel.device.currentData(), subject)
            path = self.recording_path(subject, name)
            duration = self.panel.duration.value() or None
            settings = {"display_fps": (1000.0 / self.controller.timer.interval(), "1/s"), **mode.settings()}
            session = Session(device, path, subject, protocol=f"training.{name}", settings=settings,
                              duration_s=duration)
            self.controller.start(session, mode, subject.affected_side or "left", cue)
        except (ValueError, OSError, LookupError) as exc:
            QtWidgets.QMessageBox.warning(self, "Cannot start", str(exc))
            return None
        show_band = band if name in ("symmetric_stance", "mini_squat") else None
        side = subject.affected_side or "left"
        self.mode_name = name
        for view in self._patient_views():
            view.set_session(side, show_band, name)
        self.clinician.set_session(side, show_band, name)
        self.panel.start.setEnabled(False)
        self.panel.stop.setEnabled(True)
        self.statusBar().showMessage(f"recording to {path}")
        return path

    def stop_session(self) -> SessionResult | None:
        if not self.controller.running:
            return None
        return self.controller.stop()

    def _session_finished(self, result: SessionResult) -> None:
        self.panel.start.setEnabled(True)
        self.panel.stop.setEnabled(False)
        fault = f" — device fault: {result.device_fault}" if result.device_fault else ""
        self.statusBar().showMessage(f"saved {result.path} ({result.status.value}){fault}")
        self.show_recording(result.path)

    # -- views ----------------------------------------------------------------------------------------

    def _patient_views(self) -> list[PatientView]:
        views = [self.patient]
        if self.patient_window is not None and self.patient_window.isVisible():
            views.append(self.patient_window)
        return views

    def _patient_frame(self, frame) -> None:
        for view in self._patient_views():
            if view.isVisible():
                view.show_frame(frame)

    def show_patient_screen(self) -> PatientView:
        """The patient view in its own window, full screen (on the screen it is moved to)."""
        if self.patient_window is None:
            self.patient_window = PatientView()
            self.patient_window.setWindowTitle("Balance training")
            QtGui.QShortcut(QtGui.QKeySequence("Esc"), self.patient_window, self.patient_window.close)
        self.patient_window.set_session(self.patient.load_bars.affected_side, self.patient.load_bars.band,
                                        self.mode_name)
        self.patient_window.showFullScreen()
        return self.patient_window

    def _cue(self, t_s: float) -> None:
        self.cues += 1
        QtWidgets.QApplication.beep()

    def _training_event(self, event: TrainingEvent) -> None:
        if event.code in ("target_hit", "hold_success", "rep_success", "step_success"):
            self.statusBar().showMessage(f"{event.code}: {event.label}", 2000)

    # -- recordings -----------------------------------------------------------------------------------

    def show_recording(self, path: str | os.PathLike[str]) -> list[str]:
        """Load a recording and show its summary in the Results tab."""
        try:
            lines = summarize_recording(recordings.open(path))
        except (recordings.RecordingError, OSError, ValueError) as exc:
            lines = [f"cannot read {path}: {exc}"]
        self.results.setPlainText("\n".join(lines))
        return lines

    def _ask_open_recording(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open recording", self.panel.out_dir.text(),
                                                        "Recordings (*.h5 *.hdf5)")
        if path:
            self.show_recording(path)
            self.tabs.setCurrentWidget(self.results)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self.controller.running:
            self.controller.stop()
        if self.patient_window is not None:
            self.patient_window.close()
        super().closeEvent(event)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the station GUI (``station gui`` / ``station-gui``)."""
    parser = argparse.ArgumentParser(prog="station-gui", description="Live biofeedback station")
    parser.add_argument("--device", help="device spec to preselect, e.g. sim")
    parser.add_argument("--out-dir", help="folder for recordings")
    parser.add_argument("--fps", type=float, default=60.0, help="display rate, frames/s (default 60)")
    parser.add_argument("--quit-after", type=float, metavar="SECONDS",
                        help="close the window after this many seconds (unattended smoke runs)")
    args = parser.parse_args(argv)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    window = MainWindow(fps=args.fps)
    if args.device:
        index = window.panel.device.findData(args.device)
        if index < 0:
            raise LookupError(f"device {args.device!r} is not available; see `station devices`")
        window.panel.device.setCurrentIndex(index)
    if args.out_dir:
        window.panel.out_dir.setText(args.out_dir)
    window.resize(1500, 900)
    window.show()
    if args.quit_after is not None:
        QtCore.QTimer.singleShot(int(args.quit_after * 1000), window.close)
    return int(app.exec())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
