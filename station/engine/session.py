"""One recorded session: a device streaming into an HDF5 recording, each block pushed once to its subscribers.

Every path that records goes through :class:`Session`: the batch assessments
(:func:`station.protocols.trial.record_trial`), the live GUI (:class:`station.gui.controller.LiveController`)
and the guided home sessions, console and GUI. The session opens the device, creates the
:class:`~recordings.writer.RecordingWriter`, runs the :class:`~station.engine.acquisition.Acquisition`
(reader thread → ring buffer and subscribers, writer thread → file), and owns, in one place, how a session
ends:

* ``complete`` when the duration was reached or :meth:`Session.stop` was called and nothing failed;
* ``interrupted`` on a device fault (the file keeps every sample received; the fault is in the result and
  :meth:`Session.run` raises it after the file is closed), on a failing writer (disk full) or a failing
  subscriber (both raised by :meth:`Session.stop`), and on Ctrl-C.

Events from any thread — a marker, the GUI's — go through :meth:`Session.post_event`; events a subscriber
returns (training targets, holds, repetitions, scores) are recorded after their block. The writer thread is
the only one that touches the file while the session runs (h5py holds one global lock; DESIGN.md §5); what
is left when it has ended is written by :meth:`Session.stop`.

Every block is appended as received, so the per-block table keeps each block's host arrival time. A 1 kHz
device read as it arrives gives about one sample per block; the writer batches its HDF5 writes (one flush
per 0.25 s of data), so an append costs a few µs and the writer keeps far ahead of real time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.device import Device
from drivers.errors import DeviceError
from drivers.model import DeviceEvent, DeviceInfo
from recordings.metadata import Subject
from recordings.schema import RecordingStatus
from recordings.writer import RecordingWriter
from station.engine.acquisition import Acquisition, AcquisitionStats
from station.engine.live import LiveDeriver
from station.engine.ring_buffer import RingBuffer
from station.engine.subscriber import BlockSubscriber

__all__ = ["Session", "SessionResult"]


@dataclass(frozen=True)
class SessionResult:
    """How a session ended: the file, its status, the acquisition counters and any device fault."""

    path: Path
    status: RecordingStatus
    stats: AcquisitionStats
    n_events: int
    device_fault: DeviceError | None


class Session:
    """Stream ``device`` into a new recording at ``path`` until :meth:`stop` (or ``duration_s``).

    Parameters
    ----------
    device : Device
        A closed device; the session opens it now and closes it at the end.
    path : str or Path
        The recording to create (never overwritten).
    subject : Subject
    protocol : str
        e.g. "standing", "training.weight_shift", "home".
    settings : mapping name -> (value, unit)
        Stored in the recording's settings, with ``duration_s`` (when given) and the device's own
        ``recording_settings()`` (tare, calibration, orientation).
    condition : str
    duration_s : float, optional
        Stop by itself after this much device time, s.
    subscribers : sequence of subscribers
        Each gets every block once (:mod:`station.engine.subscriber`); more with :meth:`subscribe`.
    live : bool
        Derive each block's live measures (Fz, COP, limb loads) once for the ring buffer and the
        subscribers; only for a load-cell device with sensor positions and a subject with an affected side.
    ring_seconds : float or None
        History the ring buffer keeps for the display, s (None: no ring buffer).
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
        subscribers: Sequence[BlockSubscriber] = (),
        live: bool = True,
        ring_seconds: float | None = 60.0,
    ) -> None:
        if duration_s is not None and not duration_s > 0:
            raise ValueError(f"the session duration must be > 0 s, got {duration_s}")
        self.device = device
        self.path = Path(path)
        self.subject = subject
        self.result: SessionResult | None = None
        self._started = False
        device.open()
        try:
            recorded: dict[str, tuple[Any, str]] = {}
            if duration_s is not None:
                recorded["duration_s"] = (float(duration_s), "s")
            recorded.update(settings or {})
            recorded.update(device.recording_settings())  # known once the device is open (tare, calibration)
            self.writer = RecordingWriter(self.path, device.info, subject, recorded, protocol=protocol,
                                          condition=condition)
        except BaseException:
            device.close()
            raise
        self.deriver = LiveDeriver.for_device(device.info, subject.affected_side) if live else None
        self.acquisition = Acquisition(device, self.writer.append, event_sink=self.writer.add_event,
                                       subscribers=subscribers, derive=self.deriver, duration_s=duration_s,
                                       ring_seconds=ring_seconds)

    # -- what the caller sees ---------------------------------------------------------------------------

    @property
    def info(self) -> DeviceInfo:
        return self.device.info

    @property
    def ring(self) -> RingBuffer:
        """The ring buffer the display peeks (``latest``) or drains."""
        if self.acquisition.ring is None:
            raise ValueError(f"the session recording to {self.path} keeps no ring buffer (ring_seconds=None)")
        return self.acquisition.ring

    @property
    def live_side(self) -> str | None:
        """The affected side the live measures are derived for (None: no live measures)."""
        return None if self.deriver is None else self.deriver.affected_side

    @property
    def finished(self) -> bool:
        """True once acquisition has ended (duration reached, stop, or a fault)."""
        return self.acquisition.finished

    def stats(self) -> AcquisitionStats:
        return self.acquisition.stats()

    # -- running ----------------------------------------------------------------------------------------

    def subscribe(self, subscriber: BlockSubscriber) -> None:
        """Add a subscriber (before :meth:`start`)."""
        if self._started:
            raise RuntimeError("subscribe before the session starts")
        self.acquisition.subscribers.append(subscriber)

    def start(self) -> None:
        """Tell the subscribers, then start streaming."""
        if self._started:
            raise RuntimeError("a session runs once; make a new one")
        self._started = True
        for sub in self.acquisition.subscribers:
            sub.on_start(self.device.info)
        self.acquisition.start()

    def post_event(self, event: DeviceEvent) -> None:
        """Queue an event for the recording (and the subscribers); safe from any thread."""
        if self.result is not None:
            raise ValueError(f"the session recording to {self.path} has ended; event {event.code!r} not recorded")
        self.acquisition.post_event(event)

    def run(self, progress: Callable[[AcquisitionStats], None] | None = None, poll_s: float = 0.1) -> SessionResult:
        """Start, wait for the end (duration, a fault), stop; raise a device fault after the file is closed.

        ``progress`` is called every ``poll_s`` seconds from the calling thread. Ctrl-C stops the session
        (the file is closed ``interrupted``) and goes on.
        """
        self.start()
        try:
            self.acquisition.watch(progress, poll_s)
        except BaseException:
            self.stop(status=RecordingStatus.INTERRUPTED)
            raise
        result = self.stop()
        if result.device_fault is not None:
            raise result.device_fault
        return result

    def stop(self, timeout_s: float | None = None, *, status: RecordingStatus | None = None) -> SessionResult:
        """Stop acquiring, record what is left, close the file and the device. Safe to call twice.

        Waits for the writer to drain its queue (at most ``timeout_s`` s if given: TimeoutError after).
        ``status`` forces the file's status (Ctrl-C: interrupted). A failing writer or subscriber is raised
        here, after the file is closed ``interrupted``.
        """
        if self.result is not None:
            return self.result
        acq = self.acquisition
        acq.stop()
        if not acq.join(timeout_s):
            raise TimeoutError(f"acquisition did not stop within {timeout_s} s")
        final = RecordingStatus.INTERRUPTED
        try:
            if self._started:
                acq.finish()  # posted and final events: the writer thread has ended, this thread may write
            if status is None and acq.device_fault is None and acq.sink_fault is None and acq.subscriber_fault is None:
                final = RecordingStatus.COMPLETE
            elif status is not None:
                final = status
        except Exception as exc:  # a subscriber's on_finish, or the writer on the last events
            acq.subscriber_fault = acq.subscriber_fault or exc
        finally:
            try:
                for sub in acq.subscribers if self._started else ():
                    sub.on_stop(final)
            finally:
                self.writer.close(final)
                self.device.close()
        self.result = SessionResult(self.path, final, acq.stats(), acq.n_events, acq.device_fault)
        fault = acq.sink_fault or acq.subscriber_fault
        if fault is not None:
            raise fault
        return self.result
