"""The Wii Balance Board as a :class:`~drivers.device.Device`: registry names ``wbb`` and ``sim-wbb``.

``open()`` connects, runs the initialisation (:func:`~drivers.wii.protocol.init_sequence`: status,
LED1, extension init, 6-byte ID check, calibration with its CRC, reporting mode) and then tares: the
mean of ``tare_s`` (≥ 2 s) of the **unloaded** board, in the kg domain (protocol-clarifications.md
W8), is subtracted from every later sample. ``start()`` lights LED1 and, after a tare, waits for the
subject to step on (load above ``min_load_kg`` for ``settle_s``, within ``wait_for_subject_s``, after
Nintendo's "step on within 10 s of the zero point" rule) before the first sample is delivered.

Samples are stamped with the host's monotonic arrival time (``ClockSource.HOST_ARRIVAL``) and a host
counter ``seq`` (the board has none): every received 0x32/0x34 report takes a number, so a corrupted
report leaves a gap in ``seq``. Each block carries the raw counts (``SampleBlock.raw``), and its events:
front-button presses and releases (``button``), one ``wbb.battery_temp`` event with the battery and
temperature bytes of the block's last 0x34 report, ``wbb.status`` on every status report (after which
the reporting mode is re-sent: the board resets it), ``wbb.bad_reports`` when malformed reports
arrived, and ``wbb.reconnected`` after an automatic reconnection (the gap is also a jump in ``seq``
estimated from the nominal rate; nothing received is lost).

``sim-wbb`` is :class:`SimulatedWiiBalanceBoard`: the same class with a
:class:`~drivers.wii.transport.SimTransport` to the byte-exact simulator, so the protocol, init, tare,
decoding and reconnection code under test is the code a real board runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

import numpy as np

from drivers.device import Device, FoundDevice
from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound, DeviceTimeout
from drivers.model import ClockSource, DeviceEvent, DeviceInfo, SampleBlock
from drivers.options import choice, parse_bool, parse_float_tuple, parse_side
from drivers.sim.board import WBB_SENSOR_POSITIONS_MM
from drivers.sim.clock import FastClock, RealTimeClock, SimClock
from drivers.sim.subject import StandingSubject
from drivers.wii import protocol as p
from drivers.wii.simulator import SimulatedWiiBoard
from drivers.wii.transport import (
    EvdevTransport,
    HidapiTransport,
    HidrawTransport,
    SimTransport,
    Transport,
    find_evdev_nodes,
    find_hidraw_nodes,
)

__all__ = ["SimulatedWiiBalanceBoard", "TareResult", "WiiBalanceBoard"]

log = logging.getLogger(__name__)

CHANNELS = ("TR", "BR", "TL", "BL")
#: Nominal report rate of the board, Hz: the Wii Remote's ceiling of 100 reports/s (§1.9); real rates are
#: irregular, 60-100 Hz.
NOMINAL_RATE_HZ = 100.0
#: An empty board reads within this of zero (total, kg); more during the tare means someone is on it.
TARE_MAX_LOAD_KG = 20.0
MIN_TARE_S = 2.0
#: How the subject stands on the board (protocol-clarifications.md, orientation): "standard" = steps on from
#: the power-button edge and faces away from it (power button behind the heels); "reversed" = faces the
#: power button, which rotates the board frame by 180° (left and right swap, so do front and back).
ORIENTATIONS = {
    "standard": "subject faces away from the power button (power button behind the heels)",
    "reversed": "subject faces the power button (board frame rotated 180 degrees)",
}
EVDEV_CAVEAT = "evdev: kernel-calibrated 10 g units, clamped at 0, fuzz-filtered; not fit for sway research"


def _report_mode(text: str) -> int:
    value = int(text, 0)
    if value not in (0x32, 0x34):
        raise ValueError(f"report_mode must be 0x32 or 0x34, got {text!r}")
    return value


_orientation = choice(*ORIENTATIONS, name="orientation")
_transport_name = choice("auto", "hidraw", "hidapi", "evdev", name="transport")


class TareResult:
    """The tare: mean unloaded load per sensor (kg, TR, BR, TL, BL), over ``duration_s`` and ``n_samples``."""

    __slots__ = ("duration_s", "method", "n_samples", "offset_kg")

    def __init__(self, offset_kg: np.ndarray, duration_s: float, n_samples: int) -> None:
        self.offset_kg = np.asarray(offset_kg, dtype=np.float64)
        self.duration_s = float(duration_s)
        self.n_samples = int(n_samples)
        self.method = "kg-domain mean of the unloaded board (protocol-clarifications W8)"

    def label(self) -> str:
        values = " ".join(f"{n}={v:+.3f}" for n, v in zip(CHANNELS, self.offset_kg, strict=True))
        return f"kg {values}; mean of {self.n_samples} samples over {self.duration_s:.2f} s"


class WiiBalanceBoard(Device):
    """A Wii Balance Board over hidraw, hidapi or evdev.

    Parameters
    ----------
    address : str
        ``/dev/hidrawN``, ``/dev/input/eventN``, a hidapi path, or "" for the first board found.
    transport : {"auto", "hidraw", "hidapi", "evdev"}
        How to reach the board; ``auto`` picks from the address, else hidraw, then evdev, then hidapi.
    tare_s : float
        Tare duration on the unloaded board, s (>= 2; 0 = no tare, the factory zero is used).
    wait_for_subject_s : float
        After a tare, how long ``start()`` waits for someone to step on, s.
    min_load_kg, settle_s : float
        Total load that counts as "someone is on the board", kg, and how long it must last, s.
    report_mode : {0x34, 0x32}
        Data report to ask for (0x34 adds temperature and battery; the kernel's choice).
    reconnect_s : float
        After a link drop, keep trying to reconnect for this long, s (0 = give up at once).
    init_timeout_s : float
        How long to wait for each reply during initialisation, s.
    check_crc : bool
        Also read 0xA40060 so the calibration CRC can be verified (a mismatch warns, never rejects).
    """

    DRIVER: ClassVar[str] = "wbb"
    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        "transport": (_transport_name, "auto, hidraw, hidapi or evdev"),
        "tare_s": (float, "tare duration on the empty board, s (>= 2; 0 = none)"),
        "wait_for_subject_s": (float, "how long to wait for the subject to step on after the tare, s"),
        "min_load_kg": (float, "total load that means someone is on the board, kg"),
        "settle_s": (float, "how long the load must last before recording, s"),
        "report_mode": (_report_mode, "data report 0x34 (with temperature, battery) or 0x32"),
        "reconnect_s": (float, "how long to try reconnecting after a dropout, s"),
        "init_timeout_s": (float, "timeout of each initialisation step, s"),
        "check_crc": (parse_bool, "read 0xA40060 to verify the calibration CRC"),
        "orientation": (_orientation, "standard (power button behind the heels) or reversed"),
    }

    def __init__(
        self,
        address: str = "",
        *,
        transport: str = "auto",
        tare_s: float = MIN_TARE_S,
        wait_for_subject_s: float = 10.0,
        min_load_kg: float = 10.0,
        settle_s: float = 1.0,
        report_mode: int = 0x34,
        reconnect_s: float = 10.0,
        init_timeout_s: float = 2.0,
        check_crc: bool = True,
        orientation: str = "standard",
    ) -> None:
        super().__init__()
        if tare_s != 0 and not tare_s >= MIN_TARE_S:
            raise ValueError(f"tare_s must be >= {MIN_TARE_S} s (or 0 for no tare), got {tare_s}")
        if report_mode not in (0x32, 0x34):
            raise ValueError(f"report_mode must be 0x32 or 0x34, got {report_mode:#x}")
        for name, value in (("wait_for_subject_s", wait_for_subject_s), ("settle_s", settle_s),
                            ("reconnect_s", reconnect_s), ("min_load_kg", min_load_kg)):
            if not value >= 0:
                raise ValueError(f"{name} must be >= 0, got {value}")
        if not init_timeout_s > 0:
            raise ValueError(f"init_timeout_s must be > 0, got {init_timeout_s}")
        self.address = address
        self.transport_name = _transport_name(transport)
        self.tare_s = float(tare_s)
        self.wait_for_subject_s = float(wait_for_subject_s)
        self.min_load_kg = float(min_load_kg)
        self.settle_s = float(settle_s)
        self.report_mode = int(report_mode)
        self.reconnect_s = float(reconnect_s)
        self.init_timeout_s = float(init_timeout_s)
        self.check_crc = bool(check_crc)
        self.orientation = _orientation(orientation)
        self._transport: Transport | None = None
        self._info: DeviceInfo | None = None
        self.calibration: p.Calibration | None = None
        self.tare: TareResult | None = None
        self._reset_counters()

    def _reset_counters(self) -> None:
        self._seq = 0
        self._button = False
        self.bad_reports = 0
        self.status_reports = 0
        self.reconnections = 0
        self._pending_events: list[DeviceEvent] = []
        self._last_t = -np.inf
        self.last_battery: int | None = None
        self.last_temperature: int | None = None
        self.last_status: p.Status | None = None

    # -- discovery ------------------------------------------------------------------------------------

    @classmethod
    def find(cls) -> list[FoundDevice]:
        """Boards attached now: hidraw nodes (057E:0306 on Bluetooth named RVL-WBC) and kernel evdev nodes."""
        found = [
            FoundDevice(cls.DRIVER, path, f"Wii Balance Board, raw HID reports ({name})")
            for path, name in find_hidraw_nodes()
            if "RVL-WBC" in name
        ]
        found += [
            FoundDevice(cls.DRIVER, path, f"Wii Balance Board, kernel evdev node ({EVDEV_CAVEAT})")
            for path, _ in find_evdev_nodes()
        ]
        return found

    def _make_transport(self) -> Transport:
        kind, address = self.transport_name, self.address
        if kind == "auto":
            if address.startswith("/dev/hidraw"):
                kind = "hidraw"
            elif address.startswith("/dev/input/"):
                kind = "evdev"
            elif address:
                kind = "hidapi"
        if kind == "hidraw":
            if not address:
                nodes = [path for path, name in find_hidraw_nodes() if "RVL-WBC" in name]
                if not nodes:
                    raise DeviceNotFound(self._not_found_message("no hidraw node of a Wii Balance Board"))
                address = nodes[0]
            return HidrawTransport(address)
        if kind == "evdev":
            if not address:
                nodes = find_evdev_nodes()
                if not nodes:
                    raise DeviceNotFound(self._not_found_message("no 'Nintendo Wii Remote Balance Board' evdev node"))
                address = nodes[0][0]
            return EvdevTransport(address)
        if kind == "hidapi":
            return HidapiTransport(address)
        # auto without an address: the first board found.
        hidraw = [path for path, name in find_hidraw_nodes() if "RVL-WBC" in name]
        if hidraw:
            return HidrawTransport(hidraw[0])
        evdev_nodes = find_evdev_nodes()
        if evdev_nodes:
            return EvdevTransport(evdev_nodes[0][0])
        raise DeviceNotFound(self._not_found_message("no Wii Balance Board found"))

    @staticmethod
    def _not_found_message(what: str) -> str:
        return (
            f"{what}: switch the board on, press the red SYNC button in the battery compartment and connect it "
            "(bluetoothctl, BlueZ wiimote plugin); see docs/wii-balance-board.md. `station devices` lists what is "
            "attached"
        )

    # -- Device interface -----------------------------------------------------------------------------

    @property
    def info(self) -> DeviceInfo:
        if self._info is None:
            raise DeviceError("the board's information is known after open()")
        return self._info

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            raise DeviceError("the board is not open")
        return self._transport

    def _open(self) -> None:
        self._reset_counters()
        transport = self._make_transport()
        transport.open()
        self._transport = transport
        try:
            if transport.kind == "evdev":
                self.calibration = None
            else:
                self._initialise()
            self._info = self._make_info()
            self.tare = None
            self.tare = self._do_tare() if self.tare_s > 0 else None
        except BaseException:
            transport.close()
            self._transport = None
            raise

    def _make_info(self) -> DeviceInfo:
        transport = self.transport
        evdev = transport.kind == "evdev"
        model = "Nintendo Wii Balance Board RVL-WBC-01"
        if evdev:
            model += f" ({EVDEV_CAVEAT})"
        return DeviceInfo(
            driver=self.DRIVER,
            model=model,
            serial=getattr(transport, "uniq", "") or transport.address,  # the Bluetooth address when known
            nominal_rate_hz=self._nominal_rate_hz(),
            channel_names=CHANNELS,
            channel_units=("N", "N", "N", "N"),
            sensor_positions_mm=self.sensor_positions_mm(),
            surface_size_mm=(433.0, 238.0),
            clock=ClockSource.HOST_ARRIVAL,
            firmware=f"{transport.name}; report {self.report_mode:#04x}" if not evdev else "evdev",
            raw_counts=not evdev,
            simulated=isinstance(transport, SimTransport),
        )

    def _nominal_rate_hz(self) -> float:
        return NOMINAL_RATE_HZ

    def sensor_positions_mm(self) -> tuple[tuple[float, float], ...]:
        """(x, y) of TR, BR, TL, BL in the subject's frame (x to the right, y forward), mm.

        Standard orientation: TR = right forefoot (+216.5, +119). Reversed: rotated by 180°.
        """
        sign = 1.0 if self.orientation == "standard" else -1.0
        return tuple((sign * x, sign * y) for x, y in WBB_SENSOR_POSITIONS_MM)

    def _start(self) -> None:
        self._drain()
        if self.transport.kind == "reports":
            self.transport.write(p.encode_leds(0x1))
            self.transport.write(p.encode_reporting_mode(self.report_mode))
        if self.tare is not None and self.wait_for_subject_s > 0:
            self._wait_for_subject()

    def _stop(self) -> None:
        if self._transport is not None and self._transport.kind == "reports":
            try:
                self._transport.write(p.encode_reporting_mode(0x30))
                self._transport.write(p.encode_leds(0x0))
            except DeviceError:
                pass  # the board is gone already: nothing to stop

    def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def _read(self, timeout_s: float) -> SampleBlock | None:
        try:
            items = self.transport.read(timeout_s)
        except DeviceDisconnected as exc:
            self._reconnect(exc)
            items = []
        return self._process(items, keep=True)

    # -- recording settings -----------------------------------------------------------------------------

    def recording_settings(self) -> dict[str, tuple[Any, str]]:
        """Settings of this board to store with a recording: name -> (value, unit)."""
        out: dict[str, tuple[Any, str]] = {
            "wbb.transport": (self.transport.name if self._transport else self.transport_name, ""),
            "wbb.report_mode": (self.report_mode, ""),
            "wbb.orientation": (f"{self.orientation}: {ORIENTATIONS[self.orientation]}", ""),
            "wbb.timestamps": ("host monotonic arrival time; seq is a host counter", ""),
            "wbb.conversion": ("two-segment 0/17/34 kg interpolation, no clamping; N = kg x 9.80665", ""),
            "wbb.tare_method": ("kg domain: mean unloaded load subtracted per sensor (W8)" if self.tare else "none",
                                ""),
        }
        if self.tare is not None:
            out["wbb.tare_duration_s"] = (self.tare.duration_s, "s")
            out["wbb.tare_n_samples"] = (self.tare.n_samples, "")
            out["wbb.tare_offset_kg"] = (self.tare.offset_kg.copy(), "kg")
        if self.calibration is not None:
            c = self.calibration
            out["wbb.calibration_counts"] = (c.points.astype(np.int64), "counts")
            out["wbb.calibration_crc"] = (c.crc_status.value, "")
        if self._transport is not None and self._transport.kind == "evdev":
            out["wbb.fit_for_sway_research"] = (False, "")
            out["wbb.caveat"] = (EVDEV_CAVEAT, "")
        return out

    # -- initialisation -------------------------------------------------------------------------------

    def _initialise(self) -> None:
        transport = self.transport
        replies: dict[str, bytes] = {}
        self._inbox: list[tuple[int, Any]] = []
        for step in p.init_sequence(self.report_mode, check_crc=self.check_crc):
            transport.write(step.report)
            if step.expect == "status":
                status = self._await(step.name, lambda r: isinstance(r, p.Status))
                assert isinstance(status, p.Status)
                if not status.extension_connected:
                    raise DeviceError(
                        "the board reports no extension: this is a Wii Remote, or the board is not ready "
                        "(replace the batteries and reconnect)"
                    )
            elif step.expect == "ack":
                ack = self._await(step.name, lambda r, rid=step.report[0]: isinstance(r, p.Ack) and r.report_id == rid)
                assert isinstance(ack, p.Ack)
                if not ack.ok:
                    raise DeviceError(f"the board refused initialisation step {step.name!r} (error {ack.error:#04x})")
            elif step.expect == "read":
                replies[step.name] = self._read_memory(step.name, step.read_size)
        self._inbox = []  # anything left over (e.g. early data reports) is not needed
        ext_id = replies["ext-id"]
        if ext_id != p.BALANCE_BOARD_EXTENSION_ID:
            raise DeviceError(
                f"not a Wii Balance Board: extension id {ext_id.hex(' ')}, expected "
                f"{p.BALANCE_BOARD_EXTENSION_ID.hex(' ')}"
            )
        self.calibration = p.parse_calibration_block(replies["calibration"], replies.get("reference-temperature"))
        if self.calibration.crc_status == p.CrcStatus.MISMATCH:
            log.warning("Wii Balance Board calibration CRC mismatch; calibration used anyway")

    def _await(self, step: str, match: Callable[[Any], bool]) -> p.Report:
        transport = self.transport
        deadline = transport.now() + self.init_timeout_s
        while True:
            remaining = deadline - transport.now()
            if remaining <= 0:
                raise DeviceTimeout(
                    f"the board never finished initialisation: no reply to step {step!r} within "
                    f"{self.init_timeout_s:g} s. Switch it off and on, press the red SYNC button, check the batteries"
                )
            if not self._inbox:
                self._inbox.extend(transport.read(remaining))
            while self._inbox:
                _, data = self._inbox.pop(0)
                try:
                    report = p.decode(data)
                except p.MalformedReport:
                    self.bad_reports += 1
                    continue
                if isinstance(report, p.Ack) and not report.ok and not match(report):
                    raise DeviceError(f"the board refused an output report {report.report_id:#04x} during {step!r}")
                if match(report):
                    return report

    def _read_memory(self, step: str, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self._await(step, lambda r: isinstance(r, p.ReadData))
            assert isinstance(chunk, p.ReadData)
            if not chunk.ok:
                raise DeviceError(f"reading board memory for {step!r} failed with error {chunk.error} (W10)")
            data += chunk.data
        return data[:size]

    # -- tare and waiting -----------------------------------------------------------------------------

    def _do_tare(self) -> TareResult:
        """Mean load per sensor over at least ``tare_s`` of samples (first to last arrival), kg."""
        transport = self.transport
        deadline = transport.now() + self.tare_s + 2.0
        blocks: list[SampleBlock] = []
        span = 0.0
        while transport.now() < deadline and span < self.tare_s:
            block = self._process(transport.read(0.1), keep=False)
            if block is not None:
                blocks.append(block)
                span = float(block.t_s[-1] - blocks[0].t_s[0])
        n = sum(b.n_samples for b in blocks)
        if span < self.tare_s or n < 20:
            raise DeviceTimeout(
                f"the tare needs {self.tare_s:g} s of data from the empty board; it sent {n} samples over {span:.2f} s"
            )
        if self.calibration is not None:
            kg = p.raw_to_kg(np.concatenate([b.raw for b in blocks]), self.calibration)
        else:  # evdev: kernel-calibrated forces
            kg = np.concatenate([b.forces_n for b in blocks]).astype(np.float64) / p.STANDARD_GRAVITY_M_S2
        t = np.concatenate([b.t_s for b in blocks])
        total = kg.sum(axis=1)
        if abs(float(np.mean(total))) > TARE_MAX_LOAD_KG:
            raise DeviceError(
                f"the board is loaded ({float(np.mean(total)):.1f} kg) during the tare: step off the board and "
                "start again"
            )
        tare = TareResult(np.nanmean(kg, axis=0), span, t.size)
        log.info("tare done (%s); step on the board", tare.label())
        return tare

    def _wait_for_subject(self) -> None:
        transport = self.transport
        deadline = transport.now() + self.wait_for_subject_s
        loaded_since: float | None = None
        while transport.now() < deadline:
            block = self._process(transport.read(0.1), keep=False)
            if block is None:
                continue
            total = block.forces_n.astype(np.float64).sum(axis=1) / p.STANDARD_GRAVITY_M_S2
            for t, w in zip(block.t_s, total, strict=True):
                if w >= self.min_load_kg:
                    loaded_since = t if loaded_since is None else loaded_since
                    if t - loaded_since >= self.settle_s:
                        return
                else:
                    loaded_since = None
        raise DeviceTimeout(
            f"nobody stepped on the board within {self.wait_for_subject_s:g} s after the tare "
            f"(needs >= {self.min_load_kg:g} kg for {self.settle_s:g} s)"
        )

    def _drain(self) -> None:
        self._process(self.transport.read(0.0), keep=False)

    # -- decoding ---------------------------------------------------------------------------------------

    def _process(self, items: list[tuple[int, Any]], keep: bool) -> SampleBlock | None:
        """Turn received reports into a block; handle status reports, count bad ones."""
        if not items:
            return self._flush_events_only(keep)
        if self.transport.kind == "evdev":
            return self._process_evdev(items, keep)
        sample_t: list[int] = []
        sample_reports: list[bytes] = []
        bad_before = self.bad_reports
        for t_ns, data in items:
            if data and data[0] in (p.ReportId.BUTTONS_EXT8, p.ReportId.BUTTONS_EXT19):
                sample_t.append(t_ns)
                sample_reports.append(data)
                continue
            try:
                report = p.decode(data)
            except p.MalformedReport:
                self.bad_reports += 1
                continue
            if isinstance(report, p.Status):
                self.status_reports += 1
                self.last_status = report
                # The board resets the reporting mode after every status report: ask again.
                self.transport.write(p.encode_reporting_mode(self.report_mode))
                if keep:
                    self._pending_events.append(DeviceEvent(
                        t_ns / 1e9, self._seq, "wbb.status",
                        f"battery VV={report.battery_raw} ({p.status_battery_pct(report.battery_raw)} %), "
                        f"extension={'yes' if report.extension_connected else 'no'}; reporting mode re-sent",
                    ))
            elif isinstance(report, p.ButtonsOnly):
                self._button_event(t_ns / 1e9, report.button, keep)
        if not sample_reports:
            self._note_bad(bad_before, keep)
            return self._flush_events_only(keep)
        matrix, lengths = p.pack_reports(sample_reports)
        dec = p.decode_sample_reports(matrix, lengths)
        n = len(sample_reports)
        seq_all = self._seq + np.arange(n, dtype=np.uint64)
        self._seq += n
        valid = dec.valid
        self.bad_reports += int(n - np.count_nonzero(valid))
        self._note_bad(bad_before, keep)
        if not np.any(valid):
            return self._flush_events_only(keep)
        t = np.asarray(sample_t, dtype=np.int64)[valid] / 1e9
        t = np.maximum.accumulate(np.maximum(t, self._last_t))  # never let arrival times step back
        self._last_t = float(t[-1])
        seq = seq_all[valid]
        raw = dec.raw[valid]
        assert self.calibration is not None
        kg = p.raw_to_kg(raw, self.calibration)
        if self.tare is not None:
            kg = kg - self.tare.offset_kg
        forces = p.kg_to_newtons(kg)
        if keep:
            buttons = dec.button[valid]
            changes = np.flatnonzero(np.diff(np.concatenate([[self._button], buttons]).astype(np.int8)))
            for i in changes:
                self._button_event(float(t[i]), bool(buttons[i]), keep, int(seq[i]))
            has34 = dec.battery[valid] >= 0
            if np.any(has34):
                last = int(np.flatnonzero(has34)[-1])
                self.last_battery = int(dec.battery[valid][last])
                self.last_temperature = int(dec.temperature[valid][last])
                ref = self.calibration.reference_temperature
                self._pending_events.append(DeviceEvent(
                    float(t[last]), int(seq[last]), "wbb.battery_temp",
                    f"battery={self.last_battery} ({p.battery_bars(self.last_battery)}/4 bars) "
                    f"temperature={self.last_temperature} (reference {ref if ref is not None else 'unread'})",
                ))
        else:
            self._button = bool(dec.button[valid][-1])
        events = tuple(self._pending_events) if keep else ()
        if keep:
            self._pending_events = []
        return SampleBlock(
            t_s=t, seq=seq, forces_n=forces.astype(np.float32), host_rx_s=self._host_rx(), raw=raw, events=events
        )

    def _note_bad(self, before: int, keep: bool) -> None:
        if keep and self.bad_reports > before:
            self._pending_events.append(DeviceEvent(
                self._last_t if np.isfinite(self._last_t) else 0.0, self._seq, "wbb.bad_reports",
                f"{self.bad_reports - before} malformed report(s) dropped ({self.bad_reports} so far)",
            ))

    def _button_event(self, t_s: float, pressed: bool, keep: bool, seq: int | None = None) -> None:
        if pressed == self._button:
            return
        self._button = pressed
        if keep:
            self._pending_events.append(DeviceEvent(
                t_s, self._seq if seq is None else seq, "button",
                "front button pressed" if pressed else "front button released",
            ))

    def _flush_events_only(self, keep: bool) -> SampleBlock | None:
        # Events with no sample in this read wait for the next block that has samples.
        return None

    def _host_rx(self) -> float:
        return self.transport.now()

    def _process_evdev(self, items: list[tuple[int, Any]], keep: bool) -> SampleBlock | None:
        n = len(items)
        t = np.array([t_ns for t_ns, _ in items], dtype=np.int64) / 1e9
        t = np.maximum.accumulate(np.maximum(t, self._last_t))
        self._last_t = float(t[-1])
        values = np.array([frame.values_10g for _, frame in items], dtype=np.float64)
        kg = values / 100.0
        if self.tare is not None:
            kg = kg - self.tare.offset_kg
        seq = self._seq + np.arange(n, dtype=np.uint64)
        self._seq += n
        for i, (_, frame) in enumerate(items):
            self._button_event(float(t[i]), frame.button, keep, int(seq[i]))
        events = tuple(self._pending_events) if keep else ()
        if keep:
            self._pending_events = []
        return SampleBlock(
            t_s=t, seq=seq, forces_n=p.kg_to_newtons(kg).astype(np.float32), host_rx_s=self._host_rx(), events=events
        )

    # -- reconnection -----------------------------------------------------------------------------------

    def _reconnect(self, cause: DeviceDisconnected) -> None:
        transport = self.transport
        lost_at = transport.now()
        if self.reconnect_s <= 0:
            raise DeviceDisconnected(f"the Wii Balance Board disconnected: {cause}") from cause
        deadline = lost_at + self.reconnect_s
        last_error: Exception = cause
        while transport.now() < deadline:
            transport.close()
            self._wait(0.5)
            try:
                transport.reopen()
                if transport.kind == "reports":
                    old = self.calibration
                    self._initialise()
                    if old is not None and self.calibration is not None and old.points.tolist() != \
                            self.calibration.points.tolist():
                        raise DeviceError("a different board answered after the reconnect (calibration differs)")
                    transport.write(p.encode_leds(0x1))
            except DeviceError as exc:
                last_error = exc
                continue
            gap = transport.now() - lost_at
            missed = round(gap * self._nominal_rate_hz())
            self._seq += missed
            self.reconnections += 1
            self._pending_events.append(DeviceEvent(
                max(self._last_t, lost_at), self._seq, "wbb.reconnected",
                f"link lost for {gap:.2f} s; about {missed} reports missed (seq advanced by {missed})",
            ))
            log.warning("Wii Balance Board reconnected after %.2f s", gap)
            return
        raise DeviceDisconnected(
            f"the Wii Balance Board disconnected and did not come back within {self.reconnect_s:g} s "
            f"({last_error}); check the batteries and the distance to the Bluetooth adapter"
        ) from cause

    def _wait(self, seconds: float) -> None:
        if isinstance(self._transport, SimTransport):
            self._transport.wait(seconds)
        else:
            time.sleep(seconds)


class SimulatedWiiBalanceBoard(WiiBalanceBoard):
    """``sim-wbb``: a :class:`WiiBalanceBoard` talking to the byte-exact simulator over :class:`SimTransport`.

    The simulated subject steps on at ``step_on_s`` (default: 1.5 s after a tare would end), so the
    device's tare sees an empty board and its wait-for-subject sees the step.
    """

    DRIVER: ClassVar[str] = "sim-wbb"
    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **WiiBalanceBoard.OPTIONS,
        "mass_kg": (float, "body mass of the simulated subject, kg"),
        "affected_side": (parse_side, "painful side of the simulated subject: left or right"),
        "affected_share_pct": (float, "mean % of body weight on the affected limb"),
        "stance_width_mm": (float, "distance between the feet's centres of pressure, mm"),
        "empty": (parse_bool, "nobody on the board"),
        "seed": (int, "random seed"),
        "realtime": (parse_bool, "pace reports by the wall clock"),
        "calibration": (str, "calibration block in the simulator: real or nice"),
        "zero_offset_kg": (parse_float_tuple, "empty-board reading per sensor TR,BR,TL,BL, kg"),
        "step_on_s": (float, "simulated time the subject steps on, s"),
        "mean_interval_ms": (float, "typical interval between reports, ms"),
        "dropout": (float, "probability that a report is lost, 0-1"),
        "bad_report_rate": (float, "probability that a report arrives corrupted, 0-1"),
        "button_at_s": (parse_float_tuple, "times the front button is pressed, s"),
        "status_every_s": (float, "unsolicited status report period, s"),
        "disconnect_at_s": (float, "simulated time the link drops, s"),
        "reconnect_after_s": (float, "how long the link stays down, s"),
        "init_never_finishes": (parse_bool, "the board never acks the extension init"),
    }

    def __init__(
        self,
        address: str = "",
        *,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        affected_share_pct: float = 42.0,
        stance_width_mm: float = 433.0,
        empty: bool = False,
        seed: int = 0,
        realtime: bool = False,
        calibration: str = "real",
        zero_offset_kg: tuple[float, ...] = (0.6, -0.4, 0.3, 0.5),
        step_on_s: float | None = None,
        mean_interval_ms: float = 12.0,
        dropout: float = 0.0,
        bad_report_rate: float = 0.0,
        button_at_s: tuple[float, ...] = (),
        status_every_s: float | None = None,
        disconnect_at_s: float | None = None,
        reconnect_after_s: float | None = None,
        init_never_finishes: bool = False,
        subject: StandingSubject | None = None,
        foot: str | None = None,
        clock: SimClock | None = None,
        **options: Any,
    ) -> None:
        super().__init__(address, **options)
        if subject is None and not empty:
            subject = StandingSubject(
                mass_kg=mass_kg, affected_side=affected_side, affected_share_pct=affected_share_pct,
                stance_width_mm=stance_width_mm, seed=seed,
            )
        self.subject = None if empty else subject
        self.realtime = bool(realtime)
        self.mean_interval_ms = float(mean_interval_ms)
        self._board_kwargs: dict[str, Any] = {
            "step_on_s": self.tare_s + 1.5 if step_on_s is None else float(step_on_s),
            "calibration": calibration,
            "seed": seed,
            "mean_interval_ms": mean_interval_ms,
            "zero_offset_kg": tuple(zero_offset_kg),
            "dropout": dropout,
            "bad_report_rate": bad_report_rate,
            "button_presses_s": tuple(button_at_s),
            "status_every_s": status_every_s,
            "disconnect_at_s": disconnect_at_s,
            "reconnect_after_s": reconnect_after_s,
            "init_never_finishes": init_never_finishes,
            "foot": foot,
            "reversed_subject": self.orientation == "reversed",
        }
        self._clock = clock
        # Validate the simulator's parameters now (constructors do no I/O, but bad values fail early).
        self.board = SimulatedWiiBoard(self.subject, **self._board_kwargs)
        self._sim_transport: SimTransport | None = None

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice(cls.DRIVER, "", "simulated Wii Balance Board (byte-exact HID reports, ~83 Hz jittered)")]

    def _make_transport(self) -> Transport:
        # One transport (and one simulated clock) per device: the board's time never runs backwards
        # across close() and open().
        if self._sim_transport is None:
            clock = self._clock or (RealTimeClock() if self.realtime else FastClock())
            self._sim_transport = SimTransport(self.board, clock, start_clock=self._clock is None)
        return self._sim_transport

    def _nominal_rate_hz(self) -> float:
        return 1000.0 / self.mean_interval_ms
