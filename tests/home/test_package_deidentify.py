"""De-identification of a recording in a home package: MAC addresses and serials go, the data stay readable."""

from __future__ import annotations

import h5py
import numpy as np

from drivers.registry import create
from recordings.metadata import Subject
from recordings.reader import open_recording
from station.home import ExerciseDose, Target
from station.home.package import _deidentify_h5
from station.home.session import record_set


def test_macs_and_serials_removed_data_kept(tmp_path):
    dose = ExerciseDose("mini-squat", 1, 3, 0.0, 0.0, Target(30.0, 60.0))
    path = tmp_path / "set.h5"
    record_set(create("sim-home"), path, Subject("BS-AAAAAAAA", 70.0, "left"), dose, 0)
    with h5py.File(path, "r+") as f:
        f["settings"].attrs["wbb.bluetooth_address"] = "00:1E:35:AB:CD:EF"
        f["settings"].attrs["note"] = "board 00-1e-35-ab-cd-ef in the living room"
    before = open_recording(path)
    _deidentify_h5(path, 12)
    after = open_recording(path)
    assert after.device.serial == "" and before.device.serial.startswith("SIM-")
    assert after.created_utc == "day 12"
    assert after.settings["wbb.bluetooth_address"] == ""
    assert after.settings["note"] == "board  in the living room"
    np.testing.assert_array_equal(after.forces_n, before.forces_n)
    assert after.subject.id == "BS-AAAAAAAA" and after.subject.mass_kg == 70.0
    raw = path.read_bytes()
    assert b"00:1E:35" not in raw.upper() and b"SIM-000000" not in raw
