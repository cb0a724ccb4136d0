"""A writer process for the crash tests: records until killed, reporting each flushed sample count.

Usage: python _crash_writer.py OUT.h5 BLOCK_SAMPLES

After each ``append`` returns (the block is flushed), the total number of samples is printed on stdout,
so the parent knows what was flushed before it sends SIGKILL.
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
    while True:
        writer.append(make_block(n, block))
        n += block
        print(n, flush=True)
        time.sleep(0.002)


if __name__ == "__main__":
    main()
