"""Prescribe, three weeks of simulated home sessions, export, import at the clinic, adherence, progression, report."""

from __future__ import annotations

import datetime as _dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import h5py
import pytest

from drivers.sim.home_course import HomePatientCourse
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from recordings.metadata import Subject
from station.home import ExerciseDose, Prescription, Target, save_prescription
from station.home.adherence import adherence_summary
from station.home.package import PackageError, export_package, import_package
from station.home.progression import suggest_progression
from station.home.session import finish_session
from station.home.simulate import simulate_course
from station.protocols.trial import record_trial
from station.reports.model import model_from_store
from station.reports.render import write_report
from station.store import Store
from station.store.register import register_recording

START = "2026-10-05"


def _prescription(pid: str) -> Prescription:
    return Prescription(pid, 1, START, 3, (
        ExerciseDose("stance-eyes-open", 1, 3, 5.0, 10.0, Target(45.0, 55.0, 5.0)),
        ExerciseDose("mini-squat", 1, 5, 0.0, 10.0, Target(30.0, 60.0, None)),
    ), affected_side="left")


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("loop")
    clinic = Store(tmp / "clinic.sqlite3")
    patient = clinic.add_patient(affected_side="left", mass_kg=72.0, birth_year=1960)
    save_prescription(clinic, _prescription(patient.id))
    # a clinic baseline assessment (standing) so the report has its clinic part
    rec_path = tmp / "clinic_standing.h5"
    record_trial(SimulatedWiiBalanceBoard(mass_kg=72.0, affected_side="left", seed=3), rec_path,
                 Subject(patient.id, 72.0, "left"), protocol="standing", seconds=10.0, settings={},
                 condition="eyes-open")
    register_recording(clinic, patient.id, rec_path, session_id=clinic.add_session(patient.id, START).id)
    # the home device: its own store, the same pseudonym and prescription
    home = Store(tmp / "home.sqlite3")
    home.add_patient(affected_side="left", mass_kg=72.0, patient_id=patient.id)
    save_prescription(home, _prescription(patient.id))
    course = HomePatientCourse(3, skip_days=(2, 9), affected_share_pct=42.0, improvement_per_session=0.5,
                               pain_before=2.0, pain_after=3.0, pain_next_day=2.0)
    summaries = simulate_course(home, patient.id, course, 21, tmp / "home-recordings", seed=1)
    package = export_package(home, patient.id, tmp / "pkg")
    result = import_package(clinic, package)
    yield clinic, home, patient, summaries, package, result, tmp
    clinic.close()
    home.close()


def test_home_sessions_arrive_at_the_clinic(loop):
    clinic, _, patient, summaries, _, result, _ = loop
    # planned days 0,2,4 / 7,9,11 / 14,16,18; days 2 and 9 skipped: 7 sessions, 2 sets each
    assert len(summaries) == 7 and result.n_trials == 14 and len(result.session_ids) == 7
    days = sorted(s.date for s in clinic.sessions(patient.id) if s.place == "home")
    start = _dt.date.fromisoformat(START)
    assert days == [(start + _dt.timedelta(days=d)).isoformat() for d in (0, 4, 7, 11, 14, 16, 18)]
    # every repetition the simulated patient did was counted from the signal
    for s in summaries:
        for d in s.dose:
            assert d.reps_done == d.reps_prescribed, (s.date, d)


def test_adherence_matches_hand_counts(loop):
    clinic, _, patient, *_ = loop
    today = (_dt.date.fromisoformat(START) + _dt.timedelta(days=20)).isoformat()
    a = adherence_summary(clinic, patient.id, today)
    assert [w.sessions_done for w in a.weeks] == [2, 2, 3]
    assert [w.complete for w in a.weeks] == [True, True, False]
    assert a.days_with_data_last_30 == 7
    # streak of prescribed sessions: 3 this week; last week had 2 of 3, which ends it
    assert a.streak_sessions == 3
    assert [round(f, 6) for _, f in a.dose_per_session] == [1.0] * 7
    stance, squat = a.exercises
    assert (stance.reps_prescribed, squat.reps_prescribed) == (7 * 3, 7 * 5)
    assert stance.hold_best_s == pytest.approx(5.0, abs=0.05) and len(squat.load_per_rep) == 7
    # the simulated affected-limb share grows 0.5 %-points per session done: 6 × 0.5 from the first to the 7th
    first, last = (sum(v) / len(v) for _, v in (squat.load_per_rep[0], squat.load_per_rep[-1]))
    assert last - first == pytest.approx(6 * 0.5, abs=1.0)


def test_progression_follows_the_rule(loop):
    clinic, _, patient, *_ = loop
    decision = suggest_progression(clinic, patient.id)
    # all reps on target in the last two sessions, pain after 3 <= 5, next day 2 not above before (2)
    assert decision.action == "advance" and decision.rule == "success fraction"


def test_progress_report_shows_home_sessions_apart(loop):
    clinic, _, patient, *_, tmp = loop
    model = model_from_store(clinic, patient.id)
    assert {a.place for a in model.assessments} == {"clinic"}  # home sets make no assessment page
    home_points = [p for m in model.progress for p in m.points if p.place == "home"]
    assert len({p.session_no for p in home_points}) == 7
    out = write_report(model, tmp / "report.html")
    html = Path(out.path).read_text()
    assert "Home sessions" in html and "Clinic sessions" in html
    assert "Home exercise: affected limb load per repetition" in html
    hp = model.home_program
    assert hp is not None and hp["n_sessions"] == 7 and hp["decision"][:2] == ("advance", "success fraction")
    assert [w[1] for w in hp["weeks"][:3]] == [2, 2, 3]
    assert "Home program (prescription v1, 3 sessions a week" in html and "<b>advance</b>" in html


def test_package_is_deidentified(loop):
    *_, package, _, _ = loop
    manifest = json.loads((package / "manifest.json").read_text())
    for name in manifest["files"]:
        if name.endswith(".h5"):
            with h5py.File(package / name) as f:
                assert f["device"].attrs["serial"] in ("", b"")
                assert str(f.attrs["created_utc"]).startswith("day ")
    text = (package / "summary.json").read_text()
    assert "2026-" not in text and "SIM-" not in text


def test_second_import_is_refused_and_nothing_changes(loop):
    clinic, _, patient, _, package, *_ = loop
    before = len(clinic.sessions(patient.id))
    with pytest.raises(PackageError, match="already imported"):
        import_package(clinic, package)
    assert len(clinic.sessions(patient.id)) == before


def _copy(package: Path, tmp: Path, name: str) -> Path:
    dest = tmp / name
    shutil.copytree(package, dest)
    return dest


def test_tampered_truncated_and_foreign_packages_are_refused(loop):
    clinic, _, patient, _, package, _, tmp = loop
    before = (len(clinic.sessions(patient.id)), clinic.integrity_check())
    h5 = sorted((package / "recordings").glob("*.h5"))[0].name
    tampered = _copy(package, tmp, "tampered")
    data = bytearray((tampered / "recordings" / h5).read_bytes())
    data[-100] ^= 0xFF
    (tampered / "recordings" / h5).write_bytes(bytes(data))
    with pytest.raises(PackageError, match="does not match its SHA-256"):
        import_package(clinic, tampered)
    truncated = _copy(package, tmp, "truncated")
    (truncated / "recordings" / h5).unlink()
    with pytest.raises(PackageError, match="truncated"):
        import_package(clinic, truncated)
    short = _copy(package, tmp, "short")
    p = short / "recordings" / h5
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    with pytest.raises(PackageError, match="cut short"):
        import_package(clinic, short)
    edited = _copy(package, tmp, "edited")
    m = json.loads((edited / "manifest.json").read_text())
    m["patient_id"] = "BS-ZZZZZZZZ"
    (edited / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(PackageError, match=r"manifest\.json does not match its checksum"):
        import_package(clinic, edited)
    with pytest.raises(PackageError, match="not BS-"):
        import_package(clinic, package, patient_id="BS-AAAAAAAA")
    other = Store(tmp / "other.sqlite3")
    with pytest.raises(PackageError, match="not in this store"):
        import_package(other, package)
    other.close()
    assert (len(clinic.sessions(patient.id)), clinic.integrity_check()) == before


def test_progression_pain_rules(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    pid = store.add_patient(affected_side="right", mass_kg=60.0).id
    p = save_prescription(store, replace(_prescription(pid), affected_side="right"))
    assert suggest_progression(store, pid).rule == "no data"
    finish_session(store, pid, [], 2.0, 3.0, date="2026-10-05")
    assert suggest_progression(store, pid).rule == "not enough sessions"
    finish_session(store, pid, [], 2.0, 3.0, date="2026-10-07", pain_next_day=4.0)
    d = suggest_progression(store, pid)
    assert (d.action, d.rule) == ("hold", "24-h pain rule (My Hip Exercise)")  # 4 the day after > 2 before
    finish_session(store, pid, [], 2.0, 3.0, date="2026-10-09", pain_next_day=6.0)
    d = suggest_progression(store, pid)
    assert (d.action, d.rule) == ("step-back", "24-h pain rule")  # 6 > 5 the day after the 2nd session
    finish_session(store, pid, [], 2.0, 7.0, date="2026-10-11", pain_next_day=1.0)
    d = suggest_progression(store, pid)
    assert (d.action, d.rule) == ("step-back", "NEMEX pain zone") and "7/10" in d.detail
    finish_session(store, pid, [], 1.0, 2.0, date="2026-10-13", pain_next_day=1.0)
    finish_session(store, pid, [], 1.0, 2.0, date="2026-10-15")
    d = suggest_progression(store, pid)
    assert (d.action, d.rule) == ("hold", "success fraction") and "0 of 8" in d.detail  # no reps measured
    with pytest.raises(ValueError, match="pain after is a number from 0"):
        finish_session(store, pid, [], 2.0, 11.0)
    assert p.version == 1
    store.close()


def test_a_less_compliant_patient_with_a_flare(tmp_path):
    """60 % of the repetitions, 2 sessions a week, pain 7 after the session of day 10: adherence and step back."""
    with Store(tmp_path / "home.sqlite3") as home:
        pid = home.add_patient(affected_side="right", mass_kg=65.0).id
        save_prescription(home, replace(_prescription(pid), sessions_per_week=2, affected_side="right"))
        course = HomePatientCourse(2, reps_fraction=0.6, flare_days={10: (7.0, 6.0)})
        summaries = simulate_course(home, pid, course, 14, tmp_path / "rec", seed=2)
        # planned days 0, 3 / 7, 10 -> 4 sessions; 0.6 × 3 = 2 stance holds and 0.6 × 5 = 3 squats each
        assert len(summaries) == 4
        a = adherence_summary(home, pid, (_dt.date.fromisoformat(START) + _dt.timedelta(days=13)).isoformat())
        assert [w.sessions_done for w in a.weeks] == [2, 2] and a.streak_sessions == 4
        assert [round(f, 6) for _, f in a.dose_per_session] == [5 / 8] * 4
        stance, squat = a.exercises
        assert (stance.reps_done, stance.reps_prescribed, squat.reps_done, squat.reps_prescribed) == (8, 12, 12, 20)
        d = suggest_progression(home, pid)
        assert (d.action, d.rule) == ("step-back", "NEMEX pain zone") and "7/10" in d.detail


def test_finish_session_refuses_a_foreign_set_before_writing(tmp_path):
    from drivers.registry import create
    from station.home.session import record_set

    with Store(tmp_path / "s.sqlite3") as store:
        pid = store.add_patient(affected_side="left", mass_kg=70.0).id
        p = save_prescription(store, _prescription(pid))
        dose = p.dose("mini-squat")
        ok = record_set(create("sim-home"), tmp_path / "a.h5", Subject(pid, 70.0, "left"), dose, 0)
        other = record_set(create("sim-home"), tmp_path / "b.h5", Subject("BS-ZZZZZZZZ", 70.0, "left"), dose, 0)
        with pytest.raises(ValueError, match="not patient"):
            finish_session(store, pid, [ok, other], 2.0, 3.0)
        assert store.sessions(pid) == []
        sid = finish_session(store, pid, [ok], 2.0, 3.0)
        with pytest.raises(ValueError, match="already stored"):
            finish_session(store, pid, [ok], 2.0, 3.0)
        assert [s.id for s in store.sessions(pid)] == [sid]


def test_an_import_failing_half_way_leaves_nothing(loop, tmp_path, monkeypatch):
    _, _, patient, _, package, *_ = loop
    import station.home.package as pkg

    with Store(tmp_path / "clinic2.sqlite3") as clinic2:
        clinic2.add_patient(affected_side="left", mass_kg=72.0, patient_id=patient.id)
        save_prescription(clinic2, _prescription(patient.id))
        calls = {"n": 0}
        real = pkg.register_recording

        def failing(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 5:
                raise OSError("disk full")
            return real(*args, **kwargs)

        monkeypatch.setattr(pkg, "register_recording", failing)
        with pytest.raises(OSError, match="disk full"):
            import_package(clinic2, package)
        assert clinic2.sessions(patient.id) == [] and clinic2.integrity_check() == "ok"
        assert not list((tmp_path / "home-imports").rglob("*.h5"))
        monkeypatch.setattr(pkg, "register_recording", real)
        result = import_package(clinic2, package)  # the package is not marked imported: it goes in now
        assert len(result.session_ids) == 7


def test_a_session_stopped_part_way_keeps_the_sets_done(tmp_path):
    from drivers.sim.home_patient import SimulatedHomeBoard
    from station.home.session import run_home_session

    with Store(tmp_path / "s.sqlite3") as store:
        pid = store.add_patient(affected_side="left", mass_kg=70.0).id
        p = save_prescription(store, _prescription(pid))
        sets = []

        def stop_after_first(outcome):
            sets.append(outcome)
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            run_home_session(SimulatedHomeBoard(), p, store, tmp_path / "rec", ask_pain=lambda _w: 2.0,
                             on_set=stop_after_first, date=START)
        (session,) = store.sessions(pid)
        assert session.n_trials == 1 and session.place == "home"
        a = adherence_summary(store, pid, START)
        assert a.sessions[0].pain_after is None and a.sessions[0].reps_done == 3  # the stance set only


def test_a_later_package_brings_only_the_new_sessions(tmp_path):
    with Store(tmp_path / "clinic.sqlite3") as clinic, Store(tmp_path / "home.sqlite3") as home:
        pid = clinic.add_patient(affected_side="left", mass_kg=70.0).id
        home.add_patient(affected_side="left", mass_kg=70.0, patient_id=pid)
        for store in (clinic, home):
            save_prescription(store, _prescription(pid))
        p = replace(_prescription(pid), version=1)
        course = HomePatientCourse(3)
        simulate_course(home, pid, course, 3, tmp_path / "rec", seed=5)  # days 0 and 2
        first = import_package(clinic, export_package(home, pid, tmp_path / "pkg1"))
        assert (len(first.session_ids), first.n_skipped) == (2, 0)
        simulate_course(home, pid, HomePatientCourse(3, skip_days=(0, 2)), 5, tmp_path / "rec", seed=6)  # day 4
        second = import_package(clinic, export_package(home, pid, tmp_path / "pkg2"))
        assert (len(second.session_ids), second.n_skipped) == (1, 2)
        assert len(clinic.sessions(pid)) == 3
        with pytest.raises(PackageError, match="already imported"):
            import_package(clinic, tmp_path / "pkg2")
        with pytest.raises(PackageError, match="all 3 sessions are already stored"):
            import_package(clinic, export_package(home, pid, tmp_path / "pkg3"))
        assert len(clinic.sessions(pid)) == 3 and p.version == 1


def test_a_package_whose_summary_names_an_unlisted_file_is_refused(loop):
    import hashlib

    clinic, _, patient, _, package, _, tmp = loop
    odd = _copy(package, tmp, "odd")
    summary = json.loads((odd / "summary.json").read_text())
    summary["sessions"][0]["trials"][0]["file"] = "../clinic.sqlite3"
    (odd / "summary.json").write_text(json.dumps(summary))
    manifest = json.loads((odd / "manifest.json").read_text())  # re-signed: a consistent but malicious package
    manifest["files"]["summary.json"] = hashlib.sha256((odd / "summary.json").read_bytes()).hexdigest()
    manifest["package_id"] = "0" * 32
    text = json.dumps(manifest)
    (odd / "manifest.json").write_text(text)
    (odd / "manifest.sha256").write_text(hashlib.sha256(text.encode()).hexdigest() + "  manifest.json\n")
    before = len(clinic.sessions(patient.id))
    with pytest.raises(PackageError, match="names a recording not in the manifest"):
        import_package(clinic, odd)
    assert len(clinic.sessions(patient.id)) == before


def test_zip_packages(tmp_path):
    with Store(tmp_path / "clinic.sqlite3") as clinic, Store(tmp_path / "home.sqlite3") as home:
        pid = clinic.add_patient(affected_side="left", mass_kg=70.0).id
        home.add_patient(affected_side="left", mass_kg=70.0, patient_id=pid)
        for store in (clinic, home):
            save_prescription(store, _prescription(pid))
        simulate_course(home, pid, HomePatientCourse(3), 3, tmp_path / "rec", seed=7)
        zipped = export_package(home, pid, tmp_path / "home.zip")
        assert zipped.is_file() and not (tmp_path / "home.zip.partial").exists()
        cut = tmp_path / "cut.zip"
        cut.write_bytes(zipped.read_bytes()[: zipped.stat().st_size * 2 // 3])
        with pytest.raises(PackageError, match=r"cut\.zip is truncated"):
            import_package(clinic, cut)
        assert clinic.sessions(pid) == []
        result = import_package(clinic, zipped)
        assert len(result.session_ids) == 2 and result.n_trials == 4
        with pytest.raises(PackageError, match=r"home\.zip \(package .*already imported"):
            import_package(clinic, zipped)


def test_days_count_from_the_version_the_session_was_done_under(tmp_path):
    """The home device took the clinic's v2 only: its sessions still land on their true dates at the clinic."""
    with Store(tmp_path / "clinic.sqlite3") as clinic, Store(tmp_path / "home.sqlite3") as home:
        pid = clinic.add_patient(affected_side="left", mass_kg=70.0).id
        save_prescription(clinic, _prescription(pid))  # v1 from START
        v2 = save_prescription(clinic, replace(_prescription(pid), created="2026-10-19", sessions_per_week=2))
        home.add_patient(affected_side="left", mass_kg=70.0, patient_id=pid)
        save_prescription(home, v2, keep_version=True)
        simulate_course(home, pid, HomePatientCourse(2), 4, tmp_path / "rec", seed=8)  # days 0 and 3 of v2
        package = export_package(home, pid, tmp_path / "pkg")
        summary = json.loads((package / "summary.json").read_text())
        assert [(s["day"], s["prescription_version"]) for s in summary["sessions"]] == [(0, 2), (3, 2)]
        import_package(clinic, package)
        assert [s.date for s in clinic.sessions(pid)] == ["2026-10-19", "2026-10-22"]
        with Store(tmp_path / "other-clinic.sqlite3") as other:  # knows the patient but only v1
            other.add_patient(affected_side="left", mass_kg=70.0, patient_id=pid)
            save_prescription(other, _prescription(pid))
            with pytest.raises(PackageError, match=r"prescription version\(s\) \[2\]"):
                import_package(other, package)
            assert other.sessions(pid) == []
