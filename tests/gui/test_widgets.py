"""Display-only fast paths checked against the data they stand for."""

import numpy as np
import pytest

from station.gui.stabilogram import Stabilogram
from station.gui.traces import TracePlot, peak_decimate
from station.protocols.training import CopTarget


def test_peak_decimation_keeps_every_bin_extreme_and_the_newest_samples():
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.uniform(0.5e-3, 1.5e-3, 7500))
    y = np.column_stack([rng.normal(size=7500), rng.normal(size=7500)])
    y[1234, 0] = 50.0  # a spike must survive
    xs, ys = peak_decimate(x, y, 800)
    assert xs.shape[0] <= 800 and ys.shape == (xs.shape[0], 2)
    assert np.all(np.diff(xs) >= 0)
    bin_n = int(np.ceil(2 * 7500 / 800))
    start = 7500 - (7500 // bin_n) * bin_n
    np.testing.assert_array_equal(ys[1::2], y[start:].reshape(-1, bin_n, 2).max(axis=1))  # reference: per-bin max
    np.testing.assert_array_equal(ys[0::2], y[start:].reshape(-1, bin_n, 2).min(axis=1))
    assert ys[:, 0].max() == 50.0 and xs[-1] <= x[-1] and xs[-1] >= x[-bin_n]
    same_x, same_y = peak_decimate(x[:100], y[:100], 800)
    np.testing.assert_array_equal(same_x, x[:100])
    np.testing.assert_array_equal(same_y, y[:100])


def test_trace_plot_draws_relative_time_and_scrolls_markers_out(qtbot):
    plot = TracePlot(["a"], ["#000000"], window_s=2.0, y_range=(0, 10))
    qtbot.addWidget(plot)
    t = np.arange(0, 3, 0.01)
    plot.add_marker(0.5, "old")
    plot.add_marker(2.5, "new")
    plot.set_data(t, np.ones((t.size, 1)))
    x, _ = plot.curves[0].getData()
    assert x[-1] == pytest.approx(0.0) and x[0] == pytest.approx(-2.99)
    assert plot.n_markers == 1  # the marker older than the window is gone


def test_stabilogram_hides_the_cursor_when_unloaded_and_shows_targets(qtbot):
    s = Stabilogram()
    qtbot.addWidget(s)
    s.set_cop(np.array([1.0, np.nan]), np.array([2.0, np.nan]))
    assert len(s.cursor.data) == 0
    s.set_cop(np.array([1.0, 3.0]), np.array([2.0, 4.0]))
    assert (s.cursor.data["x"][0], s.cursor.data["y"][0]) == (3.0, 4.0)
    s.set_target(CopTarget(50, 0, 20), 0.5)
    assert s.target_zone.isVisible() and s.target_zone.rect().width() == 40
    s.set_target(None)
    assert not s.target_zone.isVisible()
