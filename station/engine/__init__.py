"""Acquisition: one reader thread per device, a ring buffer to peek, a writer thread to drain."""

from station.engine.acquisition import Acquisition, AcquisitionStats
from station.engine.ring_buffer import RingBuffer

__all__ = ["Acquisition", "AcquisitionStats", "RingBuffer"]
