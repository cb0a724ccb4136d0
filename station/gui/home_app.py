"""Windows of the home exercise program: the patient's guided session (``station gui --home``) and the
clinician's program window, adherence and prescription (``station gui --program``)."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PyQt6 import QtCore, QtGui, QtWidgets

from recordings.metadata import Subject
from station.gui.adherence_view import AdherenceView
from station.gui.home_devices import HomeDeviceFactory, create_home_device
from station.gui.home_session import HomeSessionView
from station.gui.prescription_form import PrescriptionForm
from station.home import ExerciseDose, Prescription, Target, current_prescription, save_prescription
from station.store import Store, StoreError, resolve_store_path

__all__ = ["DEMO_SPEED", "HomeWindow", "ProgramWindow", "demo_patient", "main"]


class HomeWindow(QtWidgets.QMainWindow):
    """The patient's window: the guided session of the patient's current prescription."""

    def __init__(self, store: Store, patient_id: str, out_dir: str | Path, *, device_factory: HomeDeviceFactory,
                 time_scale: float = 1.0) -> None:
        super().__init__()
        self.setWindowTitle("Home exercises")
        patient = store.patient(patient_id)
        prescription = current_prescription(store, patient_id)
        subject = Subject(patient.id, patient.mass_kg, patient.affected_side)
        self.session = HomeSessionView(prescription, subject, store, out_dir, device_factory=device_factory,
                                       time_scale=time_scale)
        self.setCentralWidget(self.session)
        self.session.summary.done.clicked.connect(self.close)
        QtGui.QShortcut(QtGui.QKeySequence("F11"), self, self.toggle_full_screen)
        QtGui.QShortcut(QtGui.QKeySequence("Esc"), self, self.showNormal)

    def toggle_full_screen(self) -> None:
        """F11: full screen for a patient exercising a few steps from the screen (Esc leaves it)."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.session.close()
        super().closeEvent(event)


class ProgramWindow(QtWidgets.QMainWindow):
    """The clinician's window: adherence and progression, and the prescription form."""

    def __init__(self, store: Store, patient_id: str, *, today: _dt.date | None = None) -> None:
        super().__init__()
        self.setWindowTitle(f"Home program — {patient_id}")
        self.adherence = AdherenceView(store, patient_id, today=today)
        self.form = PrescriptionForm(store, patient_id)
        try:
            self.form.load(current_prescription(store, patient_id))
        except StoreError:
            self.form.add_exercise()  # no prescription yet: start from one exercise of the library
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(self.adherence, "Adherence")
        self.tabs.addTab(self.form, "Prescription")
        self.setCentralWidget(self.tabs)
        self.form.saved.connect(lambda _p: self.adherence.refresh())
        self.adherence.applied.connect(self.form.load)


#: The demo's simulated patient and countdowns run this many times faster than real time.
DEMO_SPEED = 3.0


def demo_patient(store: Store) -> str:
    """A demo patient (70 kg, left hip) with a short prescription: stand evenly 1 × 3 holds of 5 s, small knee bends
    1 × 5 (about 20 s of sets at :data:`DEMO_SPEED`); the patient's id."""
    patient = store.add_patient(affected_side="left", mass_kg=70.0, notes="demo patient")
    save_prescription(store, Prescription(
        patient_id=patient.id, version=1, created=_dt.date.today().isoformat(), sessions_per_week=3,
        exercises=(ExerciseDose("stance-eyes-open", 1, 3, 5.0, 10.0, Target(45.0, 60.0, 5.0)),
                   ExerciseDose("mini-squat", 1, 5, 0.0, 0.0, Target(40.0, 60.0))),
        affected_side="left", notes="demo"))
    return patient.id


def main(argv: Sequence[str] | None = None) -> int:
    """``station gui --home`` / ``station gui --program``."""
    parser = argparse.ArgumentParser(prog="station gui", description="Home exercise program windows")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--home", action="store_true", help="the patient's guided home session")
    which.add_argument("--program", action="store_true", help="the clinician's adherence view and prescription form")
    parser.add_argument("--patient", help="patient id in the store")
    parser.add_argument("--demo", action="store_true",
                        help=f"with --home: a demo patient and a short prescription (in a temporary store unless "
                             f"--store), the simulated home patient at {DEMO_SPEED:g}x real time")
    parser.add_argument("--store", type=Path, help="patient store file")
    parser.add_argument("--device", default="sim-home", help="device spec for --home (default sim-home)")
    parser.add_argument("--out-dir", type=Path, help="folder for the set recordings (default ./recordings)")
    parser.add_argument("--quit-after", type=float, metavar="SECONDS",
                        help="close the window after this many seconds (unattended smoke runs)")
    args = parser.parse_args(argv)
    if args.demo and not args.home:
        raise ValueError("--demo goes with --home")
    if not args.patient and not args.demo:
        raise ValueError("say whose program it is: --patient ID (or --home --demo)")
    temporary = Path(tempfile.mkdtemp(prefix="station-gui-demo-")) if args.demo and args.store is None else None
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    store = Store(temporary / "store.sqlite3" if temporary is not None else resolve_store_path(args.store))
    try:
        if args.home:
            patient_id = demo_patient(store) if args.demo else args.patient
            patient = store.patient(patient_id)
            subject = Subject(patient.id, patient.mass_kg, patient.affected_side)
            speed = DEMO_SPEED if args.demo else None
            out_dir = args.out_dir or (temporary / "sets" if temporary is not None else Path.cwd() / "recordings")
            window: QtWidgets.QMainWindow = HomeWindow(
                store, patient_id, out_dir, device_factory=create_home_device(args.device, subject, speed=speed),
                time_scale=speed or 1.0,
            )
        else:
            window = ProgramWindow(store, args.patient)
        window.resize(1280, 800)
        window.show()
        if args.home:
            window.session.start()  # type: ignore[attr-defined]
        if args.quit_after is not None:
            QtCore.QTimer.singleShot(int(args.quit_after * 1000), window.close)
        return int(app.exec())
    finally:
        store.close()
