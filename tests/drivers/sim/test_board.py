import time

import numpy as np
import pytest

from drivers.model import concatenate_blocks
from drivers.sim.board import WBB_SENSOR_POSITIONS_MM, SimulatedBoard
from drivers.sim.subject import STANDARD_GRAVITY_M_S2


def record(board, seconds):
    blocks = []
    with board:
        board.start()
        while not blocks or blocks[-1].t_s[-1] < seconds:
            b = board.read(0.5)
            if b is not None:
                blocks.append(b)
    return concatenate_blocks(blocks)


def test_timing_is_irregular_around_100_hz():
    b = record(SimulatedBoard(seed=7), 60.0)
    intervals_ms = np.diff(b.t_s) * 1000
    rate = (b.n_samples - 1) / (b.t_s[-1] - b.t_s[0])
    assert 90 < rate < 115
    p5, p50, p98 = np.percentile(intervals_ms, [5, 50, 98])
    assert p5 < 3.0  # bursts
    assert 9.0 < p50 < 12.0
    assert p98 > 15.0  # late reports (5 % of intervals are 15-35 ms)
    assert intervals_ms.max() > 20.0


def test_forces_come_from_quantised_raw_counts_and_sum_to_body_weight():
    board = SimulatedBoard(mass_kg=65.0, seed=1)
    b = record(board, 20.0)
    np.testing.assert_allclose(b.forces_n, (b.raw - 10000) / 100.0 * STANDARD_GRAVITY_M_S2, rtol=1e-6)
    assert b.forces_n.sum(axis=1).mean() / STANDARD_GRAVITY_M_S2 == pytest.approx(65.0, abs=0.1)
    assert board.info.raw_counts and board.info.sensor_positions_mm == WBB_SENSOR_POSITIONS_MM


def test_cells_reproduce_the_subjects_cop_within_quantisation():
    board = SimulatedBoard(seed=2)
    b = record(board, 10.0)
    truth = concatenate_truth(board)
    f = b.forces_n.astype(np.float64)
    w = f.sum(axis=1)
    cop_x = 216.5 * (f[:, 0] + f[:, 1] - f[:, 2] - f[:, 3]) / w
    cop_y = 119.0 * (f[:, 0] + f[:, 2] - f[:, 1] - f[:, 3]) / w
    # 1.5 counts of noise (0.15 N) and 10 g quantisation per cell: ~0.1 mm of COP noise at 690 N.
    assert np.abs(cop_x - truth.cop_x_mm).max() < 1.0
    assert np.abs(cop_y - truth.cop_y_mm).max() < 1.0
    assert np.std(cop_x - truth.cop_x_mm) < 0.2


def concatenate_truth(board):
    class T:
        pass

    t = T()
    for name in ("t_s", "cop_x_mm", "cop_y_mm", "left_n", "right_n", "fz_n"):
        setattr(t, name, np.concatenate([getattr(x, name) for x in board.truth]))
    return t


def test_dropped_samples_leave_counter_gaps_equal_to_the_truth():
    board = SimulatedBoard(seed=3, dropout=0.05)
    b = record(board, 30.0)
    gaps = int(np.sum(np.diff(b.seq.astype(np.int64)) - 1)) + int(b.seq[0])
    assert gaps == board.dropped_samples
    expected = 0.05 * (b.n_samples + gaps)
    assert abs(board.dropped_samples - expected) < 4 * np.sqrt(expected)


def test_empty_board_reads_only_noise():
    b = record(SimulatedBoard(empty=True), 5.0)
    assert np.abs(b.forces_n.sum(axis=1)).max() < 10.0


def test_device_time_continues_across_stop_and_start():
    board = SimulatedBoard(seed=5)
    with board:
        board.start()
        first = board.read(0.1)
        board.stop()
        board.start()
        second = board.read(0.1)
    assert second.t_s[0] > first.t_s[-1] and second.seq[0] == first.seq[-1] + 1


def test_realtime_pacing_never_delivers_future_samples():
    board = SimulatedBoard(seed=6, realtime=True)
    with board:
        board.start()
        t0 = time.monotonic()
        got = []
        while time.monotonic() - t0 < 0.3:
            b = board.read(0.05)
            if b is not None:
                assert b.t_s[-1] <= time.monotonic() - t0 + 1e-3
                got.append(b)
    n = sum(b.n_samples for b in got)
    assert 15 <= n <= 40  # ~100 Hz for 0.3 s
