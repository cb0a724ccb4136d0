"""The OFP-1 force plate as a :class:`~drivers.device.Device`, over pyusb (registry ``plate``).

Open: find the plate by VID/PID (and serial, the device address), set the configuration, claim the
vendor interface, read GET_INFO, the calibration block and the tare, anchor the device clock to the
host clock with a bracketed GET_TIME. Read: large bulk reads (16 KiB, a multiple of wMaxPacketSize)
with short timeouts (150 ms by default, docs/ofp-1.md §9), fed to the
:class:`~drivers.forceplate.stream_parser.StreamParser`; :class:`~drivers.forceplate.timeline.PlateTimeline`
turns what it parses into blocks on the host time base, raw counts always kept (``DeviceInfo.raw_counts``).
The engine's reader thread is the one thread that reads: ``read()`` does the bulk transfers itself, so
no second thread shares the pyusb device (pyusb #218, #325). pyusb itself is reached through
:mod:`drivers.forceplate.usb_access`.

Faults: a timeout (errno 110) is an idle read; a STALL on the bulk endpoint (errno 32) is cleared and
reading goes on; an unplug (errno 19) makes the plate wait up to ``reconnect_s`` for the same plate to
come back, then resumes with an event saying how long it was away and how many samples that cost.
Two plates share a time base (see :mod:`drivers.forceplate.pair`).

References
----------
``docs/ofp-1.md`` §3 (EP0 requests), §6.3 (host behaviour).
"""

from __future__ import annotations

import errno
import time
from array import array
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from drivers.device import Device, FoundDevice
from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound, DeviceStateError
from drivers.forceplate.calibration import Calibration, Layout, decode_calibration
from drivers.forceplate.commands import store_calibration, tare_plate
from drivers.forceplate.protocol import ParsedChunk, StreamParser
from drivers.forceplate.requests import (
    REQUEST_IN,
    REQUEST_OUT,
    DeviceInfoReply,
    Request,
    decode_info,
    decode_status,
    decode_time,
)
from drivers.forceplate.timeline import PlateTimeline
from drivers.forceplate.usb_access import (
    DEFAULT_PID,
    DEFAULT_VID,
    EP_IN,
    import_pyusb,
    parse_usb_id,
    real_backend,
    serial_of,
    usb_error,
)
from drivers.model import SIX_COMPONENT_CHANNELS, SIX_COMPONENT_UNITS, ChannelLayout, DeviceInfo, SampleBlock
from drivers.sim.clock import SimClock

__all__ = ["ForcePlate", "MonotonicClock"]

READ_SIZE = 16384  # bytes per bulk read: a multiple of 64 and 512
_CTRL_TIMEOUT_MS = 500


class MonotonicClock:
    """The host's monotonic clock in s, with the SimClock interface."""

    def start(self) -> None:
        pass

    def now(self) -> float:
        return time.monotonic()

    def wait_until(self, t_s: float, timeout_s: float) -> bool:
        delay = t_s - time.monotonic()
        if delay > 0:
            time.sleep(min(delay, timeout_s))
        return time.monotonic() >= t_s


class ForcePlate(Device):
    """An OFP-1 USB force plate (``docs/ofp-1.md``).

    Parameters
    ----------
    address : str
        Serial number of the plate to open ("" = the first one found).
    vid, pid : int
        USB vendor and product id.
    rate_hz : int, optional
        Sampling rate to set (SET_RATE); default: the plate's current rate.
    read_timeout_ms : int
        Timeout of each bulk read, ms (100-200 recommended).
    reconnect_s : float
        How long to wait for an unplugged plate to come back, s (0: fail at once).
    tare_samples : int
        If > 0, tare over that many samples at open (the plate must be empty).
    backend : usb.backend.IBackend, optional
        pyusb backend; default libusb-1.0 (:func:`real_backend`). Tests pass the simulated plate.
    clock : SimClock, optional
        Host clock (default: ``time.monotonic``); simulators share theirs.
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        "vid": (parse_usb_id, "USB vendor id, hex (default 1209)"),
        "pid": (parse_usb_id, "USB product id, hex (default 0001)"),
        "rate_hz": (int, "sampling rate, Hz (the plate's supported rates)"),
        "read_timeout_ms": (int, "timeout of each bulk read, ms"),
        "reconnect_s": (float, "how long to wait for an unplugged plate to come back, s"),
        "tare_samples": (int, "tare over this many samples at open (plate empty), 0 = no tare"),
    }
    DRIVER = "plate"

    def __init__(self, address: str = "", *, vid: int = DEFAULT_VID, pid: int = DEFAULT_PID,
                 rate_hz: int | None = None, read_timeout_ms: int = 150, reconnect_s: float = 5.0,
                 tare_samples: int = 0, backend: Any = None, clock: SimClock | None = None) -> None:
        super().__init__()
        if not 10 <= read_timeout_ms <= 1000:
            raise ValueError(f"read_timeout_ms must be within 10-1000 ms, got {read_timeout_ms}")
        if reconnect_s < 0:
            raise ValueError(f"reconnect_s must be >= 0, got {reconnect_s}")
        if not 0 <= tare_samples <= 65535:
            raise ValueError(f"tare_samples must be within 0-65535, got {tare_samples}")
        self.serial = address
        self.vid, self.pid = vid, pid
        self.rate_hz = rate_hz
        self.read_timeout_ms = read_timeout_ms
        self.reconnect_s = reconnect_s
        self.tare_samples = tare_samples
        self._backend = backend
        self.clock: SimClock = clock or MonotonicClock()
        self._dev: Any = None
        self._info: DeviceInfo | None = None
        self.plate_info: DeviceInfoReply | None = None
        self.calibration: Calibration | None = None
        self.tare_counts = np.zeros(0, dtype=np.int64)
        self._parser: StreamParser | None = None
        self._buffer = array("B", bytes(READ_SIZE))
        self._timeline = PlateTimeline()
        # Counters for diagnostics and tests.
        self.timeouts = 0
        self.stalls_cleared = 0
        self.reconnects = 0

    # -- discovery ------------------------------------------------------------------------------------

    @classmethod
    def find(cls) -> list[FoundDevice]:
        """Plates attached now (nothing, without an exception, when pyusb/libusb or a plate is missing)."""
        try:
            usb = import_pyusb()
            backend = real_backend()
            found = list(usb.core.find(find_all=True, backend=backend, idVendor=DEFAULT_VID, idProduct=DEFAULT_PID))
        except (DeviceError, OSError, ValueError):
            return []
        out = []
        for dev in found:
            try:
                serial = dev.serial_number or ""
            except (OSError, ValueError):
                serial = ""  # no permission to read strings: still list it
            out.append(FoundDevice(cls.DRIVER, serial, f"OFP-1 force plate {DEFAULT_VID:04x}:{DEFAULT_PID:04x}"))
        return out

    @property
    def info(self) -> DeviceInfo:
        if self._info is None:
            raise DeviceStateError("the plate's description is read at open(); open it first")
        return self._info

    # -- USB helpers -----------------------------------------------------------------------------------

    def _ctrl_in(self, request: Request, length: int, value: int = 0) -> bytes:
        return bytes(self._dev.ctrl_transfer(REQUEST_IN, request, value, 0, length, _CTRL_TIMEOUT_MS))

    def _ctrl_out(self, request: Request, value: int = 0, index: int = 0, data: bytes | None = None) -> None:
        self._dev.ctrl_transfer(REQUEST_OUT, request, value, index, data, _CTRL_TIMEOUT_MS)

    def _connect(self) -> None:
        """Find, configure, claim, read identity, calibration, tare and the clock offset."""
        usb = import_pyusb()
        backend = self._backend if self._backend is not None else real_backend()
        match = None if not self.serial else (lambda d: serial_of(d) == self.serial)
        try:
            dev = usb.core.find(backend=backend, idVendor=self.vid, idProduct=self.pid, custom_match=match)
        except usb.core.USBError as exc:
            raise usb_error(exc, "looking for it") from exc
        if dev is None:
            which = f" with serial {self.serial}" if self.serial else ""
            raise DeviceNotFound(f"no OFP-1 force plate {self.vid:04x}:{self.pid:04x}{which} is attached "
                                 "(plugged in? permission: station udev-rules)")
        self._dev = dev
        try:
            try:
                cfg = dev.get_active_configuration()
            except usb.core.USBError:
                cfg = None
            if cfg is None or cfg.bConfigurationValue != 1:
                dev.set_configuration(1)
            usb.util.claim_interface(dev, 0)
            self.plate_info = decode_info(self._ctrl_in(Request.GET_INFO, 512))
            self.calibration = decode_calibration(self._ctrl_in(Request.GET_CALIBRATION, 1024))
            if self.rate_hz is not None and self.rate_hz != self.plate_info.rate_hz:
                if self.rate_hz not in self.plate_info.supported_rates_hz:
                    raise ValueError(f"the plate supports {self.plate_info.supported_rates_hz} Hz, not {self.rate_hz}")
                self._ctrl_out(Request.SET_RATE, self.rate_hz)
            self.rate = float(self.rate_hz or self.plate_info.rate_hz)
            status = decode_status(self._ctrl_in(Request.GET_STATUS, 512))
            self.tare_counts = np.asarray(status.tare_counts, dtype=np.int64)
            self.serial_number = serial_of(dev)
        except usb.core.USBError as exc:
            self._release()
            raise usb_error(exc, "opening it") from exc
        except ValueError as exc:
            self._release()
            raise DeviceError(f"the force plate sent an invalid reply: {exc}") from exc
        if self.calibration.n_channels != self.plate_info.n_channels:
            self._release()
            raise DeviceError(f"calibration is for {self.calibration.n_channels} channels, plate has "
                              f"{self.plate_info.n_channels}")

    @property
    def anchor_s(self) -> float:
        """Host-minus-device offset, s, that maps the current segment's device times to ``t_s``."""
        if self._parser is None or self._parser.segment not in self._timeline.anchor_s:
            raise DeviceStateError("the plate's clock is anchored at start(); start it first")
        return self._timeline.anchor_s[self._parser.segment]

    def clock_offset_s(self) -> float:
        """Host time minus device time, s, from a GET_TIME bracketed by two host clock readings."""
        before = self.clock.now()
        device_us = decode_time(self._ctrl_in(Request.GET_TIME, 8))
        after = self.clock.now()
        return (before + after) / 2.0 - device_us * 1e-6

    def _release(self) -> None:
        if self._dev is None:
            return
        usb = import_pyusb()
        try:
            usb.util.release_interface(self._dev, 0)
        except (usb.core.USBError, ValueError):
            pass  # already gone
        usb.util.dispose_resources(self._dev)
        self._dev = None

    # -- Device hooks ----------------------------------------------------------------------------------

    def _open(self) -> None:
        self._connect()
        pi, cal = self.plate_info, self.calibration
        assert pi is not None and cal is not None
        if cal.n_outputs != cal.n_channels:
            self._release()
            raise DeviceError(f"a {cal.n_outputs} x {cal.n_channels} calibration cannot be recorded beside raw "
                              "counts of the same shape; this driver needs m = k")
        if pi.layout == Layout.SIX_COMPONENT:
            names, units, positions = SIX_COMPONENT_CHANNELS, SIX_COMPONENT_UNITS, None
            layout = ChannelLayout.SIX_COMPONENT
        else:
            names = tuple(f"C{i + 1}" for i in range(pi.n_channels))
            units, positions, layout = ("N",) * pi.n_channels, pi.channel_positions_mm, ChannelLayout.LOAD_CELLS
        self._info = DeviceInfo(
            driver=self.DRIVER, model=f"OFP-1 force plate, model {pi.model_id}", serial=self.serial_number,
            nominal_rate_hz=self.rate, channel_names=names, channel_units=units, layout=layout,
            sensor_positions_mm=positions, surface_size_mm=pi.surface_size_mm, origin_offset_mm=pi.origin_offset_mm,
            firmware=pi.firmware, raw_counts=True, simulated=bool(getattr(self._backend, "simulated", False)),
        )
        if self.tare_samples:
            self.tare(self.tare_samples)

    def _start(self) -> None:
        assert self.calibration is not None
        self._parser = StreamParser(n_channels=self.calibration.n_channels, rate_hz=self.rate)
        self._timeline.anchor_s = {0: self.clock_offset_s()}
        try:
            self._ctrl_out(Request.START)
        except OSError as exc:
            raise usb_error(exc, "starting it") from exc

    def _stop(self) -> None:
        if self._dev is None:
            return
        try:
            self._ctrl_out(Request.STOP)
        except OSError as exc:
            if exc.errno != errno.ENODEV:
                raise usb_error(exc, "stopping it") from exc

    def _close(self) -> None:
        self._release()

    def tare(self, n_samples: int = 500, timeout_s: float = 5.0) -> np.ndarray:
        """Zero the plate over ``n_samples`` (plate empty, not streaming); returns the tare in counts.

        The device averages the samples and reports the new tare in GET_STATUS; raw counts are recorded
        unchanged, only the conversion to newtons uses the tare.
        """
        if self.state != "open":
            raise DeviceStateError(f"tare() needs an open plate that is not streaming; it is {self.state}")
        if not 1 <= n_samples <= 65535:
            raise ValueError(f"n_samples must be within 1-65535, got {n_samples}")
        self.tare_counts = tare_plate(self._ctrl_in, self._ctrl_out, self.clock, n_samples, timeout_s)
        return self.tare_counts.copy()

    def write_calibration(self, calibration: Calibration) -> None:
        """Store a new calibration block in the plate (SET_CALIBRATION), then read it back to verify.

        Only while open and not streaming; the block must be for this plate's channel count.
        """
        if self.state != "open":
            raise DeviceStateError(f"write_calibration() needs an open plate that is not streaming; it is {self.state}")
        if self.calibration is not None and calibration.n_channels != self.calibration.n_channels:
            raise ValueError(f"the plate has {self.calibration.n_channels} channels, the calibration "
                             f"{calibration.n_channels}")
        self.calibration = store_calibration(self._ctrl_in, self._ctrl_out, calibration)

    def _read(self, timeout_s: float) -> SampleBlock | None:
        usb = import_pyusb()
        assert self._parser is not None
        deadline = time.monotonic() + timeout_s
        while True:
            if self._dev is None:
                self._reconnect()
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            try:
                n = self._dev.read(EP_IN, self._buffer, max(min(self.read_timeout_ms, remaining_ms), 1))
            except usb.core.USBTimeoutError:
                self.timeouts += 1
                n = 0
            except usb.core.USBError as exc:
                if exc.errno == errno.EPIPE:
                    self._clear_stall()
                    continue
                if exc.errno == errno.ENODEV:
                    self._on_unplug()
                    continue
                raise usb_error(exc, "reading samples") from exc
            if n:
                chunk = self._parser.feed(memoryview(self._buffer)[:n])
                block = self._to_block(chunk)
                if block is not None:
                    return block
            if time.monotonic() >= deadline:
                return None

    # -- faults ------------------------------------------------------------------------------------------

    def _clear_stall(self) -> None:
        usb = import_pyusb()
        try:
            self._dev.clear_halt(EP_IN)
        except usb.core.USBError as exc:
            if exc.errno == errno.ENODEV:
                self._on_unplug()
                return
            raise usb_error(exc, "clearing a stalled endpoint") from exc
        self.stalls_cleared += 1
        assert self._parser is not None
        self._timeline.note(self._parser, "stall", "bulk endpoint stalled; cleared")

    def _on_unplug(self) -> None:
        self._release()
        if self.reconnect_s <= 0:
            raise DeviceDisconnected("the force plate was unplugged")
        self._timeline.reconnect_from = self._timeline.last_t_s
        self._unplugged_at = self.clock.now()

    def _reconnect(self) -> None:
        deadline = self._unplugged_at + self.reconnect_s
        while True:
            try:
                self._connect()
                self._ctrl_out(Request.START)
                break
            except (DeviceNotFound, DeviceDisconnected):
                self._release()
            if self.clock.now() >= deadline:
                raise DeviceDisconnected(f"the force plate was unplugged and did not come back within "
                                         f"{self.reconnect_s} s")
            self.clock.wait_until(self.clock.now() + 0.1, 0.1)
        assert self._parser is not None
        self._parser.reset()
        self._timeline.anchor_s[self._parser.segment] = self.clock_offset_s()
        self.reconnects += 1

    # -- blocks ------------------------------------------------------------------------------------------

    def _to_block(self, chunk: ParsedChunk) -> SampleBlock | None:
        assert self._parser is not None and self.calibration is not None
        return self._timeline.to_block(chunk, self._parser, clock_offset_s=self.clock_offset_s, rate=self.rate,
                                       calibration=self.calibration, tare_counts=self.tare_counts, now=self.clock.now)
