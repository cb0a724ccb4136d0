"""Received Wii Balance Board reports → :class:`~drivers.model.SampleBlock`: the device's decoding of one read.

Samples are stamped with the host's monotonic arrival time (never allowed to step back) and a host counter
``seq`` (the board has none): every received 0x32/0x34 report takes a number, so a corrupted report
leaves a gap in ``seq``. Counts become kg through the calibration (two segments, no clamping), the tare
is subtracted in kg (W8), then kg → N. Each block carries the raw counts and its events: front-button
presses and releases (``button``), a ``wbb.battery_temp`` event with the battery and temperature bytes of
the block's last 0x34 report whenever they differ from the last ones reported (so the first block has one),
``wbb.status`` on every status report (after which the reporting mode is re-sent: the board resets it) and
``wbb.bad_reports`` when malformed reports arrived. Events with no sample in a read wait for the next block
that has samples. Kernel evdev frames (already in 10 g units) take the same path without the calibration.

References
----------
docs/wii-protocol.md §1.3, §1.6, §1.8, §1.10; docs/wii-protocol.md W1, W2, W8, W13.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from drivers.model import DeviceEvent, SampleBlock
from drivers.wii import reports as r
from drivers.wii.calibration import Calibration
from drivers.wii.conversion import battery_bars, kg_to_newtons, raw_to_kg, status_battery_pct
from drivers.wii.report_arrays import decode_sample_reports, pack_reports

__all__ = ["BlockAssembler"]


class BlockAssembler:
    """Turns the reports of one board connection into sample blocks, keeping the counters between reads.

    Parameters
    ----------
    now : callable
        The transport's clock, s (the blocks' host receive time).
    resend_reporting_mode : callable
        Sends the data reporting mode again (called on every status report).

    Attributes
    ----------
    seq : int
        Host counter of the next report.
    last_t : float
        Latest arrival time handed out, s (−inf before the first).
    pending_events : list of DeviceEvent
        Events waiting for the next block with samples.
    bad_reports, status_reports : int
        Malformed reports dropped and status reports received so far.
    last_battery, last_temperature : int or None
        E10 and E8 bytes of the latest 0x34 report kept.
    last_status : Status or None
    """

    def __init__(self, now: Callable[[], float], resend_reporting_mode: Callable[[], None]) -> None:
        self._now = now
        self._resend_reporting_mode = resend_reporting_mode
        self.seq = 0
        self.button = False
        self.bad_reports = 0
        self.status_reports = 0
        self.pending_events: list[DeviceEvent] = []
        self.last_t = -np.inf
        self.last_battery: int | None = None
        self.last_temperature: int | None = None
        self.last_status: r.Status | None = None

    def process(
        self,
        items: list[tuple[int, Any]],
        keep: bool,
        *,
        evdev: bool,
        calibration: Calibration | None,
        tare_offset_kg: np.ndarray | None,
    ) -> SampleBlock | None:
        """Turn received items (arrival ns, report bytes or evdev frame) into a block; handle status reports.

        ``keep=False`` (tare, waiting, draining) counts and decodes but drops the events. Returns None when
        no sample arrived.
        """
        if not items:
            return None
        if evdev:
            return self._process_evdev(items, keep, tare_offset_kg)
        sample_t: list[int] = []
        sample_reports: list[bytes] = []
        bad_before = self.bad_reports
        for t_ns, data in items:
            if data and data[0] in (r.ReportId.BUTTONS_EXT8, r.ReportId.BUTTONS_EXT19):
                sample_t.append(t_ns)
                sample_reports.append(data)
                continue
            try:
                report = r.decode(data)
            except r.MalformedReport:
                self.bad_reports += 1
                continue
            if isinstance(report, r.Status):
                self.status_reports += 1
                self.last_status = report
                # The board resets the reporting mode after every status report: ask again.
                self._resend_reporting_mode()
                if keep:
                    self.pending_events.append(DeviceEvent(
                        t_ns / 1e9, self.seq, "wbb.status",
                        f"battery VV={report.battery_raw} ({status_battery_pct(report.battery_raw)} %), "
                        f"extension={'yes' if report.extension_connected else 'no'}; reporting mode re-sent",
                    ))
            elif isinstance(report, r.ButtonsOnly):
                self._button_event(t_ns / 1e9, report.button, keep)
        if not sample_reports:
            self._note_bad(bad_before, keep)
            return None
        matrix, lengths = pack_reports(sample_reports)
        dec = decode_sample_reports(matrix, lengths)
        n = len(sample_reports)
        seq_all = self.seq + np.arange(n, dtype=np.uint64)
        self.seq += n
        valid = dec.valid
        self.bad_reports += int(n - np.count_nonzero(valid))
        self._note_bad(bad_before, keep)
        if not np.any(valid):
            return None
        t = np.asarray(sample_t, dtype=np.int64)[valid] / 1e9
        t = np.maximum.accumulate(np.maximum(t, self.last_t))  # never let arrival times step back
        self.last_t = float(t[-1])
        seq = seq_all[valid]
        raw = dec.raw[valid]
        assert calibration is not None
        kg = raw_to_kg(raw, calibration)
        if tare_offset_kg is not None:
            kg = kg - tare_offset_kg
        forces = kg_to_newtons(kg)
        if keep:
            buttons = dec.button[valid]
            changes = np.flatnonzero(np.diff(np.concatenate([[self.button], buttons]).astype(np.int8)))
            for i in changes:
                self._button_event(float(t[i]), bool(buttons[i]), keep, int(seq[i]))
            has34 = np.flatnonzero(dec.battery[valid] >= 0)
            reading = None if not has34.size else (int(dec.battery[valid][has34[-1]]),
                                                   int(dec.temperature[valid][has34[-1]]))
            if reading is not None and reading != (self.last_battery, self.last_temperature):
                last = int(has34[-1])
                self.last_battery, self.last_temperature = reading
                ref = calibration.reference_temperature
                self.pending_events.append(DeviceEvent(
                    float(t[last]), int(seq[last]), "wbb.battery_temp",
                    f"battery={self.last_battery} ({battery_bars(self.last_battery)}/4 bars) "
                    f"temperature={self.last_temperature} (reference {ref if ref is not None else 'unread'})",
                ))
        else:
            self.button = bool(dec.button[valid][-1])
        return SampleBlock(
            t_s=t, seq=seq, forces_n=forces.astype(np.float32), host_rx_s=self._now(), raw=raw,
            events=self._take_events(keep),
        )

    def _take_events(self, keep: bool) -> tuple[DeviceEvent, ...]:
        events = tuple(self.pending_events) if keep else ()
        if keep:
            self.pending_events = []
        return events

    def _note_bad(self, before: int, keep: bool) -> None:
        if keep and self.bad_reports > before:
            self.pending_events.append(DeviceEvent(
                self.last_t if np.isfinite(self.last_t) else 0.0, self.seq, "wbb.bad_reports",
                f"{self.bad_reports - before} malformed report(s) dropped ({self.bad_reports} so far)",
            ))

    def _button_event(self, t_s: float, pressed: bool, keep: bool, seq: int | None = None) -> None:
        if pressed == self.button:
            return
        self.button = pressed
        if keep:
            self.pending_events.append(DeviceEvent(
                t_s, self.seq if seq is None else seq, "button",
                "front button pressed" if pressed else "front button released",
            ))

    def _process_evdev(
        self, items: list[tuple[int, Any]], keep: bool, tare_offset_kg: np.ndarray | None
    ) -> SampleBlock:
        n = len(items)
        t = np.array([t_ns for t_ns, _ in items], dtype=np.int64) / 1e9
        t = np.maximum.accumulate(np.maximum(t, self.last_t))
        self.last_t = float(t[-1])
        values = np.array([frame.values_10g for _, frame in items], dtype=np.float64)
        kg = values / 100.0
        if tare_offset_kg is not None:
            kg = kg - tare_offset_kg
        seq = self.seq + np.arange(n, dtype=np.uint64)
        self.seq += n
        for i, (_, frame) in enumerate(items):
            self._button_event(float(t[i]), frame.button, keep, int(seq[i]))
        return SampleBlock(
            t_s=t, seq=seq, forces_n=kg_to_newtons(kg).astype(np.float32), host_rx_s=self._now(),
            events=self._take_events(keep),
        )
