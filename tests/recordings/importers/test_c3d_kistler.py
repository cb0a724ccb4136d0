"""C3D type 3 (Kistler, eight channels): a point load at a known place with known shear and free moment.

The eight channels are made from statics, not from the importer's formulae: four three-axis sensors sit in
the plate's quadrants (sensor i in the quadrant of C3D corner i, at (±a, ±b) on the sensor plane, the top
surface at z = az0 < 0 in Kistler's z-down frame); their vertical forces are the bilinear split that balances
the load's force and moment about the sensor-plane origin, their shear the split that balances the free
moment; the channels are the sums Kistler wires (fx12 = sensors 1 + 2, ...). ezc3d's own force-platform
module reads the same files as the independent cross-check.
"""

import numpy as np
import pytest

ezc3d = pytest.importorskip("ezc3d")  # the c3d extra is part of dev: this never skips in the dev install

from recordings.importers import read_trial, write_recording  # noqa: E402
from recordings.importers.c3d_platforms import ORIGIN_Z_AS_STORED, ORIGIN_Z_NEGATED  # noqa: E402
from recordings.metadata import Subject  # noqa: E402
from recordings.reader import open_recording  # noqa: E402
from station.cli import main  # noqa: E402
from tests.recordings.importers.test_c3d_import import CORNERS_DOWN, plate_channels, write_c3d  # noqa: E402

A_MM, B_MM, AZ0_MM = 210.0, 260.0, -41.0
CENTRE_LAB = np.array([300.0, 500.0, 0.0])
# Kistler frame: y_p forward, z_p down, so x_p points to the subject's left. lab = R_P2L @ plate.
R_P2L = np.diag([-1.0, 1.0, -1.0])
QUADRANT = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], float)  # sensors / corners 1..4: (sign x, sign y)
CORNERS_KISTLER = CENTRE_LAB[:, None] + R_P2L @ np.column_stack([np.append(q * (250.0, 300.0), 0) for q in QUADRANT])


def known_load(n=400):
    """The reaction on the subject in the lab (N), its point on the surface relative to the centre (mm), Tz (N·mm)."""
    t = np.arange(n) / 200.0
    cop = np.vstack([-60 + 25 * np.sin(2 * np.pi * 0.5 * t), 80 + 40 * np.cos(2 * np.pi * 0.3 * t)])
    force = np.vstack([12 * np.sin(t), -25 + 5 * np.cos(t), 650 + 30 * np.sin(2 * np.pi * 0.7 * t)])
    tz = 900.0 * np.sin(2 * np.pi * 0.2 * t)
    return cop, force, tz


def kistler_channels(cop_mm, force_on_subject_lab, tz_lab_nmm, a=A_MM, b=B_MM, az0=AZ0_MM):
    """fx12 fx34 fy14 fy23 fz1..fz4 (N) of a Kistler plate carrying the subject's action (statics, see above).

    ``cop_mm``: the load point relative to the plate centre along lab X, Y.
    """
    f = R_P2L.T @ -force_on_subject_lab  # the action on the plate, plate coordinates
    p = R_P2L.T @ np.vstack([cop_mm, np.zeros(cop_mm.shape[1])])
    r = np.vstack([p[0], p[1], np.full(p.shape[1], az0)])  # load point relative to the sensor-plane origin
    tz_plate = (R_P2L.T @ np.vstack([0 * tz_lab_nmm, 0 * tz_lab_nmm, -tz_lab_nmm]))[2]  # action's free moment
    m = np.cross(r.T, f.T).T + np.vstack([0 * tz_plate, 0 * tz_plate, tz_plate])
    cx, cy = -m[1] / f[2], m[0] / f[2]  # where the vertical sensor forces must balance
    fz = np.array([f[2] * (1 + sx * cx / a) * (1 + sy * cy / b) / 4 for sx, sy in QUADRANT])
    # shear at the sensor plane: x-forces at y = ±b, y-forces at x = ±a; the twist carries Mz
    fx12, fx34 = f[0] / 2 - m[2] / (2 * b), f[0] / 2 + m[2] / (2 * b)
    fy14 = fy23 = f[1] / 2
    return np.vstack([fx12, fx34, fy14, fy23, fz])


def write_kistler(path, channels, origin=(A_MM, B_MM, AZ0_MM), units=None, extra=None, corners=CORNERS_KISTLER):
    write_c3d(path, 3, channels, units or ["N"] * channels.shape[0], origin, corners, extra=extra)


def test_kistler_point_load_cop_within_1_um_and_forces_exact(tmp_path):
    cop, force, tz = known_load()
    write_kistler(tmp_path / "k.c3d", kistler_channels(cop, force, tz))
    trial = read_trial(tmp_path / "k.c3d", "c3d")
    plate = trial.plates[0]
    assert np.max(np.abs(plate.cop_x_mm - cop[0])) < 1e-3
    assert np.max(np.abs(plate.cop_y_mm - cop[1])) < 1e-3
    # forces: exactly the sums of the stored (float32) channels, and the known load within their rounding
    stored = np.asarray(ezc3d.c3d(str(tmp_path / "k.c3d"))["data"]["analogs"], dtype=np.float64)[0]
    fx_p, fy_p, fz_p = stored[0] + stored[1], stored[2] + stored[3], stored[4] + stored[5] + stored[6] + stored[7]
    np.testing.assert_array_equal(plate.fz_n, fz_p)  # lab Z = −z_p and the action is −reaction: sign twice
    np.testing.assert_array_equal(plate.fx_n, fx_p)  # lab X = −x_p, once more −1 for action -> reaction
    np.testing.assert_array_equal(plate.fy_n, -fy_p)
    np.testing.assert_allclose(np.vstack([plate.fx_n, plate.fy_n, plate.fz_n]), force, rtol=0, atol=1e-4)
    np.testing.assert_allclose(plate.mz_nm, tz / 1000.0, rtol=0, atol=1e-5)
    assert trial.extra_settings["import.c3d_platform_type"] == (3, "")
    assert trial.extra_settings["import.c3d_origin_z"] == (ORIGIN_Z_AS_STORED, "")
    assert trial.surface_size_mm == (500.0, 600.0)


def test_kistler_agrees_with_ezc3d_force_platform_module(tmp_path):
    cop, force, tz = known_load(300)
    write_kistler(tmp_path / "k.c3d", kistler_channels(cop, force, tz))
    plate = read_trial(tmp_path / "k.c3d", "c3d").plates[0]
    theirs = ezc3d.c3d(str(tmp_path / "k.c3d"), extract_forceplat_data=True)["data"]["platform"][0]
    their_cop = np.asarray(theirs["center_of_pressure"])  # lab, mm, the plate's action (not sign-flipped)
    np.testing.assert_allclose(plate.cop_x_mm, their_cop[0] - CENTRE_LAB[0], rtol=0, atol=1e-6)
    np.testing.assert_allclose(plate.cop_y_mm, their_cop[1] - CENTRE_LAB[1], rtol=0, atol=1e-6)
    their_force = np.asarray(theirs["force"])
    np.testing.assert_allclose(np.vstack([plate.fx_n, plate.fy_n, plate.fz_n]), -their_force, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(plate.mz_nm * 1000.0, -np.asarray(theirs["Tz"])[2], rtol=0, atol=1e-6)


def test_az0_stored_as_a_positive_distance_is_named_and_gives_the_same_cop(tmp_path):
    cop, force, tz = known_load(100)
    channels = kistler_channels(cop, force, tz)
    write_kistler(tmp_path / "neg.c3d", channels)
    write_kistler(tmp_path / "pos.c3d", channels, origin=(A_MM, B_MM, -AZ0_MM))
    neg, pos = read_trial(tmp_path / "neg.c3d", "c3d"), read_trial(tmp_path / "pos.c3d", "c3d")
    np.testing.assert_array_equal(pos.plates[0].cop_x_mm, neg.plates[0].cop_x_mm)
    np.testing.assert_array_equal(pos.plates[0].cop_y_mm, neg.plates[0].cop_y_mm)
    assert pos.extra_settings["import.c3d_origin_z"] == (ORIGIN_Z_NEGATED, "")
    # the shear term matters: dropping az0 would move this COP by az0·F/Fz (about 1.6 mm here)
    write_kistler(tmp_path / "zero.c3d", channels, origin=(A_MM, B_MM, 0.0))
    zero = read_trial(tmp_path / "zero.c3d", "c3d").plates[0]
    assert np.max(np.abs(zero.cop_y_mm - cop[1])) > 1.0


def test_kistler_import_becomes_a_recording_with_the_same_cop(tmp_path):
    cop, force, tz = known_load(200)
    write_kistler(tmp_path / "k.c3d", kistler_channels(cop, force, tz))
    rec = open_recording(write_recording(read_trial(tmp_path / "k.c3d", "c3d"), tmp_path / "k.h5", Subject("S")))
    f = rec.forces_n.astype(np.float64)  # Fx Fy Fz Mx My Mz about R = the trial's median COP (N, N·m)
    ox, oy, oz = rec.device.origin_offset_mm
    # R = the median imported COP (C3D analogs are float32: the imported COP is the analytic one to ~1e-5 mm)
    assert (ox, oy, oz) == pytest.approx((np.median(cop[0]), np.median(cop[1]), 0.0), abs=1e-4)
    np.testing.assert_allclose(ox - f[:, 4] / f[:, 2] * 1000.0, cop[0], atol=1e-3)
    np.testing.assert_allclose(oy + f[:, 3] / f[:, 2] * 1000.0, cop[1], atol=1e-3)
    # Mz about R = free moment + ((x − ox)·Fy − (y − oy)·Fx)
    mz_r = tz + (cop[0] - ox) * force[1] - (cop[1] - oy) * force[0]
    np.testing.assert_allclose(f[:, 5], mz_r / 1000.0, rtol=1e-5, atol=1e-4)
    assert rec.settings["import.c3d_platform_type"] == 3


def test_malformed_type3_parameters_are_clear(tmp_path, capsys):
    cop, force, tz = known_load(50)
    channels = kistler_channels(cop, force, tz)
    write_kistler(tmp_path / "six.c3d", channels[:6])
    assert main(["import", str(tmp_path / "six.c3d"), "--format", "c3d", "--out", str(tmp_path / "six.h5")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "type 3 needs 8 (Fx12 Fx34 Fy14 Fy23 Fz1 Fz2 Fz3 Fz4)" in err
    assert not (tmp_path / "six.h5").exists()
    with pytest.raises(ValueError, match=r"six\.c3d: FORCE_PLATFORM:CHANNEL lists 6 channels per platform, type 3 "
                                         r"needs 8 \(Fx12 Fx34 Fy14 Fy23 Fz1 Fz2 Fz3 Fz4\)"):
        read_trial(tmp_path / "six.c3d", "c3d")
    write_kistler(tmp_path / "no_origin.c3d", channels, origin=None)
    with pytest.raises(ValueError, match=r"FORCE_PLATFORM:ORIGIN is empty; type 3 needs it \(a, b, az0"):
        read_trial(tmp_path / "no_origin.c3d", "c3d")
    write_kistler(tmp_path / "short.c3d", channels, origin=(A_MM, B_MM))
    with pytest.raises(ValueError, match=r"FORCE_PLATFORM:ORIGIN has shape \(2, 1\); platform 0 needs 3 values"):
        read_trial(tmp_path / "short.c3d", "c3d")
    write_kistler(tmp_path / "neg_a.c3d", channels, origin=(-A_MM, B_MM, AZ0_MM))
    with pytest.raises(ValueError, match=r"sensor offsets must be positive.*a = -210 mm, b = 260 mm"):
        read_trial(tmp_path / "neg_a.c3d", "c3d")
    write_kistler(tmp_path / "volts.c3d", channels, units=["N"] * 4 + ["V"] * 4)
    with pytest.raises(ValueError, match="'ch5' has unit 'v'; Kistler channels must be in N"):
        read_trial(tmp_path / "volts.c3d", "c3d")
    write_kistler(tmp_path / "poly.c3d", channels, extra={"FPCOPPOLY": np.linspace(0.0, 1e-6, 12)})
    with pytest.raises(ValueError, match="FPCOPPOLY holds a Kistler COP correction polynomial"):
        read_trial(tmp_path / "poly.c3d", "c3d")


def test_type2_amti_positive_z_offset_is_named_and_gives_the_same_cop(tmp_path):
    cop = np.vstack([np.linspace(-40, 40, 100), np.linspace(60, -20, 100)])
    force = np.vstack([8 + 0 * cop[0], -6 + 0 * cop[0], 700 + 0 * cop[0]])
    channels, origin = plate_channels(cop, force, 40.0, True)  # z-down plate: ORIGIN z = -40
    write_c3d(tmp_path / "neg.c3d", 2, channels, ["N"] * 3 + ["Nmm"] * 3, origin, CORNERS_DOWN)
    write_c3d(tmp_path / "pos.c3d", 2, channels, ["N"] * 3 + ["Nmm"] * 3, origin * [1, 1, -1], CORNERS_DOWN)
    neg, pos = read_trial(tmp_path / "neg.c3d", "c3d"), read_trial(tmp_path / "pos.c3d", "c3d")
    assert np.max(np.abs(pos.plates[0].cop_x_mm - cop[0])) < 1e-3
    assert np.max(np.abs(pos.plates[0].cop_y_mm - cop[1])) < 1e-3
    assert neg.extra_settings["import.c3d_origin_z"] == (ORIGIN_Z_AS_STORED, "")
    assert pos.extra_settings["import.c3d_origin_z"] == (ORIGIN_Z_NEGATED, "")


def test_type2_free_moment_is_the_moment_at_the_cop(tmp_path):
    cop = np.vstack([np.linspace(-40, 40, 100), np.linspace(60, -20, 100)])
    force = np.vstack([8 + 0 * cop[0], -6 + 0 * cop[0], 700 + 0 * cop[0]])
    tz = 500.0 * np.sin(np.linspace(0, 3, 100))  # N·mm about lab Z, on the subject
    channels, origin = plate_channels(cop, force, 40.0, True)
    channels[5] += tz  # the plate reports the action (−tz about lab Z), and its z points down: +tz along z_p
    write_c3d(tmp_path / "tz.c3d", 2, channels, ["N"] * 3 + ["Nmm"] * 3, origin, CORNERS_DOWN)
    plate = read_trial(tmp_path / "tz.c3d", "c3d").plates[0]
    np.testing.assert_allclose(plate.mz_nm, tz / 1000.0, rtol=0, atol=1e-5)
    theirs = ezc3d.c3d(str(tmp_path / "tz.c3d"), extract_forceplat_data=True)["data"]["platform"][0]
    np.testing.assert_allclose(plate.mz_nm * 1000.0, -np.asarray(theirs["Tz"])[2], rtol=0, atol=1e-4)
    np.testing.assert_allclose(plate.cop_x_mm, np.asarray(theirs["center_of_pressure"])[0], atol=1e-6)


def test_type4_calibration_matrix_orientation_agrees_with_ezc3d(tmp_path):
    cop = np.vstack([np.linspace(-40, 40, 100), np.linspace(60, -20, 100)])
    force = np.vstack([8 + 0 * cop[0], -6 + 0 * cop[0], 700 + 10 * np.sin(cop[0])])
    channels, origin = plate_channels(cop, force, 40.0, True)
    cal = np.diag([2.0, 2.0, 4.0, 0.5, 0.5, 0.25])
    cal[0, 4], cal[3, 1] = 0.05, -0.02  # not symmetric: a transposed matrix would move the COP
    write_c3d(tmp_path / "t4.c3d", 4, np.linalg.solve(cal, channels), ["V"] * 3 + ["Nmm"] * 3, origin, CORNERS_DOWN,
              cal=cal)
    plate = read_trial(tmp_path / "t4.c3d", "c3d").plates[0]
    assert np.max(np.abs(plate.cop_x_mm - cop[0])) < 1e-3 and np.max(np.abs(plate.cop_y_mm - cop[1])) < 1e-3
    theirs = ezc3d.c3d(str(tmp_path / "t4.c3d"), extract_forceplat_data=True)["data"]["platform"][0]
    their_cop = np.asarray(theirs["center_of_pressure"])
    np.testing.assert_allclose(plate.cop_x_mm, their_cop[0], atol=1e-6)
    np.testing.assert_allclose(plate.cop_y_mm, their_cop[1], atol=1e-6)
