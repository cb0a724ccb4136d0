"""The sim-home driver through the registry, the live status during a set, and JSON of every kind's result."""

from __future__ import annotations

import json

import pytest

from drivers.registry import create, driver_class
from recordings.metadata import Subject
from recordings.reader import open_recording
from station.home import LIBRARY, ExerciseDose, Target
from station.home.dose import set_result_dict
from station.home.session import record_set, set_seconds

DOSES = {
    "stance-eyes-open": ExerciseDose("stance-eyes-open", 1, 3, 4.0, 0.0, Target(45.0, 55.0)),
    "stance-eyes-closed": ExerciseDose("stance-eyes-closed", 1, 3, 4.0, 0.0, Target(45.0, 55.0)),
    "stance-foam": ExerciseDose("stance-foam", 1, 3, 4.0, 0.0, Target(45.0, 55.0)),
    "weight-shift": ExerciseDose("weight-shift", 1, 4, 4.0, 0.0, Target(60.0, None)),
    "single-leg-affected": ExerciseDose("single-leg-affected", 1, 3, 5.0, 0.0, Target(90.0, None)),
    "mini-squat": ExerciseDose("mini-squat", 1, 5, 0.0, 0.0, Target(30.0, 60.0)),
    "sit-to-stand": ExerciseDose("sit-to-stand", 1, 4, 0.0, 0.0, Target(30.0, None)),
    "step-up-affected": ExerciseDose("step-up-affected", 1, 4, 0.0, 0.0, Target(80.0, None)),
    "stepping-in-place": ExerciseDose("stepping-in-place", 1, 8, 0.0, 0.0, Target(80.0, None)),
}


def test_driver_is_registered_with_the_options_the_gui_uses():
    cls = driver_class("sim-home")
    assert {"realtime", "mass_kg", "affected_side", "exercise", "reps", "set_index", "speed"} <= set(cls.OPTIONS)
    device = create("sim-home", {"exercise": "mini-squat", "reps": "3", "affected_side": "right", "mass_kg": "80"})
    assert device.info.driver == "sim-home" and device.home_subject.reps == 3
    with pytest.raises(ValueError, match="no option"):
        create("sim-home", {"colour": "red"})
    with pytest.raises(ValueError, match="compliance"):
        create("sim-home", {"compliance": "1.5"})


@pytest.mark.parametrize("key", sorted(LIBRARY))
def test_every_exercise_recorded_counted_and_json_ready(tmp_path, key):
    dose = DOSES[key]
    device = create("sim-home", {"affected_share_pct": "40", "seed": "2"})
    statuses = []
    outcome = record_set(device, tmp_path / "set.h5", Subject("BS-AAAAAAAA", 70.0, "left"), dose, 0,
                         live=statuses.append)
    assert outcome.result.n_complete == dose.reps and outcome.result.n_on_target == dose.reps
    rec = open_recording(tmp_path / "set.h5")
    assert rec.protocol == "home" and rec.condition == key
    assert rec.settings["home.exercise"] == key and rec.settings["duration_s"] == set_seconds(dose)
    text = json.dumps(set_result_dict(key, 0, dose, outcome.result, "left"), allow_nan=False)
    assert json.loads(text)["n_complete"] == dose.reps
    # the live count is the same rule as the analysis after the set: it only grows, up to the final count
    counts = [s.reps_complete for s in statuses]
    assert counts and counts == sorted(counts) and counts[-1] == outcome.result.n_complete
    assert all(s.reps_prescribed == dose.reps and "reps" in s.line() for s in statuses)


@pytest.mark.parametrize("compliance", [0.5, 0.0])
@pytest.mark.parametrize("key", ["mini-squat", "weight-shift", "sit-to-stand"])
def test_compliance_means_fewer_reps(tmp_path, compliance, key):
    device = create("sim-home", {"compliance": str(compliance)})
    dose = DOSES[key]
    outcome = record_set(device, tmp_path / "part.h5", Subject("BS-AAAAAAAA", 70.0, "left"), dose, 0)
    assert outcome.result.n_complete == round(dose.reps * compliance)
    assert outcome.result.n_incomplete == 0


@pytest.mark.parametrize("key", ["weight-shift", "mini-squat", "stepping-in-place"])
def test_lost_samples_do_not_change_the_count(tmp_path, key):
    """5 % of the board's reports corrupted and dropped by the decoder (gaps in its counter): the count stays exact."""
    dose = DOSES[key]
    device = create("sim-home", {"affected_share_pct": "40", "seed": "4", "bad_report_rate": "0.05"})
    outcome = record_set(device, tmp_path / "lossy.h5", Subject("BS-AAAAAAAA", 70.0, "left"), dose, 0)
    assert open_recording(tmp_path / "lossy.h5").lost_samples > 0
    assert outcome.result.n_complete == dose.reps and outcome.result.n_incomplete == 0
