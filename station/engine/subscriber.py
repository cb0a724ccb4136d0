"""What a :class:`~station.engine.session.Session` pushes its blocks to: the subscriber protocol.

A subscriber is any object with these five methods (:class:`Subscriber` gives no-op defaults; override what
you need). The session calls them in this order, each block exactly once::

    on_start(info)             before streaming, in the thread that calls Session.start()
    on_block(block, live)      every block, in order, from the reader thread; returns events to record
    on_event(event)            every event the session records: posted with Session.post_event, or
                               returned by another subscriber (reader thread; at the end, the stopping thread)
    on_finish(t_last_s)        the last block has been delivered; returns final events (a training score)
    on_stop(status)            the recording is about to close with ``status`` (complete / interrupted)

``block`` is the :class:`~drivers.model.SampleBlock` as the device delivered it (cut to the session's
duration); ``live`` its :class:`~station.engine.live.LiveSamples` (Fz, COP, limb loads), derived once per
block for every subscriber, or None when the device has no load cells with positions or the subject no
affected side. ``on_block`` runs on the reader thread, so it must be quick — O(block); the recording is
written on its own writer thread (HDF5 flushes and fsyncs never hold up the display). Events a subscriber
returns are recorded after the block and passed to the *other* subscribers' ``on_event``. Device events
travel inside their block (``block.events``) and are not repeated through ``on_event``. An exception in a
subscriber stops the session: the file is closed ``interrupted`` and the exception raised by ``stop()``.

An outlet with ``open(info)``, ``push_block(block)``, ``push_marker(label, t_device_s)`` and ``close()`` (a
Lab Streaming Layer outlet, say) attaches through :class:`OutletSubscriber`, the whole adapter::

    session.subscribe(OutletSubscriber(outlet))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from drivers.model import DeviceEvent, DeviceInfo, SampleBlock
from recordings.schema import RecordingStatus
from station.engine.live import LiveSamples

__all__ = ["BlockSubscriber", "Outlet", "OutletSubscriber", "Subscriber"]


class BlockSubscriber(Protocol):
    """The methods a session calls (module docstring)."""

    def on_start(self, info: DeviceInfo) -> None: ...

    def on_block(self, block: SampleBlock, live: LiveSamples | None) -> Sequence[DeviceEvent]: ...

    def on_event(self, event: DeviceEvent) -> None: ...

    def on_finish(self, t_last_s: float | None) -> Sequence[DeviceEvent]: ...

    def on_stop(self, status: RecordingStatus) -> None: ...


class Subscriber:
    """A subscriber that does nothing: subclass it and override the methods you need."""

    def on_start(self, info: DeviceInfo) -> None:
        """Streaming is about to start on a device described by ``info``."""

    def on_block(self, block: SampleBlock, live: LiveSamples | None) -> Sequence[DeviceEvent]:
        """One block, once; the events to record (none by default)."""
        return ()

    def on_event(self, event: DeviceEvent) -> None:
        """An event the session records."""

    def on_finish(self, t_last_s: float | None) -> Sequence[DeviceEvent]:
        """No block will follow (``t_last_s``: device time of the last sample, None if none came)."""
        return ()

    def on_stop(self, status: RecordingStatus) -> None:
        """The session ends with ``status``."""


class Outlet(Protocol):
    """A stream outlet (e.g. Lab Streaming Layer): samples and markers with device times."""

    def open(self, info: DeviceInfo) -> None: ...

    def push_block(self, block: SampleBlock) -> None: ...

    def push_marker(self, label: str, t_device_s: float) -> None: ...

    def close(self) -> None: ...


class OutletSubscriber(Subscriber):
    """Streams every block and every recorded event of a session to an :class:`Outlet`.

    A marker's label is the event's label, or its code when it has none.
    """

    def __init__(self, outlet: Outlet) -> None:
        self.outlet = outlet

    def on_start(self, info: DeviceInfo) -> None:
        self.outlet.open(info)

    def on_block(self, block: SampleBlock, live: LiveSamples | None) -> Sequence[DeviceEvent]:
        self.outlet.push_block(block)
        return ()

    def on_event(self, event: DeviceEvent) -> None:
        self.outlet.push_marker(event.label or event.code, event.t_s)

    def on_stop(self, status: RecordingStatus) -> None:
        self.outlet.close()
