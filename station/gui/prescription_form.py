"""The clinician's prescription form: exercises from the library with sets, repetitions, hold, rest and a
load target, sessions per week and the progression rule. Saving checks the whole prescription
(:meth:`station.home.Prescription.problems`) and shows every problem next to its field; a valid
prescription is saved as a new version (:func:`station.home.save_prescription`)."""

from __future__ import annotations

import datetime as _dt
import re

from PyQt6 import QtCore, QtWidgets

from station.home import LIBRARY, ExerciseDose, Prescription, ProgressionRule, Target, save_prescription
from station.store import Store

__all__ = ["DoseEditor", "PrescriptionForm", "error_field"]

_ERROR_STYLE = "color: #c0392b; font-weight: bold"
#: A spin box at its minimum means "no value" (a target without a lower or upper bound, or without a hold).
_NONE = "none"


def _spin(minimum: float, maximum: float, value: float, suffix: str, decimals: int = 1,
          none: bool = False) -> QtWidgets.QDoubleSpinBox:
    box = QtWidgets.QDoubleSpinBox(minimum=minimum - (1.0 if none else 0.0), maximum=maximum, decimals=decimals)
    box.setSuffix(suffix)
    if none:
        box.setSpecialValueText(_NONE)
    box.setValue(value)
    return box


def _optional(box: QtWidgets.QDoubleSpinBox) -> float | None:
    return None if box.specialValueText() and box.value() == box.minimum() else float(box.value())


def _set_optional(box: QtWidgets.QDoubleSpinBox, value: float | None) -> None:
    box.setValue(box.minimum() if value is None else value)


def error_field(exc: ValueError) -> str:
    """The field a validation error is about, in the form's naming (``exercises[1].hold_s``,
    ``exercises[0].target.affected_min_pct_bw``, ``sessions_per_week``, ``rule.pain_during_max``; "" if unknown).

    The exception's ``field`` attribute is used when it has one; otherwise the field is read from the message of
    :meth:`station.home.Prescription.validate`, which names it ("exercise 2 (weight-shift): target
    affected_min_pct_bw must be ...").
    """
    field = getattr(exc, "field", None)
    if isinstance(field, str) and field:
        return field
    text = str(exc)
    match = re.match(r"exercise (\d+) \([^)]*\): (.*)", text, re.DOTALL)
    if match:
        at, rest = f"exercises[{int(match.group(1)) - 1}]", match.group(2)
        target = re.search(r"target (affected_min_pct_bw|affected_max_pct_bw|hold_s)", rest)
        if target:
            return f"{at}.target.{target.group(1)}"
        if "impossible target" in rest or "needs a load target" in rest:
            return f"{at}.target.affected_min_pct_bw"
        name = re.search(r"\b(sets|reps|hold_s|rest_s)\b", rest)
        return f"{at}.{name.group(1)}" if name else f"{at}.exercise"
    match = re.search(r"rule\.\w+", text)
    if match:
        return match.group(0)
    for name in ("sessions_per_week", "affected_side", "patient_id"):
        if text.startswith(name):
            return name
    return ""


class _Field:
    """An input with an error label beside it."""

    def __init__(self, widget: QtWidgets.QWidget, name: str) -> None:
        self.widget = widget
        self.error = QtWidgets.QLabel("")
        self.error.setObjectName(f"error:{name}")
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(False)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def add_error(self, message: str) -> None:
        self.set_error(f"{self.error.text()}\n{message}" if self.error.text() else message)


class DoseEditor(QtWidgets.QGroupBox):
    """One exercise of the prescription: the exercise, sets, repetitions, hold, rest and target."""

    remove_requested = QtCore.pyqtSignal(object)

    def __init__(self, dose: ExerciseDose | None = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.exercise = QtWidgets.QComboBox()
        for key, ex in LIBRARY.items():
            self.exercise.addItem(f"{ex.title} ({key})", key)
        self.sets = QtWidgets.QSpinBox(minimum=0, maximum=20, value=3)
        self.reps = QtWidgets.QSpinBox(minimum=0, maximum=100, value=10)
        self.hold_s = _spin(0.0, 300.0, 10.0, " s")
        self.rest_s = _spin(0.0, 600.0, 60.0, " s")
        self.target_min = _spin(0.0, 200.0, 45.0, " %BW", none=True)
        self.target_max = _spin(0.0, 200.0, 55.0, " %BW", none=True)
        self.target_hold = _spin(0.0, 300.0, 10.0, " s", none=True)
        self.remove = QtWidgets.QPushButton("Remove")
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.fields = {
            "exercise": _Field(self.exercise, "exercise"),
            "sets": _Field(self.sets, "sets"),
            "reps": _Field(self.reps, "reps"),
            "hold_s": _Field(self.hold_s, "hold_s"),
            "rest_s": _Field(self.rest_s, "rest_s"),
            "target.affected_min_pct_bw": _Field(self.target_min, "target_min"),
            "target.affected_max_pct_bw": _Field(self.target_max, "target_max"),
            "target.hold_s": _Field(self.target_hold, "target_hold"),
        }
        labels = {
            "exercise": "Exercise", "sets": "Sets", "reps": "Repetitions", "hold_s": "Hold per repetition",
            "rest_s": "Rest between sets", "target.affected_min_pct_bw": "Affected-limb load, at least",
            "target.affected_max_pct_bw": "Affected-limb load, at most", "target.hold_s": "Target held for",
        }
        grid = QtWidgets.QGridLayout(self)
        for row, (name, field) in enumerate(self.fields.items()):
            grid.addWidget(QtWidgets.QLabel(labels[name]), row, 0)
            grid.addWidget(field.widget, row, 1)
            grid.addWidget(field.error, row, 2)
        grid.addWidget(self.remove, len(self.fields), 1)
        grid.setColumnStretch(2, 1)
        if dose is not None:
            self.load(dose)

    def set_number(self, number: int) -> None:
        self.setTitle(f"Exercise {number}")

    def load(self, dose: ExerciseDose) -> None:
        index = self.exercise.findData(dose.exercise)
        if index < 0:
            raise ValueError(f"exercise {dose.exercise!r} is not in the library")
        self.exercise.setCurrentIndex(index)
        self.sets.setValue(dose.sets)
        self.reps.setValue(dose.reps)
        self.hold_s.setValue(dose.hold_s)
        self.rest_s.setValue(dose.rest_s)
        _set_optional(self.target_min, dose.target.affected_min_pct_bw)
        _set_optional(self.target_max, dose.target.affected_max_pct_bw)
        _set_optional(self.target_hold, dose.target.hold_s)

    def dose(self) -> ExerciseDose:
        target = Target(_optional(self.target_min), _optional(self.target_max), _optional(self.target_hold))
        return ExerciseDose(self.exercise.currentData(), self.sets.value(), self.reps.value(),
                            float(self.hold_s.value()), float(self.rest_s.value()), target)

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.set_error("")


class PrescriptionForm(QtWidgets.QWidget):
    """Create or edit a patient's prescription; ``saved(Prescription)`` after a valid one is stored."""

    saved = QtCore.pyqtSignal(object)

    def __init__(self, store: Store, patient_id: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.patient_id = patient_id
        self.base: Prescription | None = None
        self.title = QtWidgets.QLabel(f"Prescription for {patient_id}")
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.patient = store.patient(patient_id)  # a clear StoreError for an unknown patient
        self.side = QtWidgets.QLabel(self.patient.affected_side)  # the patient record's side (save_prescription)
        self.sessions_per_week = QtWidgets.QSpinBox(minimum=0, maximum=14, value=3)
        self.success_fraction = _spin(0.0, 100.0, 80.0, " % of repetitions on target", decimals=0)
        self.sessions_required = QtWidgets.QSpinBox(minimum=0, maximum=20, value=2)
        self.pain_during_max = _spin(0.0, 10.0, 5.0, " / 10")
        self.pain_next_day_max = _spin(0.0, 10.0, 5.0, " / 10")
        self.notes = QtWidgets.QLineEdit()
        self.fields = {
            "affected_side": _Field(self.side, "affected_side"),
            "sessions_per_week": _Field(self.sessions_per_week, "sessions_per_week"),
            "rule.success_fraction": _Field(self.success_fraction, "success_fraction"),
            "rule.sessions_required": _Field(self.sessions_required, "sessions_required"),
            "rule.pain_during_max": _Field(self.pain_during_max, "pain_during_max"),
            "rule.pain_next_day_max": _Field(self.pain_next_day_max, "pain_next_day_max"),
            "notes": _Field(self.notes, "notes"),
        }
        labels = {
            "affected_side": "Affected side", "sessions_per_week": "Sessions per week",
            "rule.success_fraction": "Advance when at least", "rule.sessions_required": "… for sessions in a row",
            "rule.pain_during_max": "… and pain during at most",
            "rule.pain_next_day_max": "… and pain next day at most",
            "notes": "Notes",
        }
        top = QtWidgets.QGridLayout()
        for row, (name, field) in enumerate(self.fields.items()):
            top.addWidget(QtWidgets.QLabel(labels[name]), row, 0)
            top.addWidget(field.widget, row, 1)
            top.addWidget(field.error, row, 2)
        top.setColumnStretch(2, 1)
        self.doses_box = QtWidgets.QVBoxLayout()
        self.editors: list[DoseEditor] = []
        doses_widget = QtWidgets.QWidget()
        doses_widget.setLayout(self.doses_box)
        self.scroll = scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(doses_widget)
        self.general_error = QtWidgets.QLabel("")
        self.general_error.setObjectName("error:general")
        self.general_error.setStyleSheet(_ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.status = QtWidgets.QLabel("")
        self.add = QtWidgets.QPushButton("Add exercise")
        self.save = QtWidgets.QPushButton("Save as new version")
        self.add.clicked.connect(lambda: self.add_exercise())
        self.save.clicked.connect(self.submit)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    # -- content --------------------------------------------------------------------------------------

    def add_exercise(self, dose: ExerciseDose | None = None) -> DoseEditor:
        editor = DoseEditor(dose)
        editor.remove_requested.connect(self.remove_exercise)
        self.editors.append(editor)
        self.doses_box.addWidget(editor)
        self._renumber()
        return editor

    def remove_exercise(self, editor: DoseEditor) -> None:
        self.editors.remove(editor)
        self.doses_box.removeWidget(editor)
        editor.deleteLater()
        self._renumber()

    def _renumber(self) -> None:
        for i, editor in enumerate(self.editors, start=1):
            editor.set_number(i)

    def load(self, prescription: Prescription) -> None:
        """Edit an existing prescription (saving makes the next version)."""
        self.base = prescription
        self.sessions_per_week.setValue(prescription.sessions_per_week)
        rule = prescription.rule
        self.success_fraction.setValue(100.0 * rule.success_fraction)
        self.sessions_required.setValue(rule.sessions_required)
        self.pain_during_max.setValue(rule.pain_during_max)
        self.pain_next_day_max.setValue(rule.pain_next_day_max)
        self.notes.setText(prescription.notes)
        for editor in list(self.editors):
            self.remove_exercise(editor)
        for dose in prescription.exercises:
            self.add_exercise(dose)
        self.status.setText(f"version {prescription.version} of {prescription.created}")

    def prescription(self) -> Prescription:
        """The prescription as entered (not validated)."""
        rule = ProgressionRule(
            success_fraction=self.success_fraction.value() / 100.0,
            sessions_required=self.sessions_required.value(),
            pain_during_max=self.pain_during_max.value(),
            pain_next_day_max=self.pain_next_day_max.value(),
        )
        version = self.base.version + 1 if self.base is not None else 1
        return Prescription(
            patient_id=self.patient_id, version=version, created=_dt.date.today().isoformat(),
            sessions_per_week=self.sessions_per_week.value(), exercises=tuple(e.dose() for e in self.editors),
            rule=rule, affected_side=self.patient.affected_side, notes=self.notes.text().strip(),
        )

    # -- saving ---------------------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.set_error("")
        for editor in self.editors:
            editor.clear_errors()
        self.general_error.setText("")

    def show_error(self, field: str, message: str) -> QtWidgets.QLabel:
        """Show ``message`` next to ``field`` (general area when the field is not on the form); the label."""
        match = re.fullmatch(r"exercises\[(\d+)\]\.(.+)", field)
        if match and int(match.group(1)) < len(self.editors):
            editor = self.editors[int(match.group(1))]
            if match.group(2) in editor.fields:
                editor.fields[match.group(2)].add_error(message)
                return editor.fields[match.group(2)].error
        if field in self.fields:
            self.fields[field].add_error(message)
            return self.fields[field].error
        text = f"{field}: {message}" if field else message
        self.general_error.setText(f"{self.general_error.text()}\n{text}" if self.general_error.text() else text)
        return self.general_error

    def submit(self) -> Prescription | None:
        """Validate and save; the saved prescription, or None with every problem shown next to its field
        (:meth:`station.home.Prescription.problems`)."""
        self.clear_errors()
        self.status.setText("")
        entered = self.prescription()
        problems = entered.problems()
        labels = [self.show_error(field, message) for field, message in problems]
        in_doses = [label for label in labels if self.scroll.widget().isAncestorOf(label)]
        if in_doses:
            self.scroll.ensureWidgetVisible(in_doses[0])  # the first problem among the exercises in view
        if problems:
            n = len(problems)
            self.status.setText(f"Not saved: {n} problem{'s' if n > 1 else ''}, shown in red next to the fields.")
            return None
        try:
            stored = save_prescription(self.store, entered)
        except ValueError as exc:
            self.show_error(error_field(exc), f"not saved: {exc}")
            return None
        self.base = stored
        self.status.setText(f"Saved as version {stored.version}")
        self.saved.emit(stored)
        return stored
