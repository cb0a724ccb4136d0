"""A recorded live session: a device streaming into an HDF5 recording while a display and a training
mode watch (no Qt).

The acquisition engine's writer thread is the only one that touches the file while the session runs
(h5py holds one global lock; DESIGN.md §5). Events from the display side — targets shown, holds,
scores — are posted with :meth:`LiveSession.post_event` into a thread-safe queue; the writer thread
writes them after the next block, and :meth:`LiveSession.stop` writes the rest once the writer thread
has ended.

Every block is appended as received, so the per-block table keeps each block's host arrival time. A
1 kHz device read as it arrives gives about one sample per block; the writer batches its HDF5 writes
(one flush per 0.25 s of data, :class:`~recordings.writer.RecordingWriter`), so an append costs a few
µs and the writer keeps far ahead of real time.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.cop import DEFAULT_MIN_FZ_N
from analysis.weight_bearing import limb_loads_from_cell_pairs, weight_bearing
from drivers.device import Device
from drivers.errors import DeviceError
from drivers.model import DeviceEvent, SampleBlock
from recordings.metadata import Subject
from recordings.reader import Recording
from recordings.schema import RecordingStatus
from recordings.writer import RecordingWriter
from station.engine.acquisition import Acquisition, AcquisitionStats
from station.engine.ring_buffer import RingBuffer

__all__ = ["LiveSession", "SessionResult", "event_at", "summarize_recording"]


@dataclass(frozen=True)
class SessionResult:
    """How a session ended: the file, its status, the acquisition counters and any device fault."""

    path: Path
    status: RecordingStatus
    stats: AcquisitionStats
    n_events: int
    device_fault: DeviceError | None


class LiveSession:
    """Stream ``device`` into a new recording at ``path`` until :meth:`stop` (or ``duration_s``).

    Parameters
    ----------
    device : Device
        A closed device; the session opens and closes it.
    path : str or Path
        The recording to create (never overwritten).
    subject : Subject
    protocol : str
        e.g. "training.weight_shift".
    settings : mapping name -> (value, unit)
        Stored in the recording's settings.
    duration_s : float, optional
        Stop by itself after this much device time, s.
    ring_seconds : float
        History kept for the display, s.
    """

    def __init__(
        self,
        device: Device,
        path: str | os.PathLike[str],
        subject: Subject,
        *,
        protocol: str,
        settings: Mapping[str, tuple[Any, str]] | None = None,
        condition: str = "",
        duration_s: float | None = None,
        ring_seconds: float = 60.0,
    ) -> None:
        self.device = device
        self.path = Path(path)
        self._events: queue.SimpleQueue[DeviceEvent] = queue.SimpleQueue()
        self._n_events = 0
        self.device.open()
        try:
            self.writer = RecordingWriter(
                self.path, device.info, subject, settings, protocol=protocol, condition=condition
            )
        except BaseException:
            self.device.close()
            raise
        self.acquisition = Acquisition(device, self._sink, duration_s=duration_s, ring_seconds=ring_seconds)
        self.result: SessionResult | None = None

    @property
    def ring(self) -> RingBuffer:
        """The ring buffer the display peeks (``latest``) or drains."""
        return self.acquisition.ring

    @property
    def finished(self) -> bool:
        """True once acquisition has ended (duration reached, stop, or a fault)."""
        return self.acquisition.finished

    def stats(self) -> AcquisitionStats:
        return self.acquisition.stats()

    def start(self) -> None:
        self.acquisition.start()

    def post_event(self, event: DeviceEvent) -> None:
        """Queue an event for the recording; safe from any thread."""
        if self.result is not None:
            raise ValueError(f"the session recording to {self.path} has ended; event {event.code!r} not recorded")
        self._events.put(event)

    def _write_pending_events(self) -> None:
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return
            self.writer.add_event(event)
            self._n_events += 1

    def _sink(self, block: SampleBlock) -> None:  # the writer thread
        self.writer.append(block)
        self._write_pending_events()

    def stop(self, timeout_s: float | None = None) -> SessionResult:
        """Stop acquiring, write what is queued, close the file and the device. Safe to call twice.

        Waits for the writer to drain its queue (at most ``timeout_s`` s if given: TimeoutError after).
        """
        if self.result is not None:
            return self.result
        self.acquisition.stop()
        if not self.acquisition.join(timeout_s):
            raise TimeoutError(f"acquisition did not stop within {timeout_s} s")
        status = RecordingStatus.INTERRUPTED
        try:
            if self.acquisition.sink_fault is None:
                self._write_pending_events()  # the writer thread has ended: this thread may write now
                if self.acquisition.device_fault is None:
                    status = RecordingStatus.COMPLETE
        finally:
            self.writer.close(status)
            self.device.close()
        self.result = SessionResult(
            self.path, status, self.acquisition.stats(), self._n_events, self.acquisition.device_fault
        )
        if self.acquisition.sink_fault is not None:
            raise self.acquisition.sink_fault
        return self.result


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


def summarize_recording(rec: Recording) -> list[str]:
    """Lines for the results panel: what was recorded, the training events' scores, and weight bearing
    (mean affected / unaffected %BW and Robinson SI, :func:`analysis.weight_bearing.weight_bearing`)."""
    duration = float(rec.t_s[-1] - rec.t_s[0]) if rec.n_samples > 1 else 0.0
    lines = [
        f"{rec.path.name}: {rec.protocol or 'no protocol'} ({rec.status})",
        f"subject {rec.subject.id}, affected side {rec.subject.affected_side or 'not given'}",
        f"{rec.device.model}: {rec.n_samples} samples over {duration:.1f} s, {rec.lost_samples} lost",
    ]
    lines += [f"{e.code}: {e.label}" for e in rec.events if e.code in ("score", "training_done")]
    side = rec.subject.affected_side
    if side in ("left", "right") and rec.device.sensor_positions_mm is not None and rec.n_samples >= 2:
        loaded = rec.forces_n.sum(axis=1) >= DEFAULT_MIN_FZ_N
        if np.count_nonzero(loaded) >= 2:
            loads = limb_loads_from_cell_pairs(rec.forces_n[loaded], rec.device.sensor_positions())
            wb = weight_bearing(loads, side)  # type: ignore[arg-type]
            lines.append(
                f"weight bearing ({wb.method}, {wb.normalisation}): affected {wb.affected_load_pct_bw:.1f} %BW, "
                f"unaffected {wb.unaffected_load_pct_bw:.1f} %BW, symmetry index {wb.symmetry_index_pct:+.1f} %"
            )
        else:
            lines.append("weight bearing: nobody stood on the device")
    return lines
