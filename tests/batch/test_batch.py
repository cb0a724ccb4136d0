"""station batch: one tidy CSV from a folder, per-file failures in the errors CSV, and byte-identical output
from a local process pool and a Dask LocalCluster."""

import csv

import numpy as np
import pytest

from recordings.importers import read_trial, write_recording
from recordings.metadata import Subject
from station.batch import COLUMNS, analyze_file, dask_executor, process_pool, run_batch
from station.cli import main
from tests.recordings.importers._files import known_signal, write_hbedb


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("cohort")
    for i in range(4):
        s = known_signal(2000, seed=i)
        src = root / f"src{i}.txt"
        write_hbedb(src, s)
        write_recording(read_trial(src, "hbedb"), root / f"s{i % 2}" / f"trial{i}.h5", Subject(f"S{i % 2}"),
                        condition="eyes open", session="2026-01-10", trial_label=f"t{i}")
        src.unlink()
    (root / "s1" / "corrupt.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 64)  # an HDF5 signature, then junk
    s = known_signal(5)
    write_hbedb(root / "short.txt", s)
    write_recording(read_trial(root / "short.txt", "hbedb"), root / "short.h5", Subject("S9"))
    (root / "short.txt").unlink()
    return root


def _read(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_process_pool_writes_a_tidy_csv_and_an_errors_csv(cohort, tmp_path):
    with process_pool(2) as pool:
        summary = run_batch([cohort], tmp_path / "m.csv", preset="hbedb", executor=pool)
    assert (summary.n_files, summary.n_ok, summary.n_failed) == (6, 4, 2)
    rows = _read(tmp_path / "m.csv")
    assert tuple(rows[0]) == COLUMNS
    assert {r["trial"] for r in rows} == {"t0", "t1", "t2", "t3"}
    assert {r["preset"] for r in rows} == {"hbedb"} and {r["condition"] for r in rows} == {"eyes open"}
    velocity = [r for r in rows if r["metric"] == "sway.mean_velocity_mm_s"]
    assert len(velocity) == 4 and all(r["unit"] == "mm/s" and float(r["value"]) > 0 for r in velocity)
    mpf = [r for r in rows if r["metric"] == "sway.mean_power_frequency_hz"]
    assert len(mpf) == 4 and mpf[0]["unit"] == "Hz"
    errors = _read(summary.errors_csv)
    assert sorted(e["file"].rsplit("/", 1)[-1] for e in errors) == ["corrupt.h5", "short.h5"]
    assert any("need at least" in e["error"] for e in errors)


def test_process_pool_and_local_cluster_give_byte_identical_csvs(cohort, tmp_path):
    with process_pool(2) as pool:
        run_batch([cohort], tmp_path / "pool.csv", executor=pool)
    with dask_executor("local", workers=2) as executor:
        run_batch([cohort], tmp_path / "dask.csv", executor=executor)
    assert (tmp_path / "pool.csv").read_bytes() == (tmp_path / "dask.csv").read_bytes()
    assert (tmp_path / "pool.errors.csv").read_bytes() == (tmp_path / "dask.errors.csv").read_bytes()
    assert len((tmp_path / "pool.csv").read_bytes()) > 1000


def test_a_task_never_raises_for_a_bad_file(cohort):
    path, rows, error = analyze_file(str(cohort / "s1" / "corrupt.h5"), "default")
    assert path.endswith("corrupt.h5") and rows is None and error
    _, rows, error = analyze_file(str(cohort / "s0" / "trial0.h5"), "default")
    assert error == "" and rows and all(r["subject"] == "S0" for r in rows)


def test_cli_batch_with_a_progress_bar(cohort, tmp_path, capsys):
    out = tmp_path / "cli.csv"
    assert main(["batch", str(cohort / "s0"), str(cohort / "short.h5"), "--out", str(out), "--workers", "1",
                 "--preset", "prieto1996"]) == 0
    captured = capsys.readouterr()
    assert "3/3 files, 1 failed" in captured.err and "2 of 3 recordings" in captured.out
    assert {r["preset"] for r in _read(out)} == {"prieto1996"}
    # never overwrites
    assert main(["batch", str(cohort / "s0"), "--out", str(out)]) == 1
    assert "exists" in capsys.readouterr().err


def test_results_do_not_depend_on_completion_order(cohort, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as pool:
        run_batch([cohort], tmp_path / "a.csv", executor=pool)
    with process_pool(1) as pool:
        run_batch([cohort], tmp_path / "b.csv", executor=pool)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    values = [float(r["value"]) for r in _read(tmp_path / "a.csv") if r["metric"] == "sway.path_length_mm"]
    assert np.all(np.isfinite(values))
