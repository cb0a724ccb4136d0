"""The Wii Balance Board as a :class:`~drivers.device.Device` (registry ``wbb``): connect, initialise, tare, stream.

``open()`` picks and opens a transport (:mod:`drivers.wii.discovery`), runs the initialisation
(:mod:`drivers.wii.handshake`: status, LED1, extension init, 6-byte ID check, calibration with its CRC,
reporting mode) and then tares (:mod:`drivers.wii.tare`): the mean of ``tare_s`` (≥ 2 s) of the
**unloaded** board, in the kg domain (docs/wii-protocol.md W8), is subtracted from every later
sample. ``start()`` lights LED1 and, after a tare, waits for the subject to step on (load above
``min_load_kg`` for ``settle_s``, within ``wait_for_subject_s``) before the first sample is delivered.

Every read is decoded by :class:`~drivers.wii.block_assembly.BlockAssembler`: host monotonic arrival
times (``ClockSource.HOST_ARRIVAL``), a host counter ``seq``, the raw counts, and the button, status,
battery and bad-report events. After a link drop the device reconnects within ``reconnect_s`` and adds
a ``wbb.reconnected`` event; the gap is also a jump in ``seq`` estimated from the nominal rate
(nothing received is lost).

The simulated board (registry ``sim``) is :class:`~drivers.wii.sim_device.SimulatedWiiBalanceBoard`: this
class over a :class:`~drivers.wii.transports.simulated.SimTransport`.

References
----------
docs/wii-protocol.md §1-2; docs/wii-protocol.md W1-W13.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from drivers.device import Device, FoundDevice
from drivers.errors import DeviceDisconnected, DeviceError
from drivers.model import DeviceEvent, DeviceInfo, SampleBlock
from drivers.options import choice, parse_bool
from drivers.wii import protocol as p
from drivers.wii.block_assembly import BlockAssembler
from drivers.wii.description import ORIENTATIONS, board_info, board_settings, sensor_positions_mm
from drivers.wii.discovery import attached_boards, choose_transport
from drivers.wii.handshake import initialise
from drivers.wii.tare import MIN_TARE_S, TareResult, measure_tare, wait_for_subject
from drivers.wii.transports import Transport, find_evdev_nodes, find_hidraw_nodes

__all__ = ["NOMINAL_RATE_HZ", "WiiBalanceBoard"]

log = logging.getLogger(__name__)

#: Nominal report rate of the board, Hz: the Wii Remote's ceiling of 100 reports/s (§1.9); real rates are
#: irregular, 60-100 Hz.
NOMINAL_RATE_HZ = 100.0


def _report_mode(text: str) -> int:
    value = int(text, 0)
    if value not in (0x32, 0x34):
        raise ValueError(f"report_mode must be 0x32 or 0x34, got {text!r}")
    return value


_orientation = choice(*ORIENTATIONS, name="orientation")
_transport_name = choice("auto", "hidraw", "hidapi", "evdev", name="transport")


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
        self.reconnections = 0
        self._blocks = BlockAssembler(lambda: self.transport.now(), self._resend_reporting_mode)

    @property
    def bad_reports(self) -> int:
        """Malformed reports dropped since ``open()``."""
        return self._blocks.bad_reports

    @property
    def status_reports(self) -> int:
        """Status (0x20) reports received since ``open()``."""
        return self._blocks.status_reports

    @property
    def last_battery(self) -> int | None:
        """E10 battery byte of the latest 0x34 report kept, or None."""
        return self._blocks.last_battery

    @property
    def last_temperature(self) -> int | None:
        """E8 temperature byte of the latest 0x34 report kept, or None."""
        return self._blocks.last_temperature

    def report_battery_again(self) -> None:
        """Give the next block a ``wbb.battery_temp`` event even if battery and temperature did not change."""
        self._blocks.last_battery = self._blocks.last_temperature = None

    @property
    def last_status(self) -> p.Status | None:
        """The latest status report (the one of the initialisation, then any the board sends), or None."""
        return self._blocks.last_status

    @property
    def battery_pct(self) -> float | None:
        """Battery charge from the latest 0x20 status report, % (``status_battery_pct``); None before one."""
        status = self._blocks.last_status
        return None if status is None else float(p.status_battery_pct(status.battery_raw))

    # -- discovery ------------------------------------------------------------------------------------

    @classmethod
    def find(cls) -> list[FoundDevice]:
        """Boards attached now: hidraw nodes (057E:0306 on Bluetooth named RVL-WBC) and kernel evdev nodes."""
        return attached_boards(cls.DRIVER, find_hidraw_nodes, find_evdev_nodes)

    def _make_transport(self) -> Transport:
        return choose_transport(self.transport_name, self.address, find_hidraw_nodes, find_evdev_nodes)

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
        return board_info(self.DRIVER, self.transport, self.report_mode, self._nominal_rate_hz(),
                          self.sensor_positions_mm())

    def _nominal_rate_hz(self) -> float:
        return NOMINAL_RATE_HZ

    def sensor_positions_mm(self) -> tuple[tuple[float, float], ...]:
        """(x, y) of TR, BR, TL, BL in the subject's frame (x to the right, y forward), mm (see ``orientation``)."""
        return sensor_positions_mm(self.orientation)

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
        evdev = self._transport is not None and self._transport.kind == "evdev"
        return board_settings(self.transport.name if self._transport else self.transport_name, self.report_mode,
                              self.orientation, self.tare, self.calibration, evdev)

    # -- initialisation, tare, waiting ------------------------------------------------------------------

    def _initialise(self) -> None:
        self.calibration = initialise(
            self.transport, report_mode=self.report_mode, check_crc=self.check_crc, timeout_s=self.init_timeout_s,
            on_malformed=self._count_malformed, on_status=self._note_status,
        )
        if self.calibration.crc_status == p.CrcStatus.MISMATCH:
            log.warning("Wii Balance Board calibration CRC mismatch; calibration used anyway")

    def _count_malformed(self) -> None:
        self._blocks.bad_reports += 1

    def _note_status(self, status: p.Status) -> None:
        self._blocks.last_status = status

    def _read_block(self, timeout_s: float) -> SampleBlock | None:
        """One transport read, decoded without keeping its events (tare, waiting)."""
        return self._process(self.transport.read(timeout_s), keep=False)

    def _do_tare(self) -> TareResult:
        """Mean load per sensor over at least ``tare_s`` of samples (first to last arrival), kg."""
        tare = measure_tare(self._read_block, self.transport.now, self.tare_s, self.calibration)
        log.info("tare done (%s); step on the board", tare.label())
        return tare

    def _wait_for_subject(self) -> None:
        wait_for_subject(self._read_block, self.transport.now, self.wait_for_subject_s, self.min_load_kg,
                         self.settle_s)

    def _drain(self) -> None:
        self._process(self.transport.read(0.0), keep=False)

    # -- decoding -----------------------------------------------------------------------------------------

    def _process(self, items: list[tuple[int, Any]], keep: bool) -> SampleBlock | None:
        """Turn received reports into a block (:class:`~drivers.wii.block_assembly.BlockAssembler`)."""
        if not items:
            return None
        return self._blocks.process(
            items, keep, evdev=self.transport.kind == "evdev", calibration=self.calibration,
            tare_offset_kg=None if self.tare is None else self.tare.offset_kg,
        )

    def _resend_reporting_mode(self) -> None:
        self.transport.write(p.encode_reporting_mode(self.report_mode))

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
            transport.wait(0.5)
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
            blocks = self._blocks
            blocks.seq += missed
            self.reconnections += 1
            blocks.pending_events.append(DeviceEvent(
                max(blocks.last_t, lost_at), blocks.seq, "wbb.reconnected",
                f"link lost for {gap:.2f} s; about {missed} reports missed (seq advanced by {missed})",
            ))
            log.warning("Wii Balance Board reconnected after %.2f s", gap)
            return
        raise DeviceDisconnected(
            f"the Wii Balance Board disconnected and did not come back within {self.reconnect_s:g} s "
            f"({last_error}); check the batteries and the distance to the Bluetooth adapter"
        ) from cause
