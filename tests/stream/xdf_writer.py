"""A minimal XDF 1.0 writer, for the test that reads our streams back with pyxdf as docs/lsl.md shows.

It writes what LabRecorder writes for each stream, in the layout of the XDF specification (sccn/xdf wiki,
"Specifications"): the magic ``XDF:``, then chunks ``[NumLengthBytes][Length][Tag][Content]`` (little-endian;
Length counts Tag and Content) with tags 1 FileHeader, 2 StreamHeader (the inlet's full stream info XML),
3 Samples (``[NumSampleBytes][NumSamples]`` then per sample ``[TimeStampBytes=8][TimeStamp]`` and the values;
a string value is ``[NumLengthBytes][Length][bytes]``), 4 ClockOffset (collection time and offset, s) and
6 StreamFooter. It is not LabRecorder: no boundary chunks, one Samples chunk per stream, everything at once.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class XdfStream:
    """One stream to write: its header XML, samples and stamps, and measured clock offsets (time, value)."""

    header_xml: str
    stamps: np.ndarray
    samples: np.ndarray | list[str]
    clock_offsets: list[tuple[float, float]] = field(default_factory=list)


def _varlen(n: int) -> bytes:
    if n < 256:
        return struct.pack("<BB", 1, n)
    if n < 2**32:
        return struct.pack("<BI", 4, n)
    return struct.pack("<BQ", 8, n)


def _chunk(tag: int, content: bytes) -> bytes:
    return _varlen(len(content) + 2) + struct.pack("<H", tag) + content


def _samples(stream_id: int, stream: XdfStream) -> bytes:
    out = [struct.pack("<I", stream_id), _varlen(len(stream.stamps))]
    for i, stamp in enumerate(stream.stamps):
        out.append(struct.pack("<Bd", 8, float(stamp)))
        if isinstance(stream.samples, np.ndarray):
            out.append(np.ascontiguousarray(stream.samples[i], dtype="<f4").tobytes())
        else:
            raw = stream.samples[i].encode("utf-8")
            out.append(_varlen(len(raw)) + raw)
    return b"".join(out)


def _footer(stream: XdfStream) -> str:
    offsets = "".join(f"<offset><time>{t!r}</time><value>{v!r}</value></offset>" for t, v in stream.clock_offsets)
    first, last = (float(stream.stamps[0]), float(stream.stamps[-1])) if len(stream.stamps) else (0.0, 0.0)
    return (f'<?xml version="1.0"?><info><first_timestamp>{first!r}</first_timestamp>'
            f"<last_timestamp>{last!r}</last_timestamp><sample_count>{len(stream.stamps)}</sample_count>"
            f"<clock_offsets>{offsets}</clock_offsets></info>")


def write_xdf(path: Path, streams: list[XdfStream]) -> None:
    """Write ``streams`` (float32 or string) to an XDF file at ``path``."""
    parts = [b"XDF:", _chunk(1, b'<?xml version="1.0"?><info><version>1.0</version></info>')]
    for sid, stream in enumerate(streams, start=1):
        parts.append(_chunk(2, struct.pack("<I", sid) + stream.header_xml.encode("utf-8")))
    for sid, stream in enumerate(streams, start=1):
        parts.append(_chunk(3, _samples(sid, stream)))
        for t, value in stream.clock_offsets:
            parts.append(_chunk(4, struct.pack("<Idd", sid, t, value)))
    for sid, stream in enumerate(streams, start=1):
        parts.append(_chunk(6, struct.pack("<I", sid) + _footer(stream).encode("utf-8")))
    Path(path).write_bytes(b"".join(parts))
