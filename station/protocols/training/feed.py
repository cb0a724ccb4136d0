"""A training mode as a session subscriber: every block's live measures go through the mode (and the
under-load cue) once, on the reader thread; its events are recorded in the file and queued for the display.

The feed hands the mode the samples of ``batch_s`` of device time at once (1/60 s by default, the display's
tick): one update of a mode costs tens of µs of Python whatever its size, so a 1 kHz board read in
one-sample blocks would otherwise spend about a tenth of a core on it. Every sample still goes through the
mode exactly once, in order; the rest of a batch at the end of the data is fed before the mode finishes.

The display thread reads the mode only through :meth:`TrainingFeed.status` and :meth:`TrainingFeed.call`,
which hold the same lock as the update, and takes the new events and cue times with
:meth:`TrainingFeed.take`. At the end of the data (``on_finish``) the mode is finished and its score event
recorded before the file closes.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from drivers.model import DeviceEvent, SampleBlock
from station.engine.live import LiveSamples, concatenate_live
from station.engine.subscriber import Subscriber
from station.protocols.training.base import TrainingEvent, TrainingMode, UnderloadCue

__all__ = ["Cue", "TrainingFeed", "event_at"]

_R = TypeVar("_R")


class Cue(float):
    """Device time (s) at which the under-load cue is due."""


def event_at(t_s: float, seq_of: tuple[np.ndarray, np.ndarray], code: str, label: str = "") -> DeviceEvent:
    """A :class:`DeviceEvent` at device time ``t_s`` carrying the counter of the last sample at or before it
    (of the first sample when ``t_s`` precedes them all, e.g. a deadline that passed between two blocks).

    ``seq_of`` is (t_s, seq) of the samples the event was computed from, sorted by time.
    """
    t, seq = seq_of
    if t.size == 0:
        raise ValueError(f"no samples yet to attach event {code!r} at t = {t_s} s to")
    i = max(int(np.searchsorted(t, t_s, side="right")) - 1, 0)
    return DeviceEvent(float(t_s), int(seq[i]), code, label)


class TrainingFeed(Subscriber):
    """Feeds ``mode`` (optional) and ``cue`` (optional) with every block's live measures, once.

    Attributes
    ----------
    samples_processed : int
        Samples that went through the mode (all the session's samples).
    """

    def __init__(self, mode: TrainingMode | None = None, cue: UnderloadCue | None = None, *,
                 batch_s: float = 1.0 / 60.0) -> None:
        if not batch_s >= 0:
            raise ValueError(f"batch_s must be >= 0 s, got {batch_s}")
        self.mode = mode
        self.cue = cue
        self.batch_s = float(batch_s)
        self.samples_processed = 0
        self._lock = threading.Lock()
        self._outbox: queue.SimpleQueue[TrainingEvent | Cue] = queue.SimpleQueue()
        self._pending: list[tuple[SampleBlock, LiveSamples]] = []
        self._last: tuple[np.ndarray, np.ndarray] | None = None

    def on_block(self, block: SampleBlock, live: LiveSamples | None) -> Sequence[DeviceEvent]:
        if live is None:
            raise ValueError("training needs the live measures of a load-cell board with an affected side")
        self._pending.append((block, live))
        if live.t_s[-1] - self._pending[0][1].t_s[0] < self.batch_s:
            return ()
        return self._feed()

    def _feed(self) -> list[DeviceEvent]:
        """The pending blocks through the mode and the cue, as one batch."""
        if not self._pending:
            return []
        blocks, lives = zip(*self._pending, strict=True)
        self._pending = []
        live = concatenate_live(list(lives))
        seq_of = (live.t_s, np.concatenate([b.seq for b in blocks]))
        with self._lock:
            events = self.mode.update(live) if self.mode is not None else []
            cues = self.cue.update(live) if self.cue is not None else []
            self.samples_processed += live.n_samples
        self._last = (seq_of[0][-1:], seq_of[1][-1:])
        for t in cues:
            self._outbox.put(Cue(t))
        return self._publish(events, seq_of)

    def _publish(self, events: list[TrainingEvent], seq_of: tuple[np.ndarray, np.ndarray]) -> list[DeviceEvent]:
        for e in events:
            self._outbox.put(e)
        return [event_at(e.t_s, seq_of, e.code, e.label) for e in events]

    def on_finish(self, t_last_s: float | None) -> Sequence[DeviceEvent]:
        fed = self._feed()  # the rest of the last batch
        if self.mode is None or t_last_s is None or self._last is None:
            return fed
        with self._lock:
            events = self.mode.finish(t_last_s)
        return [*fed, *self._publish(events, self._last)]

    def status(self) -> dict[str, Any]:
        """The mode's status for the views (empty without a mode)."""
        if self.mode is None:
            return {}
        with self._lock:
            return self.mode.status()

    def call(self, fn: Callable[..., _R], *args: Any) -> _R:
        """``fn(*args)`` while no block goes through the mode (read several of its fields consistently)."""
        with self._lock:
            return fn(*args)

    @property
    def finished(self) -> bool:
        """The mode has finished by itself (all its targets done)."""
        return self.mode is not None and self.mode.finished

    def take(self) -> list[TrainingEvent | Cue]:
        """The events and cues since the last call, oldest first (any thread)."""
        out: list[TrainingEvent | Cue] = []
        while True:
            try:
                out.append(self._outbox.get_nowait())
            except queue.Empty:
                return out
