"""The pages of the patient's guided home session: instruction, countdown, the set with live feedback,
rest and summary. Large, simple text and buttons (legible from two metres; fonts scale with the window);
each page only shows what it is given — the session logic is in :mod:`station.gui.home_session`."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PyQt6 import QtCore, QtGui, QtWidgets

from station.gui.load_bars import LoadBars
from station.protocols.training import LoadBand

__all__ = ["BigPage", "CountdownPage", "InstructionPage", "RestPage", "SetPage", "SummaryPage"]

_ON_TARGET = "#2a9d3f"
_OFF_TARGET = "#c05020"


class BigPage(QtWidgets.QWidget):
    """A page whose labels scale with its height: ``self._scaled`` holds (label, scale, bold)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._scaled: list[tuple[QtWidgets.QWidget, float, bool]] = []

    def _label(self, text: str = "", scale: float = 1.0, bold: bool = False, name: str = "") -> QtWidgets.QLabel:
        label = QtWidgets.QLabel(text)
        label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        if name:
            label.setObjectName(name)
        self._scaled.append((label, scale, bold))
        return label

    def _button(self, text: str, name: str, primary: bool = False) -> QtWidgets.QPushButton:
        button = QtWidgets.QPushButton(text)
        button.setObjectName(name)
        if primary:
            button.setStyleSheet(f"QPushButton {{ background: {_ON_TARGET}; color: white; border-radius: 8px; }}")
        button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Preferred)
        self._scaled.append((button, 0.8, True))
        return button

    def _rescale(self) -> None:
        size = max(self.height() // 14, 16)
        for widget, scale, bold in self._scaled:
            font = widget.font()
            font.setPixelSize(max(int(size * scale), 10))
            font.setBold(bold)
            widget.setFont(font)
            if isinstance(widget, QtWidgets.QPushButton):
                widget.setMinimumHeight(int(size * 1.6))

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()


class InstructionPage(BigPage):
    """The exercise, what to do, the dose, and a big "I am ready" button."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self._label(scale=1.3, bold=True, name="title")
        self.text = self._label(scale=0.8, name="instructions")
        self.dose = self._label(scale=0.7, name="dose")
        self.ready = self._button("I am ready", "ready", primary=True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 2)
        layout.addWidget(self.dose)
        layout.addWidget(self.ready)

    def show_exercise(self, title: str, instructions: str, dose: str) -> None:
        self.title.setText(title)
        self.text.setText(instructions)
        self.dose.setText(dose)


class CountdownPage(BigPage):
    """"Get ready" and a huge number of seconds before the set starts."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self._label(scale=1.0, bold=True, name="title")
        self.number = self._label("3", scale=5.0, bold=True, name="countdown")
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.number, 3)

    def set_remaining(self, seconds: float) -> None:
        self.number.setText(str(max(math.ceil(seconds - 1e-9), 0)))


class SetPage(BigPage):
    """During a set: the repetition count, the hold timer, the affected-limb load against the target band,
    the time left, and a stop button."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self._label(scale=1.0, bold=True, name="title")
        self.reps = self._label("0", scale=3.2, bold=True, name="reps")
        self.reps_caption = self._label("repetitions", scale=0.6, name="reps_caption")
        self.on_target = self._label("", scale=0.6, name="on_target")
        self.hold_text = self._label("", scale=0.7, bold=True, name="hold")
        self.hold = QtWidgets.QProgressBar()
        self.hold.setRange(0, 1000)
        self.hold.setTextVisible(False)
        self.hold.setStyleSheet(f"QProgressBar {{ border: 1px solid #999; border-radius: 6px; background: #f2f2f2; }}"
                                f" QProgressBar::chunk {{ background: {_ON_TARGET}; border-radius: 6px; }}")
        self.pace = self._label("", scale=1.0, bold=True, name="pace")
        self.pace.setStyleSheet("color: #1f5fa8")
        self.cue = self._label("", scale=0.8, bold=True, name="cue")
        self.note = self._label("", scale=0.6, bold=True, name="note")
        self.note.setStyleSheet(f"color: {_OFF_TARGET}")
        self.time_left = self._label("", scale=0.6, name="time_left")
        self.load_bars = LoadBars()
        self.stop = self._button("Stop this set", "stop")
        left = QtWidgets.QVBoxLayout()
        left.addWidget(self.pace)
        left.addWidget(self.reps, 3)
        left.addWidget(self.reps_caption)
        left.addWidget(self.on_target)
        left.addWidget(self.hold_text)
        left.addWidget(self.hold)
        left.addWidget(self.cue)
        left.addWidget(self.note)
        left.addWidget(self.time_left)
        body = QtWidgets.QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(self.load_bars, 2)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(body, 5)
        layout.addWidget(self.stop)

    def _rescale(self) -> None:
        super()._rescale()
        self.hold.setFixedHeight(max(self.height() // 16, 16))

    def prepare(self, title: str, affected_side: str, band: LoadBand | None, reps: int, hold_s: float | None) -> None:
        self.title.setText(title)
        self.load_bars.set_affected(affected_side)
        self.load_bars.set_band(band)
        self.load_bars.set_values(math.nan, math.nan)
        self._target_reps = reps
        self._hold_s = hold_s
        self.hold.setVisible(bool(hold_s))
        self.hold_text.setVisible(bool(hold_s))
        self.pace.setText("")
        self.show_status(0, 0, 0.0, math.nan, math.nan, band, None)

    def show_status(
        self,
        reps_done: int,
        on_target: int,
        held_s: float,
        affected_pct_bw: float,
        unaffected_pct_bw: float,
        band: LoadBand | None,
        seconds_left: float | None,
        affected_side: str | None = None,
        pace: str = "",
        note: str = "",
    ) -> None:
        """Draw the live numbers (loads in %BW, NaN when nobody is on the board)."""
        self.reps.setText(f"{reps_done} / {self._target_reps}")
        self.on_target.setText(f"{on_target} on target")
        if self._hold_s:
            self.hold_text.setText(f"Hold {min(held_s, self._hold_s):.1f} of {self._hold_s:g} s")
            self.hold.setValue(round(1000 * min(held_s / self._hold_s, 1.0)))
        side = affected_side or self.load_bars.affected_side
        left, right = (affected_pct_bw, unaffected_pct_bw) if side == "left" else (unaffected_pct_bw, affected_pct_bw)
        self.load_bars.set_values(left, right)
        self.cue.setText(load_cue(affected_pct_bw, band))
        colour = _ON_TARGET if self.cue.text() == "Good — keep it there" else _OFF_TARGET
        self.cue.setStyleSheet(f"color: {colour}")
        self.time_left.setText("" if seconds_left is None else f"{max(seconds_left, 0.0):.0f} s left")
        self.pace.setText(pace)
        self.pace.setVisible(bool(pace))
        self.note.setText(note)  # why the last repetition did not count, for a few seconds


def load_cue(affected_pct_bw: float, band: LoadBand | None) -> str:
    """The one-line cue for the patient: more / less weight on the affected leg, or good."""
    if band is None:
        return ""
    if not math.isfinite(affected_pct_bw):
        return "Step onto the board"
    if affected_pct_bw < band.min_pct:
        return "More weight on your sore leg"
    if affected_pct_bw > band.max_pct:
        return "A little less weight on your sore leg"
    return "Good — keep it there"


class RestPage(BigPage):
    """Rest between sets: the seconds left and a skip button."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self._label("Rest", scale=1.3, bold=True, name="title")
        self.number = self._label("", scale=4.0, bold=True, name="rest")
        self.next = self._label("", scale=0.7, name="next")
        self.skip = self._button("Skip the rest", "skip")
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.number, 3)
        layout.addWidget(self.next)
        layout.addWidget(self.skip)

    def set_remaining(self, seconds: float) -> None:
        self.number.setText(f"{max(math.ceil(seconds - 1e-9), 0)} s")


class SummaryPage(BigPage):
    """The end of the session: one line per exercise and the pain ratings; a Done button."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self._label("Well done!", scale=1.4, bold=True, name="title")
        self.lines = self._label("", scale=0.7, name="lines")
        self.done = self._button("Done", "done", primary=True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.lines, 3)
        layout.addWidget(self.done)

    def show_lines(self, lines: Sequence[str]) -> None:
        self.lines.setText("\n".join(lines))
