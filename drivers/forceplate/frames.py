"""OFP-1 data frames, one at a time: layout constants, encode, strict decode, reference decoder (pure: no I/O).

The byte layout is specified in ``docs/ofp-1.md`` §4 (the draft with the binding
decisions O1-O16 (§8 there)). All multi-byte fields are little-endian; the frame
starts with the byte sequence ``A5 5A``; samples are sample-major int32; the frame ends with the
CRC-32 (``zlib.crc32``) of bytes 0 … 27+L, stored little-endian.

* :func:`encode_frame` / :func:`decode_frame`: one frame, strict (the golden-frame tests).
* :func:`decode_frame_reference`: a straightforward per-frame decoder (struct + CRC per frame), kept as the
  baseline of ``benchmarks/bench_ofp1.py``.

Many frames from a byte stream: :class:`drivers.forceplate.stream_parser.StreamParser`.

References
----------
``docs/ofp-1.md`` §4; docs/ofp-1.md §8 (O1-O16).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from enum import IntEnum, IntFlag

import numpy as np

__all__ = [
    "CRC_SIZE",
    "HEADER_SIZE",
    "MAGIC",
    "MAX_PAYLOAD",
    "PROTOCOL_VERSION",
    "Frame",
    "FrameFlags",
    "FrameType",
    "decode_frame",
    "decode_frame_reference",
    "encode_frame",
]

#: The two bytes every frame starts with, in wire order (O1: the LE u16 0x5AA5).
MAGIC = b"\xa5\x5a"
PROTOCOL_VERSION = 1
HEADER_SIZE = 28
CRC_SIZE = 4
#: Largest legal payload length L in bytes, all frame types (O4). L = 4096 is legal.
MAX_PAYLOAD = 4096
_U32 = 1 << 32
_HEADER = struct.Struct("<2sBBHHIIQBBH")
assert _HEADER.size == HEADER_SIZE
_CRC = struct.Struct("<I")


class FrameType(IntEnum):
    """Frame type byte (offset 3)."""

    SAMPLES = 0x01
    STATUS = 0x02
    EVENT = 0x03


class FrameFlags(IntFlag):
    """Flag bits (offset 6, u16). Undefined bits are ignored by receivers (O6)."""

    OVERRUN = 0x0001  # device FIFO overrun since the last frame: samples were lost in the device
    SATURATED = 0x0002  # an ADC code hit its limit in this frame
    TARE_IN_PROGRESS = 0x0004
    CALIBRATION_INVALID = 0x0008
    TIME_NOT_SYNCED = 0x0010


@dataclass(frozen=True, eq=False)
class Frame:
    """One OFP-1 frame.

    Attributes
    ----------
    frame_type : FrameType
    flags : int
        FrameFlags bits.
    counter : int
        Frame counter, u32, runs over every frame type.
    first_index : int
        Index of the first sample, u32 (sample frames; ignored for other types, O5).
    t0_us : int
        Device time of the first sample, µs since boot, u64 (O14: values >= 2**63 are legal).
    samples : ndarray of int32, shape (n_samples, n_channels)
        Raw counts, sample-major (O3). Empty for status and event frames.
    payload : bytes
        The raw payload (for status and event frames: opaque, O5).
    """

    frame_type: FrameType
    flags: int
    counter: int
    first_index: int
    t0_us: int
    samples: np.ndarray
    payload: bytes = b""

    @property
    def n_samples(self) -> int:
        return int(self.samples.shape[0])

    @property
    def n_channels(self) -> int:
        return int(self.samples.shape[1])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Frame):
            return NotImplemented
        return (
            self.frame_type == other.frame_type
            and self.flags == other.flags
            and self.counter == other.counter
            and self.first_index == other.first_index
            and self.t0_us == other.t0_us
            and self.payload == other.payload
            and self.samples.shape == other.samples.shape
            and bool(np.array_equal(self.samples, other.samples))
        )

    __hash__ = None  # type: ignore[assignment]


def encode_frame(
    samples: np.ndarray | None = None,
    *,
    counter: int,
    first_index: int = 0,
    t0_us: int = 0,
    flags: int = 0,
    frame_type: FrameType = FrameType.SAMPLES,
    payload: bytes = b"",
) -> bytes:
    """Encode one frame.

    Parameters
    ----------
    samples : array_like of int, shape (n_samples, n_channels)
        Raw counts for a sample frame (values must fit int32).
    counter, first_index : int
        u32 frame counter and first sample index (taken modulo 2**32).
    t0_us : int
        Device time of the first sample, µs, u64.
    flags : int
        FrameFlags bits.
    frame_type : FrameType
        SAMPLES (default), STATUS or EVENT.
    payload : bytes
        Opaque payload of a status or event frame.

    Returns
    -------
    bytes
        28-byte header, payload, 4-byte CRC-32.
    """
    frame_type = FrameType(frame_type)
    if frame_type == FrameType.SAMPLES:
        if payload:
            raise ValueError("a sample frame's payload is its samples; do not pass payload")
        arr = np.asarray(samples if samples is not None else np.zeros((0, 0)), dtype=np.int64)
        if arr.ndim != 2:
            raise ValueError(f"samples must have shape (n_samples, n_channels), got {arr.shape}")
        if arr.size and (arr.min() < -(1 << 31) or arr.max() >= (1 << 31)):
            raise ValueError("sample values must fit in int32")
        n_samples, n_channels = arr.shape
        if n_samples > 255 or n_channels > 255:
            raise ValueError(f"n_samples and n_channels are u8 fields, got {n_samples} x {n_channels}")
        body = arr.astype("<i4").tobytes()
    else:
        if samples is not None:
            raise ValueError(f"a {frame_type.name} frame carries an opaque payload, not samples")
        n_samples = n_channels = 0
        body = bytes(payload)
    if len(body) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(body)} bytes exceeds the OFP-1 limit of {MAX_PAYLOAD} bytes")
    if not 0 <= t0_us < (1 << 64):
        raise ValueError(f"t0_us must be a u64, got {t0_us}")
    header = _HEADER.pack(
        MAGIC, PROTOCOL_VERSION, int(frame_type), len(body), int(flags) & 0xFFFF,
        counter % _U32, first_index % _U32, int(t0_us), n_samples, n_channels, 0,
    )
    head_body = header + body
    return head_body + _CRC.pack(zlib.crc32(head_body))


def _header_problem(version: int, ftype: int, length: int, n_samples: int, n_channels: int) -> str | None:
    if version != PROTOCOL_VERSION:
        return f"unknown protocol version {version}"
    if ftype not in (1, 2, 3):
        return f"unknown frame type 0x{ftype:02x}"
    if length > MAX_PAYLOAD:
        return f"payload length {length} exceeds {MAX_PAYLOAD}"
    if ftype == FrameType.SAMPLES and length != 4 * n_samples * n_channels:
        return f"payload length {length} is not 4 x {n_samples} samples x {n_channels} channels"
    return None


def decode_frame(data: bytes | bytearray | memoryview) -> Frame:
    """Decode exactly one frame; raise ``ValueError`` saying what is wrong otherwise."""
    data = bytes(data)
    if len(data) < HEADER_SIZE + CRC_SIZE:
        raise ValueError(f"an OFP-1 frame has at least {HEADER_SIZE + CRC_SIZE} bytes, got {len(data)}")
    magic, version, ftype, length, flags, counter, first, t0, ns, nc, _reserved = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError(f"frame does not start with A5 5A (got {magic.hex(' ')})")
    problem = _header_problem(version, ftype, length, ns, nc)
    if problem:
        raise ValueError(problem)
    if len(data) != HEADER_SIZE + length + CRC_SIZE:
        raise ValueError(f"header says {HEADER_SIZE + length + CRC_SIZE} bytes, got {len(data)}")
    stored = _CRC.unpack_from(data, HEADER_SIZE + length)[0]
    computed = zlib.crc32(data[: HEADER_SIZE + length])
    if stored != computed:
        raise ValueError(f"CRC mismatch: stored 0x{stored:08X}, computed 0x{computed:08X}")
    return _make_frame(data, ftype, flags, counter, first, t0, ns, nc, length)


def _make_frame(data: bytes, ftype: int, flags: int, counter: int, first: int, t0: int, ns: int, nc: int,
                length: int) -> Frame:
    payload = data[HEADER_SIZE : HEADER_SIZE + length]
    if ftype == FrameType.SAMPLES:
        samples = np.frombuffer(payload, dtype="<i4").astype(np.int32).reshape(ns, nc)
        return Frame(FrameType.SAMPLES, flags, counter, first, t0, samples)
    return Frame(FrameType(ftype), flags, counter, first, t0, np.zeros((0, 0), np.int32), payload)


def decode_frame_reference(data: bytes | bytearray | memoryview, offset: int = 0) -> tuple[Frame | None, int]:
    """Per-frame baseline decoder: try to decode one frame at ``offset`` of ``data``.

    Returns ``(frame, next_offset)``; ``frame`` is None when the bytes at ``offset`` are not a valid
    frame (then ``next_offset = offset + 1``), or ``(None, offset)`` when more data is needed. Used as
    the baseline the vectorised :class:`StreamParser` is measured against.
    """
    if len(data) - offset < HEADER_SIZE:
        return None, offset
    magic, version, ftype, length, flags, counter, first, t0, ns, nc, _ = _HEADER.unpack_from(data, offset)
    if magic != MAGIC or _header_problem(version, ftype, length, ns, nc):
        return None, offset + 1
    end = offset + HEADER_SIZE + length + CRC_SIZE
    if end > len(data):
        return None, offset
    if _CRC.unpack_from(data, end - CRC_SIZE)[0] != zlib.crc32(memoryview(data)[offset : end - CRC_SIZE]):
        return None, offset + 1
    return _make_frame(bytes(data[offset:end]), ftype, flags, counter, first, t0, ns, nc, length), end

