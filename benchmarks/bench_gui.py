"""Frame rate and sample-to-screen latency of the live clinician view on a simulated 1 kHz plate, offscreen.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--seconds 10] [--no-record]

The simulated OFP-1 plate (1 kHz, through pyusb's simulated backend) streams in
real time into the ring buffer and, unless ``--no-record``, into an HDF5 recording, exactly as in the
station. The 60 Hz QTimer pulls, runs the training logic (symmetric stance) and redraws the clinician
view: 4 cell forces + Fz, COP x/y traces, the COP stabilogram with trail, the load bars, status and
events. Each frame is painted synchronously (``repaint()`` of the view and of every plot viewport) so
the time measured includes rendering.

* frame rate: frames painted per second of wall time, after a 1 s warm-up;
* latency: for each frame, wall time when painting finished minus the wall time at which the newest
  sample drawn was due (device time on the board's real-time clock), p50 / p95 / max, ms.

Baseline, measured in the same run: the same loop (peek, training events, frame assembly) with nothing
drawn. Ratios are printed against it; the issue's targets are >= 55 frames/s and p95 <= 25 ms.

Per-tick cost, before / after (issue 19), measured first in the same run on the same ring contents (no Qt):

* before: what a tick did until the session converted each block once — drain the new samples and convert
  them (Fz, COP, limb loads, with ``cop_from_cells`` and ``limb_loads_from_cell_pairs`` as then) for the
  training mode, peek the display window and convert all of it again;
* after: peek the window with the live measures the reader thread stored, convert nothing.

A second line adds, for honesty, the reader thread's share of one tick interval: converting the blocks that
arrive in 1/60 s once each (``analysis.cop.CellGeometry``: the cell positions checked once, one matrix
product per block) and writing them with their live measures into the ring. Both are printed for the
simulated plate at 1 kHz and at a Wii-board rate of 100 Hz.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PyQt6 import QtCore, QtWidgets

from analysis.cop import cop_from_cells
from analysis.weight_bearing import limb_loads_from_cell_pairs
from drivers.forceplate.calibration import Layout
from drivers.forceplate.sim_plate import SimulatedForcePlate
from drivers.forceplate.usb_sim import SimulatedPlateBackend
from drivers.model import SampleBlock, concatenate_blocks
from drivers.sim.clock import RealTimeClock
from drivers.sim.subject import StandingSubject
from recordings import Subject
from station.engine.live import LiveDeriver, LiveSamples, recent_affected_pct
from station.engine.ring_buffer import RingBuffer
from station.engine.session import Session
from station.gui.clinician_view import ClinicianView
from station.gui.controller import BAR_WINDOW_S, LiveController
from station.protocols.training import LoadBand, SymmetricStanceTraining

WARM_UP_S = 1.0


class _Clock(RealTimeClock):
    """The board's real-time clock, telling the wall time (time.monotonic) of device time 0."""

    @property
    def t0(self) -> float:
        return self._t0


def run(seconds: float, draw: bool, record: bool, out_dir: Path, tag: str) -> dict[str, float]:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    assert app is not None  # kept alive for the run
    clock = _Clock()
    # a 1 kHz stream (the simulated OFP-1 plate over pyusb): ten times the Wii board's rate
    backend = SimulatedPlateBackend(Layout.LOAD_CELLS, StandingSubject(seed=7), clock=clock, seed=7, rate_hz=1000)
    board = SimulatedForcePlate(backend=backend)
    view = ClinicianView()
    view.resize(1400, 800)
    view.show()
    controller = LiveController(fps=60.0)
    latencies, paint_ms, stamps = [], [], []
    # QWidget.repaint() of the view does not reach the pyqtgraph viewports: paint those explicitly
    viewports = [g.viewport() for g in view.findChildren(QtWidgets.QGraphicsView)]

    def on_frame(frame) -> None:
        if draw:
            t = time.perf_counter()
            view.show_frame(frame)
            view.repaint()
            for viewport in viewports:
                viewport.repaint()
            paint_ms.append(1000 * (time.perf_counter() - t))

    def on_drawn(t_newest: float) -> None:
        now = time.monotonic()
        stamps.append(now)
        latencies.append(1000 * (now - (clock.t0 + t_newest)))

    controller.frame_ready.connect(on_frame)
    controller.frame_drawn.connect(on_drawn)
    path = out_dir / f"bench-{tag}.h5"
    session = Session(board, path, Subject("BENCH", 70.0, "left"), protocol="bench", duration_s=seconds)
    if not record:
        session.acquisition.sink = session.acquisition.event_sink = None  # nothing reaches the file (it stays empty)
    mode = SymmetricStanceTraining(LoadBand(40, 60), hold_s=2.0)
    view.set_session("left", mode.band)
    loop = QtCore.QEventLoop()
    controller.finished.connect(lambda _result: loop.quit())
    controller.start(session, mode, "left")
    loop.exec()  # the station's own event loop runs until the session ends (duration reached)
    result = controller.result
    stamps_a, lat = np.array(stamps), np.array(latencies)
    keep = stamps_a >= stamps_a[0] + WARM_UP_S
    fps = (keep.sum() - 1) / (stamps_a[keep][-1] - stamps_a[keep][0])
    view.close()
    return {
        "fps": float(fps),
        "lat_p50": float(np.percentile(lat[keep], 50)),
        "lat_p95": float(np.percentile(lat[keep], 95)),
        "lat_max": float(lat[keep].max()),
        "paint_p50": float(np.percentile(paint_ms, 50)) if paint_ms else 0.0,
        "paint_p95": float(np.percentile(paint_ms, 95)) if paint_ms else 0.0,
        "rate_hz": result.stats.n_samples / max(result.stats.elapsed_s, 1e-9),
        "samples": result.stats.n_samples,
        "processed": controller.samples_processed,
        "lost": result.stats.lost_samples,
        "queue": result.stats.max_queue_depth,
        "blocks": result.stats.n_blocks,
    }


def _before_live_samples(t_s: np.ndarray, forces_n: np.ndarray, positions_mm: np.ndarray) -> LiveSamples:
    """The conversion a tick made before issue 19: the two analysis functions, with their checks, per call."""
    cop = cop_from_cells(forces_n, positions_mm)
    limbs = limb_loads_from_cell_pairs(forces_n, positions_mm)
    total = limbs.left_n + limbs.right_n
    share = np.full(total.shape[0], np.nan)
    np.divide(100.0 * limbs.left_n, total, out=share, where=cop.loaded & (total > 0))
    return LiveSamples(np.asarray(t_s, dtype=np.float64), cop.fz_n, cop.cop_x_mm, cop.cop_y_mm, limbs.left_n,
                       limbs.right_n, share, cop.loaded & (total > 0))


def tick_costs(rate_hz: float = 1000.0, fps: float = 60.0, window_s: float = 5.0, ticks: int = 600) -> dict[str, float]:
    """Per-tick work before and after the session derived live measures once per block (module docstring), µs."""
    board = SimulatedForcePlate(seed=7, rate_hz=round(rate_hz))  # simulated clock: as fast as it computes
    needed = int(window_s * rate_hz * 1.5) + (ticks + 1) * round(rate_hz / fps)
    with board:
        board.start()
        blocks = []
        while sum(b.n_samples for b in blocks) < needed:
            block = board.read(1.0)
            if block is not None:
                blocks.append(block)
        info = board.info
    data = concatenate_blocks(blocks)
    positions = info.sensor_positions()
    derive = LiveDeriver(positions, "left")
    window_n = max(int(window_s * info.nominal_rate_hz * 1.5), 64)
    per_tick = round(rate_hz / fps)
    old_ring = RingBuffer(window_n * 2, info.n_channels)  # forces only, as before
    new_ring = RingBuffer(window_n * 2, info.n_channels, live=True)
    one = [SampleBlock(data.t_s[i:i + 1], data.seq[i:i + 1], data.forces_n[i:i + 1], float(data.t_s[i]))
           for i in range(data.n_samples)]  # the 1 kHz board delivers about one sample per block
    lives = [derive(b) for b in one]
    fill = window_n
    for b, live in zip(one[:fill], lives[:fill], strict=True):
        old_ring.write(b)
        new_ring.write(b, live)
    old_ring.drain()
    before = after = reader = 0.0
    for k in range(ticks):
        chunk = range(fill + k * per_tick, fill + (k + 1) * per_tick)
        for i in chunk:
            old_ring.write(one[i])
        t0 = time.perf_counter()
        new = old_ring.drain()
        _before_live_samples(new.t_s, new.forces_n, positions)  # the training mode's conversion
        shown = old_ring.latest(window_n)
        recent_affected_pct(_before_live_samples(shown.t_s, shown.forces_n, positions), BAR_WINDOW_S)
        before += time.perf_counter() - t0
        t0 = time.perf_counter()
        for i in chunk:  # the reader thread: each block converted once as it arrives
            new_ring.write(one[i], derive(one[i]))
        reader += time.perf_counter() - t0
        t0 = time.perf_counter()
        shown = new_ring.latest(window_n)
        recent_affected_pct(shown.live, BAR_WINDOW_S)
        after += time.perf_counter() - t0
    return {"before_us": before / ticks * 1e6, "after_us": after / ticks * 1e6, "reader_us": reader / ticks * 1e6,
            "window_n": float(window_n), "per_tick": float(per_tick)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="device time per run, s (default 10)")
    parser.add_argument("--no-record", action="store_true", help="do not write the HDF5 recording")
    parser.add_argument("--ticks-only", action="store_true", help="only the per-tick cost, before / after")
    args = parser.parse_args()
    record = not args.no_record
    for rate_hz, what in ((1000.0, "the simulated 1 kHz plate"), (100.0, "a Wii-board rate of 100 Hz")):
        c = tick_costs(rate_hz=rate_hz)
        print(f"per-tick cost, {what} in one-sample blocks, {c['per_tick']:.0f} new samples per tick, a window of "
              f"{c['window_n']:.0f} samples:")
        print(f"  GUI thread before {c['before_us']:8.1f} µs   after {c['after_us']:8.1f} µs   "
              f"ratio before/after {c['before_us'] / c['after_us']:6.1f}x")
        total = c["after_us"] + c["reader_us"]
        print(f"  with the reader's conversion of the tick's blocks: after {total:8.1f} µs   "
              f"ratio before/after {c['before_us'] / total:6.2f}x")
    if args.ticks_only:
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = run(args.seconds, draw=False, record=record, out_dir=Path(tmp), tag="baseline")
        full = run(args.seconds, draw=True, record=record, out_dir=Path(tmp), tag="full")
    print(f"simulated 1 kHz plate, {args.seconds:g} s per run, recording {'on' if record else 'off'}, offscreen")
    print(f"{'':34s}{'baseline (no drawing)':>24s}{'clinician view':>18s}{'ratio':>8s}")
    rows = [
        ("frame rate, frames/s", "fps", "{:.1f}"),
        ("latency p50, ms", "lat_p50", "{:.1f}"),
        ("latency p95, ms", "lat_p95", "{:.1f}"),
        ("latency max, ms", "lat_max", "{:.1f}"),
        ("paint time p50 / frame, ms", "paint_p50", "{:.1f}"),
        ("paint time p95 / frame, ms", "paint_p95", "{:.1f}"),
        ("sample rate, Hz", "rate_hz", "{:.0f}"),
        ("samples acquired", "samples", "{:.0f}"),
        ("writer queue max, blocks", "queue", "{:.0f}"),
    ]
    for name, key, fmt in rows:
        ratio = full[key] / base[key] if base[key] else float("nan")
        print(f"{name:34s}{fmt.format(base[key]):>24s}{fmt.format(full[key]):>18s}{ratio:8.2f}")
    for label, r in (("baseline", base), ("full", full)):
        if r["processed"] != r["samples"] or r["lost"]:
            print(f"WARNING {label}: {r['samples']} samples, {r['processed']} processed, {r['lost']} lost")
    ok_fps, ok_lat = full["fps"] >= 55.0, full["lat_p95"] <= 25.0
    verdict = {True: "met", False: "NOT met"}
    print(f"targets: >= 55 frames/s {verdict[ok_fps]}; p95 latency <= 25 ms {verdict[ok_lat]}")


if __name__ == "__main__":
    main()
