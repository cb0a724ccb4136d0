"""The simulated board with a person stepping in place: limb loads on the cells at the feet positions."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.weight_bearing import limb_loads_from_cell_pairs
from drivers import registry
from drivers.sim.gait import GaitSubject
from drivers.sim.stepping import SteppingSubject
from drivers.wii.description import WBB_SENSOR_POSITIONS_MM
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from tests.devices import read_seconds


def test_the_stepping_subject_is_the_gait_model_at_two_feet():
    subject = SteppingSubject(mass_kg=80, affected_side="right", stance_width_mm=300, seed=2,
                              affected_stance_reduction_pct=10, affected_peak_reduction_pct=5)  # fmt: skip
    gait = GaitSubject(mass_kg=80, affected_side="right", mode="stepping", noise_n=0.0, seed=2,
                       affected_stance_reduction_pct=10, affected_peak_reduction_pct=5)  # fmt: skip
    t = np.arange(0, 10, 0.001)
    truth = subject.sample(t)
    left, right = gait.sample(t)
    np.testing.assert_array_equal(truth.left_n, left)
    np.testing.assert_array_equal(truth.right_n, right)
    np.testing.assert_allclose(truth.fz_n, left + right)
    # COP: the load-weighted mean of the feet at x = -150 and +150 mm
    on = truth.fz_n > 0
    np.testing.assert_allclose(truth.cop_x_mm[on] * truth.fz_n[on], 150.0 * (right[on] - left[on]), atol=1e-9)
    assert on[t >= 1.0].all()  # stepping in place: double support, the board is never empty once started


def test_the_board_cells_carry_each_foot_on_its_own_pair():
    board = SimulatedWiiBalanceBoard(mode="stepping", seed=3, affected_side="left", keep_truth=True)
    block = read_seconds(board, 5.0)
    truth = board.truth(block.t_s)
    truth_left, truth_right = truth.left_n, truth.right_n
    loads = limb_loads_from_cell_pairs(block.forces_n.astype(np.float64), np.array(WBB_SENSOR_POSITIONS_MM))
    # 433 mm stance: each foot over one pair of cells; what is left is the cells' noise (1.5 counts RMS + rounding,
    # about 10 g per count on the real board's calibration: 0.21 N RMS for a pair), within 6 sigma = 1.3 N
    np.testing.assert_allclose(loads.left_n, truth_left, atol=1.3)
    np.testing.assert_allclose(loads.right_n, truth_right, atol=1.3)
    assert np.std(loads.left_n - truth_left) == pytest.approx(0.21, abs=0.05)
    assert truth_left.max() > 500 and truth_right.max() > 500 and block.t_s[-1] - block.t_s[0] > 4.5


def test_board_options_select_stepping_and_refuse_walking():
    board = registry.create("sim", {"mode": "stepping", "affected_peak_reduction_pct": "12", "seed": "1"})
    assert isinstance(board.subject, SteppingSubject)
    assert board.subject.gait.affected_peak_reduction_pct == 12.0
    assert not isinstance(registry.create("sim", {}).subject, SteppingSubject)
    with pytest.raises(ValueError, match="one board is too short to walk on"):
        registry.create("sim", {"mode": "walking"})
    with pytest.raises(ValueError, match="mode: expected standing, stepping or walking, got 'run'"):
        registry.create("sim", {"mode": "run"})
    wbb = registry.create("sim-wbb", {"mode": "stepping", "affected_stance_reduction_pct": "15"})
    assert wbb.subject.gait.affected_stance_reduction_pct == 15.0
