"""Scrolling time traces on a fixed time window (newest sample at 0 s), with event markers."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore

__all__ = ["TracePlot", "peak_decimate"]


def peak_decimate(x: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep the min and max of each bin so that peaks survive when there are more samples than pixels.

    ``y`` is (n,) or (n, k); returns at most ``max_points`` points per column (for display only).
    """
    n = x.shape[0]
    if n <= max_points:
        return x, y
    bin_n = int(np.ceil(2 * n / max_points))
    n_bins = n // bin_n
    start = n - n_bins * bin_n  # keep the newest samples whole
    yb = y[start:].reshape(n_bins, bin_n, *y.shape[1:])
    xb = x[start:].reshape(n_bins, bin_n)
    lo, hi = yb.min(axis=1), yb.max(axis=1)
    xs = np.repeat(xb[:, [0, -1]].mean(axis=1), 2)
    ys = np.stack([lo, hi], axis=1).reshape(2 * n_bins, *y.shape[1:])
    return xs, ys


class TracePlot(pg.PlotWidget):
    """Curves of several channels against time relative to the newest sample, s.

    Parameters
    ----------
    names, colors : sequences of str
        One per curve.
    window_s : float
        Time shown, s.
    y_range : (float, float)
        Fixed y range (in ``units``).
    y_label, units : str
    max_points : int
        Points drawn per curve at most (min/max decimation beyond it).

    No grid: semi-transparent grid lines cost as much to rasterise as the curves themselves
    (benchmarks/bench_gui.py); the axis ticks and fixed ranges are the reference.
    """

    def __init__(
        self,
        names: list[str],
        colors: list[str],
        *,
        window_s: float = 5.0,
        y_range: tuple[float, float] = (0.0, 1000.0),
        y_label: str = "",
        units: str = "",
        max_points: int = 800,
        parent=None,
    ) -> None:
        super().__init__(parent=parent, background="w")
        self.window_s = float(window_s)
        self.max_points = int(max_points)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.enableAutoRange(False)
        item.setXRange(-self.window_s, 0.0, padding=0)
        item.setYRange(*y_range, padding=0)
        item.setLabel("bottom", "time", "s")
        item.setLabel("left", y_label, units)
        item.addLegend(offset=(5, 5), labelTextSize="8pt", colCount=len(names))
        self.curves: list[pg.PlotCurveItem] = []
        for name, color in zip(names, colors, strict=True):
            curve = pg.PlotCurveItem(pen=pg.mkPen(color, width=1), name=name, skipFiniteCheck=False)
            item.addItem(curve)  # the legend picks up the curve's name
            self.curves.append(curve)
        self._markers: list[tuple[float, pg.InfiniteLine]] = []

    def set_data(self, t_s: np.ndarray, y: np.ndarray) -> None:
        """Draw ``y`` (n, k) against ``t_s`` (n,), device time; the newest sample goes to 0."""
        if t_s.size == 0:
            return
        t_now = float(t_s[-1])
        x, ys = peak_decimate(t_s - t_now, np.asarray(y, dtype=np.float64), self.max_points)
        finite = bool(np.isfinite(ys).all())
        for k, curve in enumerate(self.curves):
            curve.setData(x, ys[:, k], skipFiniteCheck=finite, connect="all" if finite else "finite")
        self._move_markers(t_now)

    def add_marker(self, t_s: float, label: str, color: str = "#7a3db8") -> None:
        """A vertical line at device time ``t_s`` that scrolls with the data."""
        line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(color, width=1, style=QtCore.Qt.PenStyle.DashLine),
                               label=label, labelOpts={"position": 0.8, "color": color})
        self.getPlotItem().addItem(line)
        self._markers.append((t_s, line))

    def _move_markers(self, t_now: float) -> None:
        kept = []
        for t, line in self._markers:
            if t < t_now - self.window_s:
                self.getPlotItem().removeItem(line)
            else:
                line.setValue(t - t_now)
                kept.append((t, line))
        self._markers = kept

    @property
    def n_markers(self) -> int:
        return len(self._markers)
