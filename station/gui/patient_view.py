"""The patient's biofeedback view: large COP cursor and target zone, load bars with the target band,
hold progress, success count and one short instruction, legible from two metres."""

from __future__ import annotations

from PyQt6 import QtCore, QtGui, QtWidgets

from station.gui.controller import Frame
from station.gui.load_bars import LoadBars
from station.gui.stabilogram import Stabilogram
from station.gui.steps import StepChart
from station.protocols.training import LoadBand

__all__ = ["PatientView"]

#: Trail on the patient screen, s (short: a comet tail, not a history).
TRAIL_S = 0.5


class PatientView(QtWidgets.QWidget):
    """Simplified view for the patient (shown full screen on a second monitor)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("white"))
        self.setPalette(palette)
        self.message = QtWidgets.QLabel("Stand still on the board")
        self.message.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.score = QtWidgets.QLabel("0")
        self.score.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.hold = QtWidgets.QProgressBar()
        self.hold.setRange(0, 100)
        self.hold.setTextVisible(False)
        self.stabilogram = Stabilogram(cursor_px=40.0, trail=True, axes=False)
        self.steps = StepChart()
        self.centre = QtWidgets.QStackedWidget()
        self.centre.addWidget(self.stabilogram)
        self.centre.addWidget(self.steps)
        self.load_bars = LoadBars()
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.message, 4)
        top.addWidget(self.score, 1)
        body = QtWidgets.QHBoxLayout()
        body.addWidget(self.centre, 3)
        body.addWidget(self.load_bars, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.hold)
        layout.addLayout(body, 6)
        self._fonts()

    def _fonts(self) -> None:
        size = max(self.height() // 14, 18)
        for label, scale in ((self.message, 1.0), (self.score, 1.6)):
            font = label.font()
            font.setPixelSize(int(size * scale))
            font.setBold(True)
            label.setFont(font)
        self.hold.setFixedHeight(max(self.height() // 25, 14))

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fonts()

    def set_session(self, affected_side: str, band: LoadBand | None, mode: str = "") -> None:
        """Prepare for a session: the affected side, the load band (None: no band) and the mode's name
        (the stepping mode shows step bars instead of the COP cursor)."""
        self.load_bars.set_affected(affected_side)
        self.load_bars.set_band(band)
        self.centre.setCurrentWidget(self.steps if mode == "stepping" else self.stabilogram)

    def show_frame(self, frame: Frame) -> None:
        s = frame.status
        if "step_list" in s:
            self.steps.set_target(s["target_peak_pct_bw"])
            self.steps.set_steps(s["step_list"]["affected"], s["step_list"]["unaffected"])
        else:
            live = frame.live.since(float(frame.t_s[-1]) - TRAIL_S)
            self.stabilogram.set_cop(live.cop_x_mm, live.cop_y_mm)
            self.stabilogram.set_target(s.get("target"), s.get("hold_progress", 0.0))
        self.load_bars.set_values(frame.left_pct, frame.right_pct)
        if s:
            self.message.setText(s.get("message", ""))
            self.score.setText(f"★ {s.get('successes', 0)}")
            self.hold.setValue(round(100 * s.get("hold_progress", 0.0)))
