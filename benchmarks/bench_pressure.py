"""Benchmark: segmentation + per-foot measures of 48 × 64 pressure frames, vectorised vs a per-pixel loop.

Run: ``python benchmarks/bench_pressure.py [n_frames]``. Prints frames/s of
:func:`analysis.pressure_feet.foot_loading` on simulated standing frames (feet apart and touching), the
multiple of the DO-P4864's 20.7 Hz frame rate it reaches on one core (target >= 20x), and the ratio
against a plain-Python per-pixel implementation (flood fill with 8-connectivity, per-foot sums) timed
in the same run on the same frames. Both must give the same per-foot forces.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the target says

import sys  # noqa: E402
import time  # noqa: E402
from collections import deque  # noqa: E402

import numpy as np  # noqa: E402

from analysis.pressure import calibrate_linear  # noqa: E402
from analysis.pressure_feet import foot_loading  # noqa: E402
from drivers.mat.footprints import SIM_NEWTON_PER_COUNT, forces_to_counts, standing_forces  # noqa: E402
from drivers.mat.protocol import DO_P4864  # noqa: E402
from drivers.sim.subject import StandingSubject  # noqa: E402

PITCH = DO_P4864.pitch_mm


def loop_foot_measures(frame: list[list[float]], pitch_mm: float, threshold_n: float,
                       speck_fraction: float = 0.05) -> tuple[tuple[float, float, float, float], ...]:
    """(force N, COP x mm, COP y mm, area mm²) of the left and the right foot, pixel by pixel in plain Python.

    Flood-fills every component of cells >= threshold with 8-connectivity, drops specks, keeps the two
    heaviest and names them by COP x. No valley split: frames with touching feet are not comparable.
    """
    rows, cols = len(frame), len(frame[0])
    seen = [[False] * cols for _ in range(rows)]
    total = sum(sum(row) for row in frame)
    comps = []
    for r0 in range(rows):
        for c0 in range(cols):
            if seen[r0][c0] or frame[r0][c0] < threshold_n:
                continue
            seen[r0][c0] = True
            queue = deque([(r0, c0)])
            force = xsum = ysum = 0.0
            cells = 0
            while queue:
                r, c = queue.popleft()
                v = frame[r][c]
                force += v
                xsum += v * (c - (cols - 1) / 2.0) * pitch_mm
                ysum += v * ((rows - 1) / 2.0 - r) * pitch_mm
                cells += 1
                for dr in (-1, 0, 1):
                    for dc in (-1, 0, 1):
                        rr, cc = r + dr, c + dc
                        if 0 <= rr < rows and 0 <= cc < cols and not seen[rr][cc] and frame[rr][cc] >= threshold_n:
                            seen[rr][cc] = True
                            queue.append((rr, cc))
            if force >= speck_fraction * total:
                comps.append((force, xsum / force, ysum / force, cells * pitch_mm * pitch_mm))
    comps.sort(reverse=True)
    a, b = comps[0], comps[1]
    return (a, b) if a[1] < b[1] else (b, a)


def make_frames(n: int, stance_width_mm: float, seed: int = 0) -> np.ndarray:
    subject = StandingSubject(mass_kg=70.0, stance_width_mm=stance_width_mm, seed=seed)
    truth = subject.sample(np.arange(n) / DO_P4864.nominal_rate_hz)
    forces, _ = standing_forces(DO_P4864.rows, DO_P4864.cols, PITCH, truth.left_n, truth.right_n, truth.cop_y_mm,
                                stance_width_mm)
    return calibrate_linear(forces_to_counts(forces), SIM_NEWTON_PER_COUNT)


def main(n_frames: int = 2000) -> None:
    threshold = 0.99 * SIM_NEWTON_PER_COUNT
    print(f"pressure-frame benchmark: {n_frames} frames of {DO_P4864.rows} x {DO_P4864.cols}, one core")
    for label, width in (("feet apart (250 mm)", 250.0), ("feet touching (100 mm)", 100.0)):
        frames = make_frames(n_frames, width)
        foot_loading(frames[:10], PITCH, threshold)  # warm-up
        t0 = time.perf_counter()
        result = foot_loading(frames, PITCH, threshold)
        vec_s = time.perf_counter() - t0
        fps = n_frames / vec_s
        print(f"  {label}: vectorised {fps:,.0f} frames/s = {fps / DO_P4864.nominal_rate_hz:,.0f}x the mat's "
              f"{DO_P4864.nominal_rate_hz} Hz (target >= 20x); merged frames {int(result.merged.sum())}")
    frames = make_frames(n_frames, 250.0)
    n_loop = min(n_frames, 200)
    as_lists = [f.tolist() for f in frames[:n_loop]]
    t0 = time.perf_counter()
    loop = [loop_foot_measures(f, PITCH, threshold) for f in as_lists]
    loop_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    vec = foot_loading(frames[:n_loop], PITCH, threshold)
    vec_s = time.perf_counter() - t0
    loop_arr = np.array(loop)  # (frames, foot, measure)
    agree = all(
        np.allclose(loop_arr[:, i, 0], getattr(vec, f"{side}_force_n"))
        and np.allclose(loop_arr[:, i, 1:3], getattr(vec, f"{side}_cop_mm"))
        and np.allclose(loop_arr[:, i, 3], getattr(vec, f"{side}_area_mm2"))
        for i, side in enumerate(("left", "right"))
    )
    print(f"  per-pixel Python loop: {n_loop / loop_s:,.0f} frames/s; vectorised {n_loop / vec_s:,.0f} frames/s "
          f"on the same {n_loop} frames -> ratio {loop_s / vec_s:,.1f}x; same per-foot force, COP, area: {agree}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
