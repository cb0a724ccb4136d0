"""Prescriptions: validation naming the field, JSON round trip, versions in the store; the library."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from station.home import (
    LIBRARY,
    ExerciseDose,
    ExerciseKind,
    PrescriptionError,
    ProgressionRule,
    Target,
    current_prescription,
    default_prescription,
    prescription_history,
    save_prescription,
)
from station.store import Store, StoreError


def test_library_has_the_contract_keys_and_kinds():
    assert set(LIBRARY) == {"stance-eyes-open", "stance-eyes-closed", "stance-foam", "weight-shift", "mini-squat",
                            "sit-to-stand", "single-leg-affected", "step-up-affected", "stepping-in-place"}
    assert {e.kind for e in LIBRARY.values()} == set(ExerciseKind)
    assert LIBRARY["stance-foam"].condition == "foam" and LIBRARY["mini-squat"].counts_holds is False
    assert all(e.instructions and e.measures for e in LIBRARY.values())


def test_json_round_trip():
    p = default_prescription("BS-AAAAAAAA", "right", "2026-11-02")
    q = type(p).from_json(p.to_json())
    assert q == p and json.loads(p.to_json())["exercises"][0]["target"]["affected_min_pct_bw"] == 45.0


@pytest.mark.parametrize("change,field", [
    (lambda p: replace(p, sessions_per_week=0), "sessions_per_week"),
    (lambda p: replace(p, affected_side="both"), "affected_side"),
    (lambda p: replace(p, created="26/11/2026"), "created"),
    (lambda p: replace(p, exercises=()), "exercises"),
    (lambda p: replace(p, rule=ProgressionRule(success_fraction=1.5)), "rule.success_fraction"),
    (lambda p: replace(p, rule=ProgressionRule(pain_during_max=12)), "rule.pain_during_max"),
    (lambda p: replace(p, exercises=(replace(p.exercises[0], hold_s=0.0),)), "exercises[0].hold_s"),
    (lambda p: replace(p, exercises=(replace(p.exercises[0], sets=0),)), "exercises[0].sets"),
    (lambda p: replace(p, exercises=(replace(p.exercises[0], reps=2.5),)), "exercises[0].reps"),
    (lambda p: replace(p, exercises=(replace(p.exercises[0], exercise="yoga"),)), "exercises[0].exercise"),
    (lambda p: replace(p, exercises=(replace(p.exercises[0], target=Target(60, 50)),)),
     "exercises[0].target.affected_min_pct_bw"),
    (lambda p: replace(p, exercises=(replace(p.exercises[0], target=Target(40, 120)),)),
     "exercises[0].target.affected_max_pct_bw"),
    (lambda p: replace(p, exercises=(replace(p.exercises[0], target=Target(None, None)),)),
     "exercises[0].target.affected_min_pct_bw"),
    (lambda p: replace(p, exercises=(p.exercises[0], p.exercises[0])), "exercises[1].exercise"),
])
def test_validation_names_the_field(change, field):
    p = change(default_prescription("BS-AAAAAAAA", "left", "2026-11-02"))
    with pytest.raises(PrescriptionError) as info:
        p.validate()
    assert info.value.field == field and isinstance(info.value, ValueError)
    assert (field, info.value.message) in p.problems()


def test_all_problems_at_once_and_peaks_above_body_weight_allowed():
    p = default_prescription("BS-AAAAAAAA", "left", "2026-11-02")
    bad = replace(p, sessions_per_week=20, exercises=(replace(p.exercises[0], sets=0, rest_s=-1),))
    assert [f for f, _ in bad.problems()] == ["sessions_per_week", "exercises[0].sets", "exercises[0].rest_s"]
    step = ExerciseDose("step-up-affected", 1, 5, 0.0, 30.0, Target(90.0, 130.0))  # a step peak may pass 100 %BW
    assert step.validate() is step


def test_every_edit_is_a_new_version(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        pid = store.add_patient(affected_side="right", mass_kg=60).id
        with pytest.raises(StoreError, match="no home exercise prescription yet"):
            current_prescription(store, pid)
        v1 = save_prescription(store, default_prescription(pid, "left", "2026-11-02"))
        assert v1.version == 1 and v1.affected_side == "right"  # the store's side wins
        v2 = save_prescription(store, replace(v1, sessions_per_week=2, created="2026-11-16"))
        assert v2.version == 2
        assert [p.sessions_per_week for p in prescription_history(store, pid)] == [3, 2]
        assert current_prescription(store, pid) == v2
        with pytest.raises(PrescriptionError):
            save_prescription(store, replace(v2, sessions_per_week=0))
        assert len(prescription_history(store, pid)) == 2  # nothing stored for the refused edit
        with pytest.raises(StoreError, match="unknown patient"):
            save_prescription(store, replace(v2, patient_id="BS-ZZZZZZZZ"))
