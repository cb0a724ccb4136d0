"""Benchmark: vectorised Wii Balance Board report decoding vs a per-report ``struct`` decoder.

Decodes N (default 1 000 000) 0x34 reports both ways in the same run, checks they agree, and prints
the times and the ratio (target >= 20x). Also times ``pack_reports`` (bytes objects -> matrix), the
step the device runs before the vectorised decoder, so the end-to-end ratio is reported honestly too.

    python benchmarks/bench_wii_decode.py [N]
"""

from __future__ import annotations

import struct
import sys
import time

import numpy as np

from drivers.wii import protocol as p

_SENSORS = struct.Struct(">BBB4HBBB")


def make_reports(n: int, seed: int = 0) -> np.ndarray:
    """n realistic 0x34 reports as a (n, 22) uint8 matrix."""
    rng = np.random.default_rng(seed)
    m = np.zeros((n, 22), dtype=np.uint8)
    m[:, 0] = 0x34
    m[:, 2] = np.where(rng.random(n) < 0.01, 0x08, 0)
    raw = rng.integers(1000, 20000, size=(n, 4)).astype(">u2")
    m[:, 3:11] = raw.view(np.uint8).reshape(n, 8)
    m[:, 11] = 0x1A
    m[:, 13] = 0x9E
    return m


def struct_decode(reports: list[bytes]) -> tuple[list[tuple[int, int, int, int]], list[bool], list[int], list[int]]:
    """The per-report baseline: one struct.unpack_from per report, same validity rules."""
    raw, button, temp, batt = [], [], [], []
    unpack = _SENSORS.unpack_from
    for r in reports:
        if len(r) < 22 or r[0] != 0x34 or r[3:22] == b"\xff" * 19:
            continue
        _rid, _b1, b2, tr, br, tl, bl, t, _, bat = unpack(r)
        raw.append((tr, br, tl, bl))
        button.append(bool(b2 & 0x08))
        temp.append(t)
        batt.append(bat)
    return raw, button, temp, batt


def main(n: int = 1_000_000) -> float:
    matrix = make_reports(n)
    as_bytes = [row.tobytes() for row in matrix]

    repeats = 3  # best of 3 for both decoders, measured alternately in the same run
    t_struct = t_vec = t_pack = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        base = struct_decode(as_bytes)
        t_struct = min(t_struct, time.perf_counter() - t0)

        t0 = time.perf_counter()
        dec = p.decode_sample_reports(matrix)
        t_vec = min(t_vec, time.perf_counter() - t0)

        t0 = time.perf_counter()
        packed, _lengths = p.pack_reports(as_bytes)
        t_pack = min(t_pack, time.perf_counter() - t0)

    assert dec.valid.all() and len(base[0]) == n
    assert np.array_equal(dec.raw, np.asarray(base[0], dtype=np.int32))
    assert np.array_equal(dec.button, np.asarray(base[1]))
    assert np.array_equal(packed, matrix)

    ratio = t_struct / t_vec
    print(f"reports: {n:,} x 0x34 (22 bytes); best of {repeats} runs each")
    print(f"per-report struct decoder : {t_struct:8.3f} s  ({n / t_struct / 1e6:6.2f} M reports/s)")
    print(f"vectorised decoder        : {t_vec:8.3f} s  ({n / t_vec / 1e6:6.2f} M reports/s)")
    print(f"ratio (struct / vectorised): {ratio:.1f}x  (target >= 20x)")
    print(f"pack_reports (bytes -> matrix): {t_pack:.3f} s; end to end from bytes objects: "
          f"{t_struct / (t_pack + t_vec):.1f}x")
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
