"""Applying a progression suggestion: the documented step per exercise kind, the reverse, and hold."""

import datetime as dt

import pytest

from station.cli import main
from station.home import (
    ExerciseDose,
    Prescription,
    ProgressionDecision,
    Target,
    current_prescription,
    prescription_history,
    save_prescription,
)
from station.home.progression_steps import NOTE_PREFIX, apply_suggestion, next_prescription, step_dose
from station.store import Store
from tests.home._handbuilt import add_home_session

START = dt.date(2026, 11, 2)
ADVANCE = ProgressionDecision("advance", "success fraction", "test")
BACK = ProgressionDecision("step-back", "NEMEX pain zone", "test")


def _steps(dose, action, n):
    out = [dose]
    for _ in range(n):
        dose, _change = step_dose(dose, action)
        out.append(dose)
    return out


def test_single_leg_stance_hold_ladder_up_and_back():
    d = ExerciseDose("single-leg-affected", 1, 3, 10.0, 30.0, Target(90.0, None, 10.0))
    up = _steps(d, "advance", 3)
    assert [x.hold_s for x in up] == [10.0, 15.0, 30.0, 30.0]  # 10 -> 15 -> 30 (Otago/PreFIT), then no step
    assert all(x.target.hold_s == x.hold_s for x in up)
    _, change = step_dose(up[-1], "advance")
    assert not change.changed and "30 s of Otago/PreFIT" in change.why
    down = _steps(up[-1], "step-back", 4)
    assert [x.hold_s for x in down] == [30.0, 15.0, 10.0, 5.0, 5.0]
    assert step_dose(ExerciseDose("single-leg-affected", 1, 3, 12.0, 30.0, Target(90.0, None, 12.0)),
                     "advance")[0].hold_s == 15.0  # off-ladder holds go to the next rung


def test_sit_to_stand_reps_5_to_10_then_sets_to_3_and_back():
    d = ExerciseDose("sit-to-stand", 1, 5, 0.0, 60.0, Target(40.0, None, None))
    up = _steps(d, "advance", 8)
    assert [(x.sets, x.reps) for x in up] == [(1, 5), (1, 6), (1, 7), (1, 8), (1, 9), (1, 10), (2, 10), (3, 10),
                                              (3, 10)]
    assert "My Hip Exercise" in step_dose(up[-1], "advance")[1].why
    down = _steps(up[-1], "step-back", 8)
    assert [(x.sets, x.reps) for x in down] == [(3, 10), (2, 10), (1, 10), (1, 9), (1, 8), (1, 7), (1, 6), (1, 5),
                                                (1, 5)]
    change = step_dose(down[-1], "step-back")[1]
    assert not change.changed and "Otago's start of 1 x 5" in change.why
    assert "Otago" in change.rule and "umcvc" in change.rule


def test_symmetric_stance_band_tightens_to_the_neurocom_band_and_widens_back():
    d = ExerciseDose("stance-eyes-open", 1, 3, 10.0, 30.0, Target(42.0, 58.0, 10.0))
    up = _steps(d, "advance", 4)
    bands = [(x.target.affected_min_pct_bw, x.target.affected_max_pct_bw) for x in up]
    assert bands == [(42.0, 58.0), (43.5, 56.5), (45.0, 55.0), (46.5, 53.5), (46.5, 53.5)]
    assert "NeuroCom" in step_dose(up[-1], "advance")[1].why
    # an asymmetric band: only the edge outside the normal band moves
    asym = step_dose(ExerciseDose("stance-foam", 1, 3, 5.0, 30.0, Target(47.0, 60.0, 5.0)), "advance")[0]
    assert (asym.target.affected_min_pct_bw, asym.target.affected_max_pct_bw) == (47.0, 58.5)
    back = step_dose(up[-1], "step-back")[0]
    assert (back.target.affected_min_pct_bw, back.target.affected_max_pct_bw) == (45.0, 55.0)


def test_weight_shift_minimum_moves_by_5_within_55_90():
    d = ExerciseDose("weight-shift", 1, 5, 5.0, 30.0, Target(80.0, None, 5.0))
    assert [x.target.affected_min_pct_bw for x in _steps(d, "advance", 3)] == [80.0, 85.0, 90.0, 90.0]
    assert [x.target.affected_min_pct_bw for x in _steps(d, "step-back", 6)] == [80, 75, 70, 65, 60, 55, 55]
    capped = ExerciseDose("weight-shift", 1, 5, 5.0, 30.0, Target(60.0, 64.0, 5.0))
    new, change = step_dose(capped, "advance")
    assert new == capped and "maximum 64" in change.why  # 65 would be above the band's maximum


def _rx(pid, version=1, notes=""):
    return Prescription(pid, version, START.isoformat(), 3, (
        ExerciseDose("stance-eyes-open", 1, 3, 10.0, 30.0, Target(45.0, 55.0, 10.0)),
        ExerciseDose("single-leg-affected", 1, 3, 10.0, 30.0, Target(90.0, None, 10.0)),
        ExerciseDose("sit-to-stand", 1, 5, 0.0, 60.0, Target(40.0, None, None)),
    ), affected_side="left", notes=notes)


def test_hold_changes_nothing_and_says_so():
    p = _rx("BS-X", notes="keep the chair close")
    out = next_prescription(p, ProgressionDecision("hold", "not enough sessions", "1 of 2"))
    assert out.prescription is None and "no change, prescription v1 stays" in out.message
    at_end = Prescription("BS-X", 1, START.isoformat(), 3, (
        ExerciseDose("single-leg-affected", 1, 3, 30.0, 30.0, Target(90.0, None, 30.0)),), affected_side="left")
    out = next_prescription(at_end, ADVANCE)
    assert out.prescription is None and "no exercise has a further documented step" in out.message


def test_notes_carry_the_rule_and_source_and_keep_the_clinicians_notes():
    p = _rx("BS-X", notes="keep the chair close")
    new = next_prescription(p, ADVANCE, "2026-11-20").prescription
    assert new.version == 2 and new.created == "2026-11-20"
    lines = new.notes.splitlines()
    assert lines[0] == "keep the chair close"
    assert lines[1].startswith(f"{NOTE_PREFIX}advance applied to v1 on 2026-11-20: success fraction")
    assert any("single-leg-affected: 1 x 3, hold 10 s" in ln and "-> 1 x 3, hold 15 s" in ln and "PreFIT" in ln
               for ln in lines)
    assert any("sit-to-stand: 1 x 5" in ln and "-> 1 x 6" in ln for ln in lines)
    newer = next_prescription(new, BACK, "2026-11-27").prescription
    assert newer.notes.splitlines()[0] == "keep the chair close"
    assert sum(ln.startswith(NOTE_PREFIX + "step-back applied") for ln in newer.notes.splitlines()) == 1
    assert not any("advance applied" in ln for ln in newer.notes.splitlines())  # the old block is replaced


@pytest.fixture
def store_with_patient(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        pat = store.add_patient(affected_side="left", mass_kg=70.0)
        p = save_prescription(store, _rx(pat.id))
        yield store, p


def test_apply_suggestion_advance_then_step_back_on_stored_sessions(store_with_patient):
    store, p = store_with_patient
    add_home_session(store, p, "2026-11-03", pain_before=2, pain_after=3, pain_next_day=2)
    add_home_session(store, p, "2026-11-05", pain_before=2, pain_after=3)
    out = apply_suggestion(store, p.patient_id, "2026-11-06")
    assert out.decision.action == "advance" and out.prescription.version == 2
    v2 = current_prescription(store, p.patient_id)
    assert v2 == out.prescription and v2.dose("sit-to-stand").reps == 6 and v2.dose("single-leg-affected").hold_s == 15
    assert v2.dose("stance-eyes-open").target.affected_min_pct_bw == 46.5
    # under v2, pain 8 right after -> step back to v3 = v1's doses
    add_home_session(store, v2, "2026-11-07", pain_before=2, pain_after=8)
    out = apply_suggestion(store, p.patient_id, "2026-11-08")
    assert out.decision.action == "step-back" and out.prescription.version == 3
    assert out.prescription.exercises == p.exercises
    # no session under v3 yet: hold, nothing stored
    out = apply_suggestion(store, p.patient_id, "2026-11-09")
    assert out.prescription is None and len(prescription_history(store, p.patient_id)) == 3


def test_cli_apply_suggestion(store_with_patient, capsys):
    store, p = store_with_patient
    argv = ["program", "apply-suggestion", "--patient", p.patient_id, "--store", str(store.path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "suggestion: hold (no data)" in out and "no change, prescription v1 stays" in out
    add_home_session(store, p, "2026-11-03", on_target_fraction=1.0)
    add_home_session(store, p, "2026-11-05", on_target_fraction=1.0)
    assert main(["home", "status", p.patient_id, "--store", str(store.path), "--today", "2026-11-06"]) == 0
    assert f"apply it: station program apply-suggestion --patient {p.patient_id}" in capsys.readouterr().out
    assert main([*argv, "--dry-run", "--start", "2026-11-06"]) == 0
    out = capsys.readouterr().out
    assert "dry run, nothing stored: would be prescription v2" in out
    assert len(prescription_history(store, p.patient_id)) == 1
    assert main([*argv, "--start", "2026-11-06"]) == 0
    out = capsys.readouterr().out
    assert "advance: prescription v2 from v1" in out and "sit-to-stand: 1 x 5" in out
    assert "Prescription v2" in out and "sit-to-stand: 1 x 6" in out
    assert current_prescription(store, p.patient_id).version == 2
    assert main([*argv, "--start", "06/11/2026"]) == 1
    assert "--start must be a date" in capsys.readouterr().err
