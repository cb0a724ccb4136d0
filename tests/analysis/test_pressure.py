"""Pressure-image analysis: analytic cases, simulated feet with known loads, a walking pass, a loop cross-check."""

import numpy as np
import pytest

from analysis.pressure import (
    calibrate_linear,
    calibrate_table,
    cell_centres_mm,
    centre_of_pressure,
    contact_area_mm2,
    total_force,
)
from analysis.pressure_feet import foot_loading, segment_feet
from analysis.pressure_walkway import detect_steps
from benchmarks.bench_pressure import loop_foot_measures
from drivers.mat.footprints import (
    SIM_NEWTON_PER_COUNT,
    forces_to_counts,
    standing_forces,
    walking_forces,
)
from drivers.sim.subject import StandingSubject

PITCH = 7.99
K = SIM_NEWTON_PER_COUNT
THRESHOLD = 0.99 * K  # one count


# -- analytic cases --------------------------------------------------------------------------------


def test_cell_centres_are_symmetric_about_the_mat_centre_with_y_forward():
    x, y = cell_centres_mm(48, 64, PITCH)
    assert x[0] == pytest.approx(-31.5 * PITCH) and x[-1] == pytest.approx(31.5 * PITCH)
    assert y[0] == pytest.approx(23.5 * PITCH) and y[-1] == pytest.approx(-23.5 * PITCH)  # row 0 is the front


def test_calibration_linear_and_table():
    raw = np.array([[[0, 10], [20, 255]]], np.uint8)
    np.testing.assert_allclose(calibrate_linear(raw, 0.5, zero_counts=10), [[[0, 0], [5, 122.5]]])
    table = np.arange(256) ** 1.5 / 100
    np.testing.assert_allclose(calibrate_table(raw, table), table[raw])
    with pytest.raises(ValueError, match="newton_per_count"):
        calibrate_linear(raw, 0.0)
    with pytest.raises(ValueError, match="non-decreasing"):
        calibrate_table(raw, table[::-1])
    with pytest.raises(ValueError, match="100 entries"):
        calibrate_table(raw, table[:100])


def test_total_force_cop_and_area_of_two_point_loads():
    f = np.zeros((1, 48, 64))
    f[0, 10, 5] = 30.0
    f[0, 40, 60] = 10.0
    x, y = cell_centres_mm(48, 64, PITCH)
    assert total_force(f)[0] == pytest.approx(40.0)
    cop = centre_of_pressure(f, PITCH)[0]
    assert cop[0] == pytest.approx((30 * x[5] + 10 * x[60]) / 40)
    assert cop[1] == pytest.approx((30 * y[10] + 10 * y[40]) / 40)
    assert contact_area_mm2(f, PITCH, threshold_n=5.0)[0] == pytest.approx(2 * PITCH**2)
    assert contact_area_mm2(f, PITCH, threshold_n=20.0)[0] == pytest.approx(PITCH**2)


def test_bad_input_is_rejected_with_the_numbers():
    with pytest.raises(ValueError, match="less than 10 N"):
        centre_of_pressure(np.zeros((3, 4, 4)), PITCH)
    with pytest.raises(ValueError, match="NaN"):
        total_force(np.full((2, 3), np.nan))
    with pytest.raises(ValueError, match="shape"):
        total_force(np.zeros(5))
    with pytest.raises(ValueError, match="threshold_n"):
        segment_feet(np.zeros((1, 4, 4)), PITCH, threshold_n=0)


def test_two_rectangular_feet_apart_and_a_speck():
    f = np.zeros((1, 48, 64))
    f[0, 10:40, 10:20] = 1.0  # left block: 300 N
    f[0, 10:40, 40:50] = 2.0  # right block: 600 N
    f[0, 2, 60] = 5.0  # a speck (< 5 % of the load)
    labels, merged = segment_feet(f, PITCH, threshold_n=0.5)
    assert not merged[0]
    assert (labels[0, 10:40, 10:20] == 1).all() and (labels[0, 10:40, 40:50] == 2).all() and labels[0, 2, 60] == 0
    fl = foot_loading(f, PITCH, threshold_n=0.5)
    x, y = cell_centres_mm(48, 64, PITCH)
    assert fl.left_force_n[0] == pytest.approx(300.0) and fl.right_force_n[0] == pytest.approx(600.0)
    assert fl.total_force_n[0] == pytest.approx(905.0)
    np.testing.assert_allclose(fl.left_cop_mm[0], [x[10:20].mean(), y[10:40].mean()])
    assert fl.left_area_mm2[0] == pytest.approx(300 * PITCH**2)
    assert fl.left_share_pct()[0] == pytest.approx(100 / 3)


def test_one_foot_only_is_named_by_the_mat_side_and_the_other_is_absent():
    f = np.zeros((1, 48, 64))
    f[0, 10:40, 44:54] = 2.0
    fl = foot_loading(f, PITCH, threshold_n=0.5)
    assert fl.right_present[0] and not fl.left_present[0]
    assert fl.left_force_n[0] == 0 and np.isnan(fl.left_cop_mm[0]).all()
    with pytest.raises(ValueError, match="both feet"):
        fl.left_share_pct()


def test_touching_blocks_split_at_the_valley_not_at_the_cop_line():
    """Two blocks of unequal load joined by a one-cell bridge: the valley split is exact."""
    f = np.zeros((1, 48, 64))
    f[0, 10:40, 20:30] = 1.0  # 300 N
    f[0, 10:40, 31:41] = 4.0 / 3.0  # 400 N
    f[0, 25, 30] = 0.5  # bridge cell: the valley column
    fl = foot_loading(f, PITCH, threshold_n=0.25)
    assert fl.merged[0]
    assert fl.left_force_n[0] + fl.right_force_n[0] == pytest.approx(700.5)
    assert fl.left_force_n[0] == pytest.approx(300.0, abs=0.5) and fl.right_force_n[0] == pytest.approx(400.0, abs=0.5)
    # The COP-line split would have put the boundary inside the heavier block.
    x, _ = cell_centres_mm(48, 64, PITCH)
    cop_x = centre_of_pressure(f, PITCH)[0, 0]
    assert cop_x > x[30]


# -- simulated feet with known per-foot loads ------------------------------------------------------


@pytest.mark.parametrize(("stance_width_mm", "expect_merged"), [(250.0, False), (140.0, False), (100.0, True),
                                                                 (92.0, True)])
def test_per_foot_force_within_2_pct_and_cop_within_2_mm(stance_width_mm, expect_merged):
    subject = StandingSubject(mass_kg=72.0, affected_share_pct=38.0, stance_width_mm=stance_width_mm, seed=4)
    truth = subject.sample(np.arange(80) / 20.7)
    forces, feet = standing_forces(48, 64, PITCH, truth.left_n, truth.right_n, truth.cop_y_mm, stance_width_mm)
    counts = forces_to_counts(forces)
    fl = foot_loading(calibrate_linear(counts, K), PITCH, THRESHOLD)
    assert (fl.merged == expect_merged).all()
    assert fl.left_present.all() and fl.right_present.all()
    np.testing.assert_allclose(fl.left_force_n, feet.left_n, rtol=0.02)
    np.testing.assert_allclose(fl.right_force_n, feet.right_n, rtol=0.02)
    assert np.abs(fl.left_cop_mm - feet.left_cop_mm).max() < 2.0
    assert np.abs(fl.right_cop_mm - feet.right_cop_mm).max() < 2.0
    # The weight-bearing split the clinician sees: 38 % on the affected (left) side, on average.
    assert fl.left_share_pct().mean() == pytest.approx(100 * feet.left_n.mean() / (feet.left_n + feet.right_n).mean(),
                                                       abs=0.5)


def test_per_foot_tilted_cop_moves_within_the_foot():
    """Per-foot COP x offsets (ankle strategy within each foot) are recovered, not just the foot centres."""
    n = 30
    rng = np.random.default_rng(3)
    offsets = (rng.uniform(-2, 2, n), rng.uniform(-2, 2, n))
    forces, feet = standing_forces(48, 64, PITCH, np.full(n, 300.0), np.full(n, 380.0), rng.uniform(-8, 8, n),
                                   220.0, cop_x_offsets_mm=offsets)
    fl = foot_loading(calibrate_linear(forces_to_counts(forces), K), PITCH, THRESHOLD)
    assert np.abs(fl.left_cop_mm - feet.left_cop_mm).max() < 2.0
    assert np.abs(fl.right_cop_mm - feet.right_cop_mm).max() < 2.0


def test_vectorised_segmentation_matches_a_per_pixel_flood_fill():
    """Independent cross-check: a plain-Python 8-connected flood fill gives the same per-foot measures."""
    subject = StandingSubject(mass_kg=65.0, stance_width_mm=200.0, seed=9)
    truth = subject.sample(np.arange(12) / 20.7)
    forces, _ = standing_forces(48, 64, PITCH, truth.left_n, truth.right_n, truth.cop_y_mm, 200.0)
    counts = forces_to_counts(forces, noise_counts=1.0, rng=np.random.default_rng(1))
    cells = calibrate_linear(counts, K)
    fl = foot_loading(cells, PITCH, THRESHOLD)
    loop = np.array([loop_foot_measures(frame.tolist(), PITCH, THRESHOLD) for frame in cells])
    for i, side in enumerate(("left", "right")):
        np.testing.assert_allclose(getattr(fl, f"{side}_force_n"), loop[:, i, 0])
        np.testing.assert_allclose(getattr(fl, f"{side}_cop_mm"), loop[:, i, 1:3])
        np.testing.assert_allclose(getattr(fl, f"{side}_area_mm2"), loop[:, i, 3])


# -- walking ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("first_side", ["right", "left"])
def test_walking_pass_yields_the_right_number_of_steps_with_correct_sides(first_side):
    rate = 20.7
    t = np.arange(int(4.5 * rate)) / rate
    rows, cols = 48, 64 * 6  # six DO-P4864 mats laid end to end: a 3.07 m walkway
    forces, truth = walking_forces(rows, cols, PITCH, t, first_side=first_side)
    assert len(truth.side) >= 4
    counts = forces_to_counts(forces)
    steps = detect_steps(calibrate_linear(counts, K), t, PITCH, THRESHOLD)
    assert steps.n_steps == len(truth.side)
    assert tuple(steps.side) == truth.side
    np.testing.assert_allclose(steps.progression, [1.0, 0.0], atol=0.05)
    # Initial contact within one frame of the truth; contact time near the stance duration.
    assert np.abs(steps.contact_start_s - truth.contact_start_s).max() <= 1 / rate + 1e-9
    assert np.abs(steps.contact_time_s - truth.stance_s).max() <= 2 / rate + 1e-9
    # Step positions: the heel strikes advance by the step length.
    np.testing.assert_allclose(np.diff(steps.centre_mm[:, 0]), 600.0, atol=10.0)


def test_walking_in_the_other_direction_swaps_nothing():
    """Walking along -x (a mirrored walkway): sides still follow the walker, not the mat."""
    rate = 20.7
    t = np.arange(int(4.5 * rate)) / rate
    forces, truth = walking_forces(48, 384, PITCH, t, first_side="left")
    mirrored = forces[:, ::-1, ::-1]  # turn the walkway by 180°: walking along -x, left foot now at -y
    steps = detect_steps(mirrored, t, PITCH, THRESHOLD)
    assert tuple(steps.side) == truth.side
    np.testing.assert_allclose(steps.progression, [-1.0, 0.0], atol=0.05)


def test_detect_steps_needs_two_footprints():
    f = np.zeros((5, 48, 64))
    f[:, 10:20, 10:20] = 1.0
    with pytest.raises(ValueError, match="1 footprints"):
        detect_steps(f, np.arange(5) / 20.7, PITCH, 0.5)
    with pytest.raises(ValueError, match="4 times for 5 frames"):
        detect_steps(f, np.arange(4) / 20.7, PITCH, 0.5)


def test_stepping_in_place_is_not_taken_for_a_walking_pass():
    f = np.zeros((40, 48, 64))
    for k, cols in enumerate((slice(18, 26), slice(38, 46), slice(18, 26), slice(38, 46))):  # L, R, L, R
        f[10 * k : 10 * k + 8, 10:40, cols] = 1.0
    with pytest.raises(ValueError, match="do not progress"):
        detect_steps(f, np.arange(40) / 20.7, PITCH, 0.5)
