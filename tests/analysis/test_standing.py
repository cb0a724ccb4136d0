import numpy as np
import pytest

from analysis.standing import StandingSettings, analyze_standing, lost_samples
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from tests.devices import read_seconds


def record(**options):
    board = SimulatedWiiBalanceBoard(**options)
    return board, read_seconds(board, 30.0)


def test_recovers_the_simulated_split_mass_and_plausible_sway():
    board, b = record(mass_kg=75.0, affected_side="right", affected_share_pct=43.0, seed=8, dropout=0.01)
    assert board.board.data_reports_dropped > 0
    r = analyze_standing(b.t_s, b.seq, b.forces_n, board.info.sensor_positions(), "right")
    assert r.weight_bearing.affected_load_pct_bw == pytest.approx(43.0, abs=0.5)
    assert r.weight_bearing.unaffected_load_pct_bw == pytest.approx(57.0, abs=0.5)
    assert r.weight_bearing.symmetry_index_pct == pytest.approx(-28.0, abs=2.0)
    assert r.body_mass_kg == pytest.approx(75.0, abs=0.2)
    # The Wii board has no sample counter (seq counts reports received), so reports lost on the air leave no gap.
    assert r.dropped_samples == 0
    assert 5 < r.sway.mean_velocity_mm_s < 20 and 1.5 < r.sway.rms_ml_mm < 5 and 50 < r.sway.ellipse95_area_mm2 < 600
    assert r.sway.fs_hz == 25.0 and r.sway.n_samples == pytest.approx(30 * 25, abs=2)


def test_sway_matches_the_truth_through_swarii_and_filter():
    board, b = record(seed=12, keep_truth=True)
    truth = board.truth(b.t_s)
    truth_x, truth_y = truth.cop_x_mm, truth.cop_y_mm
    r = analyze_standing(b.t_s, b.seq, b.forces_n, board.info.sensor_positions(), "left")
    # RMS of the true (noise-free) COP vs the measured: the pipeline adds/removes little.
    assert r.sway.rms_ml_mm == pytest.approx(np.std(truth_x), rel=0.05)
    assert r.sway.rms_ap_mm == pytest.approx(np.std(truth_y), rel=0.05)


def test_lever_rule_recovers_a_narrow_stance_that_cell_pairs_understate():
    board, b = record(stance_width_mm=250.0, affected_share_pct=40.0, seed=4)
    pos = board.info.sensor_positions()
    pairs = analyze_standing(b.t_s, b.seq, b.forces_n, pos, "left")
    lever = analyze_standing(
        b.t_s, b.seq, b.forces_n, pos, "left", StandingSettings(limb_method="lever_rule", stance_width_mm=250.0)
    )
    assert lever.weight_bearing.affected_load_pct_bw == pytest.approx(40.0, abs=0.5)
    assert pairs.weight_bearing.affected_load_pct_bw == pytest.approx(50 - 10 * 250 / 433, abs=0.5)


def test_nobody_on_the_board():
    board, b = record(empty=True, wait_for_subject_s=0.0)
    with pytest.raises(ValueError, match="nobody on the board"):
        analyze_standing(b.t_s, b.seq, b.forces_n, board.info.sensor_positions(), "left")


def test_stepping_off_is_reported_with_its_time():
    board, b = record(seed=1)
    forces = b.forces_n.copy()
    t = b.t_s - b.t_s[0]  # the analysis reports times from the start of the trial
    off = (t > 10.0) & (t < 12.0)
    forces[off] = 0.5
    message = r"stepped off the board: \d+ samples below 10 N between 10\.\d\d s and 1[12]\.\d\d s"
    with pytest.raises(ValueError, match=message):
        analyze_standing(b.t_s, b.seq, forces, board.info.sensor_positions(), "left")


def test_settings_are_validated_and_listed_with_units():
    with pytest.raises(ValueError, match="lever rule needs the stance width"):
        StandingSettings(limb_method="lever_rule")
    with pytest.raises(ValueError, match="limb_method must be"):
        StandingSettings(limb_method="guess")
    units = StandingSettings().with_units()
    assert units["resample_hz"] == (25.0, "Hz") and units["swarii_window_s"] == (0.08, "s")


def test_lost_samples_counts_counter_jumps():
    assert lost_samples(np.array([0, 1, 2, 5, 6, 10])) == 5
    assert lost_samples(np.array([3])) == 0
    with pytest.raises(ValueError, match="increase strictly"):
        lost_samples(np.array([1, 1]))
