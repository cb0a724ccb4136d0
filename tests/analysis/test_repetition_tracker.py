"""The live repetition tracker, fed block by block, ends with what detect_repetitions finds on the whole set, for
every exercise kind, while the samples it holds stay bounded by about one repetition whatever the set's length."""

import numpy as np
import pytest

from analysis.repetition_signals import KINDS
from analysis.repetition_tracker import SQUAT_SETTLE_S, RepetitionTracker
from analysis.repetitions import detect_repetitions
from drivers.sim.home_patient import HomeSetSubject

#: kind -> (the simulated patient's exercise, the target and hold of the set)
CASES = {
    "symmetric-stance": ("stance-eyes-open", {"target_min_pct_bw": 45.0, "target_max_pct_bw": 55.0, "hold_s": 4.0}),
    "weight-shift": ("weight-shift", {"target_min_pct_bw": 60.0, "hold_s": 4.0}),
    "single-leg-stance": ("single-leg-affected", {"target_min_pct_bw": 90.0, "hold_s": 5.0}),
    "mini-squat": ("mini-squat", {"target_min_pct_bw": 30.0, "target_max_pct_bw": 60.0}),
    "sit-to-stand": ("sit-to-stand", {"target_min_pct_bw": 30.0}),
    "step-up": ("step-up-affected", {"target_min_pct_bw": 80.0}),
    "stepping-in-place": ("stepping-in-place", {"target_min_pct_bw": 80.0}),
}


def simulated(kind, *, reps=6, seed=0, **motion):
    """(t, affected, unaffected, body weight) of a set on a ~100 Hz jittered clock (the Wii board's)."""
    exercise, target = CASES[kind]
    subject = HomeSetSubject(exercise, reps=reps, hold_s=target.get("hold_s", 5.0), seed=seed, **motion)
    rng = np.random.default_rng(seed)
    seconds = subject.duration_s + 3.0
    t = np.cumsum(rng.uniform(0.006, 0.014, int(seconds * 120)))
    t = t[t < seconds]
    truth = subject.sample(t)
    return t, truth.left_n, truth.right_n, subject.weight_n


def tracked(kind, t, affected, unaffected, bw, block, update_every=25):
    tracker = RepetitionTracker(kind, body_weight_n=bw, **CASES[kind][1])
    most = 0
    for i in range(0, t.size, block):
        tracker.append(t[i:i + block], affected[i:i + block], unaffected[i:i + block])
        if i % update_every < block:  # about every 0.25 s of the set, as the live views ask
            tracker.update()
            most = max(most, tracker.tail_samples)
    return tracker.finish(), most


def test_every_kind_is_covered():
    assert set(CASES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(CASES))
@pytest.mark.parametrize("motion", [{}, {"half_reps": 1, "pause_after": 2, "step_off_at_s": 9.0}],
                         ids=["plain", "half-pause-step-off"])
@pytest.mark.parametrize("block", [1, 7])
def test_the_tracked_count_equals_the_whole_set_analysis(kind, motion, block):
    t, aff, unaff, bw = simulated(kind, seed=1, **motion)
    whole = detect_repetitions(kind, t, aff, unaff, body_weight_n=bw, **CASES[kind][1])
    live, _ = tracked(kind, t, aff, unaff, bw, block)
    assert (live.n_complete, live.n_on_target) == (whole.n_complete, whole.n_on_target)
    if not motion:
        assert whole.n_complete == 6  # the simulated patient did six
    if kind == "mini-squat":  # frequency-domain displacement: boundaries move by a few samples at a cut
        assert len(live.repetitions) == len(whole.repetitions)
        assert [r.complete for r in live.repetitions] == [r.complete for r in whole.repetitions]
        np.testing.assert_allclose([r.start_s for r in live.repetitions], [r.start_s for r in whole.repetitions],
                                   atol=0.3)
    else:  # the cuts are exact: every repetition, every measure, every reason
        assert live.repetitions == whole.repetitions
        assert live.time_in_band_s == pytest.approx(whole.time_in_band_s, abs=1e-9)
    assert live.settings == whole.settings


@pytest.mark.parametrize("kind", ["weight-shift", "sit-to-stand", "stepping-in-place", "mini-squat"])
def test_the_samples_held_do_not_grow_with_the_set(kind):
    short = simulated(kind, reps=6, seed=2)
    long = simulated(kind, reps=30, seed=2)
    _, most_short = tracked(kind, *short, block=5)
    result, most_long = tracked(kind, *long, block=5)
    assert result.n_complete == 30
    rate_hz = long[0].size / (long[0][-1] - long[0][0])
    if kind == "mini-squat":  # a squat settles SQUAT_SETTLE_S after its end; a squat cycle is 3.8 s
        assert most_long <= (SQUAT_SETTLE_S + 2 * 3.8 + 1.0) * rate_hz
    else:
        assert most_long <= 1.2 * most_short + 50  # about one repetition, however many there are
    assert most_long < long[0].size / 3


def test_samples_out_of_time_order_and_bad_arguments_are_refused():
    tracker = RepetitionTracker("step-up", body_weight_n=700.0, target_min_pct_bw=80.0)
    tracker.append(np.array([0.0, 0.01]), np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="time order"):
        tracker.append(np.array([0.01]), np.zeros(1), np.zeros(1))
    with pytest.raises(ValueError, match="hold_s"):
        RepetitionTracker("weight-shift", body_weight_n=700.0, target_min_pct_bw=60.0)
    with pytest.raises(ValueError, match="unknown exercise kind"):
        RepetitionTracker("cartwheel", body_weight_n=700.0)
