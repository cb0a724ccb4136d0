"""A preallocated ring buffer of samples that a display can peek and a consumer can drain.

Modelled on BrainFlow's data buffer (``get_current_board_data`` peeks, ``get_board_data`` drains), with
what BrainFlow lacks: a count of samples overwritten before they were drained (``overruns``) and a
running total of samples written. Blocks go in whole; reads return copies, so the caller never sees
the buffer change under it. With ``live=True`` the buffer also keeps each sample's live measures
(:data:`~station.engine.live.LIVE_FIELDS`: Fz, COP, limb loads), derived once when the block arrived, so
a display that peeks the newest window copies it and converts nothing.

As a :class:`~station.engine.subscriber.Subscriber` of a session it is written once per block.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from drivers.model import DeviceEvent, SampleBlock
from station.engine.live import LIVE_FIELDS, LiveSamples
from station.engine.subscriber import Subscriber

__all__ = ["RingBuffer", "Samples"]


@dataclass(frozen=True)
class Samples:
    """A copy of samples taken out of the ring: times (s), counter, forces (N), and their live measures."""

    t_s: np.ndarray
    seq: np.ndarray
    forces_n: np.ndarray
    live: LiveSamples | None = None

    @property
    def n_samples(self) -> int:
        return int(self.t_s.shape[0])


class RingBuffer(Subscriber):
    """Fixed-capacity buffer of the newest samples of one device.

    Parameters
    ----------
    capacity : int
        Samples kept (e.g. 60 s × rate).
    n_channels : int
        Force channels per sample.
    live : bool
        Also keep each sample's live measures (``write`` then needs them).
    """

    def __init__(self, capacity: int, n_channels: int, *, live: bool = False) -> None:
        if capacity < 1 or n_channels < 1:
            raise ValueError(f"capacity and n_channels must be >= 1, got {capacity} and {n_channels}")
        self.capacity = int(capacity)
        self._t = np.zeros(self.capacity)
        self._seq = np.zeros(self.capacity, dtype=np.uint64)
        self._forces = np.zeros((self.capacity, n_channels), dtype=np.float32)
        self._live = {name: np.zeros(self.capacity, dtype=bool if name == "loaded" else np.float64)
                      for name in LIVE_FIELDS} if live else None
        self._written = 0  # total samples ever written
        self._drained = 0  # total samples consumed by drain()
        self._overruns = 0
        self._lock = threading.Lock()

    @property
    def total_written(self) -> int:
        """Samples written since creation."""
        return self._written

    @property
    def overruns(self) -> int:
        """Samples overwritten before ``drain`` took them."""
        return self._overruns

    def __len__(self) -> int:
        """Samples currently held (at most ``capacity``)."""
        return min(self._written, self.capacity)

    def _put(self, array: np.ndarray, start: int, values: np.ndarray) -> None:
        """Copy ``values`` into the ring from slot ``start`` on, wrapping once (two slice copies at most)."""
        first = min(values.shape[0], self.capacity - start)
        array[start : start + first] = values[:first]
        if first < values.shape[0]:
            array[: values.shape[0] - first] = values[first:]

    def write(self, block: SampleBlock, live: LiveSamples | None = None) -> None:
        """Append a block (and its live measures); the oldest samples make room when the buffer is full."""
        n = block.n_samples
        if n == 0:
            return
        if self._live is not None and (live is None or live.n_samples != n):
            raise ValueError("this ring buffer keeps live measures: write each block with its LiveSamples")
        keep = slice(max(n - self.capacity, 0), n)  # only the newest samples fit
        with self._lock:
            start = (self._written + keep.start) % self.capacity
            self._put(self._t, start, block.t_s[keep])
            self._put(self._seq, start, block.seq[keep])
            self._put(self._forces, start, block.forces_n[keep])
            if self._live is not None and live is not None:
                for name, array in self._live.items():
                    self._put(array, start, getattr(live, name)[keep])
            self._written += n
            unread = self._written - self._drained
            if unread > self.capacity:
                self._overruns += unread - self.capacity
                self._drained = self._written - self.capacity

    def on_block(self, block: SampleBlock, live: LiveSamples | None) -> Sequence[DeviceEvent]:
        self.write(block, live if self._live is not None else None)
        return ()

    def _take(self, array: np.ndarray, first: int, count: int) -> np.ndarray:
        start = first % self.capacity
        end = start + count
        if end <= self.capacity:
            return array[start:end].copy()
        return np.concatenate([array[start:], array[: end - self.capacity]])

    def _copy(self, first: int, count: int) -> Samples:
        t = self._take(self._t, first, count)
        live = None
        if self._live is not None:
            live = LiveSamples(t, *(self._take(self._live[name], first, count) for name in LIVE_FIELDS))
        return Samples(t, self._take(self._seq, first, count), self._take(self._forces, first, count), live)

    def latest(self, n: int) -> Samples:
        """Copy of the newest ``n`` samples (fewer if fewer are held), oldest first; consumes nothing."""
        with self._lock:
            count = min(int(n), len(self))
            return self._copy(self._written - count, count)

    def drain(self, max_n: int | None = None) -> Samples:
        """Take the oldest unread samples (up to ``max_n``), oldest first."""
        with self._lock:
            unread = self._written - self._drained
            count = unread if max_n is None else min(unread, int(max_n))
            out = self._copy(self._drained, count)
            self._drained += count
            return out
