"""Error of the ``swarii`` walking/stepping variant against the simulator's 1 kHz truth (docs/analysis.md).

Run: python benchmarks/gait_resampling_error.py [SEEDS] [SECONDS]

For each seed, the ``sim`` board steps in place (jittered ~95 Hz clock, cell noise); its cell-pair limb loads
go through :func:`analysis.gait_resampled.analyze_gait_resampled` with a 0.01, 0.02 and 0.04 s SWARII window
on a 100 Hz grid, and the same steps (same seed) are analysed noise-free at 1 kHz with
:func:`analysis.gait.analyze_gait`. Prints, per window, the mean and largest error of each per-limb mean and
of its Robinson SI, and the share of empty windows. An accuracy measurement, not a timing: nothing asserted.
"""

from __future__ import annotations

import sys

import numpy as np

from analysis.gait import analyze_gait
from analysis.gait_resampled import analyze_gait_resampled
from analysis.weight_bearing import limb_loads_from_cell_pairs
from drivers.model import concatenate_blocks
from drivers.sim.gait import GaitSubject
from drivers.wii.description import WBB_SENSOR_POSITIONS_MM
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from physical import STANDARD_GRAVITY_M_S2

MASS_KG = 70.0
BW_N = MASS_KG * STANDARD_GRAVITY_M_S2
MEASURES = ("stance_time_s", "peak1_pct_bw", "peak2_pct_bw", "valley_pct_bw", "loading_rate_pct_bw_s",
            "impulse_pct_bw_s")  # fmt: skip


def board_loads(seconds: float, **options: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-limb loads (cell pairs) at the simulated board's own jittered ~83 Hz sample times (subject time, s),
    stepping in place."""
    board = SimulatedWiiBalanceBoard(mode="stepping", **options)  # type: ignore[arg-type]
    blocks = []
    with board:
        board.start()
        while not blocks or blocks[-1].t_s[-1] - blocks[0].t_s[0] < seconds:
            block = board.read(1.0)
            if block is not None:
                blocks.append(block)
    block = concatenate_blocks(blocks)
    t = block.t_s - board.board.step_on_s  # the subject's own time (it starts when it steps on)
    keep = t <= t[0] + seconds
    loads = limb_loads_from_cell_pairs(block.forces_n[keep].astype(np.float64), np.array(WBB_SENSOR_POSITIONS_MM))
    return t[keep], loads.left_n, loads.right_n


def main(n_seeds: int = 8, seconds: float = 60.0) -> None:
    runs = []
    for seed in range(n_seeds):
        t, left, right = board_loads(seconds, mass_kg=MASS_KG, seed=seed)
        subject = GaitSubject(mass_kg=MASS_KG, mode="stepping", noise_n=0.0, seed=seed)
        fine = np.arange(int(np.ceil(t[0] * 1000)), int(np.floor(t[-1] * 1000)) + 1) / 1000.0
        truth = analyze_gait(*subject.sample(fine), fs_hz=1000.0, body_weight_n=BW_N, affected_side="left")
        runs.append((t, left, right, truth))
    for window in (0.01, 0.02, 0.04):
        err: dict[str, list[float]] = {name: [] for name in MEASURES}
        si_err: dict[str, list[float]] = {name: [] for name in MEASURES}
        empty = []
        for t, left, right, truth in runs:
            got = analyze_gait_resampled(t, left, right, body_weight_n=BW_N, affected_side="left", window_s=window)
            empty.append(got.resampling.n_empty_windows / (got.resampling.fs_hz * (t[-1] - t[0])))
            for name in MEASURES:
                for limb in ("affected", "unaffected"):
                    err[name].append(getattr(got, limb).mean[name] - getattr(truth, limb).mean[name])
                si_err[name].append(got.symmetry[name].symmetry_index_pct - truth.symmetry[name].symmetry_index_pct)
        print(f"window {window * 1e3:.0f} ms on 100 Hz, {n_seeds} seeds x {seconds:.0f} s, "
              f"empty windows {100 * np.mean(empty):.1f} %")  # fmt: skip
        for name in MEASURES:
            e, s = np.array(err[name]), np.array(si_err[name])
            print(f"  {name:24s} error mean {e.mean():+8.4f} max |{np.abs(e).max():7.4f}|   "
                  f"SI error mean {s.mean():+6.3f} max |{np.abs(s).max():5.3f}|")  # fmt: skip


if __name__ == "__main__":
    main(*(int(a) if i == 0 else float(a) for i, a in enumerate(sys.argv[1:3])))
