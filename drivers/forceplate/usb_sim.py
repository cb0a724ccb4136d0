"""A simulated OFP-1 force plate, as a pyusb backend (``usb.backend.IBackend``).

Tests and the ``sim-plate`` driver pass :class:`SimulatedPlateBackend` to ``usb.core.find(backend=...)``,
so the driver runs pyusb's real ``usb.core`` (descriptors, configuration, claiming, control and bulk
transfers, error mapping) over a byte-exact device model (force-plates-and-mats.md §3.1):

* real descriptors: device (bcdUSB 2.10), one configuration, one vendor interface (class 0xFF) with
  bulk IN 0x81 and bulk OUT 0x01 (64 B), strings, a BOS with the Microsoft OS 2.0 platform capability
  and an MS OS 2.0 descriptor set with compatible ID ``WINUSB``;
* the EP0 vendor requests of ``docs/ofp-1.md`` §3 (unknown or invalid ones STALL: errno 32);
* frames at 1000 or 2000 Hz (100 frames/s) from a :class:`~drivers.sim.subject.StandingSubject`, for 4
  load cells or a 6-channel Fx..Mz plate; a status frame every second;
* fault injection with an exact ledger (:class:`FaultPlan`, :class:`FaultLedger`): dropped frames
  (device FIFO overrun, flagged), corrupted bytes, duplicated frames, endpoint stalls (EPIPE),
  silences that make reads time out (errno 110), an unplug (errno 19) and a replug that reboots the plate.

Time runs on a :class:`~drivers.sim.clock.SimClock`: a ``FastClock`` (tests: 60 s of device time in
about a second) or a ``RealTimeClock``. Reads wait on that clock, so the host side sees the timing a
real plate would give it.
"""

from __future__ import annotations

import errno
import struct
import threading
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import usb.backend
import usb.core

from drivers.forceplate import protocol
from drivers.forceplate.calibration import Layout, encode_calibration
from drivers.forceplate.requests import (
    MS_OS_20_VENDOR_CODE,
    REQUEST_IN,
    REQUEST_OUT,
    SET_CALIBRATION_KEY,
    Request,
    encode_info,
    encode_status,
)
from drivers.forceplate.sim_firmware import (
    LOAD_CELL_POSITIONS_MM,
    SUPPORTED_RATES_HZ,
    PlateModel,
    load_cell_calibration,
    six_component_calibration,
)
from drivers.sim.clock import FastClock, SimClock
from drivers.sim.subject import StandingSubject

__all__ = [
    "DEFAULT_PID",
    "DEFAULT_VID",
    "FaultLedger",
    "FaultPlan",
    "PlateModel",
    "SimulatedPlateBackend",
    "load_cell_calibration",
    "six_component_calibration",
]

#: pid.codes test VID/PID (1209:0001). A production plate needs its own PID (docs/ofp-1.md §2).
DEFAULT_VID = 0x1209
DEFAULT_PID = 0x0001
EP_IN = 0x81
EP_OUT = 0x01
MAX_PACKET = 64
_STRINGS = {1: "balance-station", 2: "OFP-1 simulated force plate"}


@dataclass
class FaultPlan:
    """Faults to inject. Probabilities are per frame; times are device-clock seconds since plug-in.

    ``silences`` are (start_s, duration_s) windows where the plate sends nothing (it keeps sampling and
    buffers, so nothing is lost; the host's reads time out). ``stalls_at_s`` halt the bulk IN endpoint
    until the host clears it. ``unplug_at_s`` pulls the cable; ``replug_after_s`` later the plate comes
    back (it rebooted: counters restart at 0).
    """

    drop_prob: float = 0.0
    corrupt_prob: float = 0.0
    duplicate_prob: float = 0.0
    silences: Sequence[tuple[float, float]] = ()
    stalls_at_s: Sequence[float] = ()
    unplug_at_s: float | None = None
    replug_after_s: float | None = None
    seed: int = 0
    #: Per-frame faults (drop, corrupt, duplicate) only between these clock times, s.
    active_from_s: float = 0.0
    active_until_s: float = float("inf")

    def __post_init__(self) -> None:
        for name in ("drop_prob", "corrupt_prob", "duplicate_prob"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must be within [0, 1), got {value}")


@dataclass
class FaultLedger:
    """What was actually injected (the truth the host's accounting is checked against)."""

    dropped_frames: int = 0
    dropped_samples: int = 0
    corrupted_frames: int = 0
    corrupted_samples: int = 0
    corrupted_status_frames: int = 0
    duplicated_frames: int = 0
    stalls: int = 0
    timeouts: int = 0
    unplugs: int = 0
    frames_sent: int = 0
    samples_sent: int = 0  # samples in frames sent intact
    samples_generated: int = 0
    lost_in_unplug_samples: int = 0  # generated but never delivered when the cable was pulled
    corrupted_frame_counters: list[int] = field(default_factory=list)


class _Desc:
    """A descriptor: pyusb copies its attributes with getattr."""

    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)


class _Handle:
    def __init__(self, dev: _Desc) -> None:
        self.dev = dev


class SimulatedPlateBackend(usb.backend.IBackend):
    """One simulated OFP-1 plate on a simulated bus, as a pyusb backend.

    Parameters
    ----------
    layout : Layout
        ``Layout.LOAD_CELLS`` (4 cells, default) or ``Layout.SIX_COMPONENT``.
    subject : StandingSubject, optional
        The person on the plate; a default StandingSubject (stance over the cell lines) when not given.
    empty : bool
        Nobody on the plate.
    rate_hz : int
        Rate at power-up (SET_RATE changes it).
    clock : SimClock, optional
        Default: a FastClock (as fast as possible).
    faults : FaultPlan, optional
    vid, pid : int
        USB ids.
    serial : str
        iSerialNumber string.
    first_index : int
        u32 sample index at boot (near 2**32 to test the wrap).
    read_batch_s : float
        FastClock only: how much device time one read lets pass once data is due (several frames per
        read, like a host that is a little late).
    clock_ppm : float
        How fast the plate's crystal runs against the host clock, parts per million.
    """

    #: Drivers copy this into ``DeviceInfo.simulated``.
    simulated = True

    def __init__(self, layout: Layout = Layout.LOAD_CELLS, subject: StandingSubject | None = None, *,
                 empty: bool = False, rate_hz: int = 1000, clock: SimClock | None = None,
                 faults: FaultPlan | None = None, vid: int = DEFAULT_VID, pid: int = DEFAULT_PID,
                 serial: str = "OFP1-SIM-0001", seed: int = 0, first_index: int = 0,
                 read_batch_s: float = 0.05, clock_ppm: float = 0.0) -> None:
        super().__init__()
        if subject is None and not empty:
            subject = StandingSubject(stance_width_mm=2 * LOAD_CELL_POSITIONS_MM[0][0], seed=seed)
        self.clock: SimClock = clock or FastClock()
        self.fast = isinstance(self.clock, FastClock)
        self.faults = faults or FaultPlan()
        self.ledger = FaultLedger()
        self._fault_rng = np.random.default_rng([self.faults.seed, 11])
        self.layout = Layout(layout)
        self.subject = None if empty else subject
        self.vid, self.pid, self.serial = vid, pid, serial
        self.seed = seed
        self.read_batch_s = read_batch_s
        self._first_index = first_index
        self._lock = threading.RLock()
        self._address = 5
        self.clock_ppm = clock_ppm
        self.model = PlateModel(self.layout, self.subject, rate_hz, seed=seed, first_index=first_index,
                                boot_s=self.clock.now(), serial=serial, clock_ppm=clock_ppm)
        self._pending = bytearray()
        self._pending_samples: list[tuple[int, int]] = []  # (byte end, samples) of frames in _pending
        self._halted = False
        self._stalls = sorted(self.faults.stalls_at_s)
        self._silences = sorted(self.faults.silences)
        self._unplugged = False
        self._unplug_done = False
        self.open_handles = 0
        self._make_descriptors()

    # -- descriptors -----------------------------------------------------------------------------------

    def _make_descriptors(self) -> None:
        self._device = _Desc(
            bLength=18, bDescriptorType=1, bcdUSB=0x0210, bDeviceClass=0, bDeviceSubClass=0, bDeviceProtocol=0,
            bMaxPacketSize0=64, idVendor=self.vid, idProduct=self.pid, bcdDevice=0x0103, iManufacturer=1,
            iProduct=2, iSerialNumber=3, bNumConfigurations=1, address=self._address, bus=1, port_number=2,
            port_numbers=(2,), speed=usb.util.SPEED_FULL,
        )
        self._config = _Desc(bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1, bConfigurationValue=1,
                             iConfiguration=0, bmAttributes=0x80, bMaxPower=50, extra_descriptors=[])
        self._interface = _Desc(bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
                                bNumEndpoints=2, bInterfaceClass=0xFF, bInterfaceSubClass=0, bInterfaceProtocol=0,
                                iInterface=0, extra_descriptors=[])
        self._endpoints = [
            _Desc(bLength=7, bDescriptorType=5, bEndpointAddress=EP_IN, bmAttributes=2, wMaxPacketSize=MAX_PACKET,
                  bInterval=0, bRefresh=0, bSynchAddress=0, extra_descriptors=[]),
            _Desc(bLength=7, bDescriptorType=5, bEndpointAddress=EP_OUT, bmAttributes=2, wMaxPacketSize=MAX_PACKET,
                  bInterval=0, bRefresh=0, bSynchAddress=0, extra_descriptors=[]),
        ]
        self._configuration_value = 0

    def _device_descriptor_bytes(self) -> bytes:
        d = self._device
        return struct.pack("<BBHBBBBHHHBBBB", 18, 1, d.bcdUSB, 0, 0, 0, 64, d.idVendor, d.idProduct, d.bcdDevice,
                           1, 2, 3, 1)

    def _config_descriptor_bytes(self) -> bytes:
        cfg = struct.pack("<BBHBBBBB", 9, 2, 32, 1, 1, 0, 0x80, 50)
        intf = struct.pack("<BBBBBBBBB", 9, 4, 0, 0, 2, 0xFF, 0, 0, 0)
        eps = b"".join(struct.pack("<BBBBHB", 7, 5, ep, 2, MAX_PACKET, 0) for ep in (EP_IN, EP_OUT))
        return cfg + intf + eps

    @staticmethod
    def bos_descriptor_bytes() -> bytes:
        """BOS with the Microsoft OS 2.0 platform capability (Windows then binds WinUSB, no INF)."""
        uuid = bytes.fromhex("DF60DDD88945C74C9CD2659D9E648A9F")  # {D8DD60DF-4589-4CC7-9CD2-659D9E648A9F}
        cap = struct.pack("<BBBB", 28, 0x10, 0x05, 0) + uuid + struct.pack(
            "<IHBB", 0x06030000, len(SimulatedPlateBackend.ms_os_20_descriptor_set()), MS_OS_20_VENDOR_CODE, 0)
        return struct.pack("<BBHB", 5, 0x0F, 5 + len(cap), 1) + cap

    @staticmethod
    def ms_os_20_descriptor_set() -> bytes:
        """MS OS 2.0 descriptor set: header + compatible ID WINUSB (single-interface device)."""
        compat = struct.pack("<HH", 20, 0x03) + b"WINUSB\0\0" + bytes(8)
        return struct.pack("<HHIH", 10, 0x00, 0x06030000, 10 + len(compat)) + compat

    # -- IBackend: enumeration ----------------------------------------------------------------------------

    def _check_plug(self) -> None:
        """Apply the unplug / replug schedule at the current clock time."""
        f = self.faults
        now = self.clock.now()
        if f.unplug_at_s is not None and not self._unplug_done and now >= f.unplug_at_s:
            self._pull_cable(f.unplug_at_s)
        if self._unplugged and f.replug_after_s is not None and now >= f.unplug_at_s + f.replug_after_s:
            self._plug_in(f.unplug_at_s + f.replug_after_s)

    def _pull_cable(self, at_s: float) -> None:
        self._generate(at_s)
        self.ledger.unplugs += 1
        self.ledger.lost_in_unplug_samples += sum(n for _, n in self._pending_samples)
        self._pending.clear()
        self._pending_samples.clear()
        self._unplugged = True
        self._unplug_done = True

    def _plug_in(self, at_s: float) -> None:
        self._unplugged = False
        self._address += 1
        self.model = PlateModel(self.layout, self.subject, self.model.rate_hz, seed=self.seed + 1,
                                first_index=self._first_index, boot_s=at_s, serial=self.serial,
                                clock_ppm=self.clock_ppm)
        self._halted = False
        self._make_descriptors()

    @property
    def plugged(self) -> bool:
        with self._lock:
            self._check_plug()
            return not self._unplugged

    def _gone(self) -> None:
        raise usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)

    def _alive(self, handle: _Handle | None = None) -> None:
        self._check_plug()
        if self._unplugged or (handle is not None and handle.dev is not self._device):
            self._gone()

    def enumerate_devices(self):
        with self._lock:
            self._check_plug()
            return [] if self._unplugged else [self._device]

    def get_parent(self, dev):
        return None

    def get_device_descriptor(self, dev):
        return dev

    def get_configuration_descriptor(self, dev, config):
        if config != 0:
            raise IndexError(f"configuration index {config} out of range")
        return self._config

    def get_interface_descriptor(self, dev, intf, alt, config):
        if config != 0 or intf != 0 or alt != 0:
            raise IndexError(f"interface ({intf}, {alt}) out of range")
        return self._interface

    def get_endpoint_descriptor(self, dev, ep, intf, alt, config):
        if config != 0 or intf != 0 or alt != 0 or not 0 <= ep < 2:
            raise IndexError(f"endpoint {ep} out of range")
        return self._endpoints[ep]

    def open_device(self, dev):
        with self._lock:
            self._alive()
            if dev is not self._device:
                self._gone()
            self.open_handles += 1
            return _Handle(dev)

    def close_device(self, dev_handle):
        with self._lock:
            self.open_handles -= 1

    def set_configuration(self, dev_handle, config_value):
        with self._lock:
            self._alive(dev_handle)
            if config_value not in (0, 1):
                self._stall()
            self._configuration_value = config_value

    def get_configuration(self, dev_handle):
        with self._lock:
            self._alive(dev_handle)
            return self._configuration_value

    def set_interface_altsetting(self, dev_handle, intf, altsetting):
        with self._lock:
            self._alive(dev_handle)
            if intf != 0 or altsetting != 0:
                self._stall()

    def claim_interface(self, dev_handle, intf):
        with self._lock:
            self._alive(dev_handle)
            if intf != 0:
                raise usb.core.USBError("Entity not found", -5, errno.ENOENT)

    def release_interface(self, dev_handle, intf):
        with self._lock:
            self._alive(dev_handle)

    def is_kernel_driver_active(self, dev_handle, intf):
        return False  # no kernel driver binds class 0xFF

    def detach_kernel_driver(self, dev_handle, intf):
        raise usb.core.USBError("Entity not found", -5, errno.ENOENT)

    def attach_kernel_driver(self, dev_handle, intf):
        pass  # nothing was detached

    def reset_device(self, dev_handle):
        with self._lock:
            self._alive(dev_handle)

    def clear_halt(self, dev_handle, ep):
        with self._lock:
            self._alive(dev_handle)
            if ep == EP_IN:
                self._halted = False

    # -- IBackend: transfers ---------------------------------------------------------------------------

    @staticmethod
    def _stall() -> None:
        raise usb.core.USBError("Pipe error", -9, errno.EPIPE)

    def ctrl_transfer(self, dev_handle, bmRequestType, bRequest, wValue, wIndex, data, timeout):
        with self._lock:
            self._alive(dev_handle)
            now = self.clock.now()
            model = self.model
            reply: bytes | None = None
            if bmRequestType == 0x80 and bRequest == 0x06:  # GET_DESCRIPTOR
                kind, index = wValue >> 8, wValue & 0xFF
                if kind == 1:
                    reply = self._device_descriptor_bytes()
                elif kind == 2 and index == 0:
                    reply = self._config_descriptor_bytes()
                elif kind == 3:
                    reply = self._string(index)
                elif kind == 0x0F:
                    reply = self.bos_descriptor_bytes()
                else:
                    self._stall()
            elif bmRequestType == REQUEST_IN and bRequest == MS_OS_20_VENDOR_CODE and wIndex == 7:
                reply = self.ms_os_20_descriptor_set()
            elif bmRequestType == REQUEST_IN:
                if bRequest == Request.GET_INFO:
                    reply = encode_info(model.info())
                elif bRequest == Request.GET_CALIBRATION:
                    reply = encode_calibration(model.calibration)
                elif bRequest == Request.GET_STATUS:
                    self._generate(now)
                    reply = encode_status(model.status(now))
                elif bRequest == Request.GET_TIME:
                    reply = struct.pack("<Q", model.device_us(now))
                else:
                    self._stall()
            elif bmRequestType == REQUEST_OUT:
                return self._vendor_out(bRequest, wValue, wIndex, bytes(data), now)
            else:
                self._stall()
            assert reply is not None
            n = min(len(reply), len(data))
            data[:n] = array("B", reply[:n])
            return n

    def _string(self, index: int) -> bytes:
        if index == 0:
            return bytes([4, 3]) + struct.pack("<H", 0x0409)
        text = {**_STRINGS, 3: self.serial}.get(index)
        if text is None:
            self._stall()
        body = text.encode("utf-16-le")
        return bytes([2 + len(body), 3]) + body

    def _vendor_out(self, request: int, value: int, index: int, data: bytes, now: float) -> int:
        model = self.model
        if request == Request.SET_RATE:
            if model.streaming or value not in SUPPORTED_RATES_HZ:
                self._stall()
            model.rate_hz = value
        elif request == Request.START:
            model.start(now)
        elif request == Request.STOP:
            self._generate(now)
            model.streaming = False
        elif request == Request.TARE:
            if not 1 <= value <= 65535:
                self._stall()
            self._generate(now)
            model.start_tare(value, now)
        elif request == Request.SET_CALIBRATION:
            from drivers.forceplate.calibration import decode_calibration

            if model.streaming or index != SET_CALIBRATION_KEY:
                self._stall()
            try:
                cal = decode_calibration(data)
            except ValueError:
                self._stall()
            if cal.n_channels != model.k:
                self._stall()
            model.calibration = cal
        else:
            self._stall()
        return len(data)

    def _generate(self, now: float) -> None:
        """Move the firmware up to ``now``: queue every frame it finished, applying injected faults."""
        f, led, rng = self.faults, self.ledger, self._fault_rng
        active = f.active_from_s <= now < f.active_until_s
        for ftype, n_samples, frame in self.model.frames_until(now):
            if ftype == protocol.FrameType.SAMPLES:
                led.samples_generated += n_samples
            if active and ftype == protocol.FrameType.SAMPLES and f.drop_prob and rng.random() < f.drop_prob:
                led.dropped_frames += 1
                led.dropped_samples += n_samples
                self.model.dropped_total += n_samples
                self.model.overrun_pending = True
                continue
            if ftype == protocol.FrameType.SAMPLES and self.model.overrun_pending:
                # The FIFO overflowed before this frame: flag it (and fix the CRC, as firmware would).
                head = bytearray(frame[:-4])
                head[6] |= protocol.FrameFlags.OVERRUN
                frame = bytes(head) + struct.pack("<I", zlib.crc32(head))
                self.model.overrun_pending = False
            copies = [frame]
            if active and f.corrupt_prob and rng.random() < f.corrupt_prob:
                bad = bytearray(frame)
                pos = int(rng.integers(0, len(bad)))
                bad[pos] ^= int(rng.integers(1, 256))
                copies = [bytes(bad)]
                if ftype == protocol.FrameType.SAMPLES:
                    led.corrupted_frames += 1
                    led.corrupted_samples += n_samples
                else:
                    led.corrupted_status_frames += 1
                led.corrupted_frame_counters.append(int.from_bytes(frame[8:12], "little"))
            elif (active and f.duplicate_prob and ftype == protocol.FrameType.SAMPLES
                  and rng.random() < f.duplicate_prob):
                copies = [frame, frame]
                led.duplicated_frames += 1
                led.samples_sent += n_samples
            elif ftype == protocol.FrameType.SAMPLES:
                led.samples_sent += n_samples
            for c in copies:
                self._pending += c
                self._pending_samples.append((len(self._pending), n_samples if ftype == 1 else 0))
                led.frames_sent += 1

    def _silent_until(self, now: float) -> float | None:
        for start, duration in self._silences:
            if start <= now < start + duration:
                return start + duration
        return None

    def _take(self, n: int) -> bytes:
        out = bytes(self._pending[:n])
        del self._pending[:n]
        kept = [(end - n, s) for end, s in self._pending_samples if end - n > 0]
        self._pending_samples = kept
        return out

    def bulk_write(self, dev_handle, ep, intf, data, timeout):
        with self._lock:
            self._alive(dev_handle)
            if ep != EP_OUT:
                self._stall()
            return len(data)  # EP 0x01 is reserved in OFP-1 v1: accepted and ignored

    def bulk_read(self, dev_handle, ep, intf, buff, timeout):
        if ep != EP_IN:
            self._stall()
        size = len(buff)
        if size % MAX_PACKET:
            # libusb: a buffer that is not a multiple of wMaxPacketSize can overflow mid-packet.
            raise usb.core.USBError("Overflow", -8, errno.EOVERFLOW)
        timeout_s = (timeout if timeout else 1000) / 1000.0
        with self._lock:
            self._alive(dev_handle)
            start = self.clock.now()
            deadline = start + timeout_s
            # A scheduled stall halts the endpoint; reads fail until the host clears it.
            while self._stalls and self._stalls[0] <= start:
                self._stalls.pop(0)
                self._halted = True
                self.ledger.stalls += 1
            if self._halted:
                self._stall()
            while True:
                now = self.clock.now()
                self._generate(now)
                self._check_plug()
                if self._unplugged:
                    self._gone()
                silent = self._silent_until(now)
                if self._pending and silent is None:
                    data = self._take(size)
                    buff[: len(data)] = array("B", data)
                    return len(data)
                # Nothing to send yet: when will there be?
                due = silent if silent is not None else (
                    self.model.next_frame_due_s() if self.model.streaming else float("inf"))
                if silent is None and self.faults.unplug_at_s is not None and not self._unplug_done:
                    due = min(due, self.faults.unplug_at_s)
                if due > deadline:
                    self.clock.wait_until(deadline, timeout_s)
                    if self.clock.now() >= deadline:
                        self.ledger.timeouts += 1
                        raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
                    continue
                target = min(due + (self.read_batch_s if self.fast else 0.0), deadline)
                if silent is not None:
                    target = due
                self._lock.release()
                try:
                    self.clock.wait_until(target, max(target - now, 0.0))
                finally:
                    self._lock.acquire()

    def intr_read(self, dev_handle, ep, intf, buff, timeout):
        self._stall()

    def intr_write(self, dev_handle, ep, intf, data, timeout):
        self._stall()
