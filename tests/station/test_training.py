"""Training logic without a GUI: hold timers, targets, bands, repetitions, steps, cues, and recording."""

import math

import numpy as np
import pytest

from drivers.wii.description import WBB_SENSOR_POSITIONS_MM
from station.engine.live import LiveSamples, live_samples
from station.protocols.training import (
    CopTarget,
    HoldTimer,
    LoadBand,
    MiniSquatTraining,
    SteppingTraining,
    SymmetricStanceTraining,
    UnderloadCue,
    WeightShiftTraining,
    alternating_targets,
)

G = 9.80665


def samples(t, x=None, y=None, pct=None, aff=None, unaff=None, loaded=None):
    t = np.asarray(t, dtype=float)
    n = t.size
    z = np.zeros(n)
    x = z if x is None else np.asarray(x, float)
    y = z if y is None else np.asarray(y, float)
    pct = np.full(n, 50.0) if pct is None else np.asarray(pct, float)
    aff = z if aff is None else np.asarray(aff, float)
    unaff = z if unaff is None else np.asarray(unaff, float)
    loaded = np.ones(n, bool) if loaded is None else np.asarray(loaded, bool)
    return LiveSamples(t, aff + unaff, x, y, aff, unaff, pct, loaded)


def blocks(s, size):
    for i in range(0, s.n_samples, size):
        yield LiveSamples(*(getattr(s, f)[i : i + size] for f in s.__dataclass_fields__))


def test_hold_timer_completes_at_the_first_sample_held_long_enough_across_blocks():
    t = np.arange(0, 3, 0.01)
    inside = (t >= 0.5) & (t < 0.9) | (t >= 1.2)  # a short stay (0.39 s), then a long one from 1.2 s
    whole = HoldTimer(1.0).update(t, inside)
    assert whole == pytest.approx(2.2)
    timer = HoldTimer(1.0)
    hits = [timer.update(t[i : i + 7], inside[i : i + 7]) for i in range(0, t.size, 7)]
    assert [h for h in hits if h is not None] == [pytest.approx(2.2)]
    assert timer.entered_t_s == pytest.approx(2.2)  # a success restarts the count
    assert timer.held_s == pytest.approx(t[-1] - 2.2)
    assert HoldTimer(1.0).update(t, (t >= 0.5) & (t < 0.9)) is None


def test_hold_timer_rejects_bad_hold():
    with pytest.raises(ValueError, match="hold time"):
        HoldTimer(0.0)


def test_weight_shift_hits_each_target_in_turn_and_misses_on_timeout():
    targets = [CopTarget(60, 0, 20), CopTarget(-60, 0, 20), CopTarget(0, 80, 10)]
    mode = WeightShiftTraining(targets, hold_s=1.0, timeout_s=4.0)
    t = np.arange(0, 12, 0.01)
    # right for 0.5-2.0 s (hit at 1.5), left from 2.5 s (hit at 3.5), never forward: missed at 3.5 + 4 = 7.5
    x = np.where((t >= 0.5) & (t < 2.0), 60.0, np.where(t >= 2.5, -60.0, 0.0))
    events = [e for b in blocks(samples(t, x=x), 13) for e in mode.update(b)]
    codes = [(e.code, round(e.t_s, 2)) for e in events]
    assert codes == [
        ("training_start", 0.0), ("target_on", 0.0), ("target_hit", 1.5), ("target_on", 1.5),
        ("target_hit", 3.5), ("target_on", 3.5), ("target_miss", 7.5), ("training_done", 7.5),
    ]
    assert (mode.successes, mode.attempts, mode.finished) == (2, 3, True)


def test_weight_shift_ignores_unloaded_samples():
    mode = WeightShiftTraining([CopTarget(0, 0, 50)], hold_s=0.5, timeout_s=None)
    t = np.arange(0, 2, 0.01)
    events = mode.update(samples(t, loaded=t > 1.0))
    hit = [e for e in events if e.code == "target_hit"]
    assert len(hit) == 1 and hit[0].t_s == pytest.approx(1.51)


def test_alternating_targets_pattern():
    targets = alternating_targets(4, amplitude_mm=50, radius_mm=15)
    assert [(tg.x_mm, tg.y_mm) for tg in targets] == [(50, 0), (-50, 0), (50, 0), (-50, 0)]
    with pytest.raises(ValueError, match="axis"):
        alternating_targets(2, axis="z")


def test_symmetric_stance_counts_holds_and_time_in_band():
    mode = SymmetricStanceTraining(LoadBand(45, 55), hold_s=2.0)
    t = np.arange(0, 10, 0.01)
    pct = np.where(t < 5.0, 50.0, 40.0)  # in band for the first 5 s: two 2-s holds
    events = [e for b in blocks(samples(t, pct=pct), 17) for e in mode.update(b)]
    holds = [round(e.t_s, 2) for e in events if e.code == "hold_success"]
    assert holds == [2.0, 4.0]
    assert mode.percent_in_band == pytest.approx(100 * 5.0 / 9.99, abs=0.2)
    assert "2 holds" in mode.finish(10.0)[0].label


def test_load_band_validates():
    with pytest.raises(ValueError, match="load band"):
        LoadBand(60, 40)
    assert LoadBand(45).contains(np.array([44.9, 45.0, np.nan])).tolist() == [False, True, False]


def test_mini_squat_scores_each_repetition():
    mode = MiniSquatTraining(LoadBand(45, 55), rep_s=2.0, n_reps=3, min_fraction=0.8)
    t = np.arange(0, 7, 0.01)
    pct = np.where((t >= 2.0) & (t < 3.0), 35.0, 50.0)  # rep 2 spends half its time under-loaded
    events = [e for b in blocks(samples(t, pct=pct), 29) for e in mode.update(b)]
    reps = [(e.code, round(e.t_s, 2)) for e in events if e.code.startswith("rep_") and e.code != "rep_start"]
    assert reps == [("rep_success", 2.0), ("rep_fail", 4.0), ("rep_success", 6.0)]
    assert (mode.successes, mode.attempts, mode.finished) == (2, 3, True)
    assert "50 % of samples in band" in next(e.label for e in events if e.code == "rep_fail")


def test_stepping_measures_stance_time_and_peak_of_each_limb():
    mass = 70.0
    bw = mass * G
    t = np.arange(0, 4, 0.001)
    phase = t % 1.0  # affected stance 0-0.4 s each second, unaffected 0.5-0.95 s
    aff = np.where(phase < 0.4, 0.8 * bw * np.sin(np.pi * phase / 0.4) + 60, 0.0)
    unaff = np.where((phase >= 0.5) & (phase < 0.95), 1.1 * bw * np.sin(np.pi * (phase - 0.5) / 0.45) + 60, 0.0)
    mode = SteppingTraining(mass, target_peak_pct_bw=90.0, contact_n=50.0)
    events = [e for b in blocks(samples(t, aff=aff, unaff=unaff), 37) for e in mode.update(b)]
    n_a, stance_a, peak_a = mode.summary("affected")
    n_u, stance_u, peak_u = mode.summary("unaffected")
    assert (n_a, n_u) == (4, 4)
    assert stance_a == pytest.approx(0.399, abs=0.002) and stance_u == pytest.approx(0.449, abs=0.002)
    assert peak_a == pytest.approx(100 * (0.8 * bw + 60) / bw, abs=0.1)
    assert peak_u == pytest.approx(100 * (1.1 * bw + 60) / bw, abs=0.1)
    assert (mode.successes, mode.attempts) == (0, 4)  # 88.7 %BW < 90 %BW target
    assert sum(e.code == "step" for e in events) == 8
    with pytest.raises(ValueError, match="body mass"):
        SteppingTraining(0.0)


def test_underload_cue_fires_after_the_delay_and_repeats():
    t = np.arange(0, 5, 0.01)
    pct = np.where(t < 1.0, 50.0, 30.0)
    cue = UnderloadCue(40.0, after_s=1.5)
    times = [c for b in blocks(samples(t, pct=pct), 11) for c in cue.update(b)]
    assert [round(c, 2) for c in times] == [2.5, 4.0]


def test_live_samples_match_the_analysis_definitions():
    # 300 N on the right cells, 100 N on the left: COP x = +108.25 mm; right-affected share 75 %
    forces = np.array([[150.0, 150.0, 50.0, 50.0], [0.0, 0.0, 0.0, 1.0]])
    s = live_samples(np.array([0.0, 0.01]), forces, np.array(WBB_SENSOR_POSITIONS_MM), "right")
    assert s.cop_x_mm[0] == pytest.approx(108.25) and s.affected_pct[0] == pytest.approx(75.0)
    assert s.loaded.tolist() == [True, False] and math.isnan(s.affected_pct[1])
    with pytest.raises(ValueError, match="affected_side"):
        live_samples(np.zeros(1), forces[:1], np.array(WBB_SENSOR_POSITIONS_MM), "both")
