"""OFP-1 data frames: encode, decode, and a streaming parser (pure: no I/O).

The byte layout is specified in ``docs/ofp-1.md`` §4 (force-plates-and-mats.md §1.5 with the binding
decisions O1-O16 of protocol-clarifications.md). All multi-byte fields are little-endian; the frame
starts with the byte sequence ``A5 5A``; samples are sample-major int32; the frame ends with the
CRC-32 (``zlib.crc32``) of bytes 0 … 27+L, stored little-endian.

Three ways in:

* :func:`encode_frame` / :func:`decode_frame`: one frame, strict (the golden-frame tests).
* :func:`decode_frame_reference`: a straightforward per-frame decoder (struct + CRC per frame), kept as the
  baseline of ``benchmarks/bench_ofp1.py``.
* :class:`StreamParser`: feed it whatever the USB reads return (split or joined frames, garbage,
  corrupted bytes). It finds candidates with NumPy, checks each CRC with ``zlib`` (C), gathers the
  payloads of all accepted frames in one vectorised step, and keeps exact continuity accounting
  (gaps, duplicates, backward steps) between consecutive sample frames.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag

import numpy as np

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

#: The two bytes every frame starts with, in wire order (O1: the LE u16 0x5AA5).
MAGIC = b"\xa5\x5a"
PROTOCOL_VERSION = 1
HEADER_SIZE = 28
CRC_SIZE = 4
#: Largest legal payload length L in bytes, all frame types (O4). L = 4096 is legal.
MAX_PAYLOAD = 4096
_U32 = 1 << 32
_HALF_U32 = 1 << 31
_OVERRUN = 0x0001
_NONE = np.empty(0, dtype=np.int64)
#: The 28-byte header as a NumPy record, to read every field of many headers in one view.
_HEADER_DTYPE = np.dtype([
    ("magic", "u1", 2), ("version", "u1"), ("type", "u1"), ("length", "<u2"), ("flags", "<u2"),
    ("counter", "<u4"), ("first", "<u4"), ("t0", "<u8"), ("ns", "u1"), ("nc", "u1"), ("reserved", "<u2"),
])
assert _HEADER_DTYPE.itemsize == HEADER_SIZE
_HEADER_OFFSETS = np.arange(HEADER_SIZE)

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


# -- streaming ---------------------------------------------------------------------------------------


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


class StreamParser:
    """Turn a byte stream of OFP-1 frames into samples, with exact loss accounting.

    Parameters
    ----------
    n_channels : int, optional
        Expected channels per sample; by default the first sample frame sets it. Sample frames with
        another count are dropped and counted in ``stats.channel_mismatches``.
    rate_hz : float, optional
        Sampling rate (from GET_INFO), needed for per-sample device times (O8).

    Rules (``docs/ofp-1.md`` §6): a candidate is the byte pair A5 5A; its header must pass the version,
    type and length checks (an oversize L is rejected at once, O15) and its CRC must match, else the
    parser moves one byte on and rescans. An incomplete plausible candidate waits for more data;
    :meth:`flush` (end of stream) rescans past it. Continuity is judged between consecutive sample
    frames (O9): ``gap = (first − (prev_first + prev_n)) mod 2**32``; 1 <= gap < 2**31 is a loss of
    ``gap`` samples; a frame with the previous sample frame's counter and first index is a duplicate
    (dropped); any other step back is a device restart (new segment, no loss counted).
    """

    def __init__(self, n_channels: int | None = None, rate_hz: float | None = None) -> None:
        if n_channels is not None and not 0 < n_channels <= 255:
            raise ValueError(f"n_channels must be within 1-255, got {n_channels}")
        if rate_hz is not None and not rate_hz > 0:
            raise ValueError(f"rate_hz must be > 0, got {rate_hz}")
        self.n_channels = n_channels
        self.rate_hz = rate_hz
        self._buf = bytearray()
        self.stats = StreamStats()
        # continuity state
        self._prev_first: int | None = None  # u32 first index of the last sample frame
        self._prev_n = 0
        self._prev_counter_sample: int | None = None
        self._prev_counter: int | None = None  # u32 counter of the last accepted frame (any type)
        self._segment = 0
        self._seq_base = 0  # u64 seq of u32 index 0 in the current segment's unwrapping
        self._next_seq = 0  # u64 seq expected next
        self._started = False  # the first sample frame ever keeps the device's own index as seq

    @property
    def segment(self) -> int:
        """Current segment number (increases at each backward step)."""
        return self._segment

    @property
    def next_seq(self) -> int:
        """The u64 seq the next contiguous sample would get."""
        return self._next_seq

    @property
    def buffered(self) -> int:
        """Bytes held back waiting for the rest of a frame."""
        return len(self._buf)

    def reset(self, skipped_samples: int = 0) -> None:
        """Forget buffered bytes and continuity (after a reconnect: the device restarted).

        The next sample frame continues the host's numbering ``skipped_samples`` after the last
        sample seen (an estimate of what was lost while the device was away, made by the caller).
        """
        if skipped_samples < 0:
            raise ValueError(f"skipped_samples must be >= 0, got {skipped_samples}")
        self._next_seq += int(skipped_samples)
        self._buf.clear()
        self._prev_first = None
        self._prev_n = 0
        self._prev_counter_sample = None
        self._prev_counter = None

    def feed(self, data: bytes | bytearray | memoryview) -> ParsedChunk:
        """Add bytes from the device and return every complete frame's samples."""
        self.stats.bytes_in += len(data)
        self._buf += data
        return self._parse(final=False)

    def flush(self) -> ParsedChunk:
        """End of stream: parse what is left, rescanning past incomplete candidates (O15)."""
        return self._parse(final=True)

    # -- scanning ----------------------------------------------------------------------------------

    def _scan(self, final: bool) -> tuple[np.ndarray, np.ndarray, int]:
        """Accepted frames (start offsets, payload lengths) and how many buffer bytes are consumed.

        Vectorised: candidates, header checks, stored CRCs and the choice of frames are array
        operations; only ``zlib.crc32`` is called once per complete candidate.
        """
        buf = self._buf
        n = len(buf)
        if n < 2:
            return _NONE, _NONE, (n if final else 0)
        arr = np.frombuffer(buf, dtype=np.uint8)
        cand = np.flatnonzero((arr[:-1] == 0xA5) & (arr[1:] == 0x5A))
        full = cand[cand + HEADER_SIZE <= n]
        hdr = arr[full[:, None] + _HEADER_OFFSETS].view(_HEADER_DTYPE)[:, 0]
        ftype = hdr["type"]
        length = hdr["length"].astype(np.int64)
        plausible = (
            (hdr["version"] == PROTOCOL_VERSION)
            & (ftype >= 1) & (ftype <= 3)
            & (length <= MAX_PAYLOAD)
            & ((ftype != FrameType.SAMPLES) | (length == 4 * hdr["ns"].astype(np.int64) * hdr["nc"]))
        )
        p_start = full[plausible]
        p_len = length[plausible]
        p_end = p_start + (HEADER_SIZE + CRC_SIZE) + p_len
        complete = p_end <= n
        c_start, c_crc = p_start[complete], p_end[complete] - CRC_SIZE
        mv = memoryview(buf)
        crc = zlib.crc32
        computed = np.fromiter((crc(mv[a:b]) for a, b in zip(c_start.tolist(), c_crc.tolist(), strict=True)),
                               dtype=np.int64, count=c_start.size)
        mv.release()
        stored = arr[c_crc[:, None] + _HEADER_OFFSETS[:CRC_SIZE]].view("<u4")[:, 0]
        valid = np.zeros(p_start.size, dtype=bool)
        valid[complete] = computed == stored
        v_start, v_end = p_start[valid], p_end[valid]
        if v_start.size > 1 and np.any(v_start[1:] < v_end[:-1]):
            return self._scan_loop(p_start, p_end, complete, valid, cand, n, final)

        def inside(c: np.ndarray) -> np.ndarray:
            """Strictly inside one of the valid frames (a false magic in a payload or CRC)."""
            j = np.searchsorted(v_start, c, side="right") - 1
            jj = np.maximum(j, 0)
            return (j >= 0) & (c > v_start[jj] if v_start.size else False) & (c < v_end[jj] if v_start.size else False)

        p_inside = inside(p_start)
        limit = n  # bytes from here on wait for more data
        if not final:
            blocking = p_start[~complete & ~p_inside]  # O15: wait for a plausible incomplete candidate
            if blocking.size:
                limit = int(blocking[0])
            partial = cand[cand + HEADER_SIZE > n]
            partial = partial[~inside(partial)]
            if partial.size:
                limit = min(limit, int(partial[0]))
            elif arr[-1] == 0xA5 and not inside(np.array([n - 1]))[0]:
                limit = min(limit, n - 1)  # may be the first magic byte
        before = p_start < limit
        self.stats.crc_failures += int(np.count_nonzero(complete & ~valid & ~p_inside & before))
        take = valid & before
        starts, lengths = p_start[take], p_len[take]
        self.stats.bytes_skipped += limit - int(lengths.sum()) - (HEADER_SIZE + CRC_SIZE) * int(starts.size)
        return starts, lengths, limit

    def _scan_loop(self, p_start, p_end, complete, valid, cand, n: int, final: bool):
        """Frame-by-frame choice, for the rare buffer where valid frames overlap (a frame inside a frame)."""
        accepted: list[int] = []
        pos = 0
        waiting_at: int | None = None
        for i, (start, end) in enumerate(zip(p_start.tolist(), p_end.tolist(), strict=True)):
            if start < pos:
                continue  # inside an accepted frame
            if not complete[i]:
                if final:
                    continue
                waiting_at = start
                break
            if not valid[i]:
                self.stats.crc_failures += 1
                continue
            accepted.append(i)
            pos = end
        if waiting_at is None and not final:
            later = [c for c in cand.tolist() if c + HEADER_SIZE > n and c >= pos]
            if later:
                waiting_at = later[0]
            elif n - pos >= 1 and self._buf[-1] == 0xA5:
                waiting_at = n - 1
        consumed = n if waiting_at is None else waiting_at
        idx = np.asarray(accepted, dtype=np.int64)
        starts, lengths = p_start[idx], p_end[idx] - p_start[idx] - HEADER_SIZE - CRC_SIZE
        self.stats.bytes_skipped += consumed - int(lengths.sum()) - (HEADER_SIZE + CRC_SIZE) * int(starts.size)
        return starts, lengths, consumed

    def _parse(self, final: bool) -> ParsedChunk:
        starts, lengths, consumed = self._scan(final)
        arr = np.frombuffer(bytes(self._buf[: max(consumed, 0)]), dtype=np.uint8)
        del self._buf[:consumed]
        return self._decode(arr, starts, lengths)

    # -- decoding and continuity ------------------------------------------------------------------------

    def _decode(self, arr: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> ParsedChunk:
        events: list[ContinuityEvent] = []
        others: list[Frame] = []
        if not starts.size:
            return self._empty(others, events)
        hdr = arr[starts[:, None] + _HEADER_OFFSETS].view(_HEADER_DTYPE)[:, 0]  # every header, one gather
        ftype = hdr["type"]
        flags = hdr["flags"]
        counter = hdr["counter"].astype(np.int64)
        first = hdr["first"].astype(np.int64)
        t0 = hdr["t0"]
        ns = hdr["ns"].astype(np.int64)
        nc = hdr["nc"].astype(np.int64)

        if self._contiguous_batch(ftype, flags, counter, first, ns, nc):
            keep, seq0, seg = self._accept_batch(counter, first, ns)
        else:
            keep, seq0, seg = self._continuity_loop(arr, starts, lengths, ftype, flags, counter, first, t0, ns, nc,
                                                    events, others)
        if not keep.any() or int(ns[keep].sum()) == 0:
            return self._empty(others, events)
        k = int(self.n_channels or 0)
        starts_k, lengths_k, ns_k = starts[keep], lengths[keep], ns[keep]
        total_bytes = int(lengths_k.sum())
        # One gather for every payload: byte b of the concatenated payloads comes from
        # start_j + 28 + (b − offset_j) of the frame j it belongs to.
        length0 = int(lengths_k[0])
        frame_size = HEADER_SIZE + length0 + CRC_SIZE
        s_first = int(starts_k[0])
        if np.all(lengths_k == length0) and np.all(np.diff(starts_k) == frame_size):
            # Back-to-back frames of one size (the usual stream): a strided view, no index arrays.
            frames = arr[s_first : s_first + frame_size * starts_k.size].reshape(-1, frame_size)
            payload = np.ascontiguousarray(frames[:, HEADER_SIZE : HEADER_SIZE + length0])
        else:
            offsets = np.cumsum(lengths_k) - lengths_k
            payload = arr[np.repeat(starts_k + HEADER_SIZE - offsets, lengths_k) + np.arange(total_bytes)]
        raw = payload.reshape(-1).view("<i4").astype(np.int32).reshape(-1, k)
        within = np.arange(raw.shape[0]) - np.repeat(np.cumsum(ns_k) - ns_k, ns_k)
        seq = (np.repeat(seq0[keep], ns_k) + within).astype(np.uint64)
        if self.rate_hz is not None:
            t_us = np.repeat(t0[keep].astype(np.float64), ns_k) + within * (1e6 / self.rate_hz)
        else:
            t_us = np.full(raw.shape[0], np.nan)
        return ParsedChunk(
            seq=seq,
            segment=np.repeat(seg[keep], ns_k),
            t_us=t_us,
            raw=raw,
            flags=np.repeat(flags[keep], ns_k).astype(np.uint16),
            other_frames=others,
            events=events,
        )

    def _contiguous_batch(self, ftype, flags, counter, first, ns, nc) -> bool:
        """True when every frame is a sample frame continuing the last one exactly (the common case)."""
        k = self.n_channels if self.n_channels is not None else int(nc[0])
        unusual = ((ftype != FrameType.SAMPLES) | (ns == 0) | ((flags & _OVERRUN) != 0) | (nc != k)).any()
        steps_ok = ((np.diff(counter) % _U32) == 1) & (((np.diff(first) - ns[:-1]) % _U32) == 0)
        if unusual or not steps_ok.all():
            return False
        if self._prev_counter is not None and (int(counter[0]) - self._prev_counter - 1) % _U32:
            return False
        if self._prev_first is not None and (int(first[0]) - self._prev_first - self._prev_n) % _U32:
            return False
        self.n_channels = k
        return True

    def _accept_batch(self, counter, first, ns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Vectorised bookkeeping for a contiguous batch: no Python loop over frames."""
        f0 = int(first[0])
        if self._prev_first is None:
            self._seq_base = (self._next_seq - f0) if self._started else 0
        self._seq_base_advance(f0)
        s0 = self._seq_for(f0)
        offsets = np.cumsum(ns) - ns
        total = int(ns.sum())
        nf = int(ns.size)
        st = self.stats
        st.frames += nf
        st.sample_frames += nf
        st.samples += total
        self._started = True
        self._next_seq = s0 + total
        self._prev_first, self._prev_n = int(first[-1]), int(ns[-1])
        self._prev_counter = self._prev_counter_sample = int(counter[-1])
        self._seq_base = self._next_seq - self._prev_n - self._prev_first
        return np.ones(nf, dtype=bool), s0 + offsets, np.full(nf, self._segment, dtype=np.int64)

    def _continuity_loop(self, arr, starts, lengths, ftype, flags, counter, first, t0, ns, nc,
                         events: list[ContinuityEvent], others: list[Frame]):
        """Frame-by-frame continuity (gaps, duplicates, restarts, status frames): runs once per frame."""
        keep = np.zeros(len(starts), dtype=bool)
        seq0 = np.zeros(len(starts), dtype=np.int64)
        seg = np.zeros(len(starts), dtype=np.int64)
        st = self.stats
        for i in range(len(starts)):
            c = int(counter[i])
            if int(ftype[i]) != FrameType.SAMPLES:
                self._count_frame(c, events)
                start = int(starts[i])
                others.append(_make_frame(
                    arr[start : start + HEADER_SIZE + int(lengths[i])].tobytes(), int(ftype[i]), int(flags[i]), c,
                    int(first[i]), int(t0[i]), 0, 0, int(lengths[i]),
                ))
                continue
            f, n_s, n_c = int(first[i]), int(ns[i]), int(nc[i])
            if self.n_channels is None and n_c > 0:
                self.n_channels = n_c
            if n_s > 0 and n_c != self.n_channels:
                st.channel_mismatches += 1
                self._count_frame(c, events)
                continue
            if self._prev_first is not None:
                if c == self._prev_counter_sample and f == self._prev_first:
                    st.duplicates += 1
                    events.append(ContinuityEvent("duplicate", self._next_seq, n_s))
                    continue
                step = (f - (self._prev_first + self._prev_n)) % _U32
                if step >= _HALF_U32:
                    st.backward_steps += 1
                    self._segment += 1
                    self._seq_base = self._next_seq - f
                    self._prev_counter = None
                    events.append(ContinuityEvent("backward", self._next_seq, 0))
                elif step > 0:
                    st.gaps += 1
                    st.lost_samples += step
                    self._seq_base_advance(f)
                    events.append(ContinuityEvent("gap", self._seq_for(f), step))
            elif self._started:
                self._seq_base = self._next_seq - f  # after reset(): continue the host's numbering
            self._started = True
            self._count_frame(c, events)
            if int(flags[i]) & _OVERRUN:
                st.overruns += 1
                events.append(ContinuityEvent("overrun", self._seq_for(f), 0))
            self._seq_base_advance(f)
            s0 = self._seq_for(f)
            keep[i] = True
            seq0[i] = s0
            seg[i] = self._segment
            self._prev_first, self._prev_n, self._prev_counter_sample = f, n_s, c
            self._next_seq = s0 + n_s
            st.sample_frames += 1
            st.samples += n_s
        return keep, seq0, seg

    def _seq_base_advance(self, first_u32: int) -> None:
        """Unwrap: move the base by 2**32 when the u32 index wrapped since the last frame."""
        while self._seq_base + first_u32 < self._next_seq - _HALF_U32:
            self._seq_base += _U32

    def _seq_for(self, first_u32: int) -> int:
        return self._seq_base + first_u32

    def _count_frame(self, counter: int, events: list[ContinuityEvent]) -> None:
        st = self.stats
        st.frames += 1
        if self._prev_counter is not None:
            missing = (counter - self._prev_counter - 1) % _U32
            if 0 < missing < _HALF_U32:
                st.lost_frames += missing
                events.append(ContinuityEvent("frame_gap", self._next_seq, missing))
        self._prev_counter = counter

    def _empty(self, others: list[Frame], events: list[ContinuityEvent]) -> ParsedChunk:
        k = int(self.n_channels or 0)
        return ParsedChunk(
            seq=np.empty(0, np.uint64), segment=np.empty(0, np.int64), t_us=np.empty(0),
            raw=np.empty((0, k), np.int32), flags=np.empty(0, np.uint16), other_frames=others, events=events,
        )
