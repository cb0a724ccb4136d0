import h5py
import numpy as np
import pytest

import recordings
from drivers.model import DeviceEvent, SampleBlock
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from recordings import RecordingStatus, RecordingWriter, Subject
from recordings.errors import NotARecordingError, TruncatedRecordingError, UnsupportedSchemaError


def blocks_from_sim(n_reads=40, **options):
    board = SimulatedWiiBalanceBoard(**options)
    out = []
    with board:
        board.start()
        while len(out) < n_reads:
            b = board.read(0.5)
            if b is not None:
                out.append(b)
    return board.info, out


def write(path, info, blocks, **kw):
    settings = {"duration_s": (30.0, "s"), "analysis.lowpass_hz": (10.0, "Hz"), "note": ("first trial", "")}
    subject = Subject(id="P001", mass_kg=72.5, affected_side="left", height_m=1.71)
    with RecordingWriter(path, info, subject, settings, protocol="standing", condition="eyes open", **kw) as w:
        for b in blocks:
            w.append(b)
        w.add_event(DeviceEvent(t_s=1.5, seq=150, code="marker", label="start"))
    return w


def test_round_trip_is_bit_identical(tmp_path):
    info, blocks = blocks_from_sim(bad_report_rate=0.02, seed=3)  # a corrupted report leaves a gap in seq
    path = tmp_path / "trial.h5"
    write(path, info, blocks)
    rec = recordings.open(path)
    np.testing.assert_array_equal(rec.t_s, np.concatenate([b.t_s for b in blocks]))
    np.testing.assert_array_equal(rec.seq, np.concatenate([b.seq for b in blocks]))
    np.testing.assert_array_equal(rec.forces_n, np.concatenate([b.forces_n for b in blocks]))
    np.testing.assert_array_equal(rec.raw, np.concatenate([b.raw for b in blocks]))
    assert rec.forces_n.dtype == np.float32 and rec.seq.dtype == np.uint64 and rec.raw.dtype == np.int32
    np.testing.assert_array_equal(rec.block_host_rx_s, [b.host_rx_s for b in blocks])
    np.testing.assert_array_equal(rec.block_first_sample, np.cumsum([0] + [b.n_samples for b in blocks[:-1]]))
    assert rec.device == info
    assert rec.subject == Subject(id="P001", mass_kg=72.5, affected_side="left", height_m=1.71)
    assert rec.settings == {"duration_s": 30.0, "analysis.lowpass_hz": 10.0, "note": "first trial"}
    assert rec.setting_units == {"duration_s": "s", "analysis.lowpass_hz": "Hz", "note": ""}
    assert rec.status == "complete" and rec.protocol == "standing" and rec.condition == "eyes open"
    board_events = [e for b in blocks for e in b.events]  # the board's own (battery and temperature, bad reports)
    assert board_events and rec.events == [*board_events, DeviceEvent(1.5, 150, "marker", "start")]
    assert rec.lost_samples == int(np.sum(np.diff(rec.seq.astype(np.int64)) - 1)) > 0
    assert rec.created_utc.endswith("Z") and len(rec.created_utc) == len("2026-11-25T21:53:05.123Z")


def test_file_is_readable_with_plain_h5py_and_documents_units(tmp_path):
    info, blocks = blocks_from_sim(5)
    path = tmp_path / "trial.h5"
    write(path, info, blocks)
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == "balance-station" and f.attrs["schema_version"] == recordings.SCHEMA_VERSION
        assert f["acquisition/t_s"].attrs["units"] == "s"
        assert list(f["acquisition/forces_n"].attrs["units"]) == ["N"] * 4
        assert f["acquisition/forces_n"].compression == "gzip" and f["acquisition/forces_n"].shuffle
        np.testing.assert_array_equal(f["device"].attrs["sensor_positions_mm"], info.sensor_positions())


def test_a_failed_trial_is_marked_interrupted_and_keeps_its_samples(tmp_path):
    info, blocks = blocks_from_sim(6)
    path = tmp_path / "t.h5"
    with pytest.raises(RuntimeError, match="device fault"):
        with RecordingWriter(path, info, Subject()) as w:
            for b in blocks:
                w.append(b)
            raise RuntimeError("device fault")
    rec = recordings.open(path)
    assert rec.status == RecordingStatus.INTERRUPTED
    assert rec.n_samples == sum(b.n_samples for b in blocks)


def test_a_recording_killed_before_close_still_says_recording(tmp_path):
    info, blocks = blocks_from_sim(3)
    path = tmp_path / "t.h5"
    w = RecordingWriter(path, info, Subject())
    for b in blocks:
        w.append(b)
    w.flush()
    w._file.close()  # simulate a writer that never reached close()
    w._file = None
    rec = recordings.open(path)
    assert rec.status == "recording" and rec.n_samples == sum(b.n_samples for b in blocks)


def test_never_overwrites(tmp_path):
    info, blocks = blocks_from_sim(1)
    path = tmp_path / "t.h5"
    write(path, info, blocks)
    with pytest.raises(FileExistsError, match="never overwritten"):
        RecordingWriter(path, info, Subject())


def test_writer_rejects_mismatched_blocks(tmp_path):
    info, _ = blocks_from_sim(1)
    with RecordingWriter(tmp_path / "t.h5", info, Subject()) as w:
        with pytest.raises(ValueError, match="3 channels, the device 4"):
            w.append(SampleBlock(t_s=[0.0], seq=[0], forces_n=np.zeros((1, 3)), host_rx_s=0.0))
        with pytest.raises(ValueError, match="declares raw counts"):
            w.append(SampleBlock(t_s=[0.0], seq=[0], forces_n=np.zeros((1, 4)), host_rx_s=0.0))


def test_not_hdf5(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("hello")
    with pytest.raises(NotARecordingError, match="not an HDF5 file"):
        recordings.open(path)


def test_hdf5_but_not_ours(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(NotARecordingError, match="not a balance-station recording"):
        recordings.open(path)


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="no such recording"):
        recordings.open("/nonexistent/trial.h5")


@pytest.mark.parametrize(
    ("version", "message"),
    [(recordings.SCHEMA_VERSION + 1, "newer than this software reads"), (None, "no schema_version")],
)
def test_wrong_schema_version(tmp_path, version, message):
    info, blocks = blocks_from_sim(1)
    path = tmp_path / "t.h5"
    write(path, info, blocks)
    with h5py.File(path, "a") as f:
        if version is None:
            del f.attrs["schema_version"]
        else:
            f.attrs["schema_version"] = version
    with pytest.raises(UnsupportedSchemaError, match=message):
        recordings.open(path)


def test_truncated_datasets(tmp_path):
    info, blocks = blocks_from_sim(4)
    path = tmp_path / "t.h5"
    write(path, info, blocks)
    with h5py.File(path, "a") as f:
        f["acquisition/seq"].resize(3, axis=0)
    with pytest.raises(TruncatedRecordingError, match="unequal lengths"):
        recordings.open(path)
    with h5py.File(path, "a") as f:
        del f["acquisition/seq"]
    with pytest.raises(TruncatedRecordingError, match="incomplete"):
        recordings.open(path)


def test_subject_validation():
    with pytest.raises(ValueError, match="between 0 and 500 kg"):
        Subject(mass_kg=-3)
    with pytest.raises(ValueError, match="left or right"):
        Subject(affected_side="both")
    with pytest.raises(ValueError, match="must not be empty"):
        Subject(id=" ")
