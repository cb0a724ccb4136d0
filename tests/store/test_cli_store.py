"""The store commands end to end: patients, assessments with --patient, sessions, scores, report."""

from __future__ import annotations

import pytest

from station.cli import main
from station.store import ENV_VAR, Store


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_patient_assessment_scores_and_report(tmp_path, capsys, monkeypatch):
    store = tmp_path / "store.sqlite3"
    monkeypatch.setenv(ENV_VAR, str(store))
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "patients", "add", "--affected", "right", "--mass", "68", "--birth-year", "1955")
    assert code == 0
    pid = out.strip()
    for seed in ("1", "2"):
        code, out, err = _run(capsys, "assess", "standing", "--patient", pid, "--seconds", "12", "--json",
                              "--device-option", f"seed={seed}", "--device-option", "affected_share_pct=44")
        assert code == 0, err
        assert f"for patient {pid}" in err and f'"subject_id": "{pid}"' in out and '"affected_side": "right"' in out
    code, out, _ = _run(capsys, "sessions", "list", pid)
    assert code == 0 and "clinic      2  standing (eyes open, firm surface)" in out
    code, out, _ = _run(capsys, "scores", "add", pid, "tug_s=11.2", "pain_nrs=4")
    assert code == 0 and "tug_s = 11.2 s" in out
    code, out, _ = _run(capsys, "patients", "show", pid, "--store", str(store))
    assert "2 trials; pain_nrs=4, tug_s=11.2" in out and "born 1955" in out
    code, out, _ = _run(capsys, "patients", "list")
    assert pid in out and "68.0 kg" in out
    code, out, err = _run(capsys, "report", pid, "--out", str(tmp_path / "r.html"), "--target-band", "44,52")
    assert code == 0, err
    html = (tmp_path / "r.html").read_text()
    assert "clinician&#39;s target (44.0–52.0 %BW" in html and "fewer than 3 trials" in html
    with Store(store) as s:
        trials = s.trials(s.sessions(pid)[0].id)
        assert len(trials) == 2 and all(t.result["subject_id"] == pid for t in trials)


def test_clear_errors(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "s.sqlite3"))
    code, _, err = _run(capsys, "patients", "show", "BS-NOBODY00")
    assert code == 1 and err.startswith("station: error: unknown patient 'BS-NOBODY00'")
    code, _, err = _run(capsys, "patients", "add", "--affected", "left", "--mass", "-3")
    assert code == 1 and "body mass must be between 0 and 500 kg, got -3" in err
    code, out, _ = _run(capsys, "patients", "add", "--affected", "left")
    pid = out.strip()
    code, _, err = _run(capsys, "scores", "add", pid, "berg=70")
    assert code == 1 and "berg must be within 0-56 points, got 70" in err
    code, _, err = _run(capsys, "report", "BS-NOBODY00", "--out", str(tmp_path / "r.html"))
    assert code == 1 and "unknown patient" in err
    code, _, err = _run(capsys, "report", pid, "--out", str(tmp_path / "r.html"))
    assert code == 1 and "nothing to report" in err
    with pytest.raises(SystemExit):
        main(["report", pid, "--out", "r.html", "--target-band", "60,40"])
    assert "LOW < HIGH" in capsys.readouterr().err


def test_import_recordings_into_a_home_session(tmp_path, capsys):
    from drivers import registry
    from recordings.metadata import Subject
    from station.protocols.standing import run_standing

    store = tmp_path / "s.sqlite3"
    code, out, _ = _run(capsys, "patients", "add", "--affected", "left", "--store", str(store))
    pid = out.strip()
    path = tmp_path / "home.h5"
    run_standing(registry.create("sim", {"seed": 5}), path, Subject(pid, 70.0, "left"), seconds=12.0)
    code, out, err = _run(capsys, "sessions", "import", pid, str(path), "--place", "home", "--clinician", "remote",
                          "--store", str(store))
    assert code == 0, err
    assert out.strip() == f"{path}: trial 1 of session 1"
    with Store(store) as s:
        session = s.session(1)
        assert (session.place, session.clinician, session.n_trials) == ("home", "remote", 1)
    code, _, err = _run(capsys, "sessions", "import", pid, str(path), "--store", str(store))
    assert code == 1 and "already registered as trial 1 of session 1" in err
