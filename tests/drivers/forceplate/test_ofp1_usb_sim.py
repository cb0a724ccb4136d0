"""The simulated plate through pyusb's real usb.core: descriptors, EP0 requests, bulk IN, errors."""

from __future__ import annotations

import errno
import struct

import numpy as np
import pytest
import usb.core
import usb.util

from drivers.forceplate.calibration import decode_calibration
from drivers.forceplate.protocol import StreamParser
from drivers.forceplate.requests import REQUEST_IN, REQUEST_OUT, Request, decode_info, decode_status, decode_time
from drivers.forceplate.usb_access import DEFAULT_PID, DEFAULT_VID
from drivers.forceplate.usb_faults import FaultPlan
from drivers.forceplate.usb_sim import SimulatedPlateBackend


def _open(backend: SimulatedPlateBackend) -> usb.core.Device:
    dev = usb.core.find(backend=backend, idVendor=DEFAULT_VID, idProduct=DEFAULT_PID)
    assert dev is not None
    dev.set_configuration()
    return dev


def test_enumerates_with_real_descriptors_and_strings() -> None:
    dev = _open(SimulatedPlateBackend(serial="PLATE-42"))
    assert (dev.idVendor, dev.idProduct, dev.bcdUSB) == (0x1209, 0x0001, 0x0210)
    assert dev.serial_number == "PLATE-42" and dev.product == "OFP-1 simulated force plate"
    intf = dev.get_active_configuration()[(0, 0)]
    assert intf.bInterfaceClass == 0xFF  # vendor class: no kernel driver binds it
    eps = {ep.bEndpointAddress: ep for ep in intf}
    assert usb.util.endpoint_type(eps[0x81].bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
    assert eps[0x81].wMaxPacketSize == 64
    raw = bytes(dev.ctrl_transfer(0x80, 6, 0x0100, 0, 18))  # GET_DESCRIPTOR(DEVICE)
    assert struct.unpack_from("<HH", raw, 8) == (0x1209, 0x0001)
    config = bytes(dev.ctrl_transfer(0x80, 6, 0x0200, 0, 255))
    assert len(config) == struct.unpack_from("<H", config, 2)[0] == 32


def test_bos_and_ms_os_20_descriptors_ask_windows_for_winusb() -> None:
    dev = _open(SimulatedPlateBackend())
    bos = bytes(dev.ctrl_transfer(0x80, 6, 0x0F00, 0, 255))
    assert bos[1] == 0x0F and len(bos) == struct.unpack_from("<H", bos, 2)[0] == 33
    assert bos[5 + 4 : 5 + 20] == bytes.fromhex("DF60DDD88945C74C9CD2659D9E648A9F")
    set_len, vendor_code = struct.unpack_from("<HB", bos, 5 + 24)
    ms = bytes(dev.ctrl_transfer(REQUEST_IN, vendor_code, 0, 7, set_len))
    assert len(ms) == set_len == 30 and b"WINUSB\0\0" in ms


def test_vendor_requests_answer_with_their_layouts() -> None:
    backend = SimulatedPlateBackend()
    dev = _open(backend)
    info = decode_info(dev.ctrl_transfer(REQUEST_IN, Request.GET_INFO, 0, 0, 512))
    assert info.n_channels == 4 and info.supported_rates_hz == (1000, 2000)
    cal = decode_calibration(dev.ctrl_transfer(REQUEST_IN, Request.GET_CALIBRATION, 0, 0, 1024))
    assert cal == backend.model.calibration
    backend.clock.wait_until(2.5, 2.5)
    assert decode_time(dev.ctrl_transfer(REQUEST_IN, Request.GET_TIME, 0, 0, 8)) == 2_500_000
    dev.ctrl_transfer(REQUEST_OUT, Request.SET_RATE, 2000, 0, None)
    assert decode_info(dev.ctrl_transfer(REQUEST_IN, Request.GET_INFO, 0, 0, 512)).rate_hz == 2000
    status = decode_status(dev.ctrl_transfer(REQUEST_IN, Request.GET_STATUS, 0, 0, 512))
    assert status.state == 0 and status.tare_counts == (0, 0, 0, 0)


@pytest.mark.parametrize(("rtype", "request_", "value"), [
    (REQUEST_IN, 0x7E, 0),  # unknown request
    (REQUEST_OUT, Request.SET_RATE, 1500),  # unsupported rate
    (REQUEST_OUT, Request.SET_CALIBRATION, 0),  # no unlock key
])
def test_invalid_requests_stall_with_epipe(rtype: int, request_: int, value: int) -> None:
    dev = _open(SimulatedPlateBackend())
    with pytest.raises(usb.core.USBError) as err:
        dev.ctrl_transfer(rtype, request_, value, 0, 64 if rtype == REQUEST_IN else b"")
    assert err.value.errno == errno.EPIPE


def test_bulk_in_streams_frames_at_2khz() -> None:
    backend = SimulatedPlateBackend(rate_hz=2000)
    dev = _open(backend)
    dev.ctrl_transfer(REQUEST_OUT, Request.START, 0, 0, None)
    parser = StreamParser(rate_hz=2000)
    got = 0
    while backend.clock.now() < 2.0:
        got += parser.feed(dev.read(0x81, 16384, 150)).n_samples
    assert got == parser.stats.samples and parser.stats.lost_samples == 0
    assert abs(got - 2 * 2000) <= 20 * 6  # within a few frames of the device time elapsed
    assert parser.stats.frames - parser.stats.sample_frames >= 1  # a status frame every second


def test_idle_read_times_out_with_errno_110() -> None:
    dev = _open(SimulatedPlateBackend())
    with pytest.raises(usb.core.USBTimeoutError) as err:
        dev.read(0x81, 512, 100)
    assert err.value.errno == errno.ETIMEDOUT


def test_read_size_not_a_multiple_of_64_overflows() -> None:
    dev = _open(SimulatedPlateBackend())
    with pytest.raises(usb.core.USBError) as err:
        dev.read(0x81, 100, 100)
    assert err.value.errno == errno.EOVERFLOW


def test_unplug_raises_enodev_and_the_replugged_plate_enumerates_again() -> None:
    backend = SimulatedPlateBackend(faults=FaultPlan(unplug_at_s=0.5, replug_after_s=1.0))
    dev = _open(backend)
    dev.ctrl_transfer(REQUEST_OUT, Request.START, 0, 0, None)
    with pytest.raises(usb.core.USBError) as err:
        while True:
            dev.read(0x81, 16384, 150)
    assert err.value.errno == errno.ENODEV
    assert usb.core.find(backend=backend, idVendor=DEFAULT_VID) is None
    backend.clock.wait_until(1.6, 1.6)
    again = usb.core.find(backend=backend, idVendor=DEFAULT_VID)
    assert again is not None and again.address != dev.address
    assert backend.ledger.unplugs == 1


def test_stall_needs_clear_halt() -> None:
    backend = SimulatedPlateBackend(faults=FaultPlan(stalls_at_s=[0.2]))
    dev = _open(backend)
    dev.ctrl_transfer(REQUEST_OUT, Request.START, 0, 0, None)
    with pytest.raises(usb.core.USBError) as err:
        for _ in range(100):
            dev.read(0x81, 16384, 150)
    assert err.value.errno == errno.EPIPE
    with pytest.raises(usb.core.USBError):
        dev.read(0x81, 16384, 150)  # still halted
    dev.clear_halt(0x81)
    assert len(dev.read(0x81, 16384, 150)) > 0


def test_six_component_plate_streams_six_channels() -> None:
    from drivers.forceplate.calibration import Layout

    backend = SimulatedPlateBackend(Layout.SIX_COMPONENT)
    dev = _open(backend)
    assert decode_info(dev.ctrl_transfer(REQUEST_IN, Request.GET_INFO, 0, 0, 512)).layout == Layout.SIX_COMPONENT
    dev.ctrl_transfer(REQUEST_OUT, Request.START, 0, 0, None)
    chunk = StreamParser().feed(dev.read(0x81, 16384, 150))
    assert chunk.raw.shape[1] == 6 and chunk.n_samples > 0
    assert np.all(chunk.raw[:, 2] > 5000)  # Fz bridge well above its offset with a person on it
