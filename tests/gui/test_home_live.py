"""The live repetition counter of a home set (no Qt): fed block by block it ends with the count
analyze_set finds in the whole set, re-counts only every interval, and its hold timer matches a plain loop."""

import math

import numpy as np
import pytest

from drivers.model import concatenate_blocks
from drivers.sim.home_patient import SimulatedHomeBoard
from station.engine.live import live_samples
from station.home import ExerciseDose, Target
from station.home.live import RepetitionCounter
from station.home.session import analyze_set, set_seconds

MASS_KG = 70.0
BW_N = MASS_KG * 9.80665


def simulated_set(dose, *, side="left", compliance=1.0, seed=1, reps=None, half_reps=0):
    """(t, forces, device info, reps done) of one simulated set of ``dose`` (FastClock: milliseconds); the patient
    does ``reps`` (default: the dose's) complete and ``half_reps`` half repetitions."""
    board = SimulatedHomeBoard(mass_kg=MASS_KG, affected_side=side, compliance=compliance, seed=seed)
    board.prepare_set(dose.exercise, reps=dose.reps if reps is None else reps, hold_s=dose.hold_s,
                      half_reps=half_reps)
    seconds = set_seconds(dose)
    with board:
        board.start()
        blocks = []
        while not blocks or blocks[-1].t_s[-1] < seconds:
            blocks.append(board.read(1.0))
    data = concatenate_blocks(blocks)
    keep = data.t_s <= seconds
    return data.t_s[keep], data.forces_n[keep], board.info, board.home_subject.reps


class TickClock:
    """A wall clock that advances ``step`` s every time it is read."""

    def __init__(self, step):
        self.t, self.step = 0.0, step

    def __call__(self):
        self.t += self.step
        return self.t


class Rec:
    """Just what analyze_set reads from a recording: times, cell forces and the device (sensor positions)."""

    def __init__(self, t, forces, info):
        self.t_s, self.forces_n, self.device = t, forces, info


@pytest.mark.parametrize(
    "dose",
    [
        ExerciseDose("stance-eyes-open", 1, 4, 3.0, 30.0, Target(45.0, 60.0, 3.0)),
        ExerciseDose("mini-squat", 1, 5, 0.0, 30.0, Target(40.0, 60.0)),
        ExerciseDose("sit-to-stand", 1, 3, 0.0, 30.0, Target(40.0, None)),
    ],
    ids=lambda d: d.exercise,
)
def test_the_live_count_ends_equal_to_the_analysis_of_the_whole_set(dose):
    t, forces, info, reps_done = simulated_set(dose)
    positions = info.sensor_positions()
    counter = RepetitionCounter(dose, BW_N, interval_s=0.25, clock=TickClock(0.1))
    announced, counts_seen = [], []
    for i in range(0, t.size, 10):  # blocks of 10 samples (0.1 s at 100 Hz)
        live = live_samples(t[i:i + 10], forces[i:i + 10], positions, "left")
        announced += [e for e in counter.update(live) if e.code == "rep_counted"]
        counts_seen.append(counter.reps_done)
    final = counter.finish(float(t[-1]))
    announced += [e for e in final if e.code == "rep_counted"]
    whole = analyze_set(Rec(t, forces, info), dose, BW_N, "left")
    assert counter.reps_done == whole.n_complete == reps_done == dose.reps
    assert counter.reps_on_target == whole.n_on_target
    assert len(announced) == reps_done  # one event per repetition, none twice
    assert counts_seen == sorted(counts_seen) and counts_seen[0] == 0  # the count only grows
    assert final[-1].code == "score" and f"{reps_done} repetitions" in final[-1].label
    # re-counted about every other block (0.25 s of a clock that moves 0.1 s per block), not every block
    n_blocks = math.ceil(t.size / 10)
    assert n_blocks / 3 - 2 <= counter.n_counts - 1 <= n_blocks / 2 + 2


def test_the_hold_timer_matches_a_plain_loop():
    dose = ExerciseDose("weight-shift", 1, 3, 4.0, 30.0, Target(60.0, None, 4.0))
    t, forces, info, _ = simulated_set(dose)
    positions = info.sensor_positions()
    counter = RepetitionCounter(dose, BW_N, interval_s=1e9)  # never re-counts during the set
    expected_entry = None
    for i in range(0, t.size, 7):
        live = live_samples(t[i:i + 7], forces[i:i + 7], positions, "left")
        counter.update(live)
        for k in range(live.n_samples):  # the reference: one sample at a time, on the share of the load
            total = live.affected_n[k] + live.unaffected_n[k]
            inside = bool(live.fz_n[k] >= 10.0) and 100.0 * live.affected_n[k] / total >= 60.0
            if not inside:
                expected_entry = None
            elif expected_entry is None:
                expected_entry = live.t_s[k]
        expected = 0.0 if expected_entry is None else live.t_s[-1] - expected_entry
        assert counter.held_s == pytest.approx(expected, abs=1e-12)
    # the patient holds a 68 % share for 4 s + 0.5 s and ramps from 42 % by a 1-s raised cosine, above 60 % for
    # 1 - acos(1 - 2·18/26)/π = 0.374 s of each ramp: 4.5 + 2 × 0.374 = 5.25 s (sway blurs the edges)
    ramp_above = 1.0 - math.acos(1.0 - 2.0 * 18.0 / 26.0) / math.pi
    assert counter.best_hold_s == pytest.approx(4.5 + 2.0 * ramp_above, abs=0.15)
    assert counter.n_counts == 1  # the first block only


def test_status_and_band():
    dose = ExerciseDose("single-leg-affected", 1, 2, 5.0, 30.0, Target(85.0, None, 5.0))
    counter = RepetitionCounter(dose, BW_N)
    assert counter.band.min_pct == 85.0 and counter.band.max_pct == 100.0
    s = counter.status()
    assert s["attempts"] == 2 and s["successes"] == 0 and s["hold_s"] == 5.0 and math.isnan(s["affected_pct_bw"])
    squat = RepetitionCounter(ExerciseDose("mini-squat", 1, 5, 0.0, 30.0, Target()), BW_N)
    assert squat.band is None and squat.hold_s is None and squat.status()["hold_progress"] == 0.0
    with pytest.raises(ValueError, match="body weight"):
        RepetitionCounter(dose, 0.0)


def test_unloaded_samples_show_no_load():
    dose = ExerciseDose("stance-eyes-open", 1, 2, 3.0, 30.0, Target(45.0, 55.0, 3.0))
    counter = RepetitionCounter(dose, BW_N)
    t = np.arange(50) / 100.0
    counter.update(live_samples(t, np.zeros((50, 4)), np.array([[216, 119], [216, -119], [-216, 119], [-216, -119]],
                                                               dtype=float), "left"))
    assert math.isnan(counter.affected_pct_bw) and counter.held_s == 0.0 and counter.reps_done == 0


def test_pace_cues_follow_the_plan_timing():
    from station.gui.home_text import pace_cue
    from station.home.session import MOVEMENT_REP_S, SET_LEAD_IN_S

    rep = MOVEMENT_REP_S["mini-squat"]  # 4 s: down for the first 2 s, up for the next 2
    assert pace_cue("mini-squat", 0.5, 3) == "Get ready"
    assert pace_cue("mini-squat", SET_LEAD_IN_S + 0.1, 3) == "Bend your knees slowly"
    assert pace_cue("mini-squat", SET_LEAD_IN_S + rep / 2 + 0.1, 3) == "Stand up tall"
    assert pace_cue("mini-squat", SET_LEAD_IN_S + 2 * rep + 0.1, 3) == "Bend your knees slowly"  # the third squat
    assert pace_cue("mini-squat", SET_LEAD_IN_S + 3 * rep + 0.1, 3) == "Done — relax"
    assert pace_cue("sit-to-stand", SET_LEAD_IN_S + 3.0, 2) == "Sit down slowly"  # 5-s repetitions
    assert pace_cue("symmetric-stance", 10.0, 3) == ""  # a hold has the load cue, not a pace


def test_the_normalisation_of_each_kind_is_the_one_detect_repetitions_uses():
    from analysis.repetition_signals import KINDS
    from analysis.repetitions import detect_repetitions
    from station.home import LIBRARY

    t = np.arange(200) / 100.0
    for key, ex in LIBRARY.items():
        result = detect_repetitions(ex.kind.value, t, np.full(200, 300.0), np.full(200, 380.0), body_weight_n=BW_N,
                                    target_min_pct_bw=40.0, hold_s=1.0 if ex.counts_holds else None)
        counter = RepetitionCounter(ExerciseDose(key, 1, 1, 1.0 if ex.counts_holds else 0.0, 0.0, Target(40.0)),
                                    BW_N)
        assert counter.normalisation == result.settings["normalisation"][0], key
    assert {ex.kind.value for ex in LIBRARY.values()} == set(KINDS)


def test_symmetric_stance_shows_the_hold_under_way_after_each_full_hold():
    dose = ExerciseDose("stance-eyes-open", 1, 5, 2.0, 30.0, Target(35.0, 55.0, 2.0))
    counter = RepetitionCounter(dose, BW_N, interval_s=1e9)
    t = np.arange(0, 5.01, 0.01)  # 5 s standing at a 42 % share, inside 35-55 the whole time
    forces = np.column_stack([np.full(t.size, 0.29), np.full(t.size, 0.29), np.full(t.size, 0.21),
                              np.full(t.size, 0.21)]) * BW_N
    positions = np.array([[216.0, 119.0], [216.0, -119.0], [-216.0, 119.0], [-216.0, -119.0]])
    counter.update(live_samples(t, forces, positions, "left"))
    assert counter.affected_pct_bw == pytest.approx(42.0) and counter.unaffected_pct_bw == pytest.approx(58.0)
    assert counter.held_s == pytest.approx(5.0)  # one stay of 5 s ...
    assert counter.status()["held_s"] == pytest.approx(1.0)  # ... of which two holds of 2 s are done
    assert counter.status()["hold_progress"] == pytest.approx(0.5)


def test_a_half_repetition_is_shown_as_not_counted_for_a_few_seconds_and_in_the_summary():
    from station.gui.home_text import summary_lines
    from station.home import Prescription, SetOutcome
    from station.home.live import NOTE_SHOW_S

    dose = ExerciseDose("weight-shift", 1, 4, 3.0, 30.0, Target(60.0, None, 3.0))
    t, forces, info, _ = simulated_set(dose, reps=3, half_reps=1)  # the fourth shift is held half as long
    counter = RepetitionCounter(dose, BW_N, interval_s=0.25, clock=TickClock(0.1))
    notes = {}
    for i in range(0, t.size, 10):
        counter.update(live_samples(t[i:i + 10], forces[i:i + 10], info.sensor_positions(), "left"))
        note = counter.status()["note"]
        if note:
            notes.setdefault(note, []).append(float(t[min(i + 9, t.size - 1)]))
    counter.finish(float(t[-1]))
    assert counter.reps_done == 3
    (text, seen), = notes.items()  # one note, about the half repetition
    half = next(r for r in counter.result.repetitions if not r.complete)
    assert text == f"Not counted: {half.reason}" and "held" in half.reason
    assert half.end_s + 0.5 <= seen[0] <= half.end_s + 1.5  # once it is over (re-counted every 0.25 s)
    assert seen[-1] <= half.end_s + NOTE_SHOW_S + 0.2  # and for a few seconds only
    p = Prescription("P1", 1, "2026-11-20", 3, (dose,))
    lines = summary_lines([SetOutcome(dose.exercise, 0, "x.h5", counter.result)], p, 2, 3)
    assert lines[0] == "Shift onto your sore side: 3 of 4 repetitions, 3 on target, 1 not counted"
