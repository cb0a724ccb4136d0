"""OFP-1 decoding speed: the vectorised stream parser against a per-frame decoder, and the CPU share
of one core needed to keep up with a 2 kHz × 8-channel plate in real time.

Run: ``python benchmarks/bench_ofp1.py`` (from the repository root). Prints, all measured in this run:

* frames/s decoded by :class:`drivers.forceplate.protocol.StreamParser` and by the per-frame baseline
  (``decode_frame_reference`` in a scan loop, one Frame object per frame, samples concatenated at the
  end), and their ratio, for three read sizes: 16 KiB (a live read of ~24 frames), 256 KiB (a host that
  fell behind) and the whole stream at once (replaying a recorded byte stream);
* the CPU time (``time.process_time``) the host spends per second of a 2 kHz × 8-channel stream delivered
  in 100 ms reads (what the reader thread gets at 10 reads/s): parse + ``F = C·(counts − offset − tare)``
  + building the SampleBlock, as a share of one core. Target: < 10 %. The USB transfer itself (libusb,
  in C, outside the GIL) is not included.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.forceplate.calibration import Calibration, counts_to_force
from drivers.forceplate.protocol import StreamParser, decode_frame_reference, encode_frame
from drivers.model import SampleBlock

RATE_HZ = 2000
CHANNELS = 8
SAMPLES_PER_FRAME = 20  # 100 frames/s
SECONDS = 120


def make_stream(seconds: int) -> tuple[bytes, int]:
    rng = np.random.default_rng(0)
    n_frames = seconds * RATE_HZ // SAMPLES_PER_FRAME
    counts = rng.integers(-(1 << 23), 1 << 23, size=(n_frames, SAMPLES_PER_FRAME, CHANNELS))
    frames = [
        encode_frame(counts[i], counter=i, first_index=i * SAMPLES_PER_FRAME, t0_us=i * SAMPLES_PER_FRAME * 500)
        for i in range(n_frames)
    ]
    return b"".join(frames), n_frames


def vectorised(stream: bytes, read_size: int) -> tuple[int, np.ndarray]:
    parser = StreamParser(n_channels=CHANNELS, rate_hz=RATE_HZ)
    raws = []
    for pos in range(0, len(stream), read_size):
        chunk = parser.feed(stream[pos : pos + read_size])
        if chunk.n_samples:
            raws.append(chunk.raw)
    parser.flush()
    return parser.stats.sample_frames, np.concatenate(raws)


def per_frame(stream: bytes, read_size: int) -> tuple[int, np.ndarray]:
    buf = bytearray()
    frames = []
    for pos in range(0, len(stream), read_size):
        buf += stream[pos : pos + read_size]
        offset = 0
        while True:
            start = buf.find(b"\xa5\x5a", offset)
            if start < 0:
                offset = len(buf)
                break
            frame, nxt = decode_frame_reference(buf, start)
            if frame is None and nxt == start:
                offset = start
                break
            if frame is not None:
                frames.append(frame)
            offset = nxt
        del buf[:offset]
    return len(frames), np.concatenate([f.samples for f in frames])


def best_of(fn, *args, repeat: int = 5) -> tuple[float, tuple]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


def realtime_cpu_share(stream: bytes, seconds: int) -> float:
    cal = Calibration(offsets=np.zeros(CHANNELS, dtype=np.int64), matrix=np.eye(CHANNELS) / 64)
    tare = np.zeros(CHANNELS, dtype=np.int64)
    parser = StreamParser(n_channels=CHANNELS, rate_hz=RATE_HZ)
    read_size = len(stream) // (seconds * 10)  # 100 ms of data per read
    t0 = time.process_time()
    n = 0
    for pos in range(0, len(stream), read_size):
        chunk = parser.feed(stream[pos : pos + read_size])
        if chunk.n_samples:
            forces = counts_to_force(chunk.raw, cal, tare).astype(np.float32)
            block = SampleBlock(t_s=chunk.t_us * 1e-6, seq=chunk.seq, forces_n=forces, host_rx_s=0.0, raw=chunk.raw)
            n += block.n_samples
    cpu = time.process_time() - t0
    assert n == seconds * RATE_HZ, n
    return cpu / seconds


def main() -> None:
    stream, n_frames = make_stream(SECONDS)
    print(f"stream: {n_frames} frames of {SAMPLES_PER_FRAME} samples x {CHANNELS} channels "
          f"({len(stream) / 1e6:.1f} MB, {SECONDS} s at {RATE_HZ} Hz)")
    print(f"{'read size':>16} {'StreamParser':>16} {'per-frame':>16} {'ratio':>7}")
    for label, read_size in (("16 KiB (live)", 16384), ("256 KiB (late)", 1 << 18), ("whole (replay)", len(stream))):
        t_vec, (frames_vec, raw_vec) = best_of(vectorised, stream, read_size)
        t_ref, (frames_ref, raw_ref) = best_of(per_frame, stream, read_size)
        assert frames_vec == frames_ref == n_frames and np.array_equal(raw_vec, raw_ref)
        print(f"{label:>16} {n_frames / t_vec:>12,.0f} f/s {n_frames / t_ref:>12,.0f} f/s {t_ref / t_vec:>6.1f}x")
    share = realtime_cpu_share(stream, SECONDS)
    print(f"CPU share of one core for 2 kHz x 8 ch in real time (100 ms reads, parse + calibrate + block): "
          f"{share * 100:.3f} %  (target < 10 %)")


if __name__ == "__main__":
    main()
