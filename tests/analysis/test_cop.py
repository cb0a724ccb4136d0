import numpy as np
import pytest

from analysis.cop import CellGeometry, cop_from_cells
from analysis.weight_bearing import limb_loads_from_cell_pairs

WBB = np.array([(216.5, 119.0), (216.5, -119.0), (-216.5, 119.0), (-216.5, -119.0)])


def test_hand_computed_wii_board_cases():
    forces = np.array(
        [
            [100.0, 100.0, 100.0, 100.0],  # centred
            [200.0, 0.0, 0.0, 0.0],  # all on TR: COP at the TR cell
            [300.0, 100.0, 50.0, 50.0],  # Fz 500; x = 216.5*(400-100)/500; y = 119*(350-150)/500
        ]
    )
    r = cop_from_cells(forces, WBB)
    np.testing.assert_allclose(r.fz_n, [400.0, 200.0, 500.0])
    np.testing.assert_allclose(r.cop_x_mm, [0.0, 216.5, 129.9])
    np.testing.assert_allclose(r.cop_y_mm, [0.0, 119.0, 47.6])
    assert r.loaded.all()


def test_matches_a_per_sample_loop_for_an_arbitrary_layout():
    rng = np.random.default_rng(0)
    positions = rng.uniform(-300, 300, (6, 2))
    forces = rng.uniform(0, 200, (50, 6))
    r = cop_from_cells(forces, positions)
    for i in range(50):
        fz = sum(forces[i])
        x = sum(forces[i, j] * positions[j, 0] for j in range(6)) / fz
        y = sum(forces[i, j] * positions[j, 1] for j in range(6)) / fz
        assert r.fz_n[i] == pytest.approx(fz)
        assert r.cop_x_mm[i] == pytest.approx(x) and r.cop_y_mm[i] == pytest.approx(y)


def test_unloaded_samples_have_no_cop():
    forces = np.array([[2.0, 2.0, 2.0, 2.0], [-1.0, 0.0, 0.5, 0.5], [50.0, 50.0, 50.0, 50.0]])
    r = cop_from_cells(forces, WBB, min_fz_n=10.0)
    assert r.loaded.tolist() == [False, False, True]
    assert np.isnan(r.cop_x_mm[:2]).all() and np.isnan(r.cop_y_mm[:2]).all()
    assert r.cop_x_mm[2] == 0.0


def test_negative_cell_forces_survive():
    r = cop_from_cells(np.array([[-5.0, 105.0, 100.0, 100.0]]), WBB)
    assert r.fz_n[0] == 300.0
    assert r.cop_y_mm[0] == pytest.approx(119.0 * (95.0 - 205.0) / 300.0)


@pytest.mark.parametrize(
    ("forces", "positions", "message"),
    [
        (np.ones(4), WBB, "forces_n must be 2-dimensional"),
        (np.ones((3, 4)), WBB[:3], "positions_mm must have shape \\(4, 2\\)"),
        (np.array([[1.0, np.nan, 1.0, 1.0]]), WBB, "1 NaN or infinite"),
    ],
)
def test_bad_input(forces, positions, message):
    with pytest.raises(ValueError, match=message):
        cop_from_cells(forces, positions)


def test_the_cell_geometry_gives_what_cop_from_cells_and_the_cell_pairs_give():
    rng = np.random.default_rng(3)
    forces = rng.uniform(-5.0, 300.0, (500, 4))
    forces[:20] = rng.uniform(0.0, 2.0, (20, 4))  # nobody on the board
    geometry = CellGeometry(WBB)
    for rows in (slice(0, 500), slice(7, 8)):  # a whole set and a one-sample block
        got = geometry.loads(forces[rows])
        cop = cop_from_cells(forces[rows], WBB)
        limbs = limb_loads_from_cell_pairs(forces[rows], WBB)
        np.testing.assert_allclose(got.fz_n, cop.fz_n, rtol=1e-12)
        np.testing.assert_allclose(got.cop_x_mm, cop.cop_x_mm, rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(got.cop_y_mm, cop.cop_y_mm, rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(got.left_n, limbs.left_n, rtol=1e-12)
        np.testing.assert_allclose(got.right_n, limbs.right_n, rtol=1e-12)
        assert got.loaded.tolist() == cop.loaded.tolist()
    with pytest.raises(ValueError, match="strictly left and right"):
        CellGeometry(np.array([[0.0, 1.0], [10.0, 1.0]]))
    with pytest.raises(ValueError, match="4 columns"):
        geometry.loads(np.ones((2, 3)))
