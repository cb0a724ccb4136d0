"""The `station` command end to end, as a user runs it: a subprocess, real files, parsed output."""

import json
import subprocess
import sys

import h5py
import numpy as np
import pytest


def station(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_standing_assessment_json_recovers_the_simulated_patient(tmp_path):
    out = tmp_path / "p001.h5"
    r = station(
        "assess", "standing", "--device", "sim", "--seconds", "30", "--affected", "right", "--mass", "81",
        "--subject", "P001", "--out", str(out), "--json",
        "--device-option", "affected_share_pct=40", "--device-option", "bad_report_rate=0.02",
        "--device-option", "seed=7",
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    # The simulated patient puts 40 % on the affected (right) leg and weighs 81 kg.
    assert report["affected_side"] == "right"
    assert report["affected_load_pct_bw"] == pytest.approx(40.0, abs=0.5)
    assert report["unaffected_load_pct_bw"] == pytest.approx(60.0, abs=0.5)
    assert report["affected_load_pct_bw"] + report["unaffected_load_pct_bw"] == pytest.approx(100.0)
    assert report["symmetry_index_pct"] == pytest.approx(-40.0, abs=2.5)
    assert report["body_mass_kg"] == pytest.approx(81.0, abs=0.2)
    assert report["duration_s"] == pytest.approx(30.0, abs=0.05)
    for key in ("path_length_mm", "mean_velocity_mm_s", "rms_ml_mm", "rms_ap_mm", "range_ml_mm", "range_ap_mm",
                "ellipse95_area_mm2"):
        assert isinstance(report["sway"][key], float) and report["sway"][key] > 0, key
    assert report["sway"]["mean_velocity_mm_s"] == pytest.approx(report["sway"]["path_length_mm"] / 30.0, rel=0.01)
    # Sample counts agree with the file, read independently with h5py.
    with h5py.File(out, "r") as f:
        seq = f["acquisition/seq"][()].astype(np.int64)
        assert report["n_samples"] == seq.size
        assert report["dropped_samples"] == int(np.sum(np.diff(seq) - 1)) > 0
        assert f.attrs["status"] == "complete"
        assert f["subject"].attrs["id"] == "P001" and f["subject"].attrs["mass_kg"] == 81.0


def test_analyze_gives_the_same_numbers_as_the_assessment(tmp_path):
    out = tmp_path / "t.h5"
    first = station("assess", "standing", "--seconds", "12", "--out", str(out), "--json")
    assert first.returncode == 0, first.stderr
    again = station("analyze", str(out), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)


def test_text_report_for_clinicians(tmp_path):
    r = station("assess", "standing", "--seconds", "10", "--affected", "left", "--out", str(tmp_path / "t.h5"))
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "Affected limb (left):" in text and "% body weight" in text
    assert "Symmetry index (Robinson)" in text and "95 % ellipse area" in text and "[SIMULATED]" in text


def test_default_output_goes_to_station_data(tmp_path):
    r = station("assess", "standing", "--seconds", "5", "--subject", "P 7/x", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    files = list((tmp_path / "station-data").glob("P_7_x-standing-*.h5"))
    assert len(files) == 1


def test_devices_lists_the_simulator():
    r = station("devices")
    assert r.returncode == 0
    assert any(line.split()[0] == "sim" for line in r.stdout.splitlines())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("assess", "standing", "--device", "nope"), "unknown device 'nope'"),
        (("assess", "standing", "--seconds", "-3"), "must be a positive number, got -3"),
        (("assess", "standing", "--seconds", "abc"), "expected a number"),
        (("assess", "standing", "--device-option", "empty=true"), "nobody stepped on the board"),
        (("assess", "standing", "--device-option", "colour=red"), "has no option 'colour'"),
        (("assess", "standing", "--affected", "both"), "invalid choice"),
        (("analyze", "/nonexistent/x.h5"), "no such recording"),
        (("analyze", "README.md"), "not an HDF5 file"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_bad_input_ends_with_one_line_and_a_nonzero_exit(tmp_path, args, message):
    args = tuple(a if a != "README.md" else str(_readme()) for a in args)
    extra = ("--out", str(tmp_path / "x.h5")) if args[0] == "assess" else ()
    r = station(*args, *extra)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr


def _readme():
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "README.md"
