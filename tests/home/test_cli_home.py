"""`station program ...` and `station home ...` end to end through main()."""

from __future__ import annotations

import json

import pytest

from station.cli import main
from station.store import ENV_VAR


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_program_and_home_commands(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "clinic.sqlite3"))
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "patients", "add", "--affected", "right", "--mass", "64")
    pid = out.strip()
    code, out, err = _run(capsys, "program", "show", pid)
    assert code == 1 and "has no home exercise prescription yet" in err
    code, out, err = _run(capsys, "program", "create", pid, "--sessions-per-week", "4", "--start", "2026-11-02")
    assert code == 0 and "v1" in out and "4 sessions a week" in out and "mini-squat: 2 x 8" in out
    code, out, err = _run(capsys, "program", "export", pid, "--out", "rx.json")
    assert code == 0
    data = json.loads((tmp_path / "rx.json").read_text())
    data["exercises"][0]["hold_s"] = 0
    (tmp_path / "bad.json").write_text(json.dumps(data))
    code, out, err = _run(capsys, "program", "edit", pid, "--from-json", "bad.json")
    assert code == 1 and "exercises[0].hold_s" in err and "hold exercise" in err
    data["exercises"][0]["hold_s"] = 12
    data["exercises"] = data["exercises"][:2]
    (tmp_path / "good.json").write_text(json.dumps(data))
    code, out, err = _run(capsys, "program", "edit", pid, "--from-json", "good.json", "--start", "2026-11-09")
    assert code == 0 and "v2" in out and "hold 12 s" in out
    code, out, _ = _run(capsys, "program", "show", pid, "--history", "--json")
    assert code == 0 and out.count('"version"') == 2
    code, out, err = _run(capsys, "program", "edit", pid, "--dose", "step-up-affected:2x6,min=85,rest=45",
                          "--remove", "weight-shift", "--start", "2026-11-16")
    assert code == 0, err
    assert "v3" in out and "step-up-affected: 2 x 6, rest 45 s; target affected limb >= 85 %BW" in out
    assert "weight-shift" not in out
    code, out, err = _run(capsys, "program", "edit", pid, "--dose", "weight-shift:1x5,min=70,max=60,hold=5")
    assert code == 1 and "minimum 70 %BW is not below maximum 60 %BW" in err
    code, out, err = _run(capsys, "program", "edit", pid, "--dose", "weight-shift:1x5")
    assert code == 1 and "hold exercise" in err
    with pytest.raises(SystemExit) as usage:
        main(["program", "edit", pid, "--dose", "juggling:1x5"])
    assert usage.value.code == 2 and "expected KEY:SETSxREPS" in capsys.readouterr().err
    code, out, err = _run(capsys, "program", "edit", pid, "--remove", "stance-foam")
    assert code == 1 and "not in the prescription" in err
    code, out, _ = _run(capsys, "program", "show", pid, "--history")
    assert code == 0 and out.count("Prescription v") == 3  # refused edits stored nothing

    # the home device: its own store; the prescription brings the pseudonym and the affected side
    home = str(tmp_path / "home.sqlite3")
    code, out, err = _run(capsys, "program", "export", pid, "--out", "rx3.json")
    assert code == 0, err
    code, out, err = _run(capsys, "program", "import", "rx3.json", "--store", home)
    assert code == 1 and "give --mass KG" in err
    code, out, err = _run(capsys, "program", "import", "rx3.json", "--store", home, "--mass", "64")
    assert code == 0 and f"registered patient {pid} (right side affected, 64 kg)" in out, err
    assert "Prescription v3" in out and "from 2026-11-16" in out
    code, out, err = _run(capsys, "program", "import", "rx3.json", "--store", home)
    assert code == 1 and "not newer than the stored v3" in err
    code, out, err = _run(capsys, "home", "--patient", pid, "--store", home, "--device", "sim-wbb")
    assert code == 1 and "--pain-before" in err  # a real patient, no terminal (tests): pain must come from flags
    code, out, err = _run(capsys, "home", "--patient", pid, "--store", home, "--speed", "0", "--pain-before", "2",
                          "--pain-after", "3")
    assert code == 0, err
    assert "repetitions counted" in out and "Session 1" in out and "stored as session" in out
    code, out, err = _run(capsys, "home", "--store", home, "export", "--patient", pid, "--out", "pkg")
    assert code == 0 and (tmp_path / "pkg" / "manifest.json").exists()
    code, out, err = _run(capsys, "home", "import", "pkg")
    assert code == 0 and f"imported 1 home sessions (3 sets) for patient {pid}" in out
    code, out, err = _run(capsys, "home", "import", "pkg")
    assert code == 1 and "already imported" in err
    code, out, err = _run(capsys, "home", "status", pid)
    assert code == 0, err
    assert "prescription v3" in out and "days with data in the last 30: 1" in out and "/4 so far" in out
    assert "suggestion: hold (not enough sessions)" in out
    code, out, err = _run(capsys, "home", "status", pid, "--json")
    assert code == 0 and json.loads(out)["progression"]["rule"] == "not enough sessions"


def test_demo_runs_from_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "home", "--device", "sim", "--demo", "--speed", "0", "--store",
                          str(tmp_path / "demo.sqlite3"))
    assert code == 0, err
    assert "demo: patient BS-" in out and "2 of 2 repetitions done" in out and "4 of 4 repetitions done" in out


def test_home_on_the_simulated_board_without_a_patient_is_the_demo(tmp_path, capsys, monkeypatch):
    """`station home --device sim` from a fresh install (issue 11's demo command) runs the demo, and a real
    device without --patient is still refused."""
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "home", "--device", "sim", "--speed", "0", "--store", str(tmp_path / "s.sqlite3"))
    assert code == 0, err
    assert "running the demo" in out and "4 of 4 repetitions done" in out
    code, out, err = _run(capsys, "home", "--device", "wbb:/dev/nonexistent-hidraw", "--store",
                          str(tmp_path / "s.sqlite3"))
    assert code != 0 and "--patient" in err
