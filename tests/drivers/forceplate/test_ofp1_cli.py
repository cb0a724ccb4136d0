"""End to end: `station assess standing --device sim-plate` records and reports a trial.

The whole chain runs in a subprocess: CLI -> registry -> ForcePlate -> pyusb usb.core -> simulated
plate backend -> engine threads -> HDF5 -> standing analysis -> JSON report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from drivers.forceplate.sim_firmware import load_cell_calibration
from recordings.reader import open_recording

ROOT = Path(__file__).resolve().parents[3]


def test_cli_records_a_standing_trial_from_the_simulated_plate(tmp_path: Path) -> None:
    out = tmp_path / "plate.h5"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "station.cli", "assess", "standing", "--device", "sim-plate", "--seconds", "10",
         "--json", "--mass", "80", "--affected", "right", "--out", str(out), "--device-option", "seed=2"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["recording_status"] == "complete"
    assert report["device"]["driver"] == "sim-plate" and report["device"]["simulated"] is True
    assert report["n_samples"] == 10 * 1000 + 1 and report["dropped_samples"] == 0
    # The simulated person: 80 kg, 42 % on the affected (right) side; the plate's zero drift adds ~0.1 kg.
    assert abs(report["body_mass_kg"] - 80.0) < 0.5
    assert abs(report["affected_load_pct_bw"] - 42.0) < 2.0
    assert report["limb_load_method"] == "cell_pairs"
    rec = open_recording(out)
    assert rec.device.raw_counts and rec.raw is not None and rec.raw.shape == (10001, 4)
    assert rec.device.nominal_rate_hz == 1000.0
    # Raw counts are recorded and the forces are C (counts - offset) of the plate's calibration.
    cal = load_cell_calibration()
    expected = (rec.raw.astype(np.int64) - cal.offsets) * np.diag(cal.matrix)
    np.testing.assert_allclose(rec.forces_n, expected, atol=1e-3)


def test_cli_reports_a_bad_plate_option_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "station.cli", "assess", "standing", "--device", "sim-plate", "--seconds", "1",
         "--device-option", "rate_hz=3000", "--out", str(tmp_path / "x.h5")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env, check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "3000" in proc.stderr
