import numpy as np
import pytest

from analysis.symmetry import robinson_symmetry_index
from analysis.weight_bearing import LimbLoads, limb_loads_from_cell_pairs, limb_loads_lever_rule, weight_bearing

WBB = np.array([(216.5, 119.0), (216.5, -119.0), (-216.5, 119.0), (-216.5, -119.0)])


def test_robinson_index_hand_values():
    assert robinson_symmetry_index(42.0, 58.0) == pytest.approx(-32.0)  # docs/formulas.md §5 check
    assert robinson_symmetry_index(50.0, 50.0) == 0.0
    assert robinson_symmetry_index(60.0, 40.0) == pytest.approx(40.0)
    np.testing.assert_allclose(robinson_symmetry_index(np.array([1.0, 3.0]), np.array([3.0, 1.0])), [-100.0, 100.0])
    with pytest.raises(ValueError, match="undefined"):
        robinson_symmetry_index(0.0, 0.0)


def test_cell_pairs_sum_left_and_right_cells():
    forces = np.array([[100.0, 150.0, 80.0, 70.0], [0.0, 0.0, 200.0, 200.0]])
    loads = limb_loads_from_cell_pairs(forces, WBB)
    assert loads.left_n.tolist() == [150.0, 400.0]
    assert loads.right_n.tolist() == [250.0, 0.0]
    assert loads.method == "cell_pairs"


def test_cell_pairs_need_cells_on_both_sides():
    with pytest.raises(ValueError, match="strictly left and right"):
        limb_loads_from_cell_pairs(np.ones((2, 3)), np.array([(0.0, 1.0), (10.0, 0.0), (-10.0, 0.0)]))


def test_weight_bearing_hand_case_left_affected():
    # 42 % left (affected), 58 % right, constant: 294 N / 406 N of 700 N.
    loads = LimbLoads(np.full(10, 294.0), np.full(10, 406.0), "cell_pairs")
    wb = weight_bearing(loads, "left")
    assert wb.affected_load_pct_bw == pytest.approx(42.0)
    assert wb.unaffected_load_pct_bw == pytest.approx(58.0)
    assert wb.affected_load_n == pytest.approx(294.0) and wb.unaffected_load_n == pytest.approx(406.0)
    assert wb.symmetry_index_pct == pytest.approx(-32.0)
    assert wb.affected_load_sd_pct_bw == pytest.approx(0.0, abs=1e-12)
    assert wb.normalisation == "measured_total"


def test_weight_bearing_right_affected_and_body_weight_normalisation():
    loads = LimbLoads(np.array([400.0, 420.0]), np.array([300.0, 280.0]), "lever_rule")
    wb = weight_bearing(loads, "right", body_weight_n=800.0)
    assert wb.affected_load_pct_bw == pytest.approx(100 * 290.0 / 800.0)
    assert wb.unaffected_load_pct_bw == pytest.approx(100 * 410.0 / 800.0)
    assert wb.normalisation == "body_weight" and wb.method == "lever_rule"


def test_per_sample_share_is_averaged_not_the_ratio_of_means():
    # Share 40 % at 500 N then 60 % at 1000 N: per-sample mean is 50 %, the ratio of means 53.3 %.
    loads = LimbLoads(np.array([200.0, 600.0]), np.array([300.0, 400.0]), "cell_pairs")
    assert weight_bearing(loads, "left").affected_load_pct_bw == pytest.approx(50.0)


def test_lever_rule_for_feet_over_the_sensor_lines_equals_cell_pairs():
    rng = np.random.default_rng(1)
    forces = rng.uniform(50, 250, (100, 4))
    pairs = limb_loads_from_cell_pairs(forces, WBB)
    fz = forces.sum(axis=1)
    x = forces @ WBB[:, 0] / fz
    lever = limb_loads_lever_rule(fz, x, left_foot_x_mm=-216.5, right_foot_x_mm=216.5)
    np.testing.assert_allclose(lever.left_n, pairs.left_n)
    np.testing.assert_allclose(lever.right_n, pairs.right_n)


def test_cell_pairs_compress_asymmetry_by_stance_over_sensor_spacing():
    # Feet 250 mm apart carrying 40/60 %: the cells see 50 + (40 − 50)·250/433 % on the left.
    fz = np.full(5, 700.0)
    x = 250.0 * (0.60 - 0.5) * np.ones(5)
    u, v = x / 216.5, 0.0
    q = fz / 4
    forces = np.column_stack(
        [q * (1 + u) * (1 + v), q * (1 + u) * (1 - v), q * (1 - u) * (1 + v), q * (1 - u) * (1 - v)]
    )
    pairs = weight_bearing(limb_loads_from_cell_pairs(forces, WBB), "left")
    assert pairs.affected_load_pct_bw == pytest.approx(50 - 10 * 250 / 433)
    lever = weight_bearing(limb_loads_lever_rule(fz, x, left_foot_x_mm=-125, right_foot_x_mm=125), "left")
    assert lever.affected_load_pct_bw == pytest.approx(40.0)


@pytest.mark.parametrize(
    ("loads", "side", "message"),
    [
        (LimbLoads(np.ones(3), np.ones(3), "x"), "middle", "affected_side must be"),
        (LimbLoads(np.ones(1), np.ones(1), "x"), "left", "at least 2 samples"),
        (LimbLoads(np.zeros(3), np.zeros(3), "x"), "left", "3 samples have no load"),
        (LimbLoads(np.ones(3), np.ones(2), "x"), "left", "same length"),
    ],
)
def test_weight_bearing_bad_input(loads, side, message):
    with pytest.raises(ValueError, match=message):
        weight_bearing(loads, side)


def test_lever_rule_needs_ordered_feet():
    with pytest.raises(ValueError, match="must be greater than"):
        limb_loads_lever_rule(np.ones(3), np.zeros(3), left_foot_x_mm=100, right_foot_x_mm=-100)
