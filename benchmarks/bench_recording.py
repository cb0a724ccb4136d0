"""Benchmark the crash-safe recording writer (run: ``python benchmarks/bench_recording.py``).

1. Throughput at 1 kHz × 8 channels (float32 forces + int32 raw counts), blocks of 10/50/100 ms, SWMR,
   gzip + shuffle + fletcher32, ``fsync`` every second, as a multiple of real time (target >= 100×),
   with a flush after every block (``flush_interval_s=0``) and with the default coalescing
   (``flush_interval_s=0.25``), and the resulting file size. Baseline measured in the same run: the same
   appends to a plain (non-SWMR, uncompressed, no fsync) h5py file, the cheapest way to put these blocks
   into HDF5. The writer flushes after 0.25 s of *data*, so running it flat out costs what real-time
   operation costs: the same number of flushes per recorded second.
2. Memory over a simulated 1-hour session (3600 s at 1 kHz × 8 channels, 50 ms blocks): resident set size
   (VmRSS, which includes HDF5's C allocations) sampled every simulated 5 minutes; it must stay flat.

Numbers depend on the machine and its disk; the script prints them, it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.model import DeviceInfo, SampleBlock
from recordings.metadata import Subject
from recordings.writer import RecordingWriter

RATE_HZ = 1000.0
CHANNELS = 8


def device_info() -> DeviceInfo:
    """Two four-cell plates side by side: 8 load cells at 1 kHz."""
    xs = (-400.0, -150.0, 150.0, 400.0)
    positions = tuple((x, y) for x in xs for y in (150.0, -150.0))
    return DeviceInfo(
        driver="bench", model="2 x 4-cell plate", serial="B-1", nominal_rate_hz=RATE_HZ,
        channel_names=tuple(f"C{i}" for i in range(CHANNELS)), channel_units=("N",) * CHANNELS,
        sensor_positions_mm=positions, raw_counts=True,
    )


def blocks(total_s: float, block_ms: float, seed: int = 0):
    """Realistic blocks: noisy forces around body weight, raw counts, increasing clock and counter."""
    rng = np.random.default_rng(seed)
    n = round(block_ms * RATE_HZ / 1000.0)
    template = (90.0 + rng.normal(0.0, 2.0, (n * 64, CHANNELS))).astype(np.float32)
    for i in range(int(total_s * 1000.0 / block_ms)):
        first = i * n
        seq = np.arange(first, first + n, dtype=np.uint64)
        forces = template[(i % 64) * n : (i % 64 + 1) * n]
        yield SampleBlock(
            t_s=seq / RATE_HZ, seq=seq, forces_n=forces, host_rx_s=first / RATE_HZ + 0.002,
            raw=(forces * 100.0).astype(np.int32),
        )


def time_writer(path: Path, total_s: float, block_ms: float, flush_interval_s: float) -> float:
    """Wall time to record ``total_s`` of data with the real writer, s."""
    data = list(blocks(total_s, block_ms))
    t0 = time.perf_counter()
    writer = RecordingWriter(path, device_info(), Subject(id="bench"), {"duration_s": (total_s, "s")},
                             fsync_interval_s=1.0, flush_interval_s=flush_interval_s)
    for block in data:
        writer.append(block)
    writer.close()
    return time.perf_counter() - t0


def time_baseline(path: Path, total_s: float, block_ms: float) -> float:
    """Wall time of the same appends to a plain, uncompressed, never-fsynced h5py file, s."""
    data = list(blocks(total_s, block_ms))
    t0 = time.perf_counter()
    with h5py.File(path, "w") as f:
        chunk = int(RATE_HZ)
        t = f.create_dataset("t", (0,), "<f8", maxshape=(None,), chunks=(chunk,))
        s = f.create_dataset("s", (0,), "<u8", maxshape=(None,), chunks=(chunk,))
        x = f.create_dataset("x", (0, CHANNELS), "<f4", maxshape=(None, CHANNELS), chunks=(chunk, CHANNELS))
        r = f.create_dataset("r", (0, CHANNELS), "<i4", maxshape=(None, CHANNELS), chunks=(chunk, CHANNELS))
        n = 0
        for block in data:
            m = n + block.n_samples
            for ds, values in ((t, block.t_s), (s, block.seq), (x, block.forces_n), (r, block.raw)):
                ds.resize(m, axis=0)
                ds[n:m] = values
            n = m
    return time.perf_counter() - t0


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def one_hour(path: Path, hours: float) -> tuple[list[tuple[float, float]], list[float]]:
    """Record ``hours`` of simulated data; return (simulated minutes, RSS MiB) samples and the Python heap
    (tracemalloc, MiB) at the same moments: RSS minus that is HDF5's and NumPy's C memory."""
    tracemalloc.start()
    total_s = hours * 3600.0
    writer = RecordingWriter(path, device_info(), Subject(id="bench"), fsync_interval_s=1.0)
    samples = [(0.0, rss_mib())]
    heap = [tracemalloc.get_traced_memory()[0] / 2**20]
    every = int(300 * 1000 / 50)  # 5 simulated minutes of 50 ms blocks
    for i, block in enumerate(blocks(total_s, 50.0), start=1):
        writer.append(block)
        if i % every == 0:
            samples.append((i * 0.05 / 60.0, rss_mib()))
            heap.append(tracemalloc.get_traced_memory()[0] / 2**20)
    writer.close()
    tracemalloc.stop()
    return samples, heap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="recorded seconds per throughput case")
    parser.add_argument("--hours", type=float, default=1.0, help="simulated session length for the memory test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        d = Path(tmp)
        print(f"h5py {h5py.version.version}, HDF5 {h5py.version.hdf5_version}; {args.seconds:g} s of 1 kHz x 8 ch")
        payload = args.seconds * RATE_HZ * (8 + 8 + 2 * 4 * CHANNELS) / 2**20
        print(f"uncompressed payload {payload:.2f} MiB; baseline: plain h5py, no compression/SWMR/fsync")
        print(f"{'block':>6} {'flush every':>12} {'x realtime':>11} {'baseline x':>11} {'ratio':>6} {'file MiB':>9}")
        for block_ms in (10.0, 50.0, 100.0):
            b = time_baseline(d / f"b{block_ms:g}.h5", args.seconds, block_ms)
            for flush_s, label in ((0.0, "block"), (0.25, "0.25 s*")):
                w_path = d / f"w{block_ms:g}-{flush_s:g}.h5"
                w = time_writer(w_path, args.seconds, block_ms, flush_s)
                size = w_path.stat().st_size / 2**20
                print(f"{block_ms:>4g}ms {label:>12} {args.seconds / w:>10.0f}x {args.seconds / b:>10.0f}x "
                      f"{b / w:>6.2f} {size:>9.2f}")
        print("  * the writer's default (flush_interval_s=0.25); 'block' = flush after every block")
        t0 = time.perf_counter()
        samples, heap = one_hour(d / "hour.h5", args.hours)
        wall = time.perf_counter() - t0
        print(f"\n{args.hours:g} h session (50 ms blocks) recorded in {wall:.1f} s "
              f"({args.hours * 3600 / wall:.0f}x realtime); resident memory, MiB:")
        print("  " + "  ".join(f"{m:.0f} min: {r:.1f}" for m, r in samples))
        half = samples[len(samples) // 2]
        peak = max(r for _, r in samples)
        first_half, second_half = half[1] - samples[0][1], samples[-1][1] - half[1]
        print(f"  peak {peak:.1f} MiB; growth over the first half {first_half:+.1f} MiB, over the second half "
              f"(minute {half[0]:.0f} to {samples[-1][0]:.0f}) {second_half:+.1f} MiB "
              f"(file {(d / 'hour.h5').stat().st_size / 2**20:.0f} MiB)")
        print(f"  Python heap (tracemalloc): {heap[1]:.2f} MiB at minute {samples[1][0]:.0f}, "
              f"{heap[-1]:.2f} MiB at the end")


if __name__ == "__main__":
    main()
