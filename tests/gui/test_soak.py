"""A 10-minute session with the GUI drawing at 60 Hz and nothing lost, in well under real time.

The simulated board runs on a :class:`~drivers.sim.scaled_clock.ScaledClock`: it streams continuously,
paced by the wall clock, but SPEED times faster than real time, so 600 s of device time take
600 / SPEED s while the GUI timer pulls, runs the training logic and redraws every 16 ms. Every
report the simulated Wii board sent from the first recorded one on must be in the recording (contiguous
counter, up to the last report within 600 s) and must have passed through the training logic exactly once.
"""

import time

import numpy as np

import recordings
from drivers.sim.scaled_clock import ScaledClock
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from station.gui.app import MainWindow

SESSION_S = 600.0
SPEED = 25.0


def test_ten_minute_session_drops_nothing_while_drawing(qtbot, tmp_path, screenshot):
    boards = []

    def fast_board(spec, subject):
        board = SimulatedWiiBalanceBoard(seed=11, mass_kg=subject.mass_kg, affected_side=subject.affected_side,
                                         clock=ScaledClock(SPEED), tare_s=0.0, keep_truth=True)
        boards.append(board)
        return board

    win = MainWindow(device_factory=fast_board)
    qtbot.addWidget(win)
    win.resize(1500, 900)
    win.panel.out_dir.setText(str(tmp_path))
    win.panel.mode.setCurrentIndex(win.panel.mode.findData("symmetric_stance"))
    win.panel.band_min.setValue(35.0)
    win.panel.band_max.setValue(50.0)
    win.panel.duration.setValue(SESSION_S)
    win.show()
    qtbot.waitExposed(win)
    t0 = time.monotonic()
    with qtbot.waitSignal(win.controller.finished, timeout=int(3 * SESSION_S / SPEED * 1000)):
        path = win.start_session()
    wall = time.monotonic() - t0
    rec = recordings.open(path)
    board = boards[0]
    sent = np.concatenate([times for times, _ in board.board.truth_log])  # every data report the board made
    t0 = rec.t_s[0]
    produced_in_session = int(np.count_nonzero((sent >= t0 - 1e-6) & (sent <= t0 + SESSION_S + 1e-6)))
    assert board.board.data_reports_dropped == 0 and board.board.data_reports_corrupted == 0
    assert rec.status == "complete" and SESSION_S - 0.1 < rec.t_s[-1] - t0 <= SESSION_S
    assert rec.n_samples == produced_in_session > 45_000  # ~83 Hz × 600 s
    np.testing.assert_array_equal(np.diff(rec.seq.astype(np.int64)), np.ones(rec.n_samples - 1))
    assert rec.lost_samples == 0
    assert win.controller.samples_processed == rec.n_samples  # the training logic saw every sample once
    assert win.controller.session.ring.total_written == rec.n_samples  # the display's ring got every sample too
    assert win.controller.frames > 0.5 * 60 * SESSION_S / SPEED  # the GUI kept drawing throughout
    assert wall < SESSION_S / 5  # faster than real time by a wide margin
    holds = [e for e in rec.events if e.code == "hold_success"]
    assert len(holds) == win.controller.mode.successes > 10
    queue = win.controller.result.stats.max_queue_depth
    print(f"10-min session: {wall:.1f} s wall, {win.controller.frames} frames, {rec.n_samples} samples, 0 lost, "
          f"writer queue max {queue} blocks")
