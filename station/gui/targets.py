"""Target zones drawn on a stabilogram: a circle that fills as the hold progresses."""

from __future__ import annotations

from PyQt6 import QtGui, QtWidgets

from station.protocols.training import CopTarget

__all__ = ["TargetZone"]

_IDLE = QtGui.QColor(30, 110, 220)
_HOLDING = QtGui.QColor(20, 160, 60)


class TargetZone(QtWidgets.QGraphicsEllipseItem):
    """A circular COP target in data coordinates (mm); hidden when there is no target."""

    def __init__(self, pen_width_px: float = 3.0) -> None:
        super().__init__()
        self.target: CopTarget | None = None
        self._pen_width = pen_width_px
        self.setZValue(-5)
        self.set_target(None)

    def set_target(self, target: CopTarget | None) -> None:
        self.target = target
        self.setVisible(target is not None)
        if target is not None:
            r = target.radius_mm
            self.setRect(target.x_mm - r, target.y_mm - r, 2 * r, 2 * r)
        self.set_progress(0.0)

    def set_progress(self, fraction: float) -> None:
        """0 (not inside) to 1 (hold complete): the fill goes from faint to solid green."""
        color = _HOLDING if fraction > 0 else _IDLE
        pen = QtGui.QPen(color)
        pen.setWidthF(self._pen_width)
        pen.setCosmetic(True)
        self.setPen(pen)
        fill = QtGui.QColor(color)
        fill.setAlpha(int(40 + 160 * min(max(fraction, 0.0), 1.0)))
        self.setBrush(QtGui.QBrush(fill))
