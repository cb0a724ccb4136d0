"""The writer's layout and metadata, and the reader's errors for files it cannot use."""

from __future__ import annotations

import re
from pathlib import Path

import h5py
import numpy as np
import pytest
from _fixtures import lab_plate_info, make_block

import recordings
from drivers.model import DeviceEvent
from recordings import schema
from recordings.errors import NotARecordingError, TruncatedRecordingError, UnsupportedSchemaError
from recordings.metadata import Subject
from recordings.writer import RecordingWriter

SUBJECT = Subject(id="P-042", mass_kg=71.5, affected_side="left", height_m=1.72)


def _write(path: Path, n_blocks: int = 5, status: str = "complete", **kwargs: object) -> Path:
    writer = RecordingWriter(
        path, lab_plate_info(), SUBJECT, {"duration_s": (30.0, "s"), "lowpass_hz": (10.0, "Hz"), "eyes": ("open", "")},
        protocol="standing", condition="eyes open, firm surface", session="S1", trial="T3",
        calibration={"counts_per_kg": (np.array([100.0, 101.0, 99.5, 100.2]), "counts/kg")}, **kwargs,  # type: ignore[arg-type]
    )
    for i in range(n_blocks):
        writer.append(make_block(i * 40, 40))
    writer.add_event(DeviceEvent(t_s=0.05, seq=50, code="marker", label="eyes closed"))
    writer.close(recordings.RecordingStatus(status))
    return path


def test_writer_StoresEverySettingUnitAndMetadata(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.h5")
    rec = recordings.open(path)
    assert rec.schema_version == 2 and rec.status == "complete"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", rec.created_utc)
    assert rec.subject == SUBJECT
    assert rec.device == lab_plate_info()
    assert rec.settings == {"duration_s": 30.0, "lowpass_hz": 10.0, "eyes": "open"}
    assert rec.setting_units == {"duration_s": "s", "lowpass_hz": "Hz", "eyes": ""}
    np.testing.assert_array_equal(rec.calibration["counts_per_kg"], [100.0, 101.0, 99.5, 100.2])
    assert rec.calibration_units == {"counts_per_kg": "counts/kg"}
    assert (rec.protocol, rec.condition, rec.session, rec.trial) == ("standing", "eyes open, firm surface", "S1", "T3")
    assert rec.n_samples == 200
    np.testing.assert_array_equal(rec.block_first_sample, [0, 40, 80, 120, 160])
    np.testing.assert_array_equal(rec.block_host_rx_s, [make_block(i * 40, 40).host_rx_s for i in range(5)])
    assert rec.events == [DeviceEvent(t_s=0.05, seq=50, code="marker", label="eyes closed")]
    with h5py.File(path, "r") as f:
        for name in (schema.TIME, schema.SEQ, schema.FORCES, schema.RAW):
            ds = f[name]
            assert ds.chunks[0] == 500  # half a second at 1 kHz
            assert ds.maxshape[0] is None
            assert (ds.compression, ds.shuffle, ds.fletcher32) == ("gzip", True, True)
        assert f[schema.TIME].attrs["units"] == "s"
        assert list(f[schema.FORCES].attrs["units"]) == ["N"] * 4


def test_writer_SetsStatusAttributeInSwmrMode(tmp_path: Path) -> None:
    """The installed HDF5 accepts rewriting an existing attribute in SWMR mode; the writer relies on it."""
    path = tmp_path / "s.h5"
    writer = RecordingWriter(path, lab_plate_info(), SUBJECT)
    writer.append(make_block(0, 10))
    f = writer._file
    assert f is not None and f.swmr_mode
    f.attrs["status"] = "recording"  # what close() does with the final status
    writer.close(recordings.RecordingStatus.INTERRUPTED)
    with h5py.File(path, "r") as g:
        assert g.attrs["status"] == "interrupted"


def test_writer_FsyncsAtMostOncePerInterval(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = __import__("os").fsync
    monkeypatch.setattr("recordings.writer.os.fsync", lambda fd: (calls.append(fd), real(fd)))
    writer = RecordingWriter(tmp_path / "f.h5", lab_plate_info(), SUBJECT, fsync_interval_s=3600.0)
    for i in range(50):
        writer.append(make_block(i * 10, 10))
    assert len(calls) == 1  # once when the layout is created, not per block
    writer.close()
    assert len(calls) == 2  # and on close
    calls.clear()
    writer = RecordingWriter(tmp_path / "g.h5", lab_plate_info(), SUBJECT, fsync_interval_s=0.0, flush_interval_s=0.0)
    for i in range(5):
        writer.append(make_block(i * 10, 10))
        assert writer.n_flushed == writer.n_samples == (i + 1) * 10  # flushed after every block
    assert len(calls) == 6
    writer.close()


def test_writer_CoalescesBlocksUntilTheFlushInterval(tmp_path: Path) -> None:
    path = tmp_path / "c.h5"
    writer = RecordingWriter(path, lab_plate_info(), SUBJECT, flush_interval_s=3600.0)
    for i in range(7):
        writer.append(make_block(i * 10, 10))
    writer.add_event(DeviceEvent(t_s=0.0, seq=3, code="marker"))
    assert (writer.n_samples, writer.n_flushed) == (70, 0)
    assert recordings.open(path).n_samples == 0  # nothing in the file yet
    writer.flush()
    assert writer.n_flushed == 70
    live = recordings.open(path)
    assert live.n_samples == 70 and live.status == "recording"
    np.testing.assert_array_equal(live.block_first_sample, np.arange(0, 70, 10))  # block boundaries kept
    assert [e.code for e in live.events] == ["marker"]
    writer.append(make_block(70, 10))
    writer.close()  # close writes what is pending
    assert recordings.open(path).n_samples == 80


def test_writer_RejectsBadInput(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.h5")
    with pytest.raises(FileExistsError):
        RecordingWriter(path, lab_plate_info(), SUBJECT)
    with pytest.raises(ValueError, match=r"\(value, unit\) pair"):
        RecordingWriter(tmp_path / "b.h5", lab_plate_info(), SUBJECT, {"duration_s": 30.0})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="fsync_interval_s"):
        RecordingWriter(tmp_path / "c.h5", lab_plate_info(), SUBJECT, fsync_interval_s=-1.0)
    with pytest.raises(ValueError, match="flush_interval_s"):
        RecordingWriter(tmp_path / "c.h5", lab_plate_info(), SUBJECT, flush_interval_s=float("nan"))
    with pytest.raises(ValueError, match="chunk_s"):
        RecordingWriter(tmp_path / "c.h5", lab_plate_info(), SUBJECT, chunk_s=0.0)
    writer = RecordingWriter(tmp_path / "d.h5", lab_plate_info(), SUBJECT)
    with pytest.raises(ValueError, match="raw counts"):
        writer.append(make_block(0, 5, raw=False))
    writer.close()
    with pytest.raises(ValueError, match="closed"):
        writer.append(make_block(0, 5))


def _downgrade_to_v1(src: Path, dst: Path) -> None:
    """A version-1 file: same layout without the calibration group and session/trial, not SWMR."""
    with h5py.File(src, "r") as f, h5py.File(dst, "w") as g:
        for key, value in f.attrs.items():
            if key not in ("session", "trial"):
                g.attrs[key] = value
        g.attrs["schema_version"] = 1
        for name in f:
            f.copy(f[name], g, name=name)
        del g[schema.CALIBRATION]


def test_reader_ReadsVersion1Files(tmp_path: Path) -> None:
    src = _write(tmp_path / "v2.h5")
    _downgrade_to_v1(src, tmp_path / "v1.h5")
    old, new = recordings.open(tmp_path / "v1.h5"), recordings.open(src)
    assert old.schema_version == 1 and old.calibration == {} and old.session == ""
    np.testing.assert_array_equal(old.forces_n, new.forces_n)
    assert old.subject == new.subject and old.settings == new.settings


def test_reader_ClearErrors(tmp_path: Path) -> None:
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    with pytest.raises(NotARecordingError, match="not an HDF5 file"):
        recordings.open(text)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(NotARecordingError, match="not a balance-station recording"):
        recordings.open(other)
    newer = _write(tmp_path / "newer.h5")
    with h5py.File(newer, "r+") as f:
        f.attrs["schema_version"] = 99
    with pytest.raises(UnsupportedSchemaError, match=r"version 99, newer .* upgrade"):
        recordings.open(newer)
    unequal = _write(tmp_path / "unequal.h5")
    with h5py.File(unequal, "r+") as f:
        f[schema.SEQ].resize((150,))
    with pytest.raises(TruncatedRecordingError, match="unequal lengths"):
        recordings.open(unequal)
    missing = _write(tmp_path / "missing.h5")
    with h5py.File(missing, "r+") as f:
        del f[schema.FORCES]
    with pytest.raises(TruncatedRecordingError, match="incomplete"):
        recordings.open(missing)
    cut = tmp_path / "cut.h5"
    data = _write(tmp_path / "whole.h5", n_blocks=50).read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(TruncatedRecordingError, match="damaged"):
        recordings.open(cut)
    with pytest.raises(FileNotFoundError):
        recordings.open(tmp_path / "nope.h5")


def test_writer_SetsStatusAfterReopenWhenSwmrRefusesAttributeWrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Older HDF5 versions refuse attribute writes in SWMR mode: the writer then sets the status after closing."""
    real_setitem = h5py.AttributeManager.__setitem__
    refused: list[str] = []

    def refuse_in_swmr(self: h5py.AttributeManager, name: str, value: object) -> None:
        intent = h5py.h5i.get_file_id(self._id).get_intent()
        if intent & h5py.h5f.ACC_SWMR_WRITE:
            refused.append(name)
            raise OSError("attribute writes are not allowed in SWMR mode (simulated)")
        real_setitem(self, name, value)

    path = tmp_path / "old.h5"
    writer = RecordingWriter(path, lab_plate_info(), SUBJECT)
    writer.append(make_block(0, 10))
    monkeypatch.setattr(h5py.AttributeManager, "__setitem__", refuse_in_swmr)
    writer.close(recordings.RecordingStatus.INTERRUPTED)
    assert refused == ["status"]  # the SWMR write was refused ...
    with h5py.File(path, "r") as f:
        assert f.attrs["status"] == "interrupted"  # ... and the reopen set it
    assert recordings.open(path).n_samples == 10
