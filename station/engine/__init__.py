"""Acquisition: one session per recording; a reader thread pushes each block once to the ring buffer and the
subscribers, a writer thread records it."""

from station.engine.acquisition import Acquisition, AcquisitionStats
from station.engine.live import LiveDeriver, LiveSamples, live_samples, recent_affected_pct
from station.engine.ring_buffer import RingBuffer, Samples
from station.engine.session import Session, SessionResult
from station.engine.subscriber import BlockSubscriber, Outlet, OutletSubscriber, Subscriber

__all__ = [
    "Acquisition",
    "AcquisitionStats",
    "BlockSubscriber",
    "LiveDeriver",
    "LiveSamples",
    "Outlet",
    "OutletSubscriber",
    "RingBuffer",
    "Samples",
    "Session",
    "SessionResult",
    "Subscriber",
    "live_samples",
    "recent_affected_pct",
]
