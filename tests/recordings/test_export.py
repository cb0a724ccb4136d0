"""Exports: CSV parses back to the same values, C3D read back by ezc3d gives our COP and forces,
tidy metrics, de-identification."""

from __future__ import annotations

import csv
from pathlib import Path

import ezc3d
import numpy as np
import pytest
from _fixtures import lab_plate_info, make_block

import recordings
from analysis.cop import cop_from_cells
from drivers.model import SIX_COMPONENT_CHANNELS, SIX_COMPONENT_UNITS, ChannelLayout, DeviceInfo, SampleBlock
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from recordings.export_c3d import is_uniform
from recordings.metadata import Subject
from recordings.writer import RecordingWriter
from station.cli import main
from station.protocols.standing import analyze_standing_recording, run_standing

SUBJECT = Subject(id="P-042", mass_kg=70.0, affected_side="left", height_m=1.7)
F32_EPS = float(np.finfo(np.float32).eps)


@pytest.fixture()
def plate_file(tmp_path: Path) -> Path:
    path = tmp_path / "plate.h5"
    with RecordingWriter(path, lab_plate_info(), SUBJECT, {"duration_s": (2.0, "s")}, protocol="standing") as writer:
        for i in range(40):
            writer.append(make_block(i * 50, 50))
    return path


@pytest.fixture(scope="module")
def board_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "board.h5"
    run_standing(SimulatedWiiBalanceBoard(seed=5, dropout=0.01), path, SUBJECT, seconds=6.0)
    return path


def _read_csv(path: Path) -> tuple[list[str], list[str], list[str], np.ndarray]:
    lines = path.read_text(encoding="utf-8").splitlines()
    meta = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#")]
    names, units = body[0].split(","), body[1].split(",")
    values = np.array([[float(v) for v in row] for row in csv.reader(body[2:])])
    return meta, names, units, values


def test_csv_ParsesBackToTheSameValues(plate_file: Path) -> None:
    assert main(["export", str(plate_file), "--to", "csv"]) == 0
    meta, names, units, values = _read_csv(plate_file.with_suffix(".csv"))
    rec = recordings.open(plate_file)
    assert names[:6] == ["t_s", "seq", "TR", "BR", "TL", "BL"] and units[:6] == ["s", "count", "N", "N", "N", "N"]
    assert names[-3:] == ["fz_n", "cop_x_mm", "cop_y_mm"] and units[-3:] == ["N", "mm", "mm"]
    assert values.shape[0] == rec.n_samples == 2000
    np.testing.assert_array_equal(values[:, 0], rec.t_s)  # bit-exact float64
    np.testing.assert_array_equal(values[:, 1].astype(np.uint64), rec.seq)
    np.testing.assert_array_equal(values[:, 2:6].astype(np.float32), rec.forces_n)  # bit-exact float32
    np.testing.assert_array_equal(values[:, 6:10].astype(np.int32), rec.raw)
    cop = cop_from_cells(rec.forces_n, rec.device.sensor_positions())
    np.testing.assert_allclose(values[:, -2], cop.cop_x_mm, atol=1e-6)
    assert "# subject_id: P-042" in meta
    assert not any("SN-12345" in line or "plate.h5" in line for line in meta)  # de-identified


def test_csv_KeepIdentifiersOnRequestAndNeverOverwrites(plate_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = plate_file.with_name("full.csv")
    assert main(["export", str(plate_file), "--to", "csv", "--out", str(out), "--keep-identifiers"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "# device_serial: SN-12345" in text and "# source_file: plate.h5" in text
    assert main(["export", str(plate_file), "--to", "csv", "--out", str(out)]) == 1
    assert "exists" in capsys.readouterr().err


def test_csv_NumpyRecipeFromTheDocstring(board_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.csv"
    assert main(["export", str(board_file), "--to", "csv", "--out", str(out)]) == 0
    n_meta = sum(1 for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
    values = np.genfromtxt(out, delimiter=",", comments="#", skip_header=n_meta + 2)
    rec = recordings.open(board_file)
    np.testing.assert_array_equal(values[:, 0], rec.t_s)
    assert np.isnan(values[:, -1]).sum() == 0  # somebody stood on the board throughout


def test_c3d_CopWithin1umAndForcesWithinFloat32(plate_file: Path) -> None:
    out = plate_file.with_suffix(".c3d")
    assert main(["export", str(plate_file), "--to", "c3d"]) == 0
    rec = recordings.open(plate_file)
    c3d = ezc3d.c3d(str(out), extract_forceplat_data=True)
    platform = c3d["data"]["platform"][0]
    assert (platform["unit_force"], platform["unit_moment"], platform["unit_position"]) == ("N", "Nmm", "mm")
    cop = cop_from_cells(rec.forces_n, rec.device.sensor_positions())
    assert np.all(cop.loaded)
    assert np.max(np.abs(platform["center_of_pressure"][0] - cop.cop_x_mm)) < 1e-3  # mm: 1 µm
    assert np.max(np.abs(platform["center_of_pressure"][1] - cop.cop_y_mm)) < 1e-3
    np.testing.assert_array_equal(platform["force"][:2], 0.0)
    assert np.all(np.abs(platform["force"][2] - cop.fz_n) <= F32_EPS * cop.fz_n)  # one float32 rounding
    analogs = c3d["data"]["analogs"][0]
    labels = c3d["parameters"]["ANALOG"]["LABELS"]["value"]
    assert labels == ["Fx1", "Fy1", "Fz1", "Mx1", "My1", "Mz1", "TR", "BR", "TL", "BL"]
    assert c3d["parameters"]["ANALOG"]["UNITS"]["value"] == ["N", "N", "N", "Nmm", "Nmm", "Nmm", "N", "N", "N", "N"]
    np.testing.assert_array_equal(analogs[6:].T.astype(np.float32), rec.forces_n)  # the cells exactly
    assert c3d["header"]["analogs"]["frame_rate"] == 1000.0
    fp = c3d["parameters"]["FORCE_PLATFORM"]
    assert int(fp["TYPE"]["value"][0]) == 2 and int(fp["USED"]["value"][0]) == 1
    assert "SERIAL" not in c3d["parameters"]["MANUFACTURER"]
    assert c3d["parameters"]["SUBJECTS"]["NAMES"]["value"] == ["P-042"]


def test_c3d_SixComponentPlateAsItIs(tmp_path: Path) -> None:
    info = DeviceInfo(
        driver="test", model="6-axis", serial="X", nominal_rate_hz=500.0, channel_names=SIX_COMPONENT_CHANNELS,
        channel_units=SIX_COMPONENT_UNITS, layout=ChannelLayout.SIX_COMPONENT, surface_size_mm=(600.0, 400.0),
    )
    n = 500
    rng = np.random.default_rng(3)
    fz = 600 + rng.normal(0, 5, n)
    cop_x, cop_y = rng.normal(12, 3, n), rng.normal(-30, 3, n)
    forces = np.column_stack([rng.normal(0, 2, n), rng.normal(0, 2, n), fz, fz * cop_y / 1000, -fz * cop_x / 1000,
                              np.zeros(n)]).astype(np.float32)
    path = tmp_path / "six.h5"
    with RecordingWriter(path, info, SUBJECT) as writer:
        writer.append(SampleBlock(t_s=np.arange(n) / 500.0, seq=np.arange(n), forces_n=forces, host_rx_s=0.0))
    assert main(["export", str(path), "--to", "c3d"]) == 0
    platform = ezc3d.c3d(str(path.with_suffix(".c3d")), extract_forceplat_data=True)["data"]["platform"][0]
    f = forces.astype(np.float64)
    np.testing.assert_allclose(platform["center_of_pressure"][0], -f[:, 4] * 1000 / f[:, 2], atol=1e-3)
    np.testing.assert_allclose(platform["center_of_pressure"][1], f[:, 3] * 1000 / f[:, 2], atol=1e-3)


def test_c3d_IrregularBoardIsResampled(board_file: Path) -> None:
    rec = recordings.open(board_file)
    assert not is_uniform(rec)
    out = board_file.with_name("board.c3d")
    assert main(["export", str(board_file), "--to", "c3d", "--out", str(out), "--rate", "50"]) == 0
    c3d = ezc3d.c3d(str(out), extract_forceplat_data=True)
    assert c3d["header"]["analogs"]["frame_rate"] == 50.0
    assert c3d["parameters"]["MANUFACTURER"]["RESAMPLED"]["value"] == ["SWARII to 50 Hz"]
    n = c3d["data"]["analogs"].shape[2]
    assert abs(n - 50 * (rec.t_s[-1] - rec.t_s[0])) <= 2
    cop = cop_from_cells(rec.forces_n, rec.device.sensor_positions())
    mean_cop_x = np.nanmean(c3d["data"]["platform"][0]["center_of_pressure"][0])
    assert abs(mean_cop_x - np.nanmean(cop.cop_x_mm)) < 1.0  # the same standing position, mm


def test_metrics_TidyRowsWithUnits(board_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    assert main(["export", str(board_file), "--to", "metrics", "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["subject", "session", "trial", "metric", "value", "unit"]
    by_metric = {r["metric"]: r for r in rows}
    result = analyze_standing_recording(recordings.open(board_file))
    row = by_metric["weight_bearing.affected_load_pct_bw"]
    assert float(row["value"]) == result.weight_bearing.affected_load_pct_bw and row["unit"] == "%BW"
    assert by_metric["sway.mean_velocity_mm_s"]["unit"] == "mm/s"
    assert by_metric["sway.ellipse95_area_mm2"]["unit"] == "mm²"
    assert by_metric["body_mass_kg"]["unit"] == "kg" and by_metric["n_samples"]["unit"] == "count"
    assert by_metric["settings.lowpass_hz"]["unit"] == "Hz"
    assert {r["subject"] for r in rows} == {"P-042"}
    assert {r["trial"] for r in rows} == {"board"}
    assert all(r["session"] == recordings.open(board_file).created_utc[:10] for r in rows)
