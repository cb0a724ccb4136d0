"""Benchmark batch analysis and the default sway set, in the same run.

Run: python benchmarks/bench_batch.py [--files 120]

1. Files per second of ``run_batch`` (the ``default`` preset) over a folder of imported 60 s, 100 Hz trials
   (HBEDB format, written here): a process pool of 1 and of 2 workers, and a Dask LocalCluster of 2 worker
   processes on 127.0.0.1 (the ``batch`` extra). Each time includes starting the workers; the CSVs of all three
   are compared byte for byte.
2. The full default sway set (SWARII 25 Hz + 10 Hz zero-lag low-pass + every time-domain measure + the Welch
   measures + the mean power frequency) on a 60 s trial with a Wii-board-like irregular ~55 Hz clock,
   against the Quijoux 2021 companion code's approach: a per-sample Python SWARII (the authors' loop: one
   list comprehension over all samples per output point) followed by the same filter and measures.
   Printed as a ratio; the two routes' COP is compared.

No time is asserted. The ``if __name__ == "__main__"`` guard is needed: worker processes are spawned and
re-import this module (docs/sources.md [dask-futures]).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from analysis.filters import butterworth_lowpass_zero_lag
from analysis.presets import mean_power_frequency, run_preset
from analysis.sway import sway_measures
from analysis.sway_frequency import sway_frequency
from analysis.welch import WelchSettings
from recordings.importers import read_trial, write_recording
from recordings.metadata import Subject
from station.batch import dask_executor, process_pool, run_batch


def make_cohort(root: Path, n_files: int) -> None:
    t = np.arange(6000) / 100.0
    for i in range(n_files):
        rng = np.random.default_rng(i)
        cols = [t, 0 * t, 0 * t, 700 + rng.normal(0, 2, t.size), 0 * t, 0 * t, 0 * t,
                np.cumsum(rng.normal(0, 0.01, t.size)), np.cumsum(rng.normal(0, 0.008, t.size))]
        src = root / f"src{i}.txt"
        np.savetxt(src, np.column_stack(cols), delimiter="\t", header="Time\tFx\tFy\tFz\tMx\tMy\tMz\tCOPx\tCOPy",
                   comments="")
        write_recording(read_trial(src, "hbedb"), root / "cohort" / f"trial{i:03d}.h5", Subject(f"S{i % 5}"))
        src.unlink()


def swarii_loop(time_s: list[float], sig: list[float], window: float, fs: float) -> list[float]:
    """The authors' Local_SWARII.resample loop (Audiffren & Contal 2016) as the companion code runs it."""
    current = time_s[0]
    out = []
    while current < time_s[-1]:
        rel = [i for i in range(len(time_s)) if abs(time_s[i] - current) < window * 0.5]
        if len(rel) == 1:
            out.append(sig[rel[0]])
        elif len(rel) > 1:
            value = weight = 0.0
            for j, i in enumerate(rel):
                first, last = j == 0 or i == 0, j == len(rel) - 1
                left = max(time_s[0], current - window * 0.5) if first else 0.5 * (time_s[i] + time_s[i - 1])
                right = min(time_s[-1], current + window * 0.5) if last else 0.5 * (time_s[i + 1] + time_s[i])
                value += sig[i] * (right - left)
                weight += right - left
            out.append(value / weight)
        else:
            out.append(float("nan"))
        current += 1.0 / fs
    return out


def bench_batch(n_files: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_cohort(root, n_files)
        outs = {}
        for label, make in (("process pool, 1 worker", lambda: process_pool(1)),
                            ("process pool, 2 workers", lambda: process_pool(2)),
                            ("Dask LocalCluster, 2 workers", lambda: dask_executor("local", workers=2))):
            start = time.perf_counter()
            with make() as executor:
                out = root / f"{len(outs)}.csv"
                summary = run_batch([root / "cohort"], out, executor=executor)
            elapsed = time.perf_counter() - start
            outs[label] = out.read_bytes()
            assert summary.n_failed == 0
            print(f"{label:30s} {n_files / elapsed:7.1f} files/s ({elapsed:.2f} s for {n_files} files, incl. start-up)")
        same = len(set(outs.values())) == 1
        print(f"CSV byte-identical across the three executors: {same}")


def bench_sway() -> None:
    rng = np.random.default_rng(1)
    # Wii-like bimodal intervals with continuous jitter (no sample exactly on a window edge, where the loop's
    # accumulated grid time and our t0 + k/fs differ by rounding)
    dt = rng.choice([0.004, 0.010, 0.036], size=4500, p=[0.3, 0.4, 0.3]) + rng.uniform(0, 0.001, 4500)
    t = np.cumsum(dt)
    t = t[t < t[0] + 60.0] - t[0]
    ml, ap = np.cumsum(rng.normal(0, 0.3, t.size)), np.cumsum(rng.normal(0, 0.3, t.size))

    best = np.inf
    for _ in range(20):
        start = time.perf_counter()
        ours = run_preset(t, ml, ap, "default")
        best = min(best, time.perf_counter() - start)

    start = time.perf_counter()
    tl = t.tolist()
    rml = np.array(swarii_loop(tl, ml.tolist(), 0.08, 25.0))
    rap = np.array(swarii_loop(tl, ap.tolist(), 0.08, 25.0))
    xy = butterworth_lowpass_zero_lag(np.column_stack([rml, rap]), fs_hz=25.0, cutoff_hz=10.0, order=4)
    sway_measures(xy[:, 0], xy[:, 1], fs_hz=25.0)
    sway_frequency(xy[:, 0], xy[:, 1], fs_hz=25.0, settings=WelchSettings())
    mean_power_frequency(xy[:, 0], xy[:, 1], fs_hz=25.0)
    loop = time.perf_counter() - start

    finite = np.isfinite(rml)
    centred = xy[:, 0] - xy[:, 0].mean()  # the default preset removes the mean ("detrend constant")
    diff = np.max(np.abs(centred - ours.preprocessed.ml_mm)) if np.all(finite) else float("nan")
    print(f"default sway set, 60 s at ~{t.size / 60:.0f} Hz irregular ({t.size} samples): {best * 1e3:.2f} ms")
    print(f"companion-code approach (per-sample SWARII loop + same filter and measures): {loop * 1e3:.0f} ms")
    print(f"ratio: {loop / best:.0f}x faster; max |COP difference| {diff:.2e} mm")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=120, help="recordings in the benchmark cohort")
    args = parser.parse_args()
    bench_sway()
    bench_batch(args.files)


if __name__ == "__main__":
    main()
