"""Six-component COP (analysis.cop.cop_from_six_component): analytic, the OFP-1 formula as an independent
cross-check, and a simulated OFP-1 six-component recording through ``station analyze --preset``."""

import json

import numpy as np
import pytest

from analysis.cop import cop_from_six_component
from drivers.forceplate.calibration import Layout, cop_six_component
from drivers.forceplate.sim_plate import SimulatedForcePlate
from recordings.metadata import Subject
from station.cli import main
from station.protocols.standing import run_standing


def test_analytic_force_at_a_point_with_an_offset_origin():
    rng = np.random.default_rng(0)
    n = 50
    p = np.column_stack([rng.uniform(-100, 100, n), rng.uniform(-150, 150, n), np.zeros(n)])  # on the surface, mm
    f = np.column_stack([rng.normal(0, 20, n), rng.normal(0, 20, n), rng.uniform(300, 900, n)])
    origin = np.array([3.0, -4.0, -38.0])  # true origin relative to the surface centre, mm
    m_nm = np.cross(p - origin, f) / 1000.0
    cop = cop_from_six_component(np.column_stack([f, m_nm]), origin)
    np.testing.assert_allclose(cop.cop_x_mm, p[:, 0], atol=1e-9)
    np.testing.assert_allclose(cop.cop_y_mm, p[:, 1], atol=1e-9)


def test_matches_the_ofp1_formula_with_az_below_the_surface():
    rng = np.random.default_rng(1)
    forces = np.column_stack([rng.normal(0, 10, 40), rng.normal(0, 10, 40), rng.uniform(5, 800, 40),
                              rng.normal(0, 30, 40), rng.normal(0, 30, 40), rng.normal(0, 1, 40)])
    az_m = 0.041
    ours = cop_from_six_component(forces, (0.0, 0.0, -az_m * 1000.0))
    theirs = cop_six_component(forces, az_m)
    np.testing.assert_array_equal(ours.loaded, theirs.loaded)
    np.testing.assert_allclose(ours.cop_x_mm, theirs.cop_x_mm, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(ours.cop_y_mm, theirs.cop_y_mm, rtol=1e-12, equal_nan=True)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match=r"shape \(n, 6\)"):
        cop_from_six_component(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="origin_offset_mm"):
        cop_from_six_component(np.zeros((3, 6)), (0.0, 1.0))


def test_a_simulated_six_component_plate_recording_gets_a_preset_report(tmp_path, capsys):
    plate = SimulatedForcePlate(layout=Layout.SIX_COMPONENT, seed=2)
    path = tmp_path / "ofp.h5"
    with pytest.raises(ValueError, match="not supported"):  # no per-limb loads from one plate
        run_standing(plate, path, Subject("S", affected_side="left"), seconds=12.0)
    assert main(["analyze", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["preset"] == "default" and report["device"]["layout"] == "six_component"
    assert 0 < report["sway"]["mean_velocity_mm_s"] < 100
