"""A walking trial end to end: simulated plates -> HDF5 (real file) -> `station analyze FILE --json`."""

import json

import numpy as np
import pytest

from analysis.symmetry import robinson_symmetry_index
from drivers import registry
from drivers.sim.gait_plates import SimulatedGaitPlates
from recordings.metadata import Subject
from recordings.reader import open_recording
from station.cli import main
from station.protocols.walking import analyze_walking_recording, run_walking

MEASURES = ("stance_time_s", "peak1_pct_bw", "peak2_pct_bw", "valley_pct_bw", "loading_rate_pct_bw_s",
            "impulse_pct_bw_s")  # fmt: skip


@pytest.fixture(scope="module")
def walking_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("walk") / "walk.h5"
    device = SimulatedGaitPlates(mass_kg=80, affected_side="right", affected_stance_reduction_pct=10,
                                 affected_peak_reduction_pct=8, seed=4)  # fmt: skip
    subject = Subject(id="p01", mass_kg=80.0, affected_side="right")
    outcome = run_walking(device, path, subject, seconds=60.0)
    return path, outcome


def test_recorded_trial_recovers_the_asymmetry(walking_file):
    path, outcome = walking_file
    r = outcome.analysis.result
    assert outcome.recording.protocol == "walking" and outcome.recording.n_samples >= 60_000
    assert outcome.analysis.fs_hz == pytest.approx(1000.0)
    assert outcome.analysis.body_weight_source == "subject_mass"
    assert r.affected.side == "right" and r.affected.n_steps >= 45
    # configured: stance −10 %, peaks −8 % (±1.5 %-points over ~50 steps per side)
    assert r.symmetry["stance_time_s"].symmetry_index_pct == pytest.approx(robinson_symmetry_index(0.9, 1.0), abs=1.5)
    assert r.symmetry["peak1_pct_bw"].symmetry_index_pct == pytest.approx(robinson_symmetry_index(0.92, 1.0), abs=1.5)
    # re-analysing the file gives the same numbers
    again = analyze_walking_recording(open_recording(path))
    assert again.result.affected.mean == r.affected.mean


def test_station_analyze_json_has_the_walking_keys(walking_file, capsys):
    path, outcome = walking_file
    assert main(["analyze", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["protocol"] == "walking" and report["affected_side"] == "right"
    for limb in ("affected", "unaffected"):
        for key in (*MEASURES, "n_steps"):
            assert isinstance(report["steps"][limb][key], int | float), (limb, key)
    for key in MEASURES:
        expected = robinson_symmetry_index(report["steps"]["affected"][key], report["steps"]["unaffected"][key])
        assert report["symmetry"][key] == pytest.approx(expected, rel=1e-12)
    assert report["steps"]["affected"]["n_steps"] == outcome.analysis.result.affected.n_steps
    assert all(rej["reason"] for rej in report["rejected"])
    assert report["settings"]["on_threshold_n"] == 20.0


def test_station_analyze_table(walking_file, capsys):
    path, _ = walking_file
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr().out
    assert "affected (right)" in out and "Stance time (s)" in out and "SI (Robinson)" in out


def test_registry_creates_the_gait_plates_and_bad_recordings_fail_clearly(tmp_path, capsys):
    device = registry.create("sim-gait", {"mode": "stepping", "seed": 1})
    assert isinstance(device, SimulatedGaitPlates) and device.subject.mode == "stepping"
    # a walking trial of a subject without an affected side cannot be recorded
    with pytest.raises(ValueError, match="affected"):
        run_walking(SimulatedGaitPlates(), tmp_path / "x.h5", Subject(id="p02"), seconds=1.0)
    # a 0.4 s trial: the right foot never lands -> one clear error line, exit 1
    out = tmp_path / "short.h5"
    with pytest.raises(ValueError, match="right foot is never loaded"):
        run_walking(SimulatedGaitPlates(seed=2), out, Subject(id="p03", affected_side="left"), seconds=0.4)
    capsys.readouterr()
    assert main(["analyze", str(out), "--json"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "right foot is never loaded" in err[0]


def test_body_weight_from_the_mean_force_when_no_mass_was_entered(tmp_path):
    out = tmp_path / "nomass.h5"
    outcome = run_walking(SimulatedGaitPlates(mass_kg=70, seed=3), out, Subject(id="p04", affected_side="left"),
                          seconds=60.0)  # fmt: skip
    assert outcome.analysis.body_weight_source == "mean_total_force"
    # over whole gait cycles the mean vertical force is the body weight; a partial stride at the ends of a
    # 60 s trial shifts it by at most about one stride's impulse / 60 s (< 2 %)
    assert outcome.analysis.result.body_weight_n == pytest.approx(70 * 9.80665, rel=0.02)
    assert np.isfinite(outcome.analysis.result.symmetry["impulse_pct_bw_s"].symmetry_index_pct)
