"""A writer killed with SIGKILL keeps every flushed sample, and ``station recover`` makes the file whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
from _fixtures import expected_forces

import recordings
from recordings.errors import RecordingError
from recordings.recover import find_unfinished, recover
from station.cli import main

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("_crash_writer.py")
BLOCK = 20  # samples per block at 1 kHz: 20 ms


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _start_writer(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(BLOCK)], stdout=subprocess.PIPE, text=True, env=_env(), cwd=ROOT
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _kill_after(proc: subprocess.Popen[str], delay_s: float) -> tuple[int, int]:
    """SIGKILL the writer after ``delay_s``; return the last (appended, flushed) sample counts it reported."""
    time.sleep(delay_s)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    lines = out.split("\n")
    counts = [tuple(map(int, line.split())) for line in lines if line.strip()]
    return counts[-1] if counts else (0, 0)  # type: ignore[return-value]


def _check_samples(rec: recordings.Recording) -> None:
    n = rec.n_samples
    np.testing.assert_array_equal(rec.seq, np.arange(n, dtype=np.uint64))
    np.testing.assert_array_equal(rec.t_s, np.arange(n) / 1000.0)
    np.testing.assert_array_equal(rec.forces_n, expected_forces(rec.seq))
    assert rec.raw is not None
    np.testing.assert_array_equal(rec.raw, (expected_forces(rec.seq) * 100).astype(np.int32))
    assert rec.block_first_sample.shape == rec.block_host_rx_s.shape
    assert np.all(rec.block_first_sample < max(n, 1))


@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("CRASH_SEEDS", "1 2 3 4").split()])
def test_sigkill_KeepsEveryFlushedSample_RecoverMakesItWhole(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "trial.h5"
    proc = _start_writer(path)
    appended, flushed = _kill_after(proc, random.Random(seed).uniform(0.3, 1.5))
    assert flushed > 0

    # The crashed file refuses a plain open (HDF5's open-for-write flag) ...
    with pytest.raises(OSError):
        h5py.File(path, "r").close()
    # ... but opens through SWMR with everything flushed before the kill. What is lost is what waited for
    # the next flush (flush_interval_s = 0.25 s) and the block being appended: well under the 1 s allowed.
    rec = recordings.open(path)
    assert rec.status == "recording"
    assert rec.opened_swmr
    assert flushed <= rec.n_samples <= appended + BLOCK
    assert appended - rec.n_samples <= 1000  # <= 1 s at 1 kHz
    _check_samples(rec)
    assert find_unfinished(tmp_path) == [path]

    assert main(["recover", str(path)]) == 0
    fixed = path.with_name("trial.recovered.h5")
    with h5py.File(fixed, "r") as f:  # a plain open works now
        assert f.attrs["status"] == "recovered"
        assert f.attrs["recovered_from"] == "trial.h5"
    again = recordings.open(fixed)
    assert not again.opened_swmr
    assert again.status == "recovered"
    assert again.n_samples == rec.n_samples
    _check_samples(again)
    assert again.subject == rec.subject and again.device == rec.device and again.settings == rec.settings
    assert path.exists() and recordings.open(path).status == "recording"  # the original is kept
    assert find_unfinished(tmp_path) == [path]


def test_recover_RefusesWholeFilesAndNeverOverwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "trial.h5"
    proc = _start_writer(path)
    _kill_after(proc, 0.2)
    out = recover(path)
    with pytest.raises(FileExistsError):
        recover(path)
    with pytest.raises(RecordingError, match="not left in 'recording'"):
        recover(out)
    assert main(["recover", str(out)]) == 1
    assert "nothing to recover" in capsys.readouterr().err
    assert main(["recover", "--scan", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(path)


def test_liveFile_ReadsFromAnotherProcessWithSwmr(tmp_path: Path) -> None:
    path = tmp_path / "live.h5"
    proc = _start_writer(path)
    try:
        assert proc.stdout is not None
        seen = [int(proc.stdout.readline().split()[1]) for _ in range(30)][-1]
        rec = recordings.open(path)  # the writer is alive and appending
        assert rec.opened_swmr and rec.status == "recording"
        assert rec.n_samples >= seen
        _check_samples(rec)
        with h5py.File(path, "r", swmr=True) as f:  # and the plain-h5py recipe from docs/hdf5-schema.md
            d = f["acquisition/forces_n"]
            first = d.shape[0]
            for _ in range(30):
                proc.stdout.readline()
            d.refresh()
            assert d.shape[0] > first
    finally:
        proc.kill()
        proc.communicate(timeout=10)


def test_assess_HintsAtUnfinishedRecordingsInItsFolder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    left = tmp_path / "left.h5"
    _kill_after(_start_writer(left), 0.3)
    code = main(["assess", "standing", "--seconds", "2", "--subject", "P1", "--out", str(tmp_path / "new.h5")])
    assert code == 0
    err = capsys.readouterr().err
    assert "1 recording(s)" in err and "left.h5" in err and "station recover" in err
    main(["assess", "standing", "--seconds", "2", "--subject", "P1", "--out", str(tmp_path / "other" / "n.h5")])
    assert "station recover" not in capsys.readouterr().err  # a clean folder: no hint


_PLAIN_WRITER = """
import sys, time, h5py
f = h5py.File(sys.argv[1], "w")  # another program, writing without SWMR: it holds HDF5's file lock
f.attrs["format"] = "balance-station"
f.attrs["schema_version"] = 2
f.flush()
print("ready", flush=True)
time.sleep(60)
"""


def test_fileHeldByNonSwmrWriter_SaysClearlyWhyItCannotBeRead(tmp_path: Path) -> None:
    path = tmp_path / "held.h5"
    proc = subprocess.Popen([sys.executable, "-c", _PLAIN_WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with pytest.raises(RecordingError, match="open for writing by another program that did not enable SWMR"):
            recordings.open(path)
    finally:
        proc.kill()
        proc.communicate(timeout=10)
