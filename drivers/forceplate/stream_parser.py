"""The OFP-1 streaming parser: any byte stream of frames in, samples with exact loss accounting out (pure).

Feed it whatever the USB reads return (split or joined frames, garbage, corrupted bytes). It finds
candidates with NumPy, checks each CRC with ``zlib`` (C), gathers the payloads of all accepted frames in
one vectorised step, and keeps exact continuity accounting (gaps, duplicates, backward steps) between
consecutive sample frames.

References
----------
``docs/ofp-1.md`` §6.1-6.2; docs/ofp-1.md §8 (O8, O9, O15).
"""

from __future__ import annotations

import zlib

import numpy as np

from drivers.forceplate.frames import (
    _U32,
    CRC_SIZE,
    HEADER_SIZE,
    MAX_PAYLOAD,
    PROTOCOL_VERSION,
    Frame,
    FrameType,
    _make_frame,
)
from drivers.forceplate.stream_records import ContinuityEvent, ParsedChunk, StreamStats

__all__ = ["StreamParser"]

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
