"""Benchmark repetition detection as the live display uses it, against a per-sample Python loop, in one run.

Run: python benchmarks/bench_repetitions.py [--seconds 60]

The GUI and the console count repetitions live, a few times per second. This script simulates a weight-shift
set and a mini-squat set (~100 Hz, jittered) and:

1. times the live pattern both ways, in the same run: the former one (:func:`analysis.repetitions.
   detect_repetitions` on the growing buffer every 0.25 s of set time: quadratic in the set's length) and the
   :class:`analysis.repetition_tracker.RepetitionTracker` (each block appended, the open tail analysed every
   0.25 s), for a set of ``--seconds`` and one 10x longer; prints the compute time as a fraction of the set's
   duration, the ratio, and whether both counted the same;
2. times one whole-set call of the hold rule (on a set 10x longer) against a straightforward per-sample
   Python state machine (same band, bridge and hold rules) and checks both count the same repetitions.

No time is asserted; the script prints times and ratios.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from analysis.repetition_tracker import RepetitionTracker
from analysis.repetitions import detect_repetitions
from drivers.sim.home_patient import HomeSetSubject


def signals(exercise: str, seconds: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    cycle = {"weight-shift": 5.0 + 3.5, "mini-squat": 3.8}[exercise]
    reps = max(int((seconds - 4) // cycle), 1)
    subject = HomeSetSubject(exercise, reps=reps, hold_s=5.0, affected_share_pct=38.0, seed=seed)
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.uniform(0.006, 0.014, int(seconds * 120)))
    t = t[t < seconds]
    truth = subject.sample(t)
    return t, truth.left_n, truth.right_n, subject.weight_n


def loop_holds(t, aff, unaff, lo, hold_s, bridge_s=0.3, min_attempt_s=1.0) -> int:
    """Per-sample Python loop: stays in the band merged over short gaps; one repetition per stay >= hold_s."""
    n_complete = 0
    stay_start = None
    last_inside = None
    for i in range(len(t)):
        total = aff[i] + unaff[i]
        inside = total > 0 and aff[i] / total * 100.0 >= lo
        if inside:
            if stay_start is None or (last_inside is not None and t[i] - last_inside >= bridge_s):
                if stay_start is not None and last_inside - stay_start >= hold_s:
                    n_complete += 1
                stay_start = t[i]
            last_inside = t[i]
    if stay_start is not None and last_inside is not None:
        end = t[-1] if last_inside == t[-1] else last_inside
        if end - stay_start >= hold_s:
            n_complete += 1
    return n_complete


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    for exercise, kw in (("weight-shift", {"target_min_pct_bw": 60.0, "hold_s": 5.0}),
                         ("mini-squat", {"target_min_pct_bw": 30.0, "target_max_pct_bw": 60.0})):
        for seconds in (args.seconds, 10 * args.seconds):
            t, left, right, bw = signals(exercise, seconds)
            ends = np.searchsorted(t, np.arange(0.25, t[-1], 0.25))
            t0 = time.perf_counter()
            for n in ends:
                growing = detect_repetitions(exercise, t[:n], left[:n], right[:n], body_weight_n=bw, **kw)
            old = time.perf_counter() - t0
            t0 = time.perf_counter()
            tracker = RepetitionTracker(exercise, body_weight_n=bw, **kw)
            start = 0
            for n in ends:
                tracker.append(t[start:n], left[start:n], right[start:n])
                tracker.update()
                start = n
            tracker.append(t[start:], left[start:], right[start:])
            tracked = tracker.finish()
            new = time.perf_counter() - t0
            whole = detect_repetitions(exercise, t, left, right, body_weight_n=bw, **kw)
            same = "same count" if tracked.n_complete == whole.n_complete else "<-- COUNTS DIFFER"
            print(f"{exercise}, {t[-1]:.0f}-s set ({t.size} samples), {ends.size} live counts: growing buffer "
                  f"{old * 1e3:.0f} ms ({old / t[-1]:.3%} of the set), tracker {new * 1e3:.0f} ms "
                  f"({new / t[-1]:.3%}); ratio {old / new:.1f}x; {tracked.n_complete} repetitions "
                  f"(growing buffer's last call {growing.n_complete}, whole set {whole.n_complete}): {same}")
    t, left, right, bw = signals("weight-shift", 10 * args.seconds)  # a long set: the loop's cost per sample shows
    t0 = time.perf_counter()
    vec = detect_repetitions("weight-shift", t, left, right, body_weight_n=bw, target_min_pct_bw=60.0, hold_s=5.0)
    t_vec = time.perf_counter() - t0
    t0 = time.perf_counter()
    looped = loop_holds(t.tolist(), left.tolist(), right.tolist(), 60.0, 5.0)
    t_loop = time.perf_counter() - t0
    print(f"whole set, hold rule: vectorised {t_vec * 1e3:.2f} ms, per-sample loop {t_loop * 1e3:.2f} ms "
          f"(ratio {t_loop / t_vec:.1f}x); repetitions {vec.n_complete} vs {looped}"
          f"{'' if vec.n_complete == looped else '  <-- MISMATCH'}")


if __name__ == "__main__":
    main()
