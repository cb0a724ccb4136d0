"""`station assess walking --stepping` on one balance board (irregular ~100 Hz clock): SWARII, then steps."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from analysis.gait import analyze_gait
from analysis.symmetry import robinson_symmetry_index
from drivers.sim.gait import GaitSubject
from station.cli import main

MASS = 70.0
BW = MASS * 9.80665
MEASURES = ("stance_time_s", "peak1_pct_bw", "peak2_pct_bw", "valley_pct_bw", "loading_rate_pct_bw_s",
            "impulse_pct_bw_s")  # fmt: skip
CONFIG = {"seed": 4, "affected_stance_reduction_pct": 12.0, "affected_peak_reduction_pct": 9.0}


def assess(tmp_path, capsys, device: str, *extra: str) -> tuple[int, str, str]:
    options = [a for k, v in CONFIG.items() for a in ("--device-option", f"{k}={v}")]
    code = main(["assess", "walking", "--device", device, "--stepping", "--seconds", "40", "--affected", "left",
                 "--mass", str(MASS), "--out", str(tmp_path / f"{device}.h5"), *options, *extra])  # fmt: skip
    out, err = capsys.readouterr()
    return code, out, err


def truth_report(t_first: float, t_last: float):
    """The simulator's own steps on a regular 1 kHz clock (the same seed gives the same steps), subject time."""
    subject = GaitSubject(mass_kg=MASS, affected_side="left", mode="stepping", noise_n=0.0,
                          **CONFIG)  # fmt: skip
    t = np.arange(int(np.ceil(t_first * 1000)), int(np.floor(t_last * 1000)) + 1) / 1000
    left, right = subject.sample(t)
    return analyze_gait(left, right, fs_hz=1000.0, body_weight_n=BW, affected_side="left")


def test_stepping_on_one_board_recovers_the_configured_asymmetry(tmp_path, capsys):
    code, stdout, err = assess(tmp_path, capsys, "sim", "--json")
    assert code == 0, err
    out = tmp_path / "sim.h5"
    report = json.loads(stdout)
    assert report["protocol"] == "stepping" and report["device"]["driver"] == "sim"
    rs = report["settings"]["resampling"]
    assert rs["method"] == "swarii" and rs["fs_hz"] == report["fs_hz"] == 100.0 and rs["window_s"] == 0.02
    assert rs["longest_gap_s"] < rs["max_gap_s"] == 0.2
    with h5py.File(out, "r") as f:
        t = f["acquisition/t_s"][:]
        step_on_s = float(f["settings"].attrs["sim.step_on_s"])  # the subject's own time starts then
    assert report["n_samples"] == t.size and np.ptp(np.diff(t)) > 0.01  # the device's own irregular times
    truth = truth_report(float(t[0]) - step_on_s, float(t[-1]) - step_on_s)
    a, u = report["steps"]["affected"], report["steps"]["unaffected"]
    assert a["side"] == "left" and a["n_steps"] == truth.affected.n_steps >= 13
    # against the 1 kHz truth of the same steps: the tolerances of tests/analysis/test_gait_resampled.py
    tolerance = {"stance_time_s": 0.01, "peak1_pct_bw": 0.1, "peak2_pct_bw": 0.1, "valley_pct_bw": 0.1,
                 "loading_rate_pct_bw_s": 10.0, "impulse_pct_bw_s": 0.2}  # fmt: skip
    for got, want in ((a, truth.affected), (u, truth.unaffected)):
        for name in MEASURES:
            assert got[name] == pytest.approx(want.mean[name], abs=tolerance[name]), name
    si = report["symmetry"]
    for name in MEASURES:
        tol = 2.0 if name == "loading_rate_pct_bw_s" else 0.3
        assert si[name] == pytest.approx(truth.symmetry[name].symmetry_index_pct, abs=tol), name
    # the configured antalgic pattern: stance −12 %, peaks −9 % on the affected side, ±1.5 SI points
    assert si["stance_time_s"] == pytest.approx(robinson_symmetry_index(0.88, 1.0), abs=1.5)
    assert si["peak1_pct_bw"] == pytest.approx(robinson_symmetry_index(0.91, 1.0), abs=1.5)
    assert si["peak2_pct_bw"] == pytest.approx(robinson_symmetry_index(0.91, 1.0), abs=1.5)
    assert all(r["reason"] for r in report["rejected"])
    # station analyze FILE: the same numbers
    assert main(["analyze", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == report


def test_stepping_on_the_byte_exact_wii_board(tmp_path, capsys):
    code, out, err = assess(tmp_path, capsys, "sim-wbb", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["settings"]["resampling"]["fs_hz"] == 100.0
    si = report["symmetry"]
    # the Wii board's own calibration and tare in the path: the configured asymmetry within ±2 SI points
    assert si["stance_time_s"] == pytest.approx(robinson_symmetry_index(0.88, 1.0), abs=2.0)
    assert si["peak1_pct_bw"] == pytest.approx(robinson_symmetry_index(0.91, 1.0), abs=2.0)
    assert report["steps"]["unaffected"]["stance_time_s"] == pytest.approx(0.95, abs=0.03)
    assert main(["analyze", str(tmp_path / "sim-wbb.h5"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == report


def test_the_text_report_names_the_resampling(tmp_path, capsys):
    code, out, err = assess(tmp_path, capsys, "sim")
    assert code == 0, err
    assert "on an irregular clock" in out and "resampled with SWARII to 100 Hz (window 20 ms" in out


def test_a_link_drop_longer_than_a_stance_is_refused_with_one_line(tmp_path, capsys):
    code, _out, err = assess(tmp_path, capsys, "sim-wbb", "--device-option", "disconnect_at_s=15",
                            "--device-option", "reconnect_after_s=1.5")  # fmt: skip
    assert code == 1
    line = err.strip().splitlines()[-1]
    assert "irregular sample times" in line and "longer than 200 ms" in line and "cannot recover" in line
    assert "recording is kept" in line
    assert main(["analyze", str(tmp_path / "sim-wbb.h5")]) == 1
    assert "cannot recover the steps in it" in capsys.readouterr().err


def test_stepping_on_two_boards_waits_for_the_subject_on_their_total_load(tmp_path, capsys):
    """sim-wbb2, one board per foot: a stepping foot never holds 10 kg on its own board for 1 s, so the
    pair waits on the total of both boards (each board alone would time out)."""
    code, stdout, err = assess(tmp_path, capsys, "sim-wbb2", "--json")
    assert code == 0, err
    report = json.loads(stdout)
    a, u = report["steps"]["affected"], report["steps"]["unaffected"]
    assert a["n_steps"] >= 13 and u["n_steps"] >= 13
    # the configured antalgic pattern: shorter, lower stance on the affected (left) side
    assert report["symmetry"]["stance_time_s"] == pytest.approx(
        robinson_symmetry_index(0.88, 1.0), abs=3.0)
    assert report["symmetry"]["peak1_pct_bw"] < -5.0
