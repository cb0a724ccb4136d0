"""Benchmark the standing pipeline's hot paths against straightforward per-sample Python loops.

Run: python benchmarks/bench_standing.py

Prints, for SWARII resampling (the published O(N²) loop vs ours) and for the whole standing analysis of
a 60 s Wii-board-like trial, the time of each and the ratio measured in the same run. No absolute time
is asserted anywhere: machines are noisy, ratios are what travel.
"""

from __future__ import annotations

import time

import numpy as np

from analysis.resample import swarii
from analysis.standing import analyze_standing
from drivers.model import concatenate_blocks
from drivers.wii.sim_device import SimulatedWiiBalanceBoard


def swarii_published_loop(time_s, sig, window, fs):
    """Audiffren & Contal's Local_SWARII.resample, transcribed (the baseline)."""
    current = time_s[0]
    out = []
    while current < time_s[-1]:
        rel = [i for i in range(len(time_s)) if abs(time_s[i] - current) < window * 0.5]
        if len(rel) == 1:
            out.append(sig[rel[0]])
        elif rel:
            value = weight = 0.0
            for j, i in enumerate(rel):
                left = max(time_s[0], current - window / 2) if j == 0 else 0.5 * (time_s[i] + time_s[i - 1])
                last = j == len(rel) - 1
                right = min(time_s[-1], current + window / 2) if last else 0.5 * (time_s[i + 1] + time_s[i])
                value += sig[i] * (right - left)
                weight += right - left
            out.append(value / weight)
        current += 1.0 / fs
    return np.array(out)


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    board = SimulatedWiiBalanceBoard(seed=1)
    blocks = []
    with board:
        board.start()
        while not blocks or blocks[-1].t_s[-1] - blocks[0].t_s[0] < 60.0:
            b = board.read(0.5)
            if b is not None:
                blocks.append(b)
    trial = concatenate_blocks(blocks)
    f = trial.forces_n.astype(float)
    x = 216.5 * (f[:, 0] + f[:, 1] - f[:, 2] - f[:, 3]) / f.sum(axis=1)
    print(f"60 s simulated Wii-board trial: {trial.n_samples} samples")

    loop = best_of(lambda: swarii_published_loop(trial.t_s, x, 0.08, 25.0), 1)
    ours = best_of(lambda: swarii(trial.t_s, x, fs_hz=25.0, window_s=0.08), 20)
    same = np.allclose(swarii_published_loop(trial.t_s, x, 0.08, 25.0), swarii(trial.t_s, x).values, atol=1e-9)
    print(f"SWARII, one axis:      published loop {loop * 1e3:9.1f} ms   vectorised {ours * 1e3:7.3f} ms   "
          f"ratio {loop / ours:8.0f}x   identical output: {same}")

    pos = board.info.sensor_positions()
    full = best_of(lambda: analyze_standing(trial.t_s, trial.seq, trial.forces_n, pos, "left"), 20)
    print(f"Whole standing analysis (COP, limb loads, SWARII both axes, filter, sway): {full * 1e3:.2f} ms "
          f"= {loop / full:.0f}x faster than the SWARII loop alone")


if __name__ == "__main__":
    main()
