"""What the OFP-1 stream parser hands back: samples of a chunk, continuity events, running totals.

Plain records, no logic: :class:`ParsedChunk` (one :meth:`~drivers.forceplate.stream_parser.StreamParser.feed`),
:class:`ContinuityEvent` (gap, duplicate, backward step, frame gap, overrun) and :class:`StreamStats`.

References
----------
``docs/ofp-1.md`` §6 (continuity accounting); docs/ofp-1.md §8 (O8, O9).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from drivers.forceplate.frames import Frame

__all__ = ["ContinuityEvent", "ParsedChunk", "StreamStats"]


@dataclass(frozen=True)
class ContinuityEvent:
    """Something the parser noticed in the sample stream.

    ``kind`` is one of ``"gap"`` (``n`` samples lost before sample ``seq``), ``"duplicate"`` (a repeated
    frame of ``n`` samples was dropped), ``"backward"`` (the sample index stepped back: the device
    restarted; a new segment begins at ``seq``), ``"frame_gap"`` (``n`` frames missing by the frame
    counter, any type), ``"overrun"`` (the device flagged a FIFO overrun at ``seq``).
    """

    kind: str
    seq: int
    n: int


@dataclass
class StreamStats:
    """Running totals of a :class:`StreamParser` (every count is exact, see ``docs/ofp-1.md`` §6)."""

    bytes_in: int = 0
    bytes_skipped: int = 0  # bytes that were not part of an accepted frame
    frames: int = 0  # accepted frames, every type, duplicates excluded
    sample_frames: int = 0
    samples: int = 0
    crc_failures: int = 0  # candidates with a plausible header whose CRC failed
    lost_samples: int = 0  # by the sample index (gaps)
    lost_frames: int = 0  # by the frame counter
    gaps: int = 0
    duplicates: int = 0
    backward_steps: int = 0
    overruns: int = 0
    channel_mismatches: int = 0  # sample frames with another channel count than the stream's


@dataclass(frozen=True)
class ParsedChunk:
    """What one :meth:`StreamParser.feed` produced.

    Attributes
    ----------
    seq : ndarray, uint64, shape (n,)
        Unwrapped sample index of every sample (u32 index unwrapped to u64; a new segment after a
        backward step continues above the previous one).
    segment : ndarray, int64, shape (n,)
        Segment number of every sample (increases at each backward step / device restart).
    t_us : ndarray, float64, shape (n,)
        Device time of every sample in µs: ``t0 + k·T`` (T = 1e6/rate_hz µs, O8), or NaN when the
        parser was made without a rate.
    raw : ndarray, int32, shape (n, k)
        Raw counts.
    flags : ndarray, uint16, shape (n,)
        The flags of the frame each sample came from.
    other_frames : list of Frame
        Status and event frames, in order.
    events : list of ContinuityEvent
    """

    seq: np.ndarray
    segment: np.ndarray
    t_us: np.ndarray
    raw: np.ndarray
    flags: np.ndarray
    other_frames: list[Frame] = field(default_factory=list)
    events: list[ContinuityEvent] = field(default_factory=list)

    @property
    def n_samples(self) -> int:
        return int(self.seq.shape[0])

