"""A preallocated ring buffer of samples that a display can peek and a consumer can drain.

Modelled on BrainFlow's data buffer (``get_current_board_data`` peeks, ``get_board_data`` drains), with
what BrainFlow lacks: a count of samples overwritten before they were drained (``overruns``) and a
running total of samples written. Blocks go in whole; reads return copies, so the caller never sees
the buffer change under it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from drivers.model import SampleBlock

__all__ = ["RingBuffer", "Samples"]


@dataclass(frozen=True)
class Samples:
    """A copy of samples taken out of the ring: times (s), counter, forces (N)."""

    t_s: np.ndarray
    seq: np.ndarray
    forces_n: np.ndarray

    @property
    def n_samples(self) -> int:
        return int(self.t_s.shape[0])


class RingBuffer:
    """Fixed-capacity buffer of the newest samples of one device.

    Parameters
    ----------
    capacity : int
        Samples kept (e.g. 60 s × rate).
    n_channels : int
        Force channels per sample.
    """

    def __init__(self, capacity: int, n_channels: int) -> None:
        if capacity < 1 or n_channels < 1:
            raise ValueError(f"capacity and n_channels must be >= 1, got {capacity} and {n_channels}")
        self.capacity = int(capacity)
        self._t = np.zeros(self.capacity)
        self._seq = np.zeros(self.capacity, dtype=np.uint64)
        self._forces = np.zeros((self.capacity, n_channels), dtype=np.float32)
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

    def write(self, block: SampleBlock) -> None:
        """Append a block; the oldest samples make room when the buffer is full."""
        n = block.n_samples
        if n == 0:
            return
        t, seq, forces = block.t_s, block.seq, block.forces_n
        if n > self.capacity:  # only the newest samples fit
            t, seq, forces = t[-self.capacity :], seq[-self.capacity :], forces[-self.capacity :]
        with self._lock:
            start = (self._written + n - t.shape[0]) % self.capacity
            idx = (start + np.arange(t.shape[0])) % self.capacity
            self._t[idx] = t
            self._seq[idx] = seq
            self._forces[idx] = forces
            self._written += n
            unread = self._written - self._drained
            if unread > self.capacity:
                self._overruns += unread - self.capacity
                self._drained = self._written - self.capacity

    def _copy(self, first: int, count: int) -> Samples:
        idx = (first + np.arange(count)) % self.capacity
        return Samples(self._t[idx].copy(), self._seq[idx].copy(), self._forces[idx].copy())

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
