"""``sim``, the station's default device: the byte-exact Wii board with a simulated subject, across trials."""

from __future__ import annotations

import numpy as np
import pytest

from drivers import registry
from drivers.wii.sim_device import STEP_ON_AFTER_TARE_S, SimulatedWiiBalanceBoard
from physical import STANDARD_GRAVITY_M_S2
from tests.devices import read_seconds

MASS_KG = 64.0


def test_sim_is_the_byte_exact_board_and_reports_its_subject() -> None:
    board = registry.create("sim", {"mass_kg": str(MASS_KG), "seed": "3"})
    assert isinstance(board, SimulatedWiiBalanceBoard)
    assert board.info.simulated and board.info.driver == "sim"  # described before open(), as simulators are
    block = read_seconds(board, 5.0)
    # the real driver ran: calibration read with a verified CRC, a kg-domain tare of the empty board
    assert board.calibration is not None and board.calibration.crc_status.value == "ok"
    assert board.tare is not None and board.tare.duration_s >= 2.0
    kg = block.forces_n.astype(np.float64).sum(axis=1) / STANDARD_GRAVITY_M_S2
    assert kg.mean() == pytest.approx(MASS_KG, abs=0.2)


def test_every_open_tares_the_empty_board_again_and_time_runs_on() -> None:
    board = SimulatedWiiBalanceBoard(mass_kg=MASS_KG, seed=4, zero_offset_kg=(1.0, 1.0, 1.0, 1.0))
    first = read_seconds(board, 3.0)
    step_on_1 = board.board.step_on_s
    assert board.board.subject_time_at_step_on_s == 0.0
    second = read_seconds(board, 3.0)  # a second trial on the same board: open() again
    step_on_2 = board.board.step_on_s
    # back on the board, the same person sways on from where they stopped (their own time is not reset)
    assert board.board.subject_time_at_step_on_s >= first.t_s[-1] - step_on_1 > 3.0
    # the subject stepped off for the second tare: it saw the empty board's 4 kg of offsets, not the subject
    np.testing.assert_allclose(board.tare.offset_kg, [1.0, 1.0, 1.0, 1.0], atol=0.02)
    assert step_on_2 > first.t_s[-1] and step_on_2 > step_on_1
    # the board's clock never runs backwards across close() and open(); the subject is back on the board
    assert second.t_s[0] > first.t_s[-1] and second.t_s[0] >= step_on_2
    for block in (first, second):
        kg = block.forces_n.astype(np.float64).sum(axis=1) / STANDARD_GRAVITY_M_S2
        assert kg.mean() == pytest.approx(MASS_KG, abs=0.2)


def test_the_subject_steps_on_after_the_tare_ends() -> None:
    board = SimulatedWiiBalanceBoard(mass_kg=MASS_KG, seed=5)
    with board:
        tare_end = board.transport.now()
        assert board.board.step_on_s == pytest.approx(tare_end + STEP_ON_AFTER_TARE_S)
        assert board.recording_settings()["sim.step_on_s"] == (board.board.step_on_s, "s")


def test_without_a_tare_the_subject_steps_on_as_the_recording_starts() -> None:
    board = SimulatedWiiBalanceBoard(mass_kg=MASS_KG, seed=6, tare_s=0.0, keep_truth=True)
    with board:
        assert board.board.step_on_s == np.inf  # nobody on the board before start()
        assert board.recording_settings()["sim.step_on_s"] == ("when the recording starts", "")
        board.start()
        started = board.board.step_on_s
        block = board.read(0.5)
    assert block is not None and block.t_s[0] >= started
    # the subject's own time 0 is the moment of the start: its first truth is its first sample of sway
    truth = board.truth(block.t_s)
    np.testing.assert_allclose(truth.fz_n.mean(), MASS_KG * STANDARD_GRAVITY_M_S2, rtol=0.01)


def test_truth_needs_keep_truth() -> None:
    board = SimulatedWiiBalanceBoard(seed=7)
    block = read_seconds(board, 1.0)
    with pytest.raises(ValueError, match="keep_truth=True"):
        board.truth(block.t_s)
