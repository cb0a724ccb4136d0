"""One protocol table: the store, ``station analyze`` and the report read the same row, and a new assessment is one
more row (here a made-up one, recorded from the simulated board)."""

import json

import numpy as np
import pytest

from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from recordings.metadata import Subject
from recordings.reader import open_recording
from station.cli import main
from station.protocols import table
from station.protocols.table import PROTOCOLS, ProtocolSpec, protocol_spec
from station.protocols.trial import record_trial
from station.reports.metrics import MetricSpec
from station.reports.model import model_from_store
from station.store import Store
from station.store.register import analysis_result, register_recording


def _mean_fz(rec):
    return {"mean_fz_n": float(np.mean(rec.forces_n.sum(axis=1))), "n_samples": rec.n_samples}


def _report(analysis, rec):
    return {"protocol": rec.protocol, "subject_id": rec.subject.id, "settings": {"window": "all"}, **analysis}


ROW = ProtocolSpec("reach", _mean_fz, _report, lambda r: f"mean Fz {r['mean_fz_n']:.0f} N",
                   (MetricSpec("mean_fz_n", "Mean vertical force", "N", 0),),
                   (MetricSpec("mean_fz_n", "Mean vertical force", "N", 0),), "steps")


def test_a_new_assessment_is_one_row(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(PROTOCOLS, "reach", ROW)
    store = Store(tmp_path / "s.sqlite3")
    pid = store.add_patient(affected_side="left", mass_kg=70.0).id
    path = tmp_path / "reach.h5"
    board = SimulatedWiiBalanceBoard(seed=2, mass_kg=70.0, tare_s=0)
    rec, _ = record_trial(board, path, Subject(pid, 70.0, "left"), protocol="reach", seconds=2.0, settings={})
    expected = float(np.mean(open_recording(path).forces_n.sum(axis=1)))  # the file read back independently
    assert expected == pytest.approx(70.0 * 9.80665, rel=0.05)  # the simulated subject's weight
    assert analysis_result(rec)["mean_fz_n"] == expected  # the store's analysis is the row's
    trial = register_recording(store, pid, path)
    assert trial.result["mean_fz_n"] == expected and trial.settings == {"window": "all"}
    assert main(["analyze", str(path)]) == 0 and capsys.readouterr().out.strip() == f"mean Fz {expected:.0f} N"
    assert main(["analyze", str(path), "--json"]) == 0 and json.loads(capsys.readouterr().out)["n_samples"] > 100
    (page,) = model_from_store(store, pid).assessments  # the report's page takes the row's measures
    assert page.protocol == "reach" and page.page == "steps"
    assert [(r.spec.label, r.values) for r in page.rows] == [("Mean vertical force", [expected])]


def test_protocols_without_an_analysis_are_refused_clearly(tmp_path):
    assert protocol_spec("") is PROTOCOLS["standing"]  # files older than the protocol attribute
    with pytest.raises(ValueError, match=r"no clinical analysis for protocol 'training\.weight_shift'"):
        protocol_spec("training.weight_shift")
    path = tmp_path / "t.h5"
    board = SimulatedWiiBalanceBoard(seed=1, tare_s=0)
    record_trial(board, path, Subject("P1", 70.0, "left"), protocol="home", seconds=1.0, settings={})
    with pytest.raises(ValueError, match="analysed when it is recorded"):
        protocol_spec("home").analysed_report(open_recording(path))
    assert set(table.PROTOCOLS) >= {"standing", "walking", "stepping", "home"}
