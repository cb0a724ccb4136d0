"""Per-limb load bars in % body weight, the affected side marked, with the clinician's target band."""

from __future__ import annotations

import math

from PyQt6 import QtCore, QtGui, QtWidgets

from station.protocols.training import LoadBand

__all__ = ["LoadBars"]

_AFFECTED = QtGui.QColor(220, 90, 30)
_UNAFFECTED = QtGui.QColor(60, 110, 200)
_BAND = QtGui.QColor(20, 170, 70, 90)


class LoadBars(QtWidgets.QWidget):
    """Two vertical bars, left and right limb, 0-100 %BW; text scales with the widget (legible from 2 m
    on the patient screen). The band, if set, is drawn on the affected limb's bar."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.left_pct = math.nan
        self.right_pct = math.nan
        self.affected_side = "left"
        self.band: LoadBand | None = None
        self.setMinimumSize(160, 160)

    def set_affected(self, side: str) -> None:
        if side not in ("left", "right"):
            raise ValueError(f"affected side must be left or right, got {side!r}")
        self.affected_side = side
        self.update()

    def set_band(self, band: LoadBand | None) -> None:
        self.band = band
        self.update()

    def set_values(self, left_pct: float, right_pct: float) -> None:
        """Loads in %BW (NaN: nobody on the board)."""
        self.left_pct, self.right_pct = float(left_pct), float(right_pct)
        self.update()

    @staticmethod
    def _fit(p: QtGui.QPainter, text: str, width: float, max_px: int) -> None:
        """Set the painter's font to the largest bold size <= max_px at which ``text`` fits ``width``."""
        font = QtGui.QFont(p.font())
        font.setBold(True)
        size = max(max_px, 8)
        while size > 8:
            font.setPixelSize(size)
            if QtGui.QFontMetricsF(font).horizontalAdvance(text) <= width:
                break
            size -= 1
        font.setPixelSize(size)
        p.setFont(font)

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        p = QtGui.QPainter(self)
        w, h = self.width(), self.height()
        title_h = max(int(h * 0.12), 14)
        foot_h = max(int(h * 0.14), 16)
        top, bottom = title_h, h - foot_h
        slot_w = w / 2.0
        bar_w = slot_w * 0.6
        for i, (side, pct) in enumerate((("left", self.left_pct), ("right", self.right_pct))):
            x0 = slot_w * i + (slot_w - bar_w) / 2
            affected = side == self.affected_side
            color = _AFFECTED if affected else _UNAFFECTED
            frame = QtCore.QRectF(x0, top, bar_w, bottom - top)
            p.setPen(QtGui.QPen(color if affected else QtGui.QColor(120, 120, 120), 3 if affected else 1))
            p.setBrush(QtGui.QColor(245, 245, 245))
            p.drawRect(frame)
            if affected and self.band is not None:
                y_hi = bottom - (bottom - top) * self.band.max_pct / 100.0
                y_lo = bottom - (bottom - top) * self.band.min_pct / 100.0
                p.setPen(QtCore.Qt.PenStyle.NoPen)
                p.setBrush(_BAND)
                p.drawRect(QtCore.QRectF(x0 - bar_w * 0.12, y_hi, bar_w * 1.24, y_lo - y_hi))
            if math.isfinite(pct):
                fill_h = (bottom - top) * min(max(pct, 0.0), 100.0) / 100.0
                p.setPen(QtCore.Qt.PenStyle.NoPen)
                p.setBrush(color)
                p.drawRect(QtCore.QRectF(x0 + bar_w * 0.1, bottom - fill_h, bar_w * 0.8, fill_h))
            p.setPen(QtGui.QPen(QtGui.QColor(60, 60, 60)))
            p.drawLine(QtCore.QPointF(x0, (top + bottom) / 2), QtCore.QPointF(x0 + bar_w, (top + bottom) / 2))
            text_color = color if affected else QtGui.QColor(30, 30, 30)
            p.setPen(QtGui.QPen(text_color))
            value = f"{pct:.0f}%" if math.isfinite(pct) else "–"
            self._fit(p, "100%", slot_w * 0.9, int(title_h * 0.8))
            p.drawText(QtCore.QRectF(slot_w * i, 0, slot_w, title_h), QtCore.Qt.AlignmentFlag.AlignCenter, value)
            name = "L" if side == "left" else "R"
            self._fit(p, name, slot_w * 0.9, int(foot_h * 0.5))
            p.drawText(QtCore.QRectF(slot_w * i, bottom, slot_w, foot_h * 0.55), QtCore.Qt.AlignmentFlag.AlignCenter,
                       name)
            if affected:
                self._fit(p, "affected", slot_w * 0.95, int(foot_h * 0.35))
                p.drawText(QtCore.QRectF(slot_w * i, bottom + foot_h * 0.55, slot_w, foot_h * 0.45),
                           QtCore.Qt.AlignmentFlag.AlignCenter, "affected")
        p.end()
