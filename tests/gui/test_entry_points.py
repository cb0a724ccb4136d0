"""`station gui` and the `station-gui` module start the window and exit cleanly, headless, in a separate
process (quitting the event loop of the test process would end every later test's waits)."""

import os
import subprocess
import sys

import pytest

from station.cli import build_parser

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(*args, cwd):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60, env=env, cwd=cwd)


@pytest.mark.parametrize("module", [["station.cli", "gui"], ["station.gui.app"]])
def test_gui_entry_points_open_and_close(module, tmp_path):
    done = _run("-m", *module, "--device", "sim", "--out-dir", str(tmp_path), "--quit-after", "0.5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_gui_command_is_listed_and_an_unknown_device_is_one_line_error(tmp_path):
    args = build_parser().parse_args(["gui", "--fps", "30"])
    assert args.command == "gui" and args.fps == 30.0
    done = _run("-m", "station.cli", "gui", "--device", "nosuch", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("station: error:") and "nosuch" in done.stderr


def _patient_with_prescription(tmp_path, prescribe=True):
    from station.home import default_prescription, save_prescription
    from station.store import Store

    with Store(tmp_path / "store.sqlite3") as store:
        patient = store.add_patient(affected_side="left", mass_kg=70.0)
        if prescribe:
            save_prescription(store, default_prescription(patient.id, "left"))
    return patient.id


@pytest.mark.parametrize("window", ["--home", "--program"])
def test_home_program_windows_open_and_close(window, tmp_path):
    pid = _patient_with_prescription(tmp_path)
    done = _run("-m", "station.cli", "gui", window, "--patient", pid, "--store", str(tmp_path / "store.sqlite3"),
                "--device", "sim-home", "--out-dir", str(tmp_path / "sets"), "--quit-after", "0.5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_home_demo_opens_without_a_store_and_closes(tmp_path):
    done = _run("-m", "station.cli", "gui", "--demo", "--quit-after", "0.5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_home_without_a_prescription_or_a_patient_is_a_one_line_error(tmp_path):
    pid = _patient_with_prescription(tmp_path, prescribe=False)
    done = _run("-m", "station.cli", "gui", "--home", "--patient", pid, "--store", str(tmp_path / "store.sqlite3"),
                cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.startswith("station: error:")
    assert "no home exercise prescription" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = _run("-m", "station.cli", "gui", "--program", cwd=tmp_path)
    assert done.returncode == 1 and "--patient" in done.stderr
