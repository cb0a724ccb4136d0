"""Pain rating 0-10 with eleven big buttons, for the patient before and after a home session.

The colours follow the NEMEX pain zones (Ageberg et al. 2010; docs/home-evidence.md §3.1):
0-2 safe (green), >2-5 acceptable (amber), >5 high risk (red). The zones are only a colour hint; the
number the patient presses is what is stored.
"""

from __future__ import annotations

from PyQt6 import QtCore, QtGui, QtWidgets

__all__ = ["PainRating", "pain_zone"]

_ZONE_COLOURS = {"safe": "#3b9b4a", "acceptable": "#e0a020", "high": "#d04030"}


def pain_zone(value: int) -> str:
    """NEMEX zone of a 0-10 pain rating: "safe" (0-2), "acceptable" (3-5) or "high" (6-10)."""
    if not 0 <= value <= 10:
        raise ValueError(f"a pain rating is 0-10, got {value}")
    return "safe" if value <= 2 else "acceptable" if value <= 5 else "high"


class PainRating(QtWidgets.QWidget):
    """A question and eleven buttons 0-10; ``rated(int)`` is emitted when one is pressed."""

    rated = QtCore.pyqtSignal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = QtWidgets.QLabel("How much does your hip hurt right now?")
        self.question.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.question.setWordWrap(True)
        self.hint = QtWidgets.QLabel("0 = no pain      10 = worst pain imaginable")
        self.hint.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.buttons: list[QtWidgets.QPushButton] = []
        row = QtWidgets.QHBoxLayout()
        for value in range(11):
            button = QtWidgets.QPushButton(str(value))
            button.setObjectName(f"pain_{value}")
            button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding)
            button.setStyleSheet(
                f"QPushButton {{ background: {_ZONE_COLOURS[pain_zone(value)]}; color: white; border-radius: 8px; }}"
            )
            button.clicked.connect(lambda _checked=False, v=value: self.rated.emit(v))
            self.buttons.append(button)
            row.addWidget(button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.question)
        layout.addWidget(self.hint)
        layout.addLayout(row, 2)
        layout.addStretch(1)
        self._fonts()

    def set_question(self, text: str) -> None:
        self.question.setText(text)

    def _fonts(self) -> None:
        size = max(self.height() // 12, 20)
        for widget, scale in ((self.question, 1.0), (self.hint, 0.5)):
            font = widget.font()
            font.setPixelSize(int(size * scale))
            font.setBold(widget is self.question)
            widget.setFont(font)
        for button in self.buttons:
            font = button.font()
            font.setPixelSize(int(size * 0.9))
            font.setBold(True)
            button.setFont(font)
            button.setMinimumHeight(max(self.height() // 5, 48))

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fonts()
