"""HBEDB, PDS and CSV importers: axes, units and per-limb loads from files generated from known signals;
malformed files fail with an error naming the line or the field."""

import json

import numpy as np
import pytest

from analysis.cop import cop_from_cells, cop_from_six_component
from analysis.standing import analyze_standing
from drivers.model import ChannelLayout
from recordings.importers import read_trial, write_recording
from recordings.importers.csv_columns import parse_column_map
from recordings.metadata import Subject
from recordings.reader import open_recording
from station.cli import main
from station.protocols.standing import analyze_standing_recording
from tests.recordings.importers._files import FS, PDS_HEADER, known_signal, write_hbedb, write_pds

# float32 storage of Fz and of the moments rebuilt from the COP: the COP comes back within ~1e-7 relative
COP_ATOL_MM = 1e-4


def test_hbedb_import_maps_axes_and_units(tmp_path):
    s = known_signal()
    write_hbedb(tmp_path / "BDS00001.txt", s)
    out = write_recording(read_trial(tmp_path / "BDS00001.txt", "hbedb"), tmp_path / "r.h5", Subject("S1", 70.0))
    rec = open_recording(out)
    assert rec.device.layout == ChannelLayout.SIX_COMPONENT
    assert rec.protocol == "standing" and rec.settings["import.format"] == "hbedb"
    assert rec.device.nominal_rate_hz == pytest.approx(FS)
    cop = cop_from_six_component(rec.forces_n, rec.device.origin_offset_mm)
    np.testing.assert_allclose(cop.cop_x_mm, 10 * s["ml_cm"], atol=COP_ATOL_MM)  # x = ML = COPy, cm -> mm
    np.testing.assert_allclose(cop.cop_y_mm, 10 * s["ap_cm"], atol=COP_ATOL_MM)  # y = AP = COPx
    np.testing.assert_allclose(rec.forces_n[:, 2], s["fz"], rtol=1e-7)
    np.testing.assert_allclose(rec.forces_n[:, 0], s["fy"], atol=1e-5)  # Fx(station) = Fy(file): ML
    np.testing.assert_allclose(rec.forces_n[:, 1], s["fx"], atol=1e-5)
    # the file's Mz is the moment about the surface centre; stored about the trial's median COP R = (ox, oy, 0)
    ox, oy, oz = rec.device.origin_offset_mm
    assert (ox, oy, oz) == pytest.approx((10 * np.median(s["ml_cm"]), 10 * np.median(s["ap_cm"]), 0.0), rel=1e-12)
    f = rec.forces_n.astype(np.float64)
    np.testing.assert_allclose(f[:, 5] + (ox * f[:, 1] - oy * f[:, 0]) / 1000.0, s["mz"], atol=1e-6)
    np.testing.assert_allclose(rec.t_s, s["t"], rtol=0, atol=0)


def test_hbedb_without_a_header_uses_the_format_columns(tmp_path):
    s = known_signal(500)
    write_hbedb(tmp_path / "a.txt", s, header=False)
    trial = read_trial(tmp_path / "a.txt", "hbedb")
    np.testing.assert_allclose(trial.plates[0].cop_x_mm, 10 * s["ml_cm"], rtol=1e-15)


def test_imported_hbedb_through_the_cli_matches_the_preset_on_the_file_values(tmp_path, capsys):
    from analysis.presets import run_preset

    s = known_signal(6000, seed=3)
    write_hbedb(tmp_path / "t.txt", s)
    assert main(["import", str(tmp_path / "t.txt"), "--format", "hbedb", "--subject", "P07", "--mass", "71",
                 "--out", str(tmp_path / "t.h5")]) == 0
    capsys.readouterr()
    assert main(["analyze", str(tmp_path / "t.h5"), "--preset", "hbedb", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    direct = run_preset(s["t"], 10 * s["ml_cm"], 10 * s["ap_cm"], "hbedb")
    assert report["preset"] == "hbedb" and report["subject_id"] == "P07"
    assert report["settings"]["preprocess"]["lowpass_hz"] is None
    # through the file (float32 channels) the numbers agree to the storage precision
    assert report["sway"]["ellipse95_area_mm2"] == pytest.approx(direct.sway.ellipse95_area_mm2, rel=1e-5)
    assert report["sway"]["mean_velocity_mm_s"] == pytest.approx(direct.sway.mean_velocity_mm_s, rel=1e-4)
    assert report["sway"]["mean_power_frequency_hz"] == pytest.approx(
        direct.mean_power.mean_power_frequency_hz, rel=1e-5)
    # a single-plate recording without --preset gets the default preset (no per-limb loads)
    assert main(["analyze", str(tmp_path / "t.h5"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["preset"] == "default"


def _pds_signal(n=2000):
    """Two feet as in the published files (PDS13OR1: right COP_Z ≈ +0.086 m, left ≈ −0.087 m, COP_X ≈ 0.21 m,
    the shear reactions pointing to the midline), rounded to the files' 6 decimals."""
    t = np.arange(n) / FS
    right = {"fy": 420.0 + 10 * np.sin(2 * np.pi * 0.25 * t), "fx": 1.0 + 0 * t, "fz": -11.2 + 0 * t,
             "copx": 0.209 + 0.004 * np.sin(2 * np.pi * 0.2 * t), "copz": 0.086 + 0.002 * np.cos(2 * np.pi * 0.3 * t)}
    left = {"fy": 280.0 - 10 * np.sin(2 * np.pi * 0.25 * t), "fx": -0.5 + 0 * t, "fz": 10.6 + 0 * t,
            "copx": 0.221 + 0.003 * np.cos(2 * np.pi * 0.2 * t), "copz": -0.087 + 0.002 * np.sin(2 * np.pi * 0.3 * t)}
    rounded = [{k: np.round(v, 6) for k, v in side.items()} for side in (right, left)]
    return np.round(t, 6), rounded[0], rounded[1]


def test_pds_import_gives_per_limb_loads_and_the_net_cop(tmp_path):
    t, right, left = _pds_signal()
    write_pds(tmp_path / "PDS01OR1grf.txt", t, right, left)
    assert (tmp_path / "PDS01OR1grf.txt").read_text().split("\n")[0] == PDS_HEADER  # the real header, verbatim
    out = write_recording(read_trial(tmp_path / "PDS01OR1grf.txt", "pds"), tmp_path / "p.h5",
                          Subject("P1", affected_side="left"))
    rec = open_recording(out)
    assert rec.device.layout == ChannelLayout.LOAD_CELLS and rec.n_samples == t.size
    pos = rec.device.sensor_positions()
    left_cells, right_cells = pos[:, 0] < 0, pos[:, 0] > 0
    assert left_cells.sum() == 3 and right_cells.sum() == 3
    np.testing.assert_allclose(rec.forces_n[:, left_cells].sum(axis=1), left["fy"], rtol=1e-5)
    np.testing.assert_allclose(rec.forces_n[:, right_cells].sum(axis=1), right["fy"], rtol=1e-5)
    # net COP = Fz-weighted mean of the feet; x from the midline between the feet's mean ML (m -> mm)
    midline = 0.5 * (left["copz"].mean() + right["copz"].mean())
    total = left["fy"] + right["fy"]
    expect_x = 1000 * ((left["copz"] - midline) * left["fy"] + (right["copz"] - midline) * right["fy"]) / total
    expect_y = 1000 * (left["copx"] * left["fy"] + right["copx"] * right["fy"]) / total
    cop = cop_from_cells(rec.forces_n, pos)
    np.testing.assert_allclose(cop.cop_x_mm, expect_x, atol=1e-3)
    np.testing.assert_allclose(cop.cop_y_mm, expect_y, atol=1e-3)
    # ... which is the file's own COPNET (force-weighted, as in the data set) in station axes
    table = np.loadtxt(tmp_path / "PDS01OR1grf.txt", skiprows=1)
    names = PDS_HEADER.split("\t")
    np.testing.assert_allclose(cop.cop_x_mm, 1000 * (table[:, names.index("COPNET_Z")] - midline), atol=2e-3)
    np.testing.assert_allclose(cop.cop_y_mm, 1000 * table[:, names.index("COPNET_X")], atol=2e-3)
    trial = read_trial(tmp_path / "PDS01OR1grf.txt", "pds")
    np.testing.assert_array_equal(trial.plates[1].fx_n, right["fz"])  # ML shear, + right: the right foot's points left
    np.testing.assert_array_equal(trial.plates[1].fy_n, right["fx"])
    # the standing analysis gives the per-limb loads in %BW
    result = analyze_standing_recording(rec)
    assert result.weight_bearing.affected_load_pct_bw == pytest.approx(100 * 280 / 700, rel=1e-4)
    direct = analyze_standing(rec.t_s, rec.seq, rec.forces_n, pos, "left")
    assert direct.weight_bearing == result.weight_bearing


def test_pds_with_z_pointing_left_is_refused(tmp_path):
    t, right, left = _pds_signal(200)
    right["copz"], left["copz"] = -right["copz"], -left["copz"]
    write_pds(tmp_path / "p.txt", t, right, left)
    with pytest.raises(ValueError, match="Z does not point to the right"):
        read_trial(tmp_path / "p.txt", "pds")


def test_csv_import_with_a_column_mapping_and_units(tmp_path):
    s = known_signal(400)
    path = tmp_path / "lab.csv"
    with open(path, "w") as fh:
        fh.write("Time,Force Z,CoP ML,CoP AP\n")
        for i in range(400):
            row = (s["t"][i], -s["fz"][i], s["ml_cm"][i] / 100, s["ap_cm"][i] / 100)
            fh.write(",".join(repr(float(v)) for v in row) + "\n")
    columns = parse_column_map("t=Time,fz=-Force Z,cop_x=CoP ML,cop_y=CoP AP")
    trial = read_trial(path, "csv", columns=columns, units="m")
    np.testing.assert_allclose(trial.plates[0].fz_n, s["fz"], rtol=1e-15)
    np.testing.assert_allclose(trial.plates[0].cop_x_mm, 10 * s["ml_cm"], rtol=1e-12)
    np.testing.assert_allclose(trial.plates[0].cop_y_mm, 10 * s["ap_cm"], rtol=1e-12)
    assert main(["import", str(path), "--format", "csv", "--columns", "t=Time,fz=-Force Z,cop_x=CoP ML,cop_y=CoP AP",
                 "--units", "m", "--out", str(tmp_path / "c.h5")]) == 0
    assert open_recording(tmp_path / "c.h5").settings["import.axis_mapping"].endswith("COP in m")


# --- malformed files -----------------------------------------------------------------------------------

def test_hbedb_missing_column_is_named(tmp_path):
    p = tmp_path / "m.txt"
    p.write_text("Time\tFx\tFy\tFz\tMx\tMy\tMz\tCOPx\n0\t0\t0\t700\t0\t0\t0\t1\n")
    with pytest.raises(ValueError, match="missing column 'COPy'"):
        read_trial(p, "hbedb")


def test_hbedb_wrong_units_are_named(tmp_path):
    s = known_signal(50)
    write_hbedb(tmp_path / "u.txt", s, units=("s", "N", "N", "N", "N.m", "N.m", "N.m", "mm", "cm"))
    with pytest.raises(ValueError, match="field 'COPx' is in 'mm'; the HBEDB format has cm"):
        read_trial(tmp_path / "u.txt", "hbedb")


def test_truncated_file_names_the_line(tmp_path):
    s = known_signal(50)
    write_hbedb(tmp_path / "t.txt", s)
    text = (tmp_path / "t.txt").read_text()
    (tmp_path / "t.txt").write_text(text[: text.rindex("\t")])  # cut inside the last row
    with pytest.raises(ValueError, match=r"line 51: expected 9 fields .* got 8 \(truncated file\?\)"):
        read_trial(tmp_path / "t.txt", "hbedb")


def test_non_numeric_field_names_line_and_field(tmp_path):
    s = known_signal(20)
    write_hbedb(tmp_path / "n.txt", s)
    lines = (tmp_path / "n.txt").read_text().splitlines()
    fields = lines[5].split("\t")
    fields[3] = "abc"
    lines[5] = "\t".join(fields)
    (tmp_path / "n.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="line 6: field 'Fz' is not a number: 'abc'"):
        read_trial(tmp_path / "n.txt", "hbedb")


def test_pds_wrong_units_missing_columns_and_unloaded_plate(tmp_path):
    t, right, left = _pds_signal(100)
    write_pds(tmp_path / "u.txt", t, right, left, units={"RCOP_X": "mm"})
    with pytest.raises(ValueError, match="field 'RCOP_X' is in 'mm'; the PDS format has m"):
        read_trial(tmp_path / "u.txt", "pds")
    write_pds(tmp_path / "m.txt", t, right, left, drop=("LCOP_Z",))
    with pytest.raises(ValueError, match="missing column 'LCOP_Z'"):
        read_trial(tmp_path / "m.txt", "pds")
    # the column names an earlier version of this importer guessed from the paper are not the real ones
    old = tmp_path / "old.txt"
    with open(old, "w") as fh:
        fh.write("Time\tRFx\tRFy\tRFz\tRCOPx\tRCOPz\tLFx\tLFy\tLFz\tLCOPx\tLCOPz\n")
        fh.write("\t".join(["0.0"] * 11) + "\n" + "\t".join(["0.01"] * 11) + "\n")
    with pytest.raises(ValueError, match="missing column 'RGRF_X'"):
        read_trial(old, "pds")
    write_pds(tmp_path / "trunc.txt", t, right, left)
    lines = (tmp_path / "trunc.txt").read_text().splitlines()
    (tmp_path / "trunc.txt").write_text("\n".join([*lines[:-1], lines[-1].rsplit("\t", 3)[0]]) + "\n")
    with pytest.raises(ValueError, match=r"line 101: expected 21 fields .* got 18 \(truncated file\?\)"):
        read_trial(tmp_path / "trunc.txt", "pds")
    write_pds(tmp_path / "bare.txt", t, right, left, header=False)  # no header: the published column order
    np.testing.assert_array_equal(read_trial(tmp_path / "bare.txt", "pds").plates[0].fz_n, left["fy"])
    left["fy"] = 0 * t
    write_pds(tmp_path / "e.txt", t, right, left)
    with pytest.raises(ValueError, match=r"'LGRF_Y' .* not on its plate"):
        read_trial(tmp_path / "e.txt", "pds")


@pytest.mark.parametrize(("text", "message"), [
    ("t=Time,fz=Fz,cop_x=X", "missing cop_y"),
    ("t=Time,fz=Fz,cop_x=X,cop_y=Y,speed=V", "unknown key 'speed'"),
    ("t=Time,fz,cop_x=X,cop_y=Y", "'fz' is not KEY=COLUMN"),
])
def test_csv_column_map_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_column_map(text)


def test_cli_import_error_is_one_line(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("Time\tFz\n0\t1\n")
    assert main(["import", str(tmp_path / "x.txt"), "--format", "hbedb", "--out", str(tmp_path / "x.h5")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing column 'Fx'" in err
    assert not (tmp_path / "x.h5").exists()


def test_imported_recordings_replay_and_export_like_any_other(tmp_path):
    from recordings.replay import ReplayDevice, ReplayFinished

    s = known_signal(300)
    write_hbedb(tmp_path / "h.txt", s)
    out = write_recording(read_trial(tmp_path / "h.txt", "hbedb"), tmp_path / "h.h5", Subject("S1"))
    rec = open_recording(out)
    blocks = []
    with ReplayDevice(str(out)) as device:
        device.start()
        while True:
            try:
                block = device.read(0.1)
            except ReplayFinished:
                break
            if block is not None:
                blocks.append(block)
    replayed = np.concatenate([b.forces_n for b in blocks])
    assert replayed.tobytes() == rec.forces_n.tobytes()
    assert main(["export", str(out), "--to", "csv", "--out", str(tmp_path / "h.csv")]) == 0
    lines = (tmp_path / "h.csv").read_text().splitlines()
    columns = next(line for line in lines if not line.startswith("#"))
    assert columns.startswith("t_s,seq,Fx,Fy,Fz,Mx,My,Mz")
    assert sum(1 for line in lines if line[:1].isdigit()) == 300
