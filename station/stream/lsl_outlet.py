"""A Lab Streaming Layer outlet for one device: its force samples on LSL time, and a marker stream.

Research labs record force plates beside EEG, EMG and motion capture with LSL (BrainFlow and the OpenBCI GUI
publish there; LabRecorder writes the streams to XDF). One :class:`LslOutlet` per device publishes

* a **data stream** (``float32``, one channel per force channel, metadata in :mod:`station.stream.lsl_info`),
  every sample of every block pushed once, in order, stamped with its device time mapped to LSL time
  (:mod:`station.stream.clock_map`), and
* a **marker stream** ``<name>-markers`` (strings, irregular rate): protocol events given to
  :meth:`LslOutlet.push_marker`, events the device reported in its blocks, and every jump of the sample
  counter, so lost samples are never hidden (:mod:`station.stream.markers`).

The outlet knows nothing of the acquisition engine: whatever runs the device calls :meth:`~LslOutlet.open`
with its ``DeviceInfo``, :meth:`~LslOutlet.push_block` with each block, and :meth:`~LslOutlet.close`::

    with LslOutlet(name="plate") as outlet:
        outlet.open(device.info)
        outlet.push_marker("trial_start", t_device_s=0.0)
        for block in blocks:
            outlet.push_block(block)

Samples pushed before a consumer (LabRecorder, an inlet) connects are not delivered to it: LSL streams are
live. :meth:`~LslOutlet.wait_for_consumers` waits for the first one.
"""

from __future__ import annotations

import threading
from types import ModuleType, TracebackType
from typing import Any, Self

import numpy as np

from drivers.model import DeviceEvent, DeviceInfo, SampleBlock
from station.stream import markers
from station.stream.clock_map import DEFAULT_MAX_SLEW, DEFAULT_WINDOW_S, DeviceClockMap
from station.stream.lsl_config import LslError, import_pylsl
from station.stream.lsl_info import (
    DATA_STREAM_TYPE,
    MARKER_STREAM_TYPE,
    data_metadata,
    fill_desc,
    nominal_srate,
    source_id,
)

__all__ = ["LslOutlet"]


class LslOutlet:
    """Publish one device's blocks and markers over LSL.

    Parameters
    ----------
    name : str, optional
        Stream name (default ``balance-station-<driver>``); the marker stream is ``<name>-markers``.
    max_slew, window_s : float
        How the device-to-LSL offset tracks drift (:class:`~station.stream.clock_map.DeviceClockMap`):
        at most ``max_slew`` s per s of device time, towards the minimum observation over ``window_s`` s.
        ``max_slew=0`` fixes the offset at the first block.
    max_buffered_s : float
        How much data the outlet keeps for a slow consumer, s (LSL's ``max_buffered``).
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        max_slew: float = DEFAULT_MAX_SLEW,
        window_s: float = DEFAULT_WINDOW_S,
        max_buffered_s: float = 360.0,
    ) -> None:
        if name is not None and not name.strip():
            raise ValueError("an LSL stream name cannot be empty")
        if not max_buffered_s >= 1:
            raise ValueError(f"max_buffered_s must be at least 1 s, got {max_buffered_s!r}")
        self._requested_name = name
        self.clock = DeviceClockMap(max_slew=max_slew, window_s=window_s)
        self.max_buffered_s = float(max_buffered_s)
        self._lock = threading.Lock()
        self._pylsl: ModuleType | None = None
        self._data: Any = None
        self._markers: Any = None
        self._info: DeviceInfo | None = None
        self._pending: list[tuple[str, float]] = []  # markers given before the first block fixed the clock
        self._last_seq: int | None = None
        self.n_samples = 0
        self.n_lost = 0
        self.name = ""

    # -- life cycle -----------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._data is not None

    @property
    def marker_name(self) -> str:
        return f"{self.name}-markers"

    def open(self, info: DeviceInfo, *, keep_identifiers: bool = False) -> None:
        """Create the data and marker outlets for a device; the serial is published only with ``keep_identifiers``."""
        if self.is_open:
            raise LslError(f"the LSL outlet {self.name!r} is already open")
        pylsl = import_pylsl()
        from station import __version__

        self.name = self._requested_name or f"balance-station-{info.driver}"
        sid = source_id(info, self.name, keep_identifiers=keep_identifiers)
        timing = {
            "device_to_lsl": "device time + offset; offset = min(arrival - device time of the block's newest "
                             "sample) over window_s, slewed at most max_slew_ppm",
            "max_slew_ppm": repr(self.clock.max_slew * 1e6),
            "window_s": repr(self.clock.window_s),
        }
        try:
            data_info = pylsl.StreamInfo(self.name, DATA_STREAM_TYPE, info.n_channels, nominal_srate(info),
                                         pylsl.cf_float32, sid)
            fill_desc(data_info.desc(), data_metadata(info, keep_identifiers=keep_identifiers,
                                                      markers_stream=self.marker_name, timing=timing,
                                                      version=__version__))
            marker_info = pylsl.StreamInfo(self.marker_name, MARKER_STREAM_TYPE, 1, pylsl.IRREGULAR_RATE,
                                           pylsl.cf_string, f"{sid}:markers")
            marker_info.desc().append_child_value("data_stream", self.name)
            buffered = max(int(self.max_buffered_s), 1)
            data = pylsl.StreamOutlet(data_info, max_buffered=buffered)
            marker_outlet = pylsl.StreamOutlet(marker_info, max_buffered=buffered)
        except (RuntimeError, ValueError) as exc:
            raise LslError(f"liblsl could not create the outlet {self.name!r}: {exc}") from exc
        with self._lock:
            self._pylsl, self._data, self._markers, self._info = pylsl, data, marker_outlet, info
            self.clock.reset()
            self._last_seq, self.n_samples, self.n_lost = None, 0, 0

    def wait_for_consumers(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` s until something subscribes to the data stream; True if it did."""
        return bool(self._require_open()[0].wait_for_consumers(float(timeout_s)))

    def close(self) -> None:
        """Withdraw both streams (consumers see them end). Safe to call twice."""
        with self._lock:
            self._data = self._markers = None  # pylsl destroys an outlet with its last reference
            self._pending.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- data ------------------------------------------------------------------------------------------

    def push_block(self, block: SampleBlock) -> np.ndarray:
        """Publish every sample of a block; returns their LSL time stamps, s.

        The block's arrival (``local_clock()`` now) updates the device-to-LSL map; jumps of ``seq`` become
        ``samples_lost`` markers and the block's device events become ``device ...`` markers.
        """
        with self._lock:
            data, marker_outlet = self._require_open()
            assert self._pylsl is not None and self._info is not None
            if block.n_channels != self._info.n_channels:
                raise ValueError(f"the block has {block.n_channels} channels, the stream {self._info.n_channels}")
            if block.n_samples == 0:
                return np.empty(0)
            arrival = self._pylsl.local_clock()
            restart = self._restart_labels(block)
            stamps = self.clock.map_block(block.t_s, arrival)
            data.push_chunk(block.forces_n, stamps.tolist())
            self.n_samples += block.n_samples
            labelled = [(label, float(stamps[0])) for label in restart]
            for gap in markers.seq_gaps(block.seq, self._last_seq):
                self.n_lost += gap.n_lost
                labelled.append((markers.gap_label(gap), float(stamps[gap.index])))
            self._last_seq = int(block.seq[-1])
            labelled += [(markers.device_event_label(e), self._event_stamp(e, block, stamps)) for e in block.events]
            labelled += [(label, self.clock.lsl_time(t)) for label, t in self._pending]
            self._pending.clear()
            for label, stamp in sorted(labelled, key=lambda item: item[1]):
                marker_outlet.push_sample([label], stamp)
        return stamps

    def push_marker(self, label: str, t_device_s: float) -> float | None:
        """Publish a protocol event at a moment on the device clock; returns its LSL stamp, s.

        Before the first block has fixed the device-to-LSL map the marker waits and goes out, correctly
        stamped, with the first block (then None is returned).
        """
        if not isinstance(label, str) or not label.strip():
            raise ValueError("a marker needs a non-empty label")
        if not np.isfinite(t_device_s):
            raise ValueError(f"a marker needs a finite device time, got {t_device_s!r}")
        with self._lock:
            _, marker_outlet = self._require_open()
            if not self.clock.started:
                self._pending.append((label, float(t_device_s)))
                return None
            stamp = self.clock.lsl_time(float(t_device_s))
            marker_outlet.push_sample([label], stamp)
            return stamp

    # -- helpers ---------------------------------------------------------------------------------------

    def _require_open(self) -> tuple[Any, Any]:
        """(data outlet, marker outlet); raises when not open."""
        if self._data is None or self._markers is None:
            raise LslError("the LSL outlet is not open: call open(device_info) first")
        return self._data, self._markers

    def _restart_labels(self, block: SampleBlock) -> list[str]:
        """Reset the clock map (and the counter) when the device restarted; the labels that say so."""
        labels = []
        last_t = self.clock.last_device_time_s
        if last_t is not None and block.t_s[0] < last_t:
            self.clock.reset()
            labels.append(markers.clock_reset_label(float(block.t_s[0])))
        if self._last_seq is not None and int(block.seq[0]) <= self._last_seq:
            self._last_seq = None
            labels.append(markers.seq_reset_label(int(block.seq[0])))
        return labels

    @staticmethod
    def _event_stamp(event: DeviceEvent, block: SampleBlock, stamps: np.ndarray) -> float:
        """An event's LSL time: its device time with the block's offset at that moment (the ends outside it)."""
        offsets = stamps - block.t_s
        return float(event.t_s + np.interp(event.t_s, block.t_s, offsets))
