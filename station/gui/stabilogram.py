"""COP stabilogram: the board outline, a trail of the last seconds, a cursor and a target zone."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets

from station.gui.targets import TargetZone
from station.protocols.training import CopTarget

__all__ = ["Stabilogram"]


class Stabilogram(pg.PlotWidget):
    """COP in the device frame, mm (x: right +, y: forward +), on a fixed range covering the board.

    Parameters
    ----------
    extent_mm : (half_width, half_depth)
        Half the area shown, mm (the sensor span plus a margin).
    cursor_px : float
        Cursor diameter, px (large on the patient screen).
    trail : bool
        Draw the recent COP path.
    axes : bool
        Show axes with units (clinician) or hide them (patient).
    """

    def __init__(
        self,
        extent_mm: tuple[float, float] = (260.0, 160.0),
        *,
        cursor_px: float = 14.0,
        trail: bool = True,
        axes: bool = True,
        parent=None,
    ) -> None:
        super().__init__(parent=parent, background="w")
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.enableAutoRange(False)
        hx, hy = extent_mm
        item.setXRange(-hx, hx, padding=0)
        item.setYRange(-hy, hy, padding=0)
        item.setAspectLocked(True)
        if axes:
            item.setLabel("bottom", "COP x (right +)", "mm")
            item.setLabel("left", "COP y (forward +)", "mm")
        else:
            item.hideAxis("bottom")
            item.hideAxis("left")
        outline = QtWidgets.QGraphicsRectItem(QtCore.QRectF(-hx * 0.9, -hy * 0.85, 2 * hx * 0.9, 2 * hy * 0.85))
        pen = QtGui.QPen(QtGui.QColor(150, 150, 150))
        pen.setCosmetic(True)
        outline.setPen(pen)
        item.addItem(outline)
        midline = pg.InfiniteLine(0, angle=90, pen=pg.mkPen((180, 180, 180), width=1))
        item.addItem(midline)
        self.target_zone = TargetZone(pen_width_px=3.0 if axes else 6.0)
        item.addItem(self.target_zone)
        self.trail = pg.PlotCurveItem(pen=pg.mkPen((90, 90, 90), width=1)) if trail else None
        if self.trail is not None:
            item.addItem(self.trail)
        self.cursor = pg.ScatterPlotItem(size=cursor_px, pen=pg.mkPen("k", width=1), brush=pg.mkBrush(230, 80, 20))
        item.addItem(self.cursor)

    def set_cop(self, x_mm: np.ndarray, y_mm: np.ndarray) -> None:
        """Trail through the given COP samples; cursor at the newest loaded one (hidden if none)."""
        ok = np.isfinite(x_mm) & np.isfinite(y_mm)
        if self.trail is not None:
            if ok.all():
                self.trail.setData(x_mm, y_mm, skipFiniteCheck=True)
            else:
                self.trail.setData(x_mm[ok], y_mm[ok], skipFiniteCheck=True)
        if ok.size and ok[-1]:
            self.cursor.setData([float(x_mm[-1])], [float(y_mm[-1])])
        else:
            self.cursor.setData([], [])

    def set_target(self, target: CopTarget | None, progress: float = 0.0) -> None:
        if target != self.target_zone.target:
            self.target_zone.set_target(target)
        self.target_zone.set_progress(progress)
