"""`station assess walking` end to end: the simulated antalgic walker -> HDF5 -> per-step report."""

from __future__ import annotations

import json
import subprocess
import sys

import h5py
import pytest

from analysis.symmetry import robinson_symmetry_index
from station.cli import main
from station.store import ENV_VAR, Store

MEASURES = ("stance_time_s", "peak1_pct_bw", "peak2_pct_bw", "valley_pct_bw", "loading_rate_pct_bw_s",
            "impulse_pct_bw_s")  # fmt: skip


def station(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    out = tmp_path_factory.mktemp("walk") / "p9.h5"
    r = station(
        "assess", "walking", "--device", "sim-gait", "--seconds", "90", "--mass", "72", "--affected", "right",
        "--subject", "P9", "--out", str(out), "--json",
        "--device-option", "affected_stance_reduction_pct=12", "--device-option", "affected_peak_reduction_pct=9",
        "--device-option", "seed=5",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return out, json.loads(r.stdout)


def test_walking_assessment_recovers_the_configured_asymmetry(walked):
    out, report = walked
    assert report["protocol"] == "walking" and report["affected_side"] == "right"
    assert report["body_weight_source"] == "subject_mass"
    assert report["body_weight_n"] == pytest.approx(72 * 9.80665)
    a, u = report["steps"]["affected"], report["steps"]["unaffected"]
    assert a["side"] == "right" and u["side"] == "left"
    for limb in (a, u):
        for key in (*MEASURES, "n_steps"):
            assert isinstance(limb[key], int | float), key
    # ~75 steps per side in 90 s: configured stance −12 %, peaks −9 %, recovered within ±1.5 SI points
    # (the tolerance of the walking-protocol test at this trial length)
    assert a["n_steps"] >= 70 and u["n_steps"] >= 70
    si = report["symmetry"]
    assert si["stance_time_s"] == pytest.approx(robinson_symmetry_index(0.88, 1.0), abs=1.5)
    assert si["peak1_pct_bw"] == pytest.approx(robinson_symmetry_index(0.91, 1.0), abs=1.5)
    assert si["peak2_pct_bw"] == pytest.approx(robinson_symmetry_index(0.91, 1.0), abs=1.5)
    # the model's unaffected side: stance 0.65 s, peaks 110 %BW, valley 75 %BW (thresholds cut < 10 ms)
    assert u["stance_time_s"] == pytest.approx(0.65, abs=0.02)
    assert u["peak1_pct_bw"] == pytest.approx(110.0, abs=2.0) and u["valley_pct_bw"] == pytest.approx(75.0, abs=2.0)
    for key in MEASURES:  # one Robinson SI per measure, from the per-limb means
        assert si[key] == pytest.approx(robinson_symmetry_index(a[key], u[key]), rel=1e-12)
    # every rejected contact carries its reason (here only the step cut by the end of the trial, if any)
    assert all(r["reason"] and r["side"] in ("left", "right") for r in report["rejected"])
    with h5py.File(out, "r") as f:
        assert f.attrs["status"] == "complete"
        assert f["subject"].attrs["id"] == "P9" and f["subject"].attrs["affected_side"] == "right"
        assert report["n_samples"] == f["acquisition/t_s"].shape[0] >= 90_000


def test_analyze_gives_the_same_numbers_as_the_walking_assessment(walked, capsys):
    out, report = walked
    assert main(["analyze", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == report


def test_stepping_in_place_text_report(tmp_path, capsys):
    code = main(["assess", "walking", "--stepping", "--seconds", "40", "--affected", "left", "--mass", "65",
                 "--out", str(tmp_path / "s.h5")])  # fmt: skip
    text, err = capsys.readouterr()
    assert code == 0, err
    assert text.startswith("Stepping — subject anonymous, self-selected cadence")
    assert "affected (left)" in text and "unaffected (right)" in text and "SI (Robinson)" in text
    assert "Stance time (s)" in text and "Rejected contacts:" in text and "[SIMULATED]" in text
    # stepping in place: the simulator's longer stance (0.95 s on the unaffected side)
    stance_row = next(line for line in text.splitlines() if "Stance time" in line)
    assert float(stance_row.split()[-4]) == pytest.approx(0.95, abs=0.03)


def test_walking_with_a_stored_patient_registers_the_trial(tmp_path, capsys, monkeypatch):
    store = tmp_path / "store.sqlite3"
    monkeypatch.setenv(ENV_VAR, str(store))
    monkeypatch.chdir(tmp_path)
    assert main(["patients", "add", "--affected", "left", "--mass", "77"]) == 0
    pid = capsys.readouterr().out.strip()
    code = main(["assess", "walking", "--patient", pid, "--seconds", "30", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"for patient {pid}" in err
    report = json.loads(out)
    assert report["subject_id"] == pid and report["affected_side"] == "left"
    assert report["body_weight_n"] == pytest.approx(77 * 9.80665)
    assert list((tmp_path / "station-data").glob(f"{pid}-walking-*.h5"))
    with Store(store) as s:
        (trial,) = s.trials(s.sessions(pid)[0].id)
        assert trial.result["protocol"] == "walking"
        assert trial.result["symmetry"] == report["symmetry"]
        assert len(trial.result["steps"]["affected"]["sd_curve_pct_bw"]) == 101


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--device", "nope"), "unknown device 'nope'"),
        (("--seconds", "-3"), "must be a positive number, got -3"),
        (("--mass", "abc"), "expected a number"),
        (("--affected", "both"), "invalid choice"),
        (("--device-option", "colour=red"), "has no option 'colour'"),
        (("--seconds", "0.4"), "foot is never loaded"),
        (("--device", "sim", "--seconds", "3"), "one board is too short to walk on"),
        (("--device", "sim", "--stepping", "--seconds", "3", "--device-option", "mean_interval_ms=100"),
         "resampling cannot recover the steps in it"),
    ],
)
def test_bad_walking_input_ends_with_one_line_and_a_nonzero_exit(tmp_path, capsys, args, message):
    try:
        code = main(["assess", "walking", *args, "--out", str(tmp_path / "x.h5")])
    except SystemExit as exc:  # argparse: a usage error
        code = exc.code
    err = capsys.readouterr().err
    assert code != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
