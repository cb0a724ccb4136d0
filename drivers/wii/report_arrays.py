"""Vectorised decoding of many Wii Balance Board data reports (0x32 / 0x34) at once. No I/O.

Row for row equal to :func:`drivers.wii.reports.decode` (W1 minimum lengths, W2 all-0xFF extension
data is never a sample), without a Python loop over reports: the hot path of the device.

References
----------
docs/wii-protocol.md §1.3 (report layouts); docs/wii-protocol.md W1, W2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from drivers.wii.reports import BUTTON_MASK, REPORT_MIN_LENGTH, ReportId

__all__ = ["PACKED_WIDTH", "SampleArrays", "decode_sample_reports", "pack_reports"]

#: Width of the packed report matrix: the longest report (0x21 / 0x34, 22 bytes; hidapi on Windows pads
#: every input report to this length).
PACKED_WIDTH = 22


def pack_reports(reports: Sequence[bytes], width: int = PACKED_WIDTH) -> tuple[np.ndarray, np.ndarray]:
    """Stack reports into a zero-padded uint8 matrix (n, width) and their true lengths (n,).

    Reports longer than ``width`` are cut (their defined prefix is all a decoder reads, W1).
    """
    n = len(reports)
    lengths = np.fromiter((len(r) for r in reports), dtype=np.int64, count=n)
    if n and int(lengths.min()) == int(lengths.max()) == width:
        joined = b"".join(reports)  # the common case: every report already has the full width
    else:
        joined = b"".join(bytes(r[:width]).ljust(width, b"\x00") for r in reports)
    matrix = np.frombuffer(joined, dtype=np.uint8).reshape(n, width)
    return matrix, np.minimum(lengths, width)


@dataclass(frozen=True)
class SampleArrays:
    """Many data reports decoded at once (:func:`decode_sample_reports`).

    Attributes
    ----------
    valid : ndarray of bool, (n,)
        True where the row is a well-formed 0x32/0x34 sample (what :func:`decode` returns a
        :class:`BoardSample` for). Other rows carry zeros and must be ignored.
    raw : ndarray of int32, (n, 4)
        Sensor counts TR, BR, TL, BL.
    buttons : ndarray of uint16, (n,)
        Core button word (BB1 << 8 | BB2).
    button : ndarray of bool, (n,)
        Front button pressed.
    temperature, battery : ndarray of int16, (n,)
        E8 and E10 of a 0x34 report; −1 for 0x32 or invalid rows.
    report_id : ndarray of uint8, (n,)
    """

    valid: np.ndarray
    raw: np.ndarray
    buttons: np.ndarray
    button: np.ndarray
    temperature: np.ndarray
    battery: np.ndarray
    report_id: np.ndarray


def decode_sample_reports(reports: np.ndarray, lengths: np.ndarray | None = None) -> SampleArrays:
    """Decode many 0x32/0x34 reports at once, row for row equal to :func:`decode`.

    Parameters
    ----------
    reports : ndarray of uint8, shape (n, w), w >= 11
        One report per row, zero-padded (see :func:`pack_reports`).
    lengths : ndarray of int, shape (n,), optional
        True length of each report; None means every row is ``w`` bytes long.

    Returns
    -------
    SampleArrays
        Rows that are not well-formed samples (other IDs, too short, all-0xFF extension) have
        ``valid = False``.
    """
    m = np.asarray(reports)
    if m.dtype != np.uint8 or m.ndim != 2:
        raise ValueError(f"reports must be a 2-D uint8 array, got {m.dtype} with shape {m.shape}")
    n, w = m.shape
    if w < REPORT_MIN_LENGTH[0x32]:
        raise ValueError(f"reports must be at least {REPORT_MIN_LENGTH[0x32]} bytes wide, got {w}")
    m = np.ascontiguousarray(m)

    def field(offset: int, dtype: str, count: int = 1) -> np.ndarray:
        # A strided view of `count` values of `dtype` at byte `offset` of every row (no copy).
        dt = np.dtype(dtype)
        view = np.ndarray((n, count), dtype=dt, buffer=m, offset=offset, strides=(w, dt.itemsize))
        return view[:, 0] if count == 1 else view

    rid = m[:, 0]
    is32 = rid == ReportId.BUTTONS_EXT8
    all_ff8 = field(3, "<u8") == 0xFFFFFFFFFFFFFFFF
    if w >= REPORT_MIN_LENGTH[0x34]:
        is34 = rid == ReportId.BUTTONS_EXT19
        all_ff19 = (
            all_ff8 & (field(11, "<u8") == 0xFFFFFFFFFFFFFFFF) & (field(19, "<u2") == 0xFFFF) & (m[:, 21] == 0xFF)
        )
        valid = (is32 & ~all_ff8) | (is34 & ~all_ff19)
    else:
        is34 = np.zeros(n, dtype=bool)
        valid = is32 & ~all_ff8
    if lengths is not None:
        length = np.asarray(lengths)
        if length.shape != (n,):
            raise ValueError(f"lengths must have shape ({n},), got {length.shape}")
        valid &= length >= np.where(is34, REPORT_MIN_LENGTH[0x34], REPORT_MIN_LENGTH[0x32])
    all_valid = bool(valid.all())
    # Copy the unaligned big-endian words into a contiguous block first: much faster than converting in place.
    raw = np.ascontiguousarray(field(3, ">u2", 4)).astype(np.int32)
    buttons = field(1, ">u2").astype(np.uint16)
    if w >= REPORT_MIN_LENGTH[0x34]:
        temperature = m[:, 11].astype(np.int16)
        battery = m[:, 13].astype(np.int16)
        ext19 = valid & is34
        if not (all_valid and ext19.all()):
            temperature[~ext19] = -1
            battery[~ext19] = -1
    else:
        temperature = np.full(n, -1, dtype=np.int16)
        battery = np.full(n, -1, dtype=np.int16)
    report_id = rid.copy()
    if not all_valid:
        invalid = ~valid
        raw[invalid] = 0
        buttons[invalid] = 0
        report_id[invalid] = 0
    return SampleArrays(
        valid=valid,
        raw=raw,
        buttons=buttons,
        button=(buttons & BUTTON_MASK) != 0,
        temperature=temperature,
        battery=battery,
        report_id=report_id,
    )
