"""OFP-1 data frames: encode, decode, and a streaming parser (pure: no I/O).

The byte layout is specified in ``docs/ofp-1.md`` §4 (force-plates-and-mats.md §1.5 with the binding
decisions O1-O16 of protocol-clarifications.md). All multi-byte fields are little-endian; the frame
starts with the byte sequence ``A5 5A``; samples are sample-major int32; the frame ends with the
CRC-32 (``zlib.crc32``) of bytes 0 … 27+L, stored little-endian.

This module is the protocol's one import point; the code lives in one module per responsibility, all
re-exported here. Three ways in:

* :func:`encode_frame` / :func:`decode_frame`: one frame, strict (the golden-frame tests), and
  :func:`decode_frame_reference`, a straightforward per-frame decoder kept as the baseline of
  ``benchmarks/bench_ofp1.py`` — in :mod:`drivers.forceplate.frames`.
* :class:`StreamParser` (:mod:`drivers.forceplate.stream_parser`): feed it whatever the USB reads return
  and get samples with exact continuity accounting; its results are the records of
  :mod:`drivers.forceplate.stream_records`.
"""

from __future__ import annotations

from drivers.forceplate.frames import (
    CRC_SIZE,
    HEADER_SIZE,
    MAGIC,
    MAX_PAYLOAD,
    PROTOCOL_VERSION,
    Frame,
    FrameFlags,
    FrameType,
    decode_frame,
    decode_frame_reference,
    encode_frame,
)
from drivers.forceplate.stream_parser import StreamParser
from drivers.forceplate.stream_records import ContinuityEvent, ParsedChunk, StreamStats

__all__ = [
    "CRC_SIZE",
    "HEADER_SIZE",
    "MAGIC",
    "MAX_PAYLOAD",
    "PROTOCOL_VERSION",
    "ContinuityEvent",
    "Frame",
    "FrameFlags",
    "FrameType",
    "ParsedChunk",
    "StreamParser",
    "StreamStats",
    "decode_frame",
    "decode_frame_reference",
    "encode_frame",
]
