"""A training mode as a session subscriber: every block's live measures go through the mode (and the
under-load cue) once, on the reader thread; its events are recorded in the file and queued for the display.

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
from station.engine.live import LiveSamples
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

    def __init__(self, mode: TrainingMode | None = None, cue: UnderloadCue | None = None) -> None:
        self.mode = mode
        self.cue = cue
        self.samples_processed = 0
        self._lock = threading.Lock()
        self._outbox: queue.SimpleQueue[TrainingEvent | Cue] = queue.SimpleQueue()
        self._last: tuple[np.ndarray, np.ndarray] | None = None

    def on_block(self, block: SampleBlock, live: LiveSamples | None) -> Sequence[DeviceEvent]:
        if live is None:
            raise ValueError("training needs the live measures of a load-cell board with an affected side")
        with self._lock:
            events = self.mode.update(live) if self.mode is not None else []
            cues = self.cue.update(live) if self.cue is not None else []
            self.samples_processed += block.n_samples
        self._last = (block.t_s[-1:], block.seq[-1:])
        for t in cues:
            self._outbox.put(Cue(t))
        return self._publish(events, (block.t_s, block.seq))

    def _publish(self, events: list[TrainingEvent], seq_of: tuple[np.ndarray, np.ndarray]) -> list[DeviceEvent]:
        for e in events:
            self._outbox.put(e)
        return [event_at(e.t_s, seq_of, e.code, e.label) for e in events]

    def on_finish(self, t_last_s: float | None) -> Sequence[DeviceEvent]:
        if self.mode is None or t_last_s is None or self._last is None:
            return ()
        with self._lock:
            events = self.mode.finish(t_last_s)
        return self._publish(events, self._last)

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
