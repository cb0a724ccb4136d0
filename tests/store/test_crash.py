"""A process killed mid-write leaves a sound store: each trial is there whole or not at all."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from station.store import Store

CHILD = Path(__file__).with_name("_writer_proc.py")
ROOT = Path(__file__).resolve().parents[2]


def _start(path: Path, mode: str, session_id: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), str(path), mode, str(session_id)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True, env={"PYTHONPATH": str(ROOT)})


def _store_with_session(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "store.sqlite3"
    with Store(path) as store:
        pid = store.add_patient(affected_side="left").id
        sid = store.add_session(pid, "2026-01-01").id
    return path, sid


def test_killed_inside_a_transaction_leaves_no_trial(tmp_path):
    path, sid = _store_with_session(tmp_path)
    child = _start(path, "hold", sid)
    assert child.stdout.readline().strip() == "inside"
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    with Store(path) as store:
        assert store.integrity_check() == "ok"
        assert store.trials(sid) == []
        store.add_session(store.session(sid).patient_id, "2026-01-02")  # and it is writable again


def test_killed_while_committing_trial_after_trial(tmp_path):
    path, sid = _store_with_session(tmp_path)
    child = _start(path, "loop", sid)
    committed = 0
    while committed < 15:
        committed = int(child.stdout.readline())
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    with Store(path) as store:
        assert store.integrity_check() == "ok"
        trials = store.trials(sid)
        # every trial reported as committed is there; at most one more that committed before the kill landed
        assert committed <= len(trials) <= committed + 2
        for k, trial in enumerate(trials, start=1):
            assert trial.result["k"] == k and len(trial.result["values"]) == 20000
            assert json.loads(json.dumps(trial.result)) == trial.result
