"""The replay device: HDF5 -> replay -> HDF5 is bit-identical; offset, loop and real-time pacing."""

from __future__ import annotations

import time
from pathlib import Path

import h5py
import numpy as np
import pytest

import recordings
from drivers import registry
from drivers.errors import DeviceStateError
from drivers.model import DeviceEvent, SampleBlock
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from recordings import schema
from recordings.metadata import Subject
from recordings.replay import ReplayDevice, ReplayFinished
from recordings.writer import RecordingWriter
from station.engine.acquisition import Acquisition
from station.protocols.standing import run_standing

SUBJECT = Subject(id="P-9", mass_kg=80.0, affected_side="left")


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 5 s standing trial from the jittered simulated board, with dropouts and two events."""
    path = tmp_path_factory.mktemp("replay") / "original.h5"
    run_standing(SimulatedWiiBalanceBoard(seed=11, dropout=0.02, mass_kg=80.0), path, SUBJECT, seconds=5.0)
    with h5py.File(path, "r+") as f:  # add events the way a protocol does (rows in /events), 1 s and 3.5 s in
        t, seq = f[schema.TIME][()], f[schema.SEQ][()]
        at = np.searchsorted(t, t[0] + np.array([1.0, 3.5]))
        rows = np.array([(t[at[0]], seq[at[0]], b"phase", b"eyes closed"), (t[at[1]], seq[at[1]], b"button", b"")],
                        dtype=schema.EVENT_DTYPE)
        f[schema.EVENTS].resize((2,))
        f[schema.EVENTS][:] = rows
    return path


def _record_replay(src: Path, dst: Path, **options: object) -> None:
    device = registry.create(f"replay:{src}", options)
    with device:
        rec = recordings.open(src)
        settings = {k: (v, rec.setting_units[k]) for k, v in rec.settings.items()}
        writer = RecordingWriter(
            dst, device.info, rec.subject, settings, protocol=rec.protocol, condition=rec.condition
        )
        acquisition = Acquisition(device, writer.append)
        acquisition.run()
        writer.close()
    assert isinstance(acquisition.device_fault, ReplayFinished)


def test_replay_RecordsBitIdenticalFile(original: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.h5"
    _record_replay(original, copy)
    with h5py.File(original, "r") as a, h5py.File(copy, "r") as b:
        for name in (*schema.SAMPLE_DATASETS, schema.BLOCK_FIRST_SAMPLE, schema.BLOCK_HOST_RX, schema.EVENTS):
            if name not in a:  # optional datasets (raw counts, mat frames) exist in both files or neither
                assert name not in b, name
                continue
            x, y = a[name][()], b[name][()]
            assert x.dtype == y.dtype and x.shape == y.shape, name
            assert x.tobytes() == y.tobytes(), f"{name} differs after replay"
        assert a[schema.EVENTS].shape == (2,)
    rec_a, rec_b = recordings.open(original), recordings.open(copy)
    assert rec_b.device.driver == "replay" and rec_b.device.simulated
    assert rec_b.device.channel_names == rec_a.device.channel_names
    assert rec_b.subject == rec_a.subject and rec_b.settings.keys() == rec_a.settings.keys()
    assert all(np.array_equal(rec_b.settings[k], v) for k, v in rec_a.settings.items())  # the tare is an array


def test_replay_StartOffsetSkipsTheFirstSeconds(original: Path) -> None:
    rec = recordings.open(original)
    with ReplayDevice(str(original), start_offset_s=2.0) as device:
        device.start()
        first = device.read(0.1)
        assert first is not None
        t0 = float(rec.t_s[0])
        assert first.t_s[0] >= t0 + 2.0
        i = int(np.searchsorted(rec.t_s, t0 + 2.0))
        assert first.seq[0] == rec.seq[i]
        np.testing.assert_array_equal(first.forces_n, rec.forces_n[i : i + first.n_samples])
        assert [e.code for e in first.events] + [
            e.code for b in iter(lambda: _read_or_none(device), None) for e in b.events
        ] == ["button"]


def _read_or_none(device: ReplayDevice) -> SampleBlock | None:
    try:
        return device.read(0.1)
    except ReplayFinished:
        return None


def test_replay_LoopContinuesClockAndCounter(original: Path) -> None:
    rec = recordings.open(original)
    with ReplayDevice(str(original), loop=True) as device:
        device.start()
        blocks = [device.read(0.1) for _ in range(2 * rec.block_first_sample.size + 3)]
    t = np.concatenate([b.t_s for b in blocks if b is not None])
    seq = np.concatenate([b.seq for b in blocks if b is not None])
    assert t.size > 2 * rec.n_samples
    assert np.all(np.diff(t) > 0) and np.all(np.diff(seq.astype(np.int64)) > 0)
    n = rec.n_samples
    span_seq = int(rec.seq[-1] - rec.seq[0]) + 1
    np.testing.assert_array_equal(seq[n : 2 * n], rec.seq + np.uint64(span_seq))
    forces = np.concatenate([b.forces_n for b in blocks if b is not None])
    np.testing.assert_array_equal(forces[n : 2 * n], rec.forces_n)


def test_replay_RealtimePacesBySpeed(original: Path) -> None:
    with ReplayDevice(str(original), realtime=True, speed=25.0, start_offset_s=3.0) as device:
        device.start()
        t_wall = time.monotonic()
        t = []
        while True:
            try:
                block = device.read(0.05)
            except ReplayFinished:
                break
            if block is not None:
                t.append(block.t_s[-1])
        elapsed = time.monotonic() - t_wall
    expected = (t[-1] - (recordings.open(original).t_s[0] + 3.0)) / 25.0  # about 2 s of data / 25
    assert elapsed >= 0.9 * expected
    assert elapsed < expected + 0.5


def test_replay_ClearErrors(original: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="give the recording"):
        registry.create("replay")
    with pytest.raises(ValueError, match="speed"):
        registry.create(f"replay:{original}", {"speed": "0"})
    device = registry.create(f"replay:{original}", {"start_offset_s": "99"})
    with pytest.raises(DeviceStateError):
        _ = device.info
    with pytest.raises(ValueError, match="beyond the end"):
        device.open()
    with pytest.raises(FileNotFoundError):
        registry.create(f"replay:{tmp_path / 'none.h5'}").open()


def test_replay_RunsTheStandingAssessment(original: Path, tmp_path: Path) -> None:
    """The replay is an ordinary device: the standing protocol on it gives the original's numbers."""
    out = tmp_path / "assessed.h5"
    outcome = run_standing(registry.create(f"replay:{original}"), out, SUBJECT, seconds=4.0)
    rec = recordings.open(original)
    assert outcome.recording.status == "complete"
    assert outcome.recording.t_s[-1] - outcome.recording.t_s[0] <= 4.0
    np.testing.assert_array_equal(outcome.recording.forces_n, rec.forces_n[: outcome.recording.n_samples])


def test_writerEvents_RoundTripThroughReplay(tmp_path: Path) -> None:
    """Events added with add_event (not inside blocks) come back attached to the block of their sample."""
    src = tmp_path / "ev.h5"
    with SimulatedWiiBalanceBoard(seed=2) as board:
        board.start()
        with RecordingWriter(src, board.info, SUBJECT) as writer:
            for _ in range(10):
                block = board.read(0.1)
                assert block is not None
                writer.append(block)
            writer.add_event(DeviceEvent(t_s=float(block.t_s[0]), seq=int(block.seq[0]), code="end", label="x"))
    dst = tmp_path / "ev2.h5"
    _record_replay(src, dst)
    assert recordings.open(dst).events == recordings.open(src).events
