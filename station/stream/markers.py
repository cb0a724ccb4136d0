"""What the marker stream says: protocol events, device events, lost samples and clock restarts.

The marker stream is one string channel at an irregular rate (XDF content type ``Markers``). Each marker is
one line of text, a keyword first, so a reader can split it (``label.split(" ", 1)``):

* ``samples_lost n=5 first_seq=1001`` — the device's sample counter jumped: five samples (counter values 1001
  to 1005) were produced but never delivered. Stamped with the LSL time of the first sample after the gap.
  The data stream itself is never filled in (DESIGN.md §2: gaps are flagged, never interpolated), so the
  gap also shows as a hole in its time stamps.
* ``seq_reset first_seq=0`` and ``clock_reset t_device_s=0.0`` — the device restarted its counter or its
  clock; the time map started afresh at the next sample.
* ``device <code>[ <label>]`` — an event the device reported in a block (a button, a reconnect, a FIFO
  overrun), at its device time.
* anything else — a protocol event passed to :meth:`~station.stream.lsl_outlet.LslOutlet.push_marker`
  (``trial_start``, ``eyes_closed`` ...), as given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drivers.model import DeviceEvent

__all__ = ["SeqGap", "clock_reset_label", "device_event_label", "gap_label", "seq_gaps", "seq_reset_label"]


@dataclass(frozen=True)
class SeqGap:
    """Samples lost before sample ``index`` of a block: ``n_lost`` counter values from ``first_seq`` on."""

    index: int
    n_lost: int
    first_seq: int


def seq_gaps(seq: np.ndarray, previous_seq: int | None) -> list[SeqGap]:
    """Every jump of the sample counter in a block, the step from the previous block's last value included.

    ``seq`` is the block's counter (strictly increasing); ``previous_seq`` the last value of the block before
    (None for the first block). A counter that went back (``seq[0] <= previous_seq``) is a reset, not a gap:
    the caller checks for it first.
    """
    values = np.asarray(seq, dtype=np.int64)
    if values.size == 0:
        return []
    before = int(values[0]) - 1 if previous_seq is None else int(previous_seq)
    if int(values[-1]) - before == values.size:  # a strictly increasing counter without a jump (the usual case)
        return []
    steps = np.diff(values, prepend=before)
    jumps = np.flatnonzero(steps > 1)
    return [SeqGap(int(i), int(steps[i] - 1), int(values[i] - steps[i] + 1)) for i in jumps]


def gap_label(gap: SeqGap) -> str:
    """``samples_lost n=N first_seq=S``."""
    return f"samples_lost n={gap.n_lost} first_seq={gap.first_seq}"


def seq_reset_label(first_seq: int) -> str:
    """``seq_reset first_seq=S``: the counter started again."""
    return f"seq_reset first_seq={int(first_seq)}"


def clock_reset_label(t_device_s: float) -> str:
    """``clock_reset t_device_s=T``: the device clock went back; the time map starts afresh."""
    return f"clock_reset t_device_s={float(t_device_s)!r}"


def device_event_label(event: DeviceEvent) -> str:
    """``device CODE[ LABEL]`` for an event a device reported in a block."""
    return f"device {event.code} {event.label}" if event.label else f"device {event.code}"
