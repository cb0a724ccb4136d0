"""C3D import: files written with ezc3d from known forces and moments give the analytic COP within 1 µm."""

import numpy as np
import pytest

ezc3d = pytest.importorskip("ezc3d")  # the c3d extra is part of dev: this never skips in the dev install

from analysis.cop import cop_from_six_component  # noqa: E402
from recordings.importers import read_trial, write_recording  # noqa: E402
from recordings.metadata import Subject  # noqa: E402
from recordings.reader import open_recording  # noqa: E402
from station.cli import main  # noqa: E402

FS = 200.0


def write_c3d(path, plate_type, data, units, origin, corners, cal=None, extra=None):
    """One force platform over analog channels 1..k (k = data rows); ``origin=None`` leaves ORIGIN empty."""
    c = ezc3d.c3d()
    k, n = data.shape
    c["parameters"]["POINT"]["RATE"]["value"] = [FS]
    c["parameters"]["POINT"]["UNITS"]["value"] = ["mm"]
    c["parameters"]["ANALOG"]["RATE"]["value"] = [FS]
    c["parameters"]["ANALOG"]["LABELS"]["value"] = [f"ch{i + 1}" for i in range(k)]
    c["parameters"]["ANALOG"]["UNITS"]["value"] = units
    c["data"]["points"] = np.zeros((4, 0, n))
    c["data"]["analogs"] = data[None]
    c.add_parameter("FORCE_PLATFORM", "USED", [1])
    c.add_parameter("FORCE_PLATFORM", "TYPE", [plate_type])
    c.add_parameter("FORCE_PLATFORM", "ZERO", [1, 0])
    c.add_parameter("FORCE_PLATFORM", "CORNERS", corners[:, :, None])
    if origin is not None:
        c.add_parameter("FORCE_PLATFORM", "ORIGIN", np.asarray(origin, float)[:, None])
    c.add_parameter("FORCE_PLATFORM", "CHANNEL", np.arange(1.0, k + 1.0)[:, None])
    if cal is not None:
        c.add_parameter("FORCE_PLATFORM", "CAL_MATRIX", cal[:, :, None])
    for name, values in (extra or {}).items():
        c.add_parameter("FORCE_PLATFORM", name, values)
    for name, values in (("USED", [1]), ("TYPE", [plate_type]), ("ZERO", [1, 0]),
                         ("CHANNEL", np.arange(1, k + 1)[:, None])):
        param = c["parameters"]["FORCE_PLATFORM"][name]  # INT, not the FLOAT add_parameter makes (§3.3)
        param["type"] = 2
        param["value"] = np.asarray(values, dtype=int)
    c.write(str(path))


def subject_trajectory(n=400):
    t = np.arange(n) / FS
    cop = np.vstack([20 + 8 * np.sin(2 * np.pi * 0.5 * t), 50 + 12 * np.cos(2 * np.pi * 0.3 * t)])  # lab mm
    force = np.vstack([5 * np.sin(t), -3 + 0 * t, 700 + 20 * np.sin(2 * np.pi * 0.7 * t)])  # on the subject, lab
    return cop, force


# Lab X right, Y forward, Z up. Plate A: plate axes = lab axes (z up). Plate B (AMTI-like): z_p down,
# x_p = X, y_p = −Y: corners run the other way round, and ORIGIN z < 0 puts the transducer below the surface.
CORNERS_UP = np.array([[200, 300, 0], [-200, 300, 0], [-200, -300, 0], [200, -300, 0]], float).T
CORNERS_DOWN = np.array([[200, -300, 0], [-200, -300, 0], [-200, 300, 0], [200, 300, 0]], float).T
R_DOWN = np.diag([1.0, -1.0, -1.0])  # lab -> plate for plate B (its own inverse)


def plate_channels(cop_lab, force_on_subject_lab, depth_mm, z_down):
    """Fx..Mz (N, N·mm) in plate coordinates about a transducer origin depth_mm below the surface centre."""
    action = -force_on_subject_lab  # the plate measures the subject's action on it
    p_minus_o = np.vstack([cop_lab, np.full(cop_lab.shape[1], depth_mm)])  # P − O in the lab frame
    rot = R_DOWN if z_down else np.eye(3)
    f_p, r_p = rot @ action, rot @ p_minus_o
    m_p = np.cross(r_p.T, f_p.T).T
    origin = rot @ np.array([0.0, 0.0, depth_mm])  # C − O in plate coordinates
    return np.vstack([f_p, m_p]), origin


@pytest.mark.parametrize("z_down", [False, True])
def test_type2_cop_equals_the_analytic_value_within_1_um(tmp_path, z_down):
    cop, force = subject_trajectory()
    channels, origin = plate_channels(cop, force, 40.0, z_down)
    write_c3d(tmp_path / "t2.c3d", 2, channels, ["N"] * 3 + ["Nmm"] * 3, origin, CORNERS_DOWN if z_down else CORNERS_UP)
    trial = read_trial(tmp_path / "t2.c3d", "c3d")
    plate = trial.plates[0]
    assert np.max(np.abs(plate.cop_x_mm - cop[0])) < 1e-3
    assert np.max(np.abs(plate.cop_y_mm - cop[1])) < 1e-3
    np.testing.assert_allclose(plate.fz_n, force[2], rtol=1e-6)  # C3D analogs are float32
    np.testing.assert_allclose(plate.fx_n, force[0], atol=1e-5)
    assert trial.rate_hz == pytest.approx(FS)
    assert trial.surface_size_mm == (400.0, 600.0)


def test_type4_applies_the_calibration_matrix_and_moments_in_nm(tmp_path):
    cop, force = subject_trajectory()
    channels, origin = plate_channels(cop, force, 35.0, False)
    channels[3:] /= 1000.0  # N·m
    cal = np.diag([2.0, 2.0, 4.0, 0.5, 0.5, 0.25]) + 0.01 * np.eye(6)[::-1]
    raw = np.linalg.solve(cal, channels)
    write_c3d(tmp_path / "t4.c3d", 4, raw, ["V"] * 3 + ["Nm"] * 3, origin, CORNERS_UP, cal=cal)
    plate = read_trial(tmp_path / "t4.c3d", "c3d").plates[0]
    assert np.max(np.abs(plate.cop_x_mm - cop[0])) < 1e-3
    assert np.max(np.abs(plate.cop_y_mm - cop[1])) < 1e-3


def test_type1_cop_channels_and_the_recording_round_trip(tmp_path):
    cop, force = subject_trajectory()
    data = np.vstack([-force, cop, 0.2 * np.ones(cop.shape[1])])  # Fx Fy Fz COPx COPy Tz, plate = lab axes
    write_c3d(tmp_path / "t1.c3d", 1, data, ["N"] * 3 + ["mm", "mm", "Nmm"], [0, 0, 0], CORNERS_UP)
    assert main(["import", str(tmp_path / "t1.c3d"), "--format", "c3d", "--out", str(tmp_path / "t1.h5")]) == 0
    rec = open_recording(tmp_path / "t1.h5")
    back = cop_from_six_component(rec.forces_n, rec.device.origin_offset_mm)
    # through float32 storage of the moments: well inside 1 µm
    assert np.max(np.abs(back.cop_x_mm - cop[0])) < 1e-3
    assert np.max(np.abs(back.cop_y_mm - cop[1])) < 1e-3
    assert rec.settings["import.c3d_platform_type"] == 1


def test_c3d_export_of_an_import_reimports_the_same_cop(tmp_path):
    cop, force = subject_trajectory()
    channels, origin = plate_channels(cop, force, 40.0, True)
    write_c3d(tmp_path / "a.c3d", 2, channels, ["N"] * 3 + ["Nmm"] * 3, origin, CORNERS_DOWN)
    rec_path = write_recording(read_trial(tmp_path / "a.c3d", "c3d"), tmp_path / "a.h5", Subject("S"))
    assert main(["export", str(rec_path), "--to", "c3d", "--out", str(tmp_path / "b.c3d")]) == 0
    again = read_trial(tmp_path / "b.c3d", "c3d").plates[0]
    assert np.max(np.abs(again.cop_x_mm - cop[0])) < 1e-3 and np.max(np.abs(again.cop_y_mm - cop[1])) < 1e-3


def test_unsupported_type_and_bad_units_are_clear(tmp_path):
    cop, force = subject_trajectory(50)
    channels, origin = plate_channels(cop, force, 40.0, False)
    write_c3d(tmp_path / "t5.c3d", 5, channels, ["N"] * 3 + ["Nmm"] * 3, origin, CORNERS_UP)
    with pytest.raises(ValueError, match="type 5 is not supported"):
        read_trial(tmp_path / "t5.c3d", "c3d")
    write_c3d(tmp_path / "u.c3d", 2, channels, ["N"] * 3 + ["kgf"] * 3, origin, CORNERS_UP)
    with pytest.raises(ValueError, match="'ch4' has unit 'kgf'; a moment must be in Nmm or Nm"):
        read_trial(tmp_path / "u.c3d", "c3d")
    (tmp_path / "junk.c3d").write_bytes(b"not a c3d")
    with pytest.raises(ValueError, match=r"junk\.c3d"):
        read_trial(tmp_path / "junk.c3d", "c3d")


def test_plate_size_lets_a_text_import_export_to_c3d(tmp_path):
    from tests.recordings.importers._files import known_signal, write_hbedb

    s = known_signal(200)
    write_hbedb(tmp_path / "h.txt", s)
    out = tmp_path / "h.h5"
    assert main(["import", str(tmp_path / "h.txt"), "--format", "hbedb", "--plate-size", "400,600",
                 "--out", str(out)]) == 0
    assert open_recording(out).device.surface_size_mm == (400.0, 600.0)
    assert main(["export", str(out), "--to", "c3d", "--out", str(tmp_path / "h.c3d")]) == 0
    plate = read_trial(tmp_path / "h.c3d", "c3d").plates[0]
    np.testing.assert_allclose(plate.cop_x_mm, 10 * s["ml_cm"], atol=1e-3)
    np.testing.assert_allclose(plate.cop_y_mm, 10 * s["ap_cm"], atol=1e-3)
