"""OFP-1 data frames: encode, decode, and a streaming parser (pure: no I/O).

The byte layout is specified in ``docs/ofp-1.md`` §4 (the draft with the binding
decisions O1-O16 (§8 there)). All multi-byte fields are little-endian; the frame
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

# Re-exports: ``X as X`` marks each name as part of this module's public interface.

from drivers.forceplate.frames import CRC_SIZE as CRC_SIZE
from drivers.forceplate.frames import HEADER_SIZE as HEADER_SIZE
from drivers.forceplate.frames import MAGIC as MAGIC
from drivers.forceplate.frames import MAX_PAYLOAD as MAX_PAYLOAD
from drivers.forceplate.frames import PROTOCOL_VERSION as PROTOCOL_VERSION
from drivers.forceplate.frames import Frame as Frame
from drivers.forceplate.frames import FrameFlags as FrameFlags
from drivers.forceplate.frames import FrameType as FrameType
from drivers.forceplate.frames import decode_frame as decode_frame
from drivers.forceplate.frames import decode_frame_reference as decode_frame_reference
from drivers.forceplate.frames import encode_frame as encode_frame
from drivers.forceplate.stream_parser import StreamParser as StreamParser
from drivers.forceplate.stream_records import ContinuityEvent as ContinuityEvent
from drivers.forceplate.stream_records import ParsedChunk as ParsedChunk
from drivers.forceplate.stream_records import StreamStats as StreamStats
