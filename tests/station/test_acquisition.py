import time

import numpy as np
import pytest

import recordings
from drivers.errors import DeviceDisconnected
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from recordings import RecordingWriter, Subject
from station.engine.acquisition import Acquisition
from station.protocols.standing import run_standing


class UnpluggedBoard(SimulatedWiiBalanceBoard):
    """A simulated board that goes away after a number of reads."""

    def __init__(self, reads_before_unplug, **kw):
        super().__init__(**kw)
        self.reads_left = reads_before_unplug
        self.delivered = 0

    def _read(self, timeout_s):
        if self.reads_left == 0:
            raise DeviceDisconnected("board out of range")
        self.reads_left -= 1
        block = super()._read(timeout_s)
        if block is not None:
            self.delivered += block.n_samples
        return block


def test_duration_is_cut_exactly_and_everything_reaches_the_sink():
    board = SimulatedWiiBalanceBoard(seed=1, dropout=0.02)
    seen = []
    with board:
        acq = Acquisition(board, seen.append, duration_s=5.0)
        stats = acq.run()
    t = np.concatenate([b.t_s for b in seen])
    seq = np.concatenate([b.seq for b in seen])
    assert t[-1] - t[0] <= 5.0 and t[-1] - t[0] > 4.9
    assert stats.n_samples == t.size and stats.elapsed_s == pytest.approx(t[-1] - t[0])
    assert stats.lost_samples == int(np.sum(np.diff(seq.astype(np.int64)) - 1))
    assert acq.ring.total_written == t.size
    np.testing.assert_array_equal(acq.ring.latest(10).seq, seq[-10:])
    assert acq.device_fault is None and acq.finished


def test_stop_ends_an_open_ended_run():
    board = SimulatedWiiBalanceBoard(seed=2, realtime=True)
    with board:
        acq = Acquisition(board)
        acq.start()
        time.sleep(0.3)
        acq.stop()
        assert acq.join(5.0)
    assert 10 < acq.stats().n_samples < 60


def test_unplug_mid_recording_keeps_every_received_sample_and_marks_the_file(tmp_path):
    board = UnpluggedBoard(reads_before_unplug=50, seed=3)
    path = tmp_path / "t.h5"
    with pytest.raises(DeviceDisconnected, match="out of range"):
        run_standing(board, path, Subject(id="P9", affected_side="left"), seconds=30.0)
    rec = recordings.open(path)
    assert rec.status == "interrupted"
    assert rec.n_samples == board.delivered > 0


def test_a_failing_sink_stops_acquisition_and_is_reported(tmp_path):
    board = SimulatedWiiBalanceBoard(seed=4)
    calls = []

    def sink(block):
        calls.append(block)
        if len(calls) == 3:
            raise OSError("disk full")

    with board:
        acq = Acquisition(board, sink, duration_s=60.0)
        acq.run()
    assert isinstance(acq.sink_fault, OSError) and len(calls) == 3
    assert acq.stats().elapsed_s < 60.0


def test_run_standing_writes_and_analyses_the_same_file(tmp_path):
    board = SimulatedWiiBalanceBoard(seed=5, affected_side="right", affected_share_pct=45.0)
    outcome = run_standing(board, tmp_path / "s.h5", Subject(id="P1", mass_kg=70.0, affected_side="right"), seconds=10)
    assert outcome.recording.status == "complete"
    assert outcome.result.weight_bearing.affected_load_pct_bw == pytest.approx(45.0, abs=0.7)
    assert outcome.recording.settings["duration_s"] == 10.0
    assert outcome.recording.settings["analysis.resample_hz"] == 25.0
    assert outcome.recording.setting_units["analysis.swarii_window_s"] == "s"


def test_run_standing_refuses_bad_requests(tmp_path):
    with pytest.raises(ValueError, match="duration must be > 0"):
        run_standing(SimulatedWiiBalanceBoard(), tmp_path / "a.h5", Subject(affected_side="left"), seconds=0)
    with pytest.raises(ValueError, match="which side is affected"):
        run_standing(SimulatedWiiBalanceBoard(), tmp_path / "b.h5", Subject(), seconds=5)
    with RecordingWriter(tmp_path / "c.h5", SimulatedWiiBalanceBoard().info, Subject()):
        pass
    with pytest.raises(FileExistsError):
        run_standing(SimulatedWiiBalanceBoard(), tmp_path / "c.h5", Subject(affected_side="left"), seconds=5)
