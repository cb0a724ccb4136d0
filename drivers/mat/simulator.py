"""A byte-exact simulated DO-P4864 mat served over a pseudo-terminal.

:class:`MatSimulator` opens a pty pair (``os.openpty``), puts the terminal in raw mode and, from a
thread, writes the exact 3079-byte frames a real mat sends, one every 1/20.7 s of simulated time, to
the master side. The driver opens the slave path with pyserial like any ``/dev/ttyUSB0``, so the real
serial code path (termios, reads of arbitrary sizes, stream resynchronisation, disconnects) runs.

The scene on the mat is a :class:`StandingScene` (a :class:`~drivers.sim.subject.StandingSubject`
on two feet: weight split and sway); any object with the :class:`MatScene` method will do. Faults:
``drop`` loses frames (the mat has no counter, so the driver must notice from timing), ``corrupt``
flips a payload bit (rejected by the checksum under ``REQUIRE``), ``noise`` inserts junk bytes between
frames. ``speed`` > 1 runs simulated time faster than the wall clock (the driver is told the same).
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from drivers.mat.footprints import SIM_NEWTON_PER_COUNT, forces_to_counts, standing_forces
from drivers.mat.protocol import DO_P4864, FrameFormat, encode_frame
from drivers.sim.subject import StandingSubject

__all__ = ["MatScene", "MatSimulator", "SentFrame", "StandingScene"]


class MatScene(Protocol):
    """What stands on the simulated mat: raw counts (n, rows, cols) at frame times t (s), and truth."""

    def counts(self, t_s: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]: ...


class StandingScene:
    """A person standing on the mat, feet side by side facing the top edge (row 0).

    Parameters
    ----------
    subject : StandingSubject
        Weight, weight-bearing split and sway; its ``stance_width_mm`` places the feet.
    fmt : FrameFormat
    newton_per_count : float
        The simulated mat's calibration, N per count.
    noise_counts : float
        Gaussian noise on loaded cells, counts (0 = none).
    """

    def __init__(self, subject: StandingSubject, fmt: FrameFormat = DO_P4864,
                 newton_per_count: float = SIM_NEWTON_PER_COUNT, noise_counts: float = 0.0, seed: int = 0) -> None:
        self.subject = subject
        self.fmt = fmt
        self.newton_per_count = newton_per_count
        self.noise_counts = noise_counts
        self._rng = np.random.default_rng([seed, 8])

    def counts(self, t_s: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        truth = self.subject.sample(t_s)
        forces, feet = standing_forces(self.fmt.rows, self.fmt.cols, self.fmt.pitch_mm, truth.left_n, truth.right_n,
                                       truth.cop_y_mm, self.subject.stance_width_mm)
        counts = forces_to_counts(forces, self.newton_per_count, self.noise_counts, self._rng)
        return counts, {"left_n": feet.left_n, "right_n": feet.right_n, "left_cop_mm": feet.left_cop_mm,
                        "right_cop_mm": feet.right_cop_mm}


@dataclass(frozen=True)
class SentFrame:
    """A frame the simulator produced (for tests): its index, simulated time, counts, whether it was sent."""

    index: int
    t_s: float
    counts: np.ndarray
    sent: bool
    corrupted: bool
    truth: dict[str, float] = field(default_factory=dict)


class MatSimulator:
    """Serve a simulated mat on a pty. ``port`` is the path to open with pyserial.

    Parameters
    ----------
    scene : MatScene
    fmt : FrameFormat
    speed : float
        Simulated seconds per wall-clock second (1 = a real mat's pace).
    drop, corrupt : float
        Probability that a frame is lost or has a bit flipped (0-1).
    noise : float
        Probability that junk bytes (1-40, possibly holding a header) precede a frame.
    seed : int
    keep_history : bool
        Keep every produced frame in ``history`` (tests); off for long sessions.
    """

    def __init__(self, scene: MatScene, fmt: FrameFormat = DO_P4864, *, speed: float = 1.0, drop: float = 0.0,
                 corrupt: float = 0.0, noise: float = 0.0, seed: int = 0, keep_history: bool = False) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        for name, p in (("drop", drop), ("corrupt", corrupt), ("noise", noise)):
            if not 0.0 <= p < 1.0:
                raise ValueError(f"{name} must be within [0, 1), got {p}")
        self.scene = scene
        self.fmt = fmt
        self.speed = float(speed)
        self.drop, self.corrupt, self.noise = float(drop), float(corrupt), float(noise)
        self.keep_history = keep_history
        self.history: list[SentFrame] = []
        self._rng = np.random.default_rng([seed, 9])
        self._fd_lock = threading.Lock()
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.port = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = 0.0
        self._k = 0
        self._pending: tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]] | None = None
        self._pending_j = 0
        self.error: BaseException | None = None

    def start(self) -> None:
        """Start streaming frames (a real mat streams from power-on; this starts the clock at 0 s)."""
        if self._thread is not None:
            raise RuntimeError("the simulated mat is already streaming")
        # Simulated time continues across stop/start, like a mat that kept streaming unheard.
        self._t0 = time.monotonic() - self._k * self.fmt.frame_interval_s / self.speed
        self._thread = threading.Thread(target=self._run, name="sim-mat", daemon=True)
        self._thread.start()

    def _write_all(self, data: bytes) -> bool:
        view = memoryview(data)
        while view and not self._stop.is_set():
            try:
                n = os.write(self._master, view)
                view = view[n:]
            except BlockingIOError:
                select.select([], [self._master], [], 0.05)
        return not view

    def _next_frame(self) -> tuple[int, float, np.ndarray, dict[str, float]]:
        """The next frame of the scene, generated in small batches (the scene is sampled forwards only)."""
        if self._pending is None or self._pending_j >= len(self._pending[0]):
            t = (self._k + np.arange(8)) * self.fmt.frame_interval_s
            counts, truth = self.scene.counts(t)
            self._pending, self._pending_j = (t, counts, truth), 0
        t, counts, truth = self._pending
        j = self._pending_j
        return self._k, float(t[j]), counts[j], {key: v[j] for key, v in truth.items()}

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                k, t, counts, truth = self._next_frame()
                delay = self._t0 + t / self.speed - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    return
                sent = self._rng.random() >= self.drop
                corrupted = sent and self._rng.random() < self.corrupt
                data = encode_frame(counts, self.fmt)
                if corrupted:
                    damaged = bytearray(data)
                    pos = 5 + int(self._rng.integers(self.fmt.payload_length))
                    damaged[pos] ^= 1 << int(self._rng.integers(8))
                    data = bytes(damaged)
                if sent and self.noise and self._rng.random() < self.noise:
                    junk = self._rng.integers(0, 256, int(self._rng.integers(1, 41)), dtype=np.uint8).tobytes()
                    data = (self.fmt.header if self._rng.random() < 0.5 else b"") + junk + data
                if self.keep_history:
                    self.history.append(SentFrame(k, t, counts, sent, corrupted, truth))
                self._pending_j += 1
                self._k += 1
                if sent and not self._write_all(data):
                    return
        except BaseException as exc:  # the reader sees the device go away; tests see the cause
            self.error = exc
            self._close_fds(slave=False)

    def stop(self) -> None:
        """Stop streaming (the port stays open)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        self._stop.clear()

    def _close_fds(self, slave: bool = True) -> None:
        with self._fd_lock:  # each descriptor is closed once: a reused number must never be closed twice
            names = ("_master", "_slave") if slave else ("_master",)
            for name in names:
                fd = getattr(self, name)
                if fd >= 0:
                    setattr(self, name, -1)
                    try:
                        os.close(fd)
                    except OSError:
                        pass

    def close(self) -> None:
        """Stop and close the pty: a reader then sees the device disappear."""
        self.stop()
        self._close_fds()
