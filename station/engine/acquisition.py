"""Run a device: a reader thread fills the ring buffer and the writer queue; a writer thread records.

DESIGN.md §4: the reader reads blocks (never one sample per wake-up) and pushes each block to
(a) a :class:`RingBuffer` the display peeks and (b) a queue that one writer thread drains into the
recording. Nothing received is lost on a device fault: the reader stops, the writer drains what is
queued, and the fault is reported.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from drivers.device import Device
from drivers.errors import DeviceError
from drivers.model import SampleBlock
from station.engine.ring_buffer import RingBuffer

__all__ = ["Acquisition", "AcquisitionStats", "BlockSink"]

BlockSink = Callable[[SampleBlock], None]
_STOP = object()


@dataclass(frozen=True)
class AcquisitionStats:
    """Counters of a run. Times in s on the device clock."""

    n_samples: int
    n_blocks: int
    lost_samples: int
    first_t_s: float | None
    last_t_s: float | None
    max_queue_depth: int

    @property
    def elapsed_s(self) -> float:
        if self.first_t_s is None or self.last_t_s is None:
            return 0.0
        return self.last_t_s - self.first_t_s


class Acquisition:
    """Acquire from an open device until a duration is reached, ``stop()`` is called, or it fails.

    Parameters
    ----------
    device : Device
        An open (not yet streaming) device.
    sink : callable, optional
        Called with every block, in order, from the writer thread (e.g. ``RecordingWriter.append``).
    duration_s : float, optional
        Stop once this much device time has been acquired; the block that crosses the limit is cut
        so that exactly the samples with ``t − t_first <= duration_s`` are kept.
    ring_seconds : float
        How much history the ring buffer keeps, s.
    read_timeout_s : float
        Timeout of each ``device.read``.
    """

    def __init__(
        self,
        device: Device,
        sink: BlockSink | None = None,
        *,
        duration_s: float | None = None,
        ring_seconds: float = 60.0,
        read_timeout_s: float = 0.2,
    ) -> None:
        if duration_s is not None and not duration_s > 0:
            raise ValueError(f"duration_s must be > 0, got {duration_s}")
        self.device = device
        self.sink = sink
        self.duration_s = duration_s
        self.read_timeout_s = read_timeout_s
        info = device.info
        self.ring = RingBuffer(max(int(ring_seconds * info.nominal_rate_hz), 16), info.n_channels)
        self._queue: queue.Queue[object] = queue.Queue()
        self._stop_requested = threading.Event()
        self._done = threading.Event()
        self._reader: threading.Thread | None = None
        self._writer: threading.Thread | None = None
        self.device_fault: DeviceError | None = None
        self.sink_fault: Exception | None = None
        self._n_samples = 0
        self._n_blocks = 0
        self._lost = 0
        self._first_t: float | None = None
        self._last_t: float | None = None
        self._last_seq: int | None = None
        self._max_depth = 0

    # -- control ------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start streaming and the two threads."""
        if self._reader is not None:
            raise RuntimeError("an Acquisition runs once; make a new one")
        self.device.start()
        self._writer = threading.Thread(target=self._write_loop, name="station-writer", daemon=True)
        self._reader = threading.Thread(target=self._read_loop, name="station-reader", daemon=True)
        self._writer.start()
        self._reader.start()

    def stop(self) -> None:
        """Ask the reader to stop; returns at once (``join`` waits)."""
        self._stop_requested.set()

    def join(self, timeout_s: float | None = None) -> bool:
        """Wait until the reader and writer have finished; True if they have."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        for thread in (self._reader, self._writer):
            if thread is None:
                continue
            remaining = None if deadline is None else max(deadline - time.monotonic(), 0.0)
            thread.join(remaining)
            if thread.is_alive():
                return False
        return True

    def run(self, progress: Callable[[AcquisitionStats], None] | None = None, poll_s: float = 0.1) -> AcquisitionStats:
        """Start, wait for the end (duration reached, stop() or a fault), and return the stats.

        ``progress`` is called every ``poll_s`` seconds from the calling thread.
        """
        self.start()
        try:
            while not self._done.wait(poll_s):
                if progress is not None:
                    progress(self.stats())
        except KeyboardInterrupt:
            self.stop()
            raise
        finally:
            self.join()
        return self.stats()

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def stats(self) -> AcquisitionStats:
        return AcquisitionStats(
            n_samples=self._n_samples,
            n_blocks=self._n_blocks,
            lost_samples=self._lost,
            first_t_s=self._first_t,
            last_t_s=self._last_t,
            max_queue_depth=self._max_depth,
        )

    # -- threads ------------------------------------------------------------------------------------

    def _cut_to_duration(self, block: SampleBlock) -> tuple[SampleBlock | None, bool]:
        if self.duration_s is None:
            return block, False
        if self._first_t is None:
            self._first_t = float(block.t_s[0])
        limit = self._first_t + self.duration_s
        if block.t_s[-1] <= limit:
            return block, block.t_s[-1] >= limit
        keep = int(np.searchsorted(block.t_s, limit, side="right"))
        if keep == 0:
            return None, True
        cut = SampleBlock(
            t_s=block.t_s[:keep],
            seq=block.seq[:keep],
            forces_n=block.forces_n[:keep],
            host_rx_s=block.host_rx_s,
            raw=None if block.raw is None else block.raw[:keep],
            events=tuple(e for e in block.events if e.t_s <= limit),
            frames=None if block.frames is None else block.frames[:keep],
        )
        return cut, True

    def _read_loop(self) -> None:
        try:
            while not self._stop_requested.is_set() and self.sink_fault is None:
                try:
                    block = self.device.read(self.read_timeout_s)
                except DeviceError as exc:
                    self.device_fault = exc
                    break
                except Exception as exc:  # a driver bug: stop cleanly, keep what was received
                    self.device_fault = DeviceError(f"the device driver failed: {exc!r}")
                    self.device_fault.__cause__ = exc
                    break
                if block is None or block.n_samples == 0:
                    continue
                block, reached = self._cut_to_duration(block)
                if block is not None:
                    self._account(block)
                    self.ring.write(block)
                    self._queue.put(block)
                    self._max_depth = max(self._max_depth, self._queue.qsize())
                if reached:
                    break
        finally:
            try:
                self.device.stop()
            except DeviceError as exc:
                self.device_fault = self.device_fault or exc
            self._queue.put(_STOP)

    def _account(self, block: SampleBlock) -> None:
        seq = block.seq.astype(np.int64)
        if self._last_seq is not None:
            self._lost += max(int(seq[0]) - self._last_seq - 1, 0)
        self._lost += int(np.sum(np.diff(seq) - 1))
        self._last_seq = int(seq[-1])
        if self._first_t is None:
            self._first_t = float(block.t_s[0])
        self._last_t = float(block.t_s[-1])
        self._n_samples += block.n_samples
        self._n_blocks += 1

    def _write_loop(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    break
                if self.sink is not None and self.sink_fault is None:
                    try:
                        self.sink(item)  # type: ignore[arg-type]
                    except Exception as exc:  # recorded and re-raised by the protocol
                        self.sink_fault = exc
                        self._stop_requested.set()
        finally:
            self._done.set()
