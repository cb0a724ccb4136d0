"""One OFP-1 plate's time base and sample numbering: parser chunks → :class:`~drivers.model.SampleBlock`.

``t_s`` is the device's sample clock (``t0 + k·T``) mapped to the host clock by the host-minus-device
offset anchored for each segment (at start, at a reconnect, and when the plate restarts without
re-enumerating), so two plates share a time base; a restart never makes ``t_s`` run backwards. After
an unplug the host counter ``seq`` jumps by the samples the plate missed while away (estimated from
the host clock, the device having rebooted), with a ``reconnected`` event. The parser's continuity
events (gap, duplicate, backward, overrun) become block events; forces are ``F = C·(counts − offset −
tare)``.

References
----------
``docs/ofp-1.md`` §6.2-6.3; docs/ofp-1.md §8 (O8, O9).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from drivers.forceplate.calibration import Calibration, counts_to_force
from drivers.forceplate.stream_parser import StreamParser
from drivers.forceplate.stream_records import ParsedChunk
from drivers.model import DeviceEvent, SampleBlock

__all__ = ["PlateTimeline"]

_LABELS = {"gap": "{n} samples lost", "duplicate": "repeated frame of {n} samples dropped",
           "backward": "sample index stepped back: device restart", "overrun": "device FIFO overrun"}


class PlateTimeline:
    """Host time anchors per segment, the seq shift after reconnects, and events waiting for a block.

    Attributes
    ----------
    anchor_s : dict of int to float
        Host-minus-device offset, s, of each parser segment.
    seq_shift : int
        Samples added to the parser's seq for the reconnections so far.
    last_t_s : float or None
        Time of the last sample delivered, s.
    reconnect_from : float or None
        Time of the last sample before an unplug, until the first block after it.
    pending_events : list of DeviceEvent
    """

    def __init__(self) -> None:
        self.anchor_s: dict[int, float] = {}
        self.seq_shift = 0
        self.last_t_s: float | None = None
        self.reconnect_from: float | None = None
        self.pending_events: list[DeviceEvent] = []

    def next_seq(self, parser: StreamParser) -> int:
        """The host seq the next sample will get."""
        return parser.next_seq + self.seq_shift

    def note(self, parser: StreamParser, code: str, label: str) -> None:
        """An event at the last sample delivered, for the next block."""
        self.pending_events.append(DeviceEvent(self.last_t_s or 0.0, self.next_seq(parser), code, label))

    def to_block(self, chunk: ParsedChunk, parser: StreamParser, *, clock_offset_s: Callable[[], float], rate: float,
                 calibration: Calibration, tare_counts: np.ndarray, now: Callable[[], float]) -> SampleBlock | None:
        """The block of a parsed chunk (None when it has no sample); anchors new segments with ``clock_offset_s``."""
        for seg in np.unique(chunk.segment).tolist():
            if seg not in self.anchor_s:  # the plate restarted without re-enumerating
                self.anchor_s[seg] = clock_offset_s()
                self.note(parser, "device_restart", "the plate's sample index stepped back (restart)")
        if chunk.n_samples == 0:
            return None
        anchors = np.array([self.anchor_s[s] for s in range(int(chunk.segment.max()) + 1)])
        t_s = chunk.t_us * 1e-6 + anchors[chunk.segment]
        events = list(self.pending_events)
        self.pending_events.clear()
        if self.reconnect_from is not None:
            lost = max(round((float(t_s[0]) - self.reconnect_from) * rate) - 1, 0)
            self.seq_shift += lost
            events.append(DeviceEvent(float(t_s[0]), int(chunk.seq[0]) + self.seq_shift, "reconnected",
                                      f"plate unplugged for {float(t_s[0]) - self.reconnect_from:.3f} s; "
                                      f"{lost} samples lost (estimated from the host clock)"))
            self.reconnect_from = None
        seq = chunk.seq + np.uint64(self.seq_shift)
        for ev in chunk.events:
            if ev.kind in ("frame_gap",):
                continue
            i = min(int(np.searchsorted(chunk.seq, np.uint64(ev.seq))), chunk.n_samples - 1)
            label = _LABELS.get(ev.kind, "").format(n=ev.n)
            events.append(DeviceEvent(float(t_s[i]), ev.seq + self.seq_shift, ev.kind, label))
        if np.any(np.diff(t_s) < 0):  # a restart mapped onto the host clock must not run backwards
            t_s = np.maximum.accumulate(t_s)
        forces = counts_to_force(chunk.raw, calibration, tare_counts).astype(np.float32)
        self.last_t_s = float(t_s[-1])
        return SampleBlock(t_s=t_s, seq=seq, forces_n=forces, host_rx_s=now(), raw=chunk.raw, events=tuple(events))
