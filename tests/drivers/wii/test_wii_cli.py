"""The Wii board through the real ``station`` command (subprocess), and ``station udev-rules``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

ROOT = Path(__file__).resolve().parents[3]


def _station(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_assess_standing_with_the_simulated_wii_board(tmp_path: Path) -> None:
    out = tmp_path / "trial.h5"
    done = _station("assess", "standing", "--device", "sim-wbb", "--seconds", "30", "--affected", "right",
                    "--mass", "80", "--json", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["device"]["driver"] == "sim"  # sim-wbb is another name of the simulated board, sim
    # The simulated subject: 80 kg, 42 % of body weight on the affected (right) limb, old-board zero offsets
    # that only the tare removes.
    assert report["body_mass_kg"] == pytest.approx(80.0, abs=0.5)
    assert report["affected_load_pct_bw"] == pytest.approx(42.0, abs=1.0)
    assert report["unaffected_load_pct_bw"] == pytest.approx(58.0, abs=1.0)
    assert report["duration_s"] == pytest.approx(30.0, abs=0.1)
    with h5py.File(out, "r") as f:
        assert f["device"].attrs["clock"] == "host_arrival"
        assert bool(f["device"].attrs["raw_counts"])
        assert f["settings"].attrs["wbb.tare_duration_s"] >= 2.0
        assert f["settings/units"].attrs["wbb.tare_offset_kg"] == "kg"
        assert f["settings"].attrs["wbb.calibration_crc"] == "ok"


def test_no_real_board_gives_one_clear_line(tmp_path: Path) -> None:
    done = _station("assess", "standing", "--device", "wbb:/dev/hidraw-does-not-exist", "--mass", "70",
                    cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_sim_board_that_never_finishes_init_gives_one_clear_line(tmp_path: Path) -> None:
    done = _station("assess", "standing", "--device", "sim-wbb", "--device-option", "init_never_finishes=yes",
                    "--mass", "70", cwd=tmp_path)
    assert done.returncode == 1
    assert "never finished initialisation" in done.stderr and "Traceback" not in done.stderr


def test_udev_rules_command_prints_every_shipped_rules_file(tmp_path: Path) -> None:
    done = _station("udev-rules", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shipped = sorted((ROOT / "station" / "udev").glob("*.rules"))
    assert shipped
    for path in shipped:
        assert f"# ---- {path.name} ----" in done.stdout
        assert path.read_text().strip() in done.stdout
    assert 'KERNEL=="hidraw*", KERNELS=="0005:057E:0306.*"' in done.stdout


def test_assess_standing_on_two_simulated_boards(tmp_path: Path) -> None:
    done = _station("assess", "standing", "--device", "sim-wbb2", "--seconds", "20", "--affected", "left",
                    "--mass", "68", "--json", "--out", str(tmp_path / "two.h5"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["body_mass_kg"] == pytest.approx(68.0, abs=0.5)
    assert report["affected_load_pct_bw"] == pytest.approx(42.0, abs=1.0)  # one board under each foot
