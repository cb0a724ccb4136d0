"""A simulated OFP-1 force plate, as a pyusb backend (``usb.backend.IBackend``).

Tests and the ``sim-plate`` driver pass :class:`SimulatedPlateBackend` to ``usb.core.find(backend=...)``,
so the driver runs pyusb's real ``usb.core`` (descriptors, configuration, claiming, control and bulk
transfers, error mapping) over a byte-exact device model (docs/ofp-1.md §9):

* real descriptors (:mod:`drivers.forceplate.usb_descriptors`): device (bcdUSB 2.10), one configuration,
  one vendor interface (class 0xFF) with bulk IN 0x81 and bulk OUT 0x01 (64 B), strings, a BOS with the
  Microsoft OS 2.0 platform capability and an MS OS 2.0 descriptor set with compatible ID ``WINUSB``;
* the EP0 vendor requests of ``docs/ofp-1.md`` §3 (:mod:`drivers.forceplate.usb_ep0`; unknown or invalid
  ones STALL: errno 32);
* frames at 1000 or 2000 Hz (100 frames/s) from a :class:`~drivers.sim.subject.StandingSubject`, for 4
  load cells or a 6-channel Fx..Mz plate; a status frame every second
  (:mod:`drivers.forceplate.sim_firmware`);
* fault injection with an exact ledger (:class:`FaultPlan`, :class:`FaultLedger`,
  :mod:`drivers.forceplate.usb_faults`): dropped frames (device FIFO overrun, flagged), corrupted bytes,
  duplicated frames, endpoint stalls (EPIPE), silences that make reads time out (errno 110), an unplug
  (errno 19) and a replug that reboots the plate.

This module is the backend itself: enumeration, handles, configuration and claiming, the plug
schedule, and bulk IN transfers paced on the simulated clock.

Time runs on a :class:`~drivers.sim.clock.SimClock`: a ``FastClock`` (tests: 60 s of device time in
about a second) or a ``RealTimeClock``. Reads wait on that clock, so the host side sees the timing a
real plate would give it.
"""

from __future__ import annotations

import errno
import threading
from array import array

import usb.backend
import usb.core

from drivers.forceplate.calibration import Layout
from drivers.forceplate.requests import REQUEST_OUT
from drivers.forceplate.sim_firmware import (
    LOAD_CELL_POSITIONS_MM,
    PlateModel,
)
from drivers.forceplate.usb_access import DEFAULT_PID, DEFAULT_VID
from drivers.forceplate.usb_descriptors import (
    EP_IN,
    EP_OUT,
    MAX_PACKET,
    Descriptor,
    bos_descriptor_bytes,
    descriptor_set,
    ms_os_20_descriptor_set,
)
from drivers.forceplate.usb_ep0 import answer_in, apply_out, stall
from drivers.forceplate.usb_faults import FaultInjector, FaultLedger, FaultPlan
from drivers.sim.clock import FastClock, SimClock
from drivers.sim.subject import StandingSubject

__all__ = ["SimulatedPlateBackend"]


class _Handle:
    def __init__(self, dev: Descriptor) -> None:
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
        self._injector = FaultInjector(self.faults, self.ledger)
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

    #: The BOS and MS OS 2.0 descriptor bytes (Windows binds WinUSB without an INF; docs/ofp-1.md §2).
    bos_descriptor_bytes = staticmethod(bos_descriptor_bytes)
    ms_os_20_descriptor_set = staticmethod(ms_os_20_descriptor_set)

    def _make_descriptors(self) -> None:
        self._device, self._config, self._interface, self._endpoints = descriptor_set(self.vid, self.pid,
                                                                                     self._address)
        self._configuration_value = 0

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

    _stall = staticmethod(stall)

    def ctrl_transfer(self, dev_handle, bmRequestType, bRequest, wValue, wIndex, data, timeout):
        with self._lock:
            self._alive(dev_handle)
            now = self.clock.now()
            if bmRequestType == REQUEST_OUT:
                data = bytes(data)
                apply_out(bRequest, wValue, wIndex, data, model=self.model, now=now, generate=self._generate)
                return len(data)
            reply = answer_in(bmRequestType, bRequest, wValue, wIndex, model=self.model, device=self._device,
                              serial=self.serial, now=now, generate=self._generate)
            n = min(len(reply), len(data))
            data[:n] = array("B", reply[:n])
            return n

    def _generate(self, now: float) -> None:
        """Move the firmware up to ``now``: queue every frame it finished, applying injected faults."""
        for frame, n_samples in self._injector.frames_until(self.model, now):
            self._pending += frame
            self._pending_samples.append((len(self._pending), n_samples))

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
