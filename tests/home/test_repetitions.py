"""Repetition detection on simulated sets with known counts, edge cases, and independent cross-checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from analysis.repetition_segments import squat_displacement_mm
from analysis.repetition_signals import KINDS
from analysis.repetitions import detect_repetitions
from analysis.stance import detect_contacts
from drivers.sim.home_patient import HomeSetSubject

KIND = {
    "stance-eyes-open": "symmetric-stance", "weight-shift": "weight-shift", "single-leg-affected": "single-leg-stance",
    "mini-squat": "mini-squat", "sit-to-stand": "sit-to-stand", "step-up-affected": "step-up",
    "stepping-in-place": "stepping-in-place",
}
TARGET = {
    "stance-eyes-open": (45.0, 55.0), "weight-shift": (60.0, None), "single-leg-affected": (90.0, None),
    "mini-squat": (30.0, 60.0), "sit-to-stand": (30.0, None), "step-up-affected": (80.0, None),
    "stepping-in-place": (80.0, None),
}


def _signals(subject: HomeSetSubject, extra_s: float = 3.0, fs: float = 100.0):
    rng = np.random.default_rng(subject.seed + 99)
    dt = rng.uniform(0.006, 0.014, int((subject.duration_s + extra_s) * fs * 1.2))  # jittered like the Wii board
    t = np.cumsum(dt)
    t = t[t < subject.duration_s + extra_s]
    truth = subject.sample(t)
    aff, unaff = (truth.left_n, truth.right_n) if subject.affected_side == "left" else (truth.right_n, truth.left_n)
    return t, aff, unaff


def _detect(subject: HomeSetSubject, signals=None, **kw):
    t, aff, unaff = signals if signals is not None else _signals(subject)
    lo, hi = TARGET[subject.exercise]
    return detect_repetitions(KIND[subject.exercise], t, aff, unaff, body_weight_n=subject.weight_n,
                              target_min_pct_bw=lo, target_max_pct_bw=hi,
                              hold_s=subject.hold_s if KIND[subject.exercise] in KINDS[:3] else None, **kw)


@pytest.mark.parametrize("exercise", list(KIND))
@pytest.mark.parametrize("seed", [1, 2])
def test_exact_count_at_normal_noise(exercise, seed):
    reps = 6
    reached = {"stance-eyes-open": 50.0, "mini-squat": 45.0, "sit-to-stand": 45.0}.get(exercise)
    subject = HomeSetSubject(exercise, reps=reps, hold_s=5.0, affected_share_pct=38.0, seed=seed, reached_pct=reached)
    r = _detect(subject)
    assert r.n_complete == reps, [x.reason for x in r.repetitions]
    assert r.n_on_target == reps
    assert r.n_incomplete == 0, [x.reason for x in r.repetitions]
    # every detected repetition lies over one true repetition
    starts = subject.rep_starts_s
    for rep in r.repetitions:
        k = np.searchsorted(starts, rep.start_s + 0.5, side="right") - 1
        assert 0 <= k < reps and rep.start_s < starts[k] + subject.cycle_s and rep.end_s > starts[k]


def test_known_hold_and_load_values():
    subject = HomeSetSubject("weight-shift", reps=4, hold_s=6.0, affected_share_pct=40.0, reached_pct=70.0, noise=0.0)
    r = _detect(subject)
    assert r.n_complete == 4
    for rep in r.repetitions:
        # on target (>= 60 %) while the ramp is above 60 %: hold 6.5 s plus the parts of both 1-s ramps above 60 %
        ramp_above = 1.0 - np.arccos(1 - 2 * (60 - 40) / 30) / np.pi  # raised-cosine time above 60 %, s
        assert rep.hold_s == pytest.approx(6.5 + 2 * ramp_above, abs=0.05)
        assert rep.affected_peak_pct_bw == pytest.approx(70.0, abs=0.2)
    # time in band = 4 × the hold just computed
    assert r.time_in_band_s == pytest.approx(4 * r.repetitions[0].hold_s, abs=0.2)


@pytest.mark.parametrize("exercise,tolerance", [("mini-squat", 1), ("weight-shift", 1), ("stepping-in-place", 1),
                                                ("sit-to-stand", 0), ("step-up-affected", 0)])
def test_tolerance_at_high_noise(exercise, tolerance):
    """Stated tolerance: at 3× the sway and vertical-force fluctuation, within ±1 repetition of 8."""
    counts = []
    for seed in range(4):
        subject = HomeSetSubject(exercise, reps=8, hold_s=5.0, affected_share_pct=38.0, noise=3.0, seed=seed)
        counts.append(_detect(subject).n_complete)
    assert max(abs(c - 8) for c in counts) <= tolerance, counts


@pytest.mark.parametrize("exercise,reason", [
    ("weight-shift", "held"), ("single-leg-affected", "held"), ("mini-squat", "too shallow"),
    ("sit-to-stand", "did not stand up fully"), ("step-up-affected", "did not step fully"),
    ("stepping-in-place", "other foot not lifted"),
])
def test_half_repetition_is_reported_with_a_reason(exercise, reason):
    subject = HomeSetSubject(exercise, reps=4, half_reps=1, hold_s=6.0, affected_share_pct=38.0, seed=3)
    r = _detect(subject)
    assert r.n_complete == 4
    halves = [x for x in r.repetitions if not x.complete]
    assert len(halves) == 1 and halves[0].reason.startswith(reason) and not halves[0].hit_target
    assert halves[0].start_s > subject.rep_starts_s[3]  # the last attempt, the half one


@pytest.mark.parametrize("exercise", ["weight-shift", "mini-squat", "sit-to-stand", "stepping-in-place"])
def test_a_pause_changes_nothing(exercise):
    plain = _detect(HomeSetSubject(exercise, reps=5, hold_s=5.0, affected_share_pct=38.0, seed=4))
    paused = _detect(HomeSetSubject(exercise, reps=5, hold_s=5.0, affected_share_pct=38.0, seed=4, pause_after=2,
                                    pause_s=8.0))
    assert plain.n_complete == paused.n_complete == 5
    assert paused.n_incomplete == 0
    gap = paused.repetitions[2].start_s - paused.repetitions[1].end_s
    assert gap > 8.0


@pytest.mark.parametrize("exercise", ["stance-eyes-open", "weight-shift", "mini-squat", "stepping-in-place"])
def test_stepping_off_the_board_breaks_the_repetition_under_way(exercise):
    subject = HomeSetSubject(exercise, reps=5, hold_s=6.0, affected_share_pct=38.0, seed=5, step_off_s=2.0)
    # step off in the middle of the third repetition
    subject.step_off_at_s = float(subject.rep_starts_s[2] + 0.4 * subject.cycle_s)
    r = _detect(subject)
    off = [x for x in r.repetitions if x.reason.startswith("stepped off the board")]
    assert len(off) >= 1
    assert all(not x.complete and not x.hit_target for x in off)
    assert r.n_complete <= 4  # the broken one is not counted
    assert r.n_complete >= 3


def test_stepping_off_between_reps_is_its_own_entry():
    subject = HomeSetSubject("weight-shift", reps=3, hold_s=5.0, affected_share_pct=38.0, seed=6, pause_after=2,
                             pause_s=6.0, step_off_s=2.0)
    subject.step_off_at_s = float(subject.rep_starts_s[1] + subject.cycle_s + 1.5)  # in the pause
    r = _detect(subject)
    assert r.n_complete == 3
    (off,) = [x for x in r.repetitions if not x.complete]
    assert off.reason.startswith("stepped off the board for") and off.end_s - off.start_s == pytest.approx(2.0, abs=0.3)


def test_squat_depth_matches_the_simulated_centre_of_mass():
    subject = HomeSetSubject("mini-squat", reps=5, squat_depth_mm=90.0, noise=0.0, seed=7)
    t, aff, unaff = _signals(subject)
    _, z = squat_displacement_mm(t, aff + unaff, body_weight_n=subject.weight_n)
    peaks, props = signal.find_peaks(-z, prominence=40)
    assert peaks.size == 5
    # band-limited double integration keeps the depth within 15 % of the true 90 mm
    assert np.all(np.abs(props["prominences"] - 90.0) < 13.5), props["prominences"]


@pytest.mark.parametrize("exercise", ["step-up-affected", "stepping-in-place", "mini-squat"])
def test_cross_check_with_an_independent_method(exercise):
    """Counts agree with a second way: contact detection (analysis.stance) or Fz bottom peaks for squats."""
    subject = HomeSetSubject(exercise, reps=7, affected_share_pct=38.0, seed=8)
    t, aff, unaff = _signals(subject)
    r = _detect(subject, (t, aff, unaff))
    if exercise == "step-up-affected":
        other = detect_contacts(aff + unaff, body_weight_n=subject.weight_n).on_index.size
    elif exercise == "stepping-in-place":  # swings of the unaffected foot = its contacts minus one
        c = detect_contacts(unaff, body_weight_n=subject.weight_n)
        other = c.on_index.size - 1
    else:  # squat bottoms: Fz above body weight by >= 1 %BW, at least 1.5 s apart
        fz = aff + unaff
        grid = np.arange(t[0], t[-1], 0.02)
        fz_u = np.interp(grid, t, fz)
        b, a = signal.butter(2, 1.0, fs=50.0)
        fz_f = signal.filtfilt(b, a, fz_u)
        other = signal.find_peaks(fz_f / subject.weight_n - 1, height=0.01, distance=75)[0].size
    assert r.n_complete == other == 7


def test_live_use_on_a_growing_buffer_counts_up_monotonically():
    subject = HomeSetSubject("weight-shift", reps=5, hold_s=4.0, affected_share_pct=38.0, seed=9)
    t, aff, unaff = _signals(subject)
    counts = []
    for end in np.linspace(0.5, t[-1], 25):
        n = int(np.searchsorted(t, end))
        counts.append(detect_repetitions("weight-shift", t[:n], aff[:n], unaff[:n], body_weight_n=subject.weight_n,
                                         target_min_pct_bw=60, hold_s=4.0).n_complete)
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == 5
    # an early buffer (shorter than a squat) gives no repetition rather than an error
    r = detect_repetitions("mini-squat", t[:20], aff[:20], unaff[:20], body_weight_n=subject.weight_n)
    assert r.repetitions == ()


def test_bad_input_is_refused_clearly():
    t = np.arange(0, 5, 0.01)
    a = np.full_like(t, 300.0)
    with pytest.raises(ValueError, match="unknown exercise kind"):
        detect_repetitions("juggling", t, a, a, body_weight_n=600)
    with pytest.raises(ValueError, match="hold_s must be > 0"):
        detect_repetitions("weight-shift", t, a, a, body_weight_n=600, target_min_pct_bw=50)
    with pytest.raises(ValueError, match="needs a target band"):
        detect_repetitions("symmetric-stance", t, a, a, body_weight_n=600, hold_s=5)
    with pytest.raises(ValueError, match="impossible target band"):
        detect_repetitions("symmetric-stance", t, a, a, body_weight_n=600, hold_s=5, target_min_pct_bw=60,
                           target_max_pct_bw=50)
    bad = a.copy()
    bad[7] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        detect_repetitions("mini-squat", t, bad, a, body_weight_n=600)
    with pytest.raises(ValueError, match="unknown repetition setting"):
        detect_repetitions("mini-squat", t, a, a, body_weight_n=600, depth=3)
    with pytest.raises(ValueError, match="strictly increasing"):
        detect_repetitions("mini-squat", t[::-1], a, a, body_weight_n=600)


@pytest.mark.parametrize("period_s", [1.5, 3.0, 6.0])
@pytest.mark.parametrize("noise", [1.0, 3.0])
def test_squats_fast_and_slow_are_counted(period_s, noise):
    subject = HomeSetSubject("mini-squat", reps=6, affected_share_pct=38.0, seed=11, noise=noise,
                             squat_period_s=period_s)
    r = _detect(subject)
    assert (r.n_complete, r.n_incomplete) == (6, 0)


def _loop_holds(t, share_pct, lo, hold_s, bridge_s=0.3, min_attempt_s=1.0):
    """Independent per-sample loop of the weight-shift rule: (complete, half) repetitions."""
    stays = []
    start = last = last_end = None
    for ti, pct in zip(t, share_pct, strict=True):
        if pct >= lo:
            if start is None or ti - last >= bridge_s:
                if start is not None:
                    stays.append((start, last_end))
                start = ti
            last = ti
            last_end = None
        elif start is not None and last_end is None:
            last_end = ti  # the first sample after the stay ends it
    if start is not None:
        stays.append((start, last_end if last_end is not None else t[-1]))
    durations = [b - a for a, b in stays]
    return (sum(d >= hold_s for d in durations), sum(min_attempt_s <= d < hold_s for d in durations))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 9.0), st.floats(0.5, 4.0)), min_size=1, max_size=8),
       st.integers(0, 10_000))
def test_holds_analytic_and_against_a_loop(stays, seed):
    """Piecewise shares (in the band for a, out for b seconds): counts, holds and time in band are known."""
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.uniform(0.008, 0.012, int((sum(a + b for a, b in stays) + 2) * 110)))
    edges = np.cumsum([0.5] + [x for a, b in stays for x in (a, b)])
    level = np.searchsorted(edges, t, side="right")  # odd: inside a stay
    share = np.where(level % 2 == 1, 70.0, 40.0)
    share[t > edges[-1]] = 40.0
    bw = 700.0
    r = detect_repetitions("weight-shift", t, bw * share / 100, bw * (1 - share / 100), body_weight_n=bw,
                           target_min_pct_bw=60.0, hold_s=5.0, bridge_s=0.3)
    durations = [a for a, b in stays]  # out-of-band gaps are >= 0.5 s > bridge: stays never merge
    dt_max = 0.012
    expected_complete = sum(d >= 5.0 + dt_max for d in durations)
    maybe = sum(abs(d - 5.0) <= dt_max for d in durations)  # at the sampling resolution either way
    assert expected_complete <= r.n_complete <= expected_complete + maybe
    assert r.n_on_target == r.n_complete
    halves = [x for x in r.repetitions if not x.complete]
    assert len(halves) <= sum(1.0 - dt_max <= d < 5.0 + dt_max for d in durations)
    assert len(halves) >= sum(1.0 + dt_max <= d < 5.0 - dt_max for d in durations)
    assert r.time_in_band_s == pytest.approx(sum(durations), abs=len(durations) * 2 * dt_max)
    loop_complete, loop_half = _loop_holds(t.tolist(), share.tolist(), 60.0, 5.0)
    assert (loop_complete, loop_half) == (r.n_complete, len(halves))


def test_symmetric_stance_half_hold_and_flickers():
    """Stays of 12, 1.5 (a flicker), 6 and 3 s in the band with 10-s holds: 1 rep, one half (6 s), the rest time."""
    bw = 700.0
    t = np.arange(0.0, 40.0, 0.01)
    edges = [(1.0, 13.0), (15.0, 16.5), (20.0, 26.0), (30.0, 33.0)]
    inside = np.zeros(t.size, bool)
    for a, b in edges:
        inside |= (t >= a) & (t < b)
    share = np.where(inside, 50.0, 40.0)
    r = detect_repetitions("symmetric-stance", t, bw * share / 100, bw * (1 - share / 100), body_weight_n=bw,
                           target_min_pct_bw=45.0, target_max_pct_bw=55.0, hold_s=10.0)
    assert r.n_complete == 1
    assert [x.reason for x in r.repetitions if not x.complete] == ["held 6.0 s of 10 s"]
    assert r.time_in_band_s == pytest.approx(12 + 1.5 + 6 + 3, abs=0.02)
