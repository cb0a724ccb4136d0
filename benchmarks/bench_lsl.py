"""Benchmark the LSL outlet at 1 kHz × 8 channels (run: ``python benchmarks/bench_lsl.py``).

Discovery is confined to this machine (``confine_to_machine``: machine scope, IPv6 off) and the inlet runs
in the same process, so everything goes over loopback.

1. **Added latency.** Blocks of 10 samples (10 ms at 1 kHz × 8 float32 channels) paced in real time; each
   block's newest sample is "taken" at the moment it is pushed. A receiver thread pulls with
   ``pull_chunk(min_samples=1)`` and notes ``local_clock()`` on receipt. Latency = receipt of a block's
   newest sample − the ``push_block`` call. Baseline in the same run: the same paced loop handing the block
   to a receiver thread through a ``queue.Queue`` — the thread wake-up every in-process subscriber pays.
   Printed: median / p95 / max of both, and the median difference (what LSL adds).
2. **Push cost.** The same blocks pushed flat out with a connected, draining inlet: µs per ``push_block``;
   baseline in the same run: the same loop over the same blocks into a sink that only counts them; and the
   outlet's own Python work alone (time map and gap check, no liblsl call). Also the share of the real-time
   budget (10 ms per block) the push takes.

Numbers depend on the machine and its load; the script prints them, it asserts nothing.
"""

from __future__ import annotations

import argparse
import queue
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.model import DeviceInfo, SampleBlock
from station.stream.clock_map import DeviceClockMap
from station.stream.lsl_config import confine_to_machine
from station.stream.markers import seq_gaps

RATE_HZ = 1000.0
CHANNELS = 8
BLOCK = 10


def device_info() -> DeviceInfo:
    """Two four-cell plates side by side: 8 load cells at 1 kHz (as bench_recording.py)."""
    xs = (-400.0, -150.0, 150.0, 400.0)
    return DeviceInfo(
        driver="bench", model="2 x 4-cell plate", serial="B-1", nominal_rate_hz=RATE_HZ,
        channel_names=tuple(f"C{i}" for i in range(CHANNELS)), channel_units=("N",) * CHANNELS,
        sensor_positions_mm=tuple((x, y) for x in xs for y in (150.0, -150.0)),
    )


def make_block(i: int, t_last_s: float, forces: np.ndarray) -> SampleBlock:
    seq = np.arange(i * BLOCK, (i + 1) * BLOCK, dtype=np.uint64)
    t = t_last_s - (BLOCK - 1 - np.arange(BLOCK)) / RATE_HZ
    return SampleBlock(t_s=t, seq=seq, forces_n=forces, host_rx_s=t_last_s)


def connect(pylsl, outlet):
    """An inlet on ``outlet``'s data stream, connected (bounded waits)."""
    found = pylsl.resolve_byprop("name", outlet.name, 1, 20.0)
    if not found:
        raise SystemExit(f"stream {outlet.name!r} not found on this machine")
    inlet = pylsl.StreamInlet(found[0], max_buflen=60, processing_flags=pylsl.proc_none)
    inlet.open_stream(20.0)
    if not outlet.wait_for_consumers(20.0):
        raise SystemExit("the inlet did not connect")
    return inlet


def stats_ms(values: np.ndarray) -> str:
    v = np.asarray(values) * 1e3
    return f"median {np.median(v):6.3f} ms  p95 {np.percentile(v, 95):6.3f} ms  max {np.max(v):6.3f} ms"


def paced_latency_lsl(pylsl, outlet_cls, seconds: float, forces: np.ndarray) -> np.ndarray:
    """Latency of each block's newest sample through LSL, s."""
    n_blocks = int(seconds * RATE_HZ / BLOCK)
    received: dict[float, float] = {}
    with outlet_cls(name=f"bench-lsl-{time.monotonic_ns()}") as outlet:
        outlet.open(device_info())
        inlet = connect(pylsl, outlet)
        done = threading.Event()

        def receive() -> None:
            while not done.is_set():
                _, ts = inlet.pull_chunk(timeout=0.1, max_samples=1024, min_samples=1, as_numpy=True)
                now = pylsl.local_clock()
                received.update(dict.fromkeys(np.asarray(ts).tolist(), now))

        receiver = threading.Thread(target=receive, daemon=True)
        receiver.start()
        pushed_at, newest_stamp = [], []
        t0 = pylsl.local_clock()
        for i in range(n_blocks):
            target = t0 + (i + 1) * BLOCK / RATE_HZ
            time.sleep(max(target - pylsl.local_clock(), 0.0))
            block = make_block(i, pylsl.local_clock() - t0, forces)
            start = pylsl.local_clock()
            stamps = outlet.push_block(block)
            pushed_at.append(start)
            newest_stamp.append(float(stamps[-1]))
        deadline = time.monotonic() + 10.0
        while len(received) < n_blocks and time.monotonic() < deadline:
            time.sleep(0.01)
        done.set()
        receiver.join(1.0)
    latency = [received[s] - p for s, p in zip(newest_stamp, pushed_at, strict=True) if s in received]
    if len(latency) != n_blocks:
        print(f"  (only {len(latency)} of {n_blocks} blocks matched on receipt)")
    return np.asarray(latency)


def paced_latency_queue(seconds: float, forces: np.ndarray) -> np.ndarray:
    """Baseline: the same paced loop into a queue.Queue drained by a thread, s."""
    n_blocks = int(seconds * RATE_HZ / BLOCK)
    handoff: queue.Queue = queue.Queue()
    latency: list[float] = []

    def receive() -> None:
        while True:
            item = handoff.get()
            if item is None:
                return
            latency.append(time.monotonic() - item[0])

    receiver = threading.Thread(target=receive, daemon=True)
    receiver.start()
    t0 = time.monotonic()
    for i in range(n_blocks):
        time.sleep(max(t0 + (i + 1) * BLOCK / RATE_HZ - time.monotonic(), 0.0))
        block = make_block(i, time.monotonic() - t0, forces)
        handoff.put((time.monotonic(), block))
    handoff.put(None)
    receiver.join(5.0)
    return np.asarray(latency)


def push_cost(pylsl, outlet_cls, n_blocks: int, forces: np.ndarray) -> tuple[float, float, float]:
    """µs per block: push_block with a draining inlet, the time map and gap check alone, a counting sink."""
    blocks = [make_block(i, (i + 1) * BLOCK / RATE_HZ, forces) for i in range(n_blocks)]
    counted = 0

    def count(block: SampleBlock) -> None:
        nonlocal counted
        counted += block.n_samples

    start = time.perf_counter()
    for block in blocks:
        count(block)
    baseline = (time.perf_counter() - start) / n_blocks * 1e6
    clock_map, previous = DeviceClockMap(), None
    start = time.perf_counter()
    for block in blocks:  # the outlet's own Python work: time map and gap check, no liblsl
        stamps = clock_map.map_block(block.t_s, time.monotonic())
        seq_gaps(block.seq, previous)
        previous = int(block.seq[-1])
        stamps.tolist()
    ours = (time.perf_counter() - start) / n_blocks * 1e6
    with outlet_cls(name=f"bench-push-{time.monotonic_ns()}") as outlet:
        outlet.open(device_info())
        inlet = connect(pylsl, outlet)
        done = threading.Event()

        def drain() -> None:
            while not done.is_set():
                inlet.pull_chunk(timeout=0.05, max_samples=8192, as_numpy=True)

        drained = threading.Thread(target=drain, daemon=True)
        drained.start()
        start = time.perf_counter()
        for block in blocks:
            outlet.push_block(block)
        pushed = (time.perf_counter() - start) / n_blocks * 1e6
        done.set()
        drained.join(1.0)
    return pushed, ours, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="paced run length, s (default 10)")
    parser.add_argument("--blocks", type=int, default=20000, help="blocks in the flat-out run (default 20000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        confine_to_machine(Path(tmp))
        import pylsl

        from station.stream import LslOutlet

        forces = (700.0 / 8 + np.random.default_rng(0).normal(0.0, 2.0, (BLOCK, CHANNELS))).astype(np.float32)
        print(f"LSL outlet, {RATE_HZ:g} Hz x {CHANNELS} channels, {BLOCK}-sample blocks, liblsl "
              f"{pylsl.library_version()}, inlet in the same process over loopback")
        lsl = paced_latency_lsl(pylsl, LslOutlet, args.seconds, forces)
        base = paced_latency_queue(args.seconds, forces)
        print(f"1. latency, block pushed -> newest sample received ({args.seconds:g} s paced, {lsl.size} blocks)")
        print(f"   LSL outlet -> inlet : {stats_ms(lsl)}")
        print(f"   queue.Queue baseline: {stats_ms(base)}")
        print(f"   added by LSL (median difference): {(np.median(lsl) - np.median(base)) * 1e3:.3f} ms; "
              f"ratio of medians {np.median(lsl) / np.median(base):.1f}x")
        pushed, ours, baseline = push_cost(pylsl, LslOutlet, args.blocks, forces)
        budget_us = BLOCK / RATE_HZ * 1e6
        print(f"2. push cost, {args.blocks} blocks flat out, inlet draining")
        print(f"   push_block          : {pushed:8.1f} us/block ({pushed / budget_us * 100:.2f} % of the "
              f"{budget_us / 1e3:g} ms real-time budget per block)")
        print(f"   of which time map + gap check (no liblsl): {ours:6.1f} us/block")
        print(f"   same loop, no LSL   : {baseline:8.2f} us/block; ratio {pushed / baseline:.0f}x")


if __name__ == "__main__":
    main()
