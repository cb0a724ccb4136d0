"""Stepping feedback: peak load (%BW) of the latest steps, affected vs unaffected limb, against the target."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore

__all__ = ["StepChart"]

_AFFECTED = (220, 90, 30)
_UNAFFECTED = (60, 110, 200)


class StepChart(pg.PlotWidget):
    """Bars of each recent step's peak load, % body weight, affected (orange) next to unaffected (blue),
    a dashed line at the target, and the mean stance time of each limb in the title."""

    def __init__(self, n_steps: int = 10, parent=None) -> None:
        super().__init__(parent=parent, background="w")
        self.n_steps = int(n_steps)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.enableAutoRange(False)
        item.setXRange(0.3, self.n_steps + 0.7, padding=0)
        item.setYRange(0.0, 150.0, padding=0)
        item.setLabel("left", "peak load", "%BW")
        item.setLabel("bottom", "step (latest on the right)")
        item.showGrid(y=True, alpha=0.2)
        self.affected = pg.BarGraphItem(x=[], height=[], width=0.38, brush=pg.mkBrush(*_AFFECTED), pen=None)
        self.unaffected = pg.BarGraphItem(x=[], height=[], width=0.38, brush=pg.mkBrush(*_UNAFFECTED), pen=None)
        item.addItem(self.affected)
        item.addItem(self.unaffected)
        self.target = pg.InfiniteLine(angle=0, movable=False,
                                      pen=pg.mkPen((20, 150, 60), width=2, style=QtCore.Qt.PenStyle.DashLine))
        item.addItem(self.target)
        self.set_target(90.0)

    def set_target(self, peak_pct_bw: float) -> None:
        self.target.setValue(peak_pct_bw)

    def set_steps(self, affected: list[tuple[float, float]], unaffected: list[tuple[float, float]]) -> None:
        """Each list holds (stance time s, peak %BW) per step, oldest first; the last ``n_steps`` are shown."""
        for bars, steps, offset in ((self.affected, affected, -0.2), (self.unaffected, unaffected, 0.2)):
            recent = np.array(steps[-self.n_steps :], dtype=np.float64).reshape(-1, 2)
            x = np.arange(1, recent.shape[0] + 1) + offset
            bars.setOpts(x=x, height=recent[:, 1], width=0.38)

        def mean_stance(steps: list[tuple[float, float]]) -> str:
            return f"{np.mean([s for s, _ in steps[-self.n_steps:]]):.2f} s" if steps else "–"

        self.getPlotItem().setTitle(
            f"stance: affected {mean_stance(affected)} · unaffected {mean_stance(unaffected)}"
        )
