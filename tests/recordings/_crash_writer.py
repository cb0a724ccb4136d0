"""A writer process for the crash tests: records until killed, reporting each flushed sample count.

Usage: python _crash_writer.py OUT.h5 BLOCK_SAMPLES

Blocks of BLOCK_SAMPLES samples at 1 kHz are appended at the pace of real time. After each ``append``
returns, ``APPENDED FLUSHED`` sample counts are printed on stdout, so the parent knows what the writer
had received and what it had flushed before it sends SIGKILL.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fixtures import lab_plate_info, make_block

from recordings.metadata import Subject
from recordings.writer import RecordingWriter


def main() -> None:
    out, block = sys.argv[1], int(sys.argv[2])
    writer = RecordingWriter(
        out, lab_plate_info(), Subject(id="P-crash", mass_kg=70.0, affected_side="left"),
        {"duration_s": (600.0, "s")}, protocol="standing",
    )
    print("ready", flush=True)
    n = 0
    start = time.monotonic()
    while True:
        writer.append(make_block(n, block))
        n += block
        print(n, writer.n_flushed, flush=True)
        time.sleep(max(start + n / 1000.0 - time.monotonic(), 0.0))  # real time: 1 kHz


if __name__ == "__main__":
    main()
