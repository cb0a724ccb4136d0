"""Run a device: a reader thread pushes each block once to its subscribers and the writer queue; a writer
thread records.

DESIGN.md §4: the reader reads blocks (never one sample per wake-up), derives the block's live measures
once (:class:`~station.engine.live.LiveDeriver`), and pushes the block to (a) its subscribers in order —
first the :class:`RingBuffer` the display peeks, then the live count, the training mode, a stream outlet
(:mod:`station.engine.subscriber`) — and (b) a queue that one writer thread drains into the recording,
together with the events the subscribers return and those posted from other threads (:meth:`post_event`).
Nothing received is lost on a device fault: the reader stops, the writer drains what is queued, and the
fault is reported.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from drivers.device import Device
from drivers.errors import DeviceError
from drivers.model import DeviceEvent, SampleBlock
from station.engine.live import LiveDeriver
from station.engine.ring_buffer import RingBuffer
from station.engine.subscriber import BlockSubscriber

__all__ = ["Acquisition", "AcquisitionStats", "BlockSink", "EventSink"]

BlockSink = Callable[[SampleBlock], None]
EventSink = Callable[[DeviceEvent], None]
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
    event_sink : callable, optional
        Called from the writer thread with every event recorded (posted or returned by a subscriber), after
        the block it followed (e.g. ``RecordingWriter.add_event``).
    subscribers : sequence of subscribers
        Called from the reader thread with every block once (:mod:`station.engine.subscriber`), after
        the ring buffer.
    derive : LiveDeriver, optional
        Derives each block's live measures once for the ring buffer and the subscribers.
    duration_s : float, optional
        Stop once this much device time has been acquired; the block that crosses the limit is cut
        so that exactly the samples with ``t − t_first <= duration_s`` are kept.
    ring_seconds : float or None
        How much history the ring buffer keeps, s (None: no ring buffer).
    read_timeout_s : float
        Timeout of each ``device.read``.
    """

    def __init__(
        self,
        device: Device,
        sink: BlockSink | None = None,
        *,
        event_sink: EventSink | None = None,
        subscribers: Sequence[BlockSubscriber] = (),
        derive: LiveDeriver | None = None,
        duration_s: float | None = None,
        ring_seconds: float | None = 60.0,
        read_timeout_s: float = 0.2,
    ) -> None:
        if duration_s is not None and not duration_s > 0:
            raise ValueError(f"duration_s must be > 0, got {duration_s}")
        self.device = device
        self.sink = sink
        self.event_sink = event_sink
        self.derive = derive
        self.duration_s = duration_s
        self.read_timeout_s = read_timeout_s
        info = device.info
        self.ring = None if ring_seconds is None else RingBuffer(
            max(int(ring_seconds * info.nominal_rate_hz), 16), info.n_channels, live=derive is not None)
        self.subscribers: list[BlockSubscriber] = ([self.ring] if self.ring is not None else []) + list(subscribers)
        self._queue: queue.Queue[object] = queue.Queue()
        self._posted: queue.SimpleQueue[DeviceEvent] = queue.SimpleQueue()
        self._stop_requested = threading.Event()
        self._done = threading.Event()
        self._reader: threading.Thread | None = None
        self._writer: threading.Thread | None = None
        self.device_fault: DeviceError | None = None
        self.sink_fault: Exception | None = None
        self.subscriber_fault: Exception | None = None
        self.n_events = 0
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
            self.watch(progress, poll_s)
        except KeyboardInterrupt:
            self.stop()
            raise
        finally:
            self.join()
        return self.stats()

    def watch(self, progress: Callable[[AcquisitionStats], None] | None = None, poll_s: float = 0.1) -> None:
        """Wait for the end (duration reached, stop() or a fault), calling ``progress`` every ``poll_s`` s."""
        while not self._done.wait(poll_s):
            if progress is not None:
                progress(self.stats())

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

    def post_event(self, event: DeviceEvent) -> None:
        """Record ``event`` after the block being read now; safe from any thread."""
        self._posted.put(event)

    def _record(self, event: DeviceEvent, source: object = None, *, direct: bool = False) -> None:
        """Pass an event to every subscriber but its source and to the writer (queued, or at once when the
        threads have ended)."""
        for sub in self.subscribers:
            if sub is not source:
                sub.on_event(event)
        if direct:
            if self.event_sink is not None and self.sink_fault is None:
                try:
                    self.event_sink(event)
                except Exception as exc:  # recorded and re-raised by the session
                    self.sink_fault = exc
        else:
            self._queue.put(event)
        self.n_events += 1

    def _record_posted(self, *, direct: bool = False) -> None:
        while True:
            try:
                event = self._posted.get_nowait()
            except queue.Empty:
                return
            self._record(event, direct=direct)

    def _deliver(self, block: SampleBlock) -> None:
        """The block, once, to the writer (first: a failing subscriber loses nothing) and to every subscriber
        with its live measures; then the events they returned."""
        self._queue.put(block)
        live = self.derive(block) if self.derive is not None else None
        produced = [(sub, event) for sub in self.subscribers for event in sub.on_block(block, live)]
        for sub, event in produced:
            self._record(event, sub)

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
                reached = False
                if block is not None and block.n_samples > 0:
                    block, reached = self._cut_to_duration(block)
                    if block is not None:
                        self._account(block)
                        try:
                            self._deliver(block)
                        except Exception as exc:  # a subscriber's bug: stop; the session raises it
                            self.subscriber_fault = exc
                            break
                        self._max_depth = max(self._max_depth, self._queue.qsize())
                try:
                    self._record_posted()
                except Exception as exc:
                    self.subscriber_fault = exc
                    break
                if reached:
                    break
        finally:
            try:
                self.device.stop()
            except DeviceError as exc:
                self.device_fault = self.device_fault or exc
            self._queue.put(_STOP)

    def finish(self) -> None:
        """After ``join``: record what was posted since the last block and the subscribers' final events
        (``on_finish``), from the calling thread. Runs once."""
        if self._reader is None or self._reader.is_alive() or (self._writer is not None and self._writer.is_alive()):
            raise RuntimeError("finish() runs after the acquisition threads have ended (join)")
        self._record_posted(direct=True)
        if self.subscriber_fault is None:
            for sub in self.subscribers:
                for event in sub.on_finish(self._last_t):
                    self._record(event, sub, direct=True)

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
                if self.sink_fault is not None:
                    continue
                try:
                    if isinstance(item, SampleBlock):
                        if self.sink is not None:
                            self.sink(item)
                    elif self.event_sink is not None:
                        self.event_sink(item)  # type: ignore[arg-type]
                except Exception as exc:  # recorded and re-raised by the session
                    self.sink_fault = exc
                    self._stop_requested.set()
        finally:
            self._done.set()
