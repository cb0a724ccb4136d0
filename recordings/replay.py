"""Play a recording back through the device interface: the ``replay`` driver.

``station assess standing --device replay:/path/trial.h5`` (or ``registry.create("replay:/path/trial.h5")``)
opens a recording and yields its samples as a device would, so the GUI, the engine and the analysis can
be demonstrated and tested on recorded data (BrainFlow's playback board, docs/sources.md [brainflow-playback]).

* The original blocks are replayed as they were received (same ``t_s``, ``seq``, ``forces_n``, ``raw``, ``frames``,
  ``host_rx_s`` and events), so recording a replay gives a file whose data are bit-identical to the
  original's (``tests/recordings/test_replay.py``).
* ``start_offset_s`` skips the first seconds; ``loop`` starts over at the end, continuing the clock and
  the counter (each pass is shifted by the recording's span) so that downstream code sees one stream;
  ``realtime`` paces blocks by the wall clock divided by ``speed``. By default blocks come as fast as
  they are read.
* At the end of the recording (without ``loop``) :meth:`read` raises :class:`ReplayFinished`, a
  :class:`~drivers.errors.DeviceDisconnected`: the stream is over, like a device that went away.

The whole recording is loaded into memory on ``open()`` (about 70 MB for one hour at 1 kHz × 4 cells).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from drivers.device import Device
from drivers.errors import DeviceDisconnected, DeviceStateError
from drivers.model import DeviceEvent, DeviceInfo, SampleBlock
from drivers.options import parse_bool
from recordings.reader import Recording, open_recording

__all__ = ["ReplayDevice", "ReplayFinished"]


class ReplayFinished(DeviceDisconnected):
    """The replay reached the end of its recording."""


class ReplayDevice(Device):
    """A device that replays a recording file.

    Parameters
    ----------
    address : str
        Path of the recording (the part after ``replay:`` in a device spec).
    speed : float
        Playback speed relative to real time when ``realtime`` (2.0 = twice as fast).
    loop : bool
        Start over at the end instead of finishing.
    start_offset_s : float
        Skip this many seconds from the start of the recording, s.
    realtime : bool
        Pace blocks by the wall clock; otherwise every ``read`` returns the next block at once.
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        "speed": (float, "playback speed relative to real time (with realtime=true)"),
        "loop": (parse_bool, "start over at the end"),
        "start_offset_s": (float, "skip this many seconds from the start, s"),
        "realtime": (parse_bool, "pace samples by the wall clock"),
    }

    def __init__(
        self,
        address: str = "",
        *,
        speed: float = 1.0,
        loop: bool = False,
        start_offset_s: float = 0.0,
        realtime: bool = False,
    ) -> None:
        super().__init__()
        if not address:
            raise ValueError("give the recording to replay: replay:/path/to/file.h5")
        if not (np.isfinite(speed) and speed > 0):
            raise ValueError(f"speed must be a positive number, got {speed}")
        if not (np.isfinite(start_offset_s) and start_offset_s >= 0):
            raise ValueError(f"start_offset_s must be >= 0 s, got {start_offset_s}")
        self.path = Path(address)
        self.speed = float(speed)
        self.loop = bool(loop)
        self.start_offset_s = float(start_offset_s)
        self.realtime = bool(realtime)
        self._rec: Recording | None = None
        self._info: DeviceInfo | None = None

    @property
    def info(self) -> DeviceInfo:
        if self._info is None:
            raise DeviceStateError(f"open() the replay of {self.path} before asking for its device info")
        return self._info

    @property
    def recording(self) -> Recording:
        """The recording being replayed (after ``open()``)."""
        if self._rec is None:
            raise DeviceStateError(f"open() the replay of {self.path} first")
        return self._rec

    # -- Device hooks ------------------------------------------------------------------------------

    def _open(self) -> None:
        rec = open_recording(self.path)
        t = rec.t_s
        if rec.n_samples == 0:
            raise ValueError(f"{self.path} holds no samples to replay")
        first = int(np.searchsorted(t, t[0] + self.start_offset_s, side="left"))
        if first >= rec.n_samples:
            span = float(t[-1] - t[0])
            raise ValueError(f"start offset {self.start_offset_s} s is beyond the end of {self.path} ({span:.3f} s)")
        starts = rec.block_first_sample.astype(np.int64)
        if starts.size == 0 or starts[0] != 0:
            starts = np.concatenate([[0], starts])
        starts = np.unique(np.concatenate([[first], starts[starts > first]]))
        self._starts = starts
        self._ends = np.append(starts[1:], rec.n_samples)
        # Each replayed block keeps the host receive time of the received block it comes from.
        block_of = np.searchsorted(rec.block_first_sample, starts, side="right") - 1
        self._rx = np.zeros(starts.size)
        self._rx[block_of >= 0] = rec.block_host_rx_s[block_of[block_of >= 0]]
        # Events go with the block holding their sample; events before the start offset are skipped.
        first_seqs = rec.seq[starts].astype(np.int64)
        self._events: list[list[DeviceEvent]] = [[] for _ in starts]
        for event in rec.events:
            if event.seq < int(rec.seq[first]):
                continue
            b = int(np.clip(np.searchsorted(first_seqs, event.seq, side="right") - 1, 0, starts.size - 1))
            self._events[b].append(event)
        dt = float(np.median(np.diff(t))) if t.size > 1 else 1.0 / rec.device.nominal_rate_hz
        self._t_span = float(t[-1] - t[first]) + dt
        self._seq_span = int(rec.seq[-1]) - int(rec.seq[first]) + 1
        self._rec = rec
        self._info = dataclasses.replace(rec.device, driver="replay", simulated=True)
        self._block = 0
        self._pass = 0

    def _start(self) -> None:
        rec = self.recording
        self._t_origin = float(rec.t_s[self._starts[self._block]]) + self._pass * self._t_span
        self._wall_origin = time.monotonic()

    def _next_block(self) -> SampleBlock:
        rec = self.recording
        a, b = int(self._starts[self._block]), int(self._ends[self._block])
        dt, dseq = self._pass * self._t_span, self._pass * self._seq_span
        events = tuple(
            dataclasses.replace(e, t_s=e.t_s + dt, seq=e.seq + dseq) if self._pass else e
            for e in self._events[self._block]
        )
        block = SampleBlock(
            t_s=rec.t_s[a:b] + dt if self._pass else rec.t_s[a:b],
            seq=rec.seq[a:b] + np.uint64(dseq),
            forces_n=rec.forces_n[a:b],
            host_rx_s=float(self._rx[self._block]) + dt,
            raw=None if rec.raw is None else rec.raw[a:b],
            frames=None if rec.frames is None else rec.frames[a:b],
            events=events,
        )
        self._block += 1
        if self._block == self._starts.size and self.loop:
            self._block = 0
            self._pass += 1
        return block

    def _read(self, timeout_s: float) -> SampleBlock | None:
        if self._block >= self._starts.size:
            rec = self.recording
            raise ReplayFinished(
                f"replay of {self.path} reached its end after {rec.n_samples} samples "
                f"({float(rec.t_s[-1] - rec.t_s[0]):.1f} s); ask for a shorter trial or use the loop=true option"
            )
        if self.realtime:
            b = self._block
            last = int(self._ends[b]) - 1
            due_s = (float(self.recording.t_s[last]) + self._pass * self._t_span - self._t_origin) / self.speed
            wait_s = due_s - (time.monotonic() - self._wall_origin)
            if wait_s > timeout_s:
                time.sleep(timeout_s)
                return None
            if wait_s > 0:
                time.sleep(wait_s)
        return self._next_block()

    def _stop(self) -> None:
        pass  # the position is kept: start() resumes where the replay stopped

    def _close(self) -> None:
        self._rec = None
