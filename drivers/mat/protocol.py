"""Wire format of a USB-serial pressure mat: pure byte parsing, no I/O.

The implemented format is the one documented for the **DO-P4864** 48 × 64 resistive pressure mat
(CH340 USB-UART at 1 000 000 baud 8N1; ``RGu0/feet-force-plate`` ``docs/modules/02-device-acquisition.md``
and ``docs/hardware/device-specifications/do-p4864/README.md``; docs/pressure-mat.md).
One frame is 3079 bytes::

    offset  size  field
    0       2     header      FF AA
    2       2     length      0C 07  (big-endian 3079 = the whole frame, header and tail included)
    4       1     function    01
    5       3072  payload     48 × 64 uint8 cell values, COLUMN-major: each run of 48 bytes is one
                              column from row 0 (top) to row 47, then the next of 64 columns
    3077    1     checksum    documented candidate: two's complement of the 8-bit payload sum,
                              ``(-sum(payload)) & 0xFF``
    3078    1     tail        FA

Facts that shape the parser (from the same source):

* The mat has **no frame counter and no device clock**: lost frames can only be detected from the
  host arrival times (:func:`lost_frames_by_timing`).
* The documented checksum formula mismatched 100 % of 12 510 frames of a real mat, so for real
  hardware the checksum is **observed** (counted, flagged per frame) rather than required
  (:class:`ChecksumPolicy`). Firmware that implements the formula, and the simulator, run with
  ``REQUIRE``: then a frame whose payload was corrupted is rejected.

The stream parser accepts arbitrary chunks (a read is never assumed to be one frame), resynchronises
on the 5-byte signature ``FF AA 0C 07 01``, rejects a candidate that contains another signature
(a truncated frame followed by the next frame), checks the tail and, by policy, the checksum, and
keeps its buffer bounded so that noise cannot grow memory.

Other mats with the same framing but another geometry are described by a new :class:`FrameFormat`;
a mat with another framing gets its own protocol module next to this one (docs/pressure-mat.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

__all__ = [
    "DO_P4864",
    "ArrivalTimer",
    "ChecksumPolicy",
    "FrameFormat",
    "FrameParser",
    "ParsedFrame",
    "ParserStats",
    "decode_frame",
    "encode_frame",
    "lost_frames_by_timing",
    "payload_checksum",
]


class ChecksumPolicy(StrEnum):
    """What a checksum mismatch does to a frame."""

    #: reject the frame (firmware known to implement the formula; the simulator).
    REQUIRE = "require"
    #: keep the frame, count the mismatch and flag it (real DO-P4864 mats: the formula is unverified).
    OBSERVE = "observe"


@dataclass(frozen=True)
class FrameFormat:
    """Framing and geometry of a mat that streams ``header · length · function · payload · checksum · tail``.

    Attributes
    ----------
    name : str
        Model name, e.g. ``"DO-P4864"``.
    rows, cols : int
        Cells per column (rows) and per row (cols).
    pitch_mm : float
        Centre-to-centre distance of cells, mm (same along rows and columns).
    nominal_rate_hz : float
        Observed frame rate of the mat, Hz (the device has no clock; this is not a promise).
    baudrate : int
        Serial line rate, baud.
    header : bytes
        Sync bytes at the start of every frame.
    function_code : int
        Function byte after the length field.
    tail : int
        Last byte of every frame.
    column_major : bool
        True when the payload lists the cells column by column (Fortran order).
    """

    name: str
    rows: int
    cols: int
    pitch_mm: float
    nominal_rate_hz: float
    baudrate: int
    header: bytes = b"\xff\xaa"
    function_code: int = 0x01
    tail: int = 0xFA
    column_major: bool = True
    _signature: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.rows < 1 or self.cols < 1:
            raise ValueError(f"a mat needs at least one row and column, got {self.rows} x {self.cols}")
        if not self.pitch_mm > 0 or not self.nominal_rate_hz > 0:
            raise ValueError(f"pitch_mm and nominal_rate_hz must be > 0, got {self.pitch_mm}, {self.nominal_rate_hz}")
        if len(self.header) != 2 or self.frame_length > 0xFFFF:
            raise ValueError("the framing has a 2-byte header and a 16-bit length field")
        signature = self.header + self.frame_length.to_bytes(2, "big") + bytes([self.function_code])
        object.__setattr__(self, "_signature", signature)

    @property
    def payload_length(self) -> int:
        """Payload bytes (one uint8 per cell)."""
        return self.rows * self.cols

    @property
    def frame_length(self) -> int:
        """Whole frame in bytes: 2 header + 2 length + 1 function + payload + 1 checksum + 1 tail."""
        return 5 + self.payload_length + 2

    @property
    def signature(self) -> bytes:
        """The first five bytes of every frame: header, length (big-endian), function code."""
        return self._signature

    @property
    def frame_interval_s(self) -> float:
        """Nominal time between frames, s."""
        return 1.0 / self.nominal_rate_hz


#: The DO-P4864 mat: 48 rows × 64 columns at 7.99 mm pitch (≈ 511 × 384 mm), ~20.7 Hz, 1 Mbaud.
DO_P4864 = FrameFormat(name="DO-P4864", rows=48, cols=64, pitch_mm=7.99, nominal_rate_hz=20.7, baudrate=1_000_000)


def payload_checksum(payload: bytes | bytearray | memoryview | np.ndarray) -> int:
    """The documented checksum candidate: two's complement of the 8-bit sum of the payload bytes."""
    total = int(np.frombuffer(bytes(payload), dtype=np.uint8).sum(dtype=np.uint64))
    return (-total) & 0xFF


def encode_frame(values: np.ndarray, fmt: FrameFormat = DO_P4864) -> bytes:
    """The bytes a mat sends for one frame of cell values (rows, cols) uint8 (simulator, tests)."""
    cells = np.asarray(values)
    if cells.shape != (fmt.rows, fmt.cols):
        raise ValueError(f"a {fmt.name} frame is {fmt.rows} x {fmt.cols} cells, got shape {cells.shape}")
    if cells.dtype != np.uint8:
        if np.any(cells < 0) or np.any(cells > 255) or not np.all(np.equal(np.mod(cells, 1), 0)):
            raise ValueError("cell values must be integers within 0-255")
        cells = cells.astype(np.uint8)
    payload = cells.tobytes(order="F" if fmt.column_major else "C")
    return fmt.signature + payload + bytes([payload_checksum(payload), fmt.tail])


def _payload_to_cells(payload: bytes, fmt: FrameFormat) -> np.ndarray:
    flat = np.frombuffer(payload, dtype=np.uint8)
    cells = flat.reshape((fmt.rows, fmt.cols), order="F" if fmt.column_major else "C")
    return np.ascontiguousarray(cells)


def decode_frame(frame: bytes, fmt: FrameFormat = DO_P4864, checksum: ChecksumPolicy = ChecksumPolicy.REQUIRE) -> (
        np.ndarray):
    """Decode exactly one complete frame into (rows, cols) uint8 cell values.

    Raises
    ------
    ValueError
        Wrong length, header, length field, function code or tail; wrong checksum under ``REQUIRE``.
    """
    data = bytes(frame)
    if len(data) != fmt.frame_length:
        raise ValueError(f"a {fmt.name} frame is {fmt.frame_length} bytes, got {len(data)}")
    if data[:5] != fmt.signature:
        raise ValueError(f"bad frame start {data[:5].hex(' ')}, expected {fmt.signature.hex(' ')}")
    if data[-1] != fmt.tail:
        raise ValueError(f"bad frame tail 0x{data[-1]:02X}, expected 0x{fmt.tail:02X}")
    payload = data[5 : 5 + fmt.payload_length]
    expected = payload_checksum(payload)
    if checksum == ChecksumPolicy.REQUIRE and data[-2] != expected:
        raise ValueError(f"checksum 0x{data[-2]:02X} does not match the payload (expected 0x{expected:02X})")
    return _payload_to_cells(payload, fmt)


@dataclass(frozen=True, eq=False)
class ParsedFrame:
    """One frame out of the stream parser.

    Attributes
    ----------
    cells : ndarray, uint8, shape (rows, cols)
        Raw cell values (row 0 = the mat's top edge, column 0 = its left edge).
    checksum_ok : bool
        Whether the checksum byte matches the documented formula.
    chunk : int
        Index of the ``feed`` call that completed the frame (frames completed by one read arrived together).
    """

    cells: np.ndarray
    checksum_ok: bool
    chunk: int


@dataclass
class ParserStats:
    """Counters of a stream parser (diagnostics; all counts since creation)."""

    bytes_in: int = 0
    frames: int = 0
    bytes_discarded: int = 0
    resyncs: int = 0
    truncated_frames: int = 0
    bad_tail: int = 0
    checksum_mismatches: int = 0
    checksum_rejected: int = 0


class FrameParser:
    """Incremental parser of a mat's byte stream: feed it any chunks, get complete valid frames.

    Parameters
    ----------
    fmt : FrameFormat
    checksum : ChecksumPolicy
        ``REQUIRE`` rejects frames whose checksum byte does not match; ``OBSERVE`` keeps them and
        counts the mismatch (``ParsedFrame.checksum_ok`` is False).
    max_buffer_frames : int
        The buffer never holds more than this many frame lengths of bytes (noise cannot grow memory).
    """

    def __init__(
        self,
        fmt: FrameFormat = DO_P4864,
        checksum: ChecksumPolicy = ChecksumPolicy.REQUIRE,
        max_buffer_frames: int = 4,
    ) -> None:
        if max_buffer_frames < 2:
            raise ValueError(f"max_buffer_frames must be >= 2, got {max_buffer_frames}")
        self.fmt = fmt
        self.checksum = ChecksumPolicy(checksum)
        self.stats = ParserStats()
        self._buf = bytearray()
        self._max_buffer = max_buffer_frames * fmt.frame_length
        self._chunk = -1

    @property
    def buffered_bytes(self) -> int:
        return len(self._buf)

    def reset(self) -> None:
        """Forget buffered bytes (e.g. after reopening the port)."""
        self._buf.clear()

    def feed(self, data: bytes | bytearray | memoryview) -> list[ParsedFrame]:
        """Consume ``data`` and return every frame it completed, in order."""
        self._chunk += 1
        view = memoryview(data).cast("B")
        self.stats.bytes_in += len(view)
        out: list[ParsedFrame] = []
        step = self._max_buffer // 2
        for start in range(0, len(view), step):
            self._buf += view[start : start + step]
            self._drain(out)
        return out

    def _discard(self, n: int) -> None:
        if n > 0:
            del self._buf[:n]
            self.stats.bytes_discarded += n
            self.stats.resyncs += 1

    def _drain(self, out: list[ParsedFrame]) -> None:
        fmt, sig = self.fmt, self.fmt.signature
        length = fmt.frame_length
        buf = self._buf
        while True:
            start = buf.find(sig)
            if start < 0:
                # Keep a tail that may be the beginning of a signature split across reads.
                keep = len(sig) - 1
                self._discard(len(buf) - keep)
                return
            self._discard(start)
            if len(buf) < length:
                return
            # A truncated frame followed by the next one: another signature inside the candidate.
            inner = buf.find(sig, 1, length)
            if inner > 0:
                self.stats.truncated_frames += 1
                self._discard(inner)
                continue
            if buf[length - 1] != fmt.tail:
                self.stats.bad_tail += 1
                self._discard(1)
                continue
            payload = bytes(buf[5 : 5 + fmt.payload_length])
            ok = buf[length - 2] == payload_checksum(payload)
            if not ok:
                self.stats.checksum_mismatches += 1
                if self.checksum == ChecksumPolicy.REQUIRE:
                    self.stats.checksum_rejected += 1
                    self._discard(1)
                    continue
            del buf[:length]
            self.stats.frames += 1
            out.append(ParsedFrame(_payload_to_cells(payload, fmt), ok, self._chunk))


def lost_frames_by_timing(gap_s: float, n_frames: int, frame_interval_s: float, threshold: float = 0.75) -> int:
    """Frames lost before a read that completed ``n_frames`` frames, judged from arrival timing.

    A mat without a frame counter sends one frame every ``frame_interval_s``. If the previous read
    that completed frames arrived ``gap_s`` seconds earlier, about ``gap_s / frame_interval_s`` frames
    were sent in between; ``n_frames`` of them arrived now (a host stall delivers several frames in one
    read, so a long gap followed by a burst is not a loss). The excess ``gap/interval − n`` counts as
    lost frames when it reaches ``threshold`` (default 0.75 of an interval, so arrival jitter up to
    ¾ of a frame interval is never mistaken for a loss), rounded to whole frames.

    This is an estimate: a frame delayed by more than ``threshold`` intervals and not followed by a
    burst is counted as lost. Rounding per read means a slow drift of the mat's rate is never
    accumulated into false losses.
    """
    if not frame_interval_s > 0:
        raise ValueError(f"frame_interval_s must be > 0, got {frame_interval_s}")
    if n_frames < 1:
        raise ValueError(f"a read that completed frames has n_frames >= 1, got {n_frames}")
    if gap_s < 0:
        raise ValueError(f"arrival times must not go backwards (gap {gap_s} s)")
    excess = gap_s / frame_interval_s - n_frames
    if excess < threshold:
        return 0
    return max(int(np.floor(excess + 0.5)), 1)


class ArrivalTimer:
    """Lost frames of a counter-less mat from the arrival times of the reads that completed frames.

    Keeps the *expected on-time arrival* of the last frame (its phase). For each read that completed
    ``n`` frames at ``arrival_s``, the frames sent since the last one are ``(arrival − phase)/interval``;
    the excess over ``n`` gives lost frames by :func:`lost_frames_by_timing`. The phase then advances
    by (lost + n) intervals and relaxes toward the arrival by ``relax`` of the lateness (or jumps to an
    early arrival), so

    * a late frame does not hide a loss that follows it (the reference is where the frame should have
      arrived, not where it did);
    * a host stall followed by a burst of buffered frames is not a loss;
    * a mat whose real rate differs from the nominal by ε settles at a lag of about ε/relax intervals
      instead of accumulating false losses.

    Parameters
    ----------
    frame_interval_s : float
        Nominal interval between frames, s.
    threshold : float
        Excess (in intervals) from which frames count as lost.
    relax : float
        Fraction of a late arrival's lateness the phase follows (0-1).
    """

    def __init__(self, frame_interval_s: float, threshold: float = 0.75, relax: float = 0.1) -> None:
        if not frame_interval_s > 0:
            raise ValueError(f"frame_interval_s must be > 0, got {frame_interval_s}")
        if not 0 < relax <= 1:
            raise ValueError(f"relax must be within (0, 1], got {relax}")
        self.interval = float(frame_interval_s)
        self.threshold = float(threshold)
        self.relax = float(relax)
        self._phase: float | None = None

    def reset(self) -> None:
        """Forget the phase (after a pause: the time in between is not a loss)."""
        self._phase = None

    def update(self, arrival_s: float, n_frames: int) -> int:
        """Frames lost before the ``n_frames`` that a read completed at ``arrival_s`` (s)."""
        if self._phase is None:
            if n_frames < 1:
                raise ValueError(f"a read that completed frames has n_frames >= 1, got {n_frames}")
            self._phase = arrival_s
            return 0
        gap = max(arrival_s - self._phase, 0.0)
        lost = lost_frames_by_timing(gap, n_frames, self.interval, self.threshold)
        predicted = self._phase + (lost + n_frames) * self.interval
        late = arrival_s - predicted
        self._phase = predicted + self.relax * late if late > 0 else arrival_s
        return lost
