"""The engine's one session: each block once to every subscriber, events recorded in order, one status rule."""

import numpy as np
import pytest

import recordings
from analysis.cop import cop_from_cells
from analysis.weight_bearing import limb_loads_from_cell_pairs
from drivers.errors import DeviceDisconnected
from drivers.forceplate.sim_plate import SimulatedForcePlate
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from recordings import Subject
from station.engine import OutletSubscriber, Session, Subscriber
from station.protocols.training import LoadBand, SymmetricStanceTraining
from station.protocols.training.feed import TrainingFeed, event_at


class Log(Subscriber):
    """Remembers every call, with the blocks and live measures it was given."""

    def __init__(self, name, calls, *, emit_every=0):
        self.name, self.calls, self.emit_every = name, calls, emit_every
        self.blocks, self.lives, self.events = [], [], []

    def on_start(self, info):
        self.calls.append((self.name, "start"))

    def on_block(self, block, live):
        self.blocks.append(block)
        self.lives.append(live)
        if self.emit_every and len(self.blocks) % self.emit_every == 0:
            return [event_at(float(block.t_s[-1]), (block.t_s, block.seq), f"{self.name}_mark")]
        return ()

    def on_event(self, event):
        self.events.append(event.code)

    def on_finish(self, t_last_s):
        self.calls.append((self.name, "finish"))
        return [event_at(t_last_s, (np.array([t_last_s]), np.array([0], dtype=np.uint64)), f"{self.name}_end")]

    def on_stop(self, status):
        self.calls.append((self.name, f"stop {status}"))


def test_every_block_reaches_every_subscriber_once_with_its_live_measures_and_the_file(tmp_path):
    calls = []
    a, b = Log("a", calls, emit_every=10), Log("b", calls)
    board = SimulatedWiiBalanceBoard(seed=5, affected_share_pct=40.0, bad_report_rate=0.02, tare_s=0)
    session = Session(board, tmp_path / "s.h5", Subject("P1", 70.0, "left"), protocol="test", duration_s=3.0,
                      subscribers=[a])
    session.subscribe(b)
    result = session.run()
    rec = recordings.open(tmp_path / "s.h5")
    assert rec.status == result.status == "complete" and rec.settings["duration_s"] == 3.0
    for sub in (a, b):
        np.testing.assert_array_equal(np.concatenate([blk.seq for blk in sub.blocks]), rec.seq)  # each once, in order
        assert len(sub.blocks) == result.stats.n_blocks == len(rec.block_first_sample)
    # the live measures handed over are the block's, by the analysis definitions (recomputed here with them)
    positions = board.info.sensor_positions()
    for k, (blk, live) in enumerate(zip(a.blocks, a.lives, strict=True)):
        cop = cop_from_cells(blk.forces_n, positions)
        limbs = limb_loads_from_cell_pairs(blk.forces_n, positions)
        np.testing.assert_allclose(live.cop_x_mm, cop.cop_x_mm, rtol=1e-9, equal_nan=True)
        np.testing.assert_allclose(live.affected_pct, 100 * limbs.left_n / (limbs.left_n + limbs.right_n), rtol=1e-9)
        assert live is b.lives[k]  # derived once, the same object for both
    codes = [e.code for e in rec.events]
    assert codes.count("a_mark") == len(a.blocks) // 10 and codes[-2:] == ["a_end", "b_end"]
    assert "a_mark" in b.events and "a_mark" not in a.events  # the others hear an event, not its source
    assert calls == [("a", "start"), ("b", "start"), ("a", "finish"), ("b", "finish"), ("a", "stop complete"),
                     ("b", "stop complete")]
    assert result.n_events == len([e for e in rec.events if not e.code.startswith("wbb.")])  # the board's own apart


def test_a_training_mode_is_fed_by_the_session_and_its_events_land_in_the_file(tmp_path):
    board = SimulatedWiiBalanceBoard(seed=3, affected_share_pct=42.0, tare_s=0)
    mode = SymmetricStanceTraining(LoadBand(35, 50), hold_s=1.0)
    feed = TrainingFeed(mode)
    session = Session(board, tmp_path / "s.h5", Subject("P1", 70.0, "left"), protocol="training.symmetric_stance",
                      settings=mode.settings(), duration_s=6.0, subscribers=[feed])
    result = session.run()
    rec = recordings.open(tmp_path / "s.h5")
    assert rec.status == "complete" and rec.protocol == "training.symmetric_stance"
    assert rec.n_samples == result.stats.n_samples == feed.samples_processed and rec.lost_samples == 0
    # every report from the first: the Wii board's seq counts reports received since open()
    np.testing.assert_array_equal(np.diff(rec.seq.astype(np.int64)), np.ones(rec.n_samples - 1))
    assert 5.9 < rec.t_s[-1] - rec.t_s[0] <= 6.0
    assert rec.settings["training.band_min_pct"] == 35 and rec.setting_units["training.hold_s"] == "s"
    codes = [e.code for e in rec.events if not e.code.startswith("wbb.")]  # the board's own: battery, temperature
    shown = [e.code for e in feed.take()]
    assert codes == shown and codes[0] == "training_start" and codes[-1] == "score"  # the display sees them too
    assert codes.count("hold_success") == mode.successes >= 3
    for e in rec.events:  # each event carries the counter of the last sample at or before it
        i = int(np.searchsorted(rec.t_s, e.t_s, side="right")) - 1
        assert e.seq == rec.seq[max(i, 0)]
    with pytest.raises(ValueError, match="has ended"):
        session.post_event(rec.events[0])


def test_a_1khz_session_keeps_every_sample_and_every_blocks_arrival_time(tmp_path):
    board = SimulatedForcePlate(seed=4, rate_hz=1000)
    session = Session(board, tmp_path / "k.h5", Subject("P2"), protocol="test", duration_s=2.0)
    session.start()
    session.post_event(event_at(0.0, (np.zeros(1), np.zeros(1, dtype=np.uint64)), "mark", "start"))
    result = session.stop() if session.acquisition.join(30) else pytest.fail("acquisition did not end")
    rec = recordings.open(tmp_path / "k.h5")
    assert rec.n_samples == result.stats.n_samples > 1800 and rec.lost_samples == 0
    np.testing.assert_array_equal(rec.seq, np.arange(rec.n_samples))
    # Every block the device delivered is one row of the per-block table, with its own arrival time.
    assert len(rec.block_first_sample) == result.stats.n_blocks >= 20
    assert np.all(np.diff(rec.block_host_rx_s) > 0)
    assert [e.code for e in rec.events] == ["mark"]


class Unplugged(SimulatedWiiBalanceBoard):
    def __init__(self, reads, **kw):
        super().__init__(**kw)
        self.reads = reads

    def _read(self, timeout_s):
        if self.reads == 0:
            raise DeviceDisconnected("board out of range")
        self.reads -= 1
        return super()._read(timeout_s)


def test_a_device_fault_and_a_failing_subscriber_end_the_file_interrupted(tmp_path):
    calls = []
    session = Session(Unplugged(20, seed=1, tare_s=0), tmp_path / "u.h5", Subject("P3", 70.0, "left"), protocol="test",
                      duration_s=30.0, subscribers=[Log("a", calls)])
    with pytest.raises(DeviceDisconnected, match="out of range"):
        session.run()
    assert recordings.open(tmp_path / "u.h5").status == "interrupted" and ("a", "stop interrupted") in calls

    class Broken(Subscriber):
        def on_block(self, block, live):
            raise RuntimeError("a bug in a subscriber")

    board = SimulatedWiiBalanceBoard(seed=2, tare_s=0)
    session = Session(board, tmp_path / "b.h5", Subject("P3", 70.0, "left"), protocol="test",
                      duration_s=30.0, subscribers=[Broken()])
    with pytest.raises(RuntimeError, match="a bug"):
        session.run()
    rec = recordings.open(tmp_path / "b.h5")
    assert rec.status == "interrupted" and rec.n_samples >= 1  # the block it failed on is still recorded


def test_a_stream_outlet_attaches_with_the_outlet_adapter(tmp_path):
    class FakeOutlet:
        def __init__(self):
            self.log, self.samples, self.markers = [], [], []

        def open(self, info):
            self.log.append(("open", info.model))

        def push_block(self, block):
            self.samples.append(block.seq)

        def push_marker(self, label, t_device_s):
            self.markers.append((label, t_device_s))

        def close(self):
            self.log.append(("close",))

    outlet = FakeOutlet()
    feed = TrainingFeed(SymmetricStanceTraining(LoadBand(35, 50), hold_s=1.0))
    board = SimulatedWiiBalanceBoard(seed=3, tare_s=0)
    session = Session(board, tmp_path / "o.h5", Subject("P4", 70.0, "left"), protocol="test",
                      duration_s=3.0, subscribers=[feed, OutletSubscriber(outlet)])
    session.run()
    rec = recordings.open(tmp_path / "o.h5")
    np.testing.assert_array_equal(np.concatenate(outlet.samples), rec.seq)
    # device events travel inside their blocks, not as markers
    assert outlet.markers == [(e.label or e.code, e.t_s) for e in rec.events if not e.code.startswith("wbb.")]
    assert outlet.markers
    assert outlet.log == [("open", rec.device.model), ("close",)]
