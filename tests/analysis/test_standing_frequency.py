"""The standing pipeline also reports the frequency-domain sway measures (or says why not)."""

import numpy as np
import pytest

from analysis.standing import analyze_standing
from analysis.sway_frequency import sway_frequency
from analysis.welch import WelchSettings
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from tests.devices import read_seconds


def record(seconds, seed=1):
    board = SimulatedWiiBalanceBoard(seed=seed)
    return read_seconds(board, seconds), board.info.sensor_positions()


def test_thirty_second_trial_has_frequency_measures():
    trial, pos = record(30.0)
    r = analyze_standing(trial.t_s, trial.seq, trial.forces_n, pos, "left")
    f = r.sway_frequency
    assert f is not None and r.sway_frequency_note == ""
    assert f.settings == WelchSettings() and f.fs_hz == 25.0
    # a sway process with a 0.35 Hz corner: the power sits well below 2 Hz, the three "mean frequencies" differ
    assert 0.15 <= f.rd.power_frequency_50_hz < f.rd.power_frequency_95_hz < 2.0
    assert r.sway.mfreq_time_domain_hz != pytest.approx(f.rd.spectral_mean_frequency_hz, rel=0.05)
    # the AP axis was simulated with the larger RMS (4.5 vs 3.0 mm): more power
    assert f.ap.total_power_mm2 > f.ml.total_power_mm2
    # re-computable from the sway inputs: the band power is at most the variance of the axis
    assert f.ml.total_power_mm2 <= r.sway.rms_ml_mm**2


def test_short_trial_says_why_there_is_no_spectrum():
    trial, pos = record(6.0)
    r = analyze_standing(trial.t_s, trial.seq, trial.forces_n, pos, "left")
    assert r.sway_frequency is None
    assert "shorter than one 10 s Welch segment" in r.sway_frequency_note
    with pytest.raises(ValueError, match="too short"):
        sway_frequency(np.zeros(150), np.zeros(150), fs_hz=25.0)
