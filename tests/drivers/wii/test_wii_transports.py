"""The hidraw transport's real read/write code against the simulated board, and the evdev path."""

from __future__ import annotations

import os
import socket
import threading
import time

import numpy as np
import pytest

from drivers.errors import DeviceDisconnected
from drivers.sim.subject import StandingSubject
from drivers.wii.device import WiiBalanceBoard
from drivers.wii.discovery import EVDEV_CAVEAT
from drivers.wii.simulator import SimulatedWiiBoard
from drivers.wii.transports import EvdevFrame, HidrawTransport, Transport
from physical import STANDARD_GRAVITY_M_S2


class _BoardOnASocket:
    """The simulated board behind one end of a SOCK_SEQPACKET pair: one datagram = one HID report,
    like a /dev/hidraw node. Runs in real time on a thread."""

    def __init__(self, board: SimulatedWiiBoard, sock: socket.socket) -> None:
        self.board = board
        self.sock = sock
        self.t0 = time.monotonic()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.sock.settimeout(0.005)
        while not self.stop.is_set():
            try:
                report = self.sock.recv(64)
                if not report:
                    break
                self.board.handle_output(report, time.monotonic() - self.t0)
            except TimeoutError:
                pass
            except OSError:
                break
            for _, r in self.board.reports_until(time.monotonic() - self.t0):
                try:
                    self.sock.send(r)
                except OSError:
                    return


class _SocketHidraw(HidrawTransport):
    def __init__(self, sock: socket.socket) -> None:
        super().__init__("/dev/hidraw-test")
        self._sock = sock

    def open(self) -> None:
        self._fd = os.dup(self._sock.fileno())
        os.set_blocking(self._fd, False)  # as HidrawTransport opens /dev/hidrawN (O_NONBLOCK)


class _Board(WiiBalanceBoard):
    transport_factory = None

    def _make_transport(self) -> Transport:
        return self.transport_factory()


def test_device_over_the_hidraw_transport_code() -> None:
    host, far = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    board = SimulatedWiiBoard(StandingSubject(mass_kg=60.0, seed=4), step_on_s=2.6, zero_offset_kg=(0.5, 0, 0, 0))
    server = _BoardOnASocket(board, far)
    try:
        device = _Board(tare_s=2.0, settle_s=0.2, wait_for_subject_s=5.0)
        device.transport_factory = lambda: _SocketHidraw(host)
        blocks = []
        with device:
            assert device.calibration.crc_status == "ok"
            np.testing.assert_allclose(device.tare.offset_kg, [0.5, 0, 0, 0], atol=0.05)
            device.start()
            t_end = time.monotonic() + 1.0
            while time.monotonic() < t_end:
                block = device.read(0.1)
                if block is not None:
                    blocks.append(block)
        kg = np.concatenate([b.forces_n for b in blocks]).astype(np.float64).sum(axis=1) / STANDARD_GRAVITY_M_S2
        assert kg.size > 40 and kg.mean() == pytest.approx(60.0, abs=0.3)
        # Arrival stamps come from the host's monotonic clock, as for a real board.
        assert abs(blocks[-1].t_s[-1] - time.monotonic()) < 1.0
        outs = [r for d, _, r in board.transcript if d == "out"]
        assert outs[0] == bytes.fromhex("1500") and bytes.fromhex("1110") in outs
    finally:
        server.stop.set()
        server.thread.join(2)
        host.close()
        far.close()


def test_hidraw_transport_reports_a_vanished_board() -> None:
    host, far = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    transport = _SocketHidraw(host)
    transport.open()
    far.send(bytes.fromhex("2200001600"))
    got = transport.read(0.5)
    assert [r for _, r in got] == [bytes.fromhex("2200001600")]
    far.close()
    with pytest.raises(DeviceDisconnected, match="went away"):
        transport.read(0.5)
    transport.close()
    host.close()


class _FakeEvdev(Transport):
    """Kernel frames as the evdev transport delivers them (10 g units, TR, BR, TL, BL)."""

    kind = "evdev"
    name = "evdev"

    def __init__(self) -> None:
        self.t = 0.0

    @property
    def address(self) -> str:
        return "/dev/input/event-test"

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def write(self, report: bytes) -> None:
        raise AssertionError("evdev is read-only")

    def now(self) -> float:
        return self.t

    def read(self, timeout_s: float):
        frames = []
        for _ in range(5):
            self.t += 0.01
            load = 0 if self.t < 2.5 else 1750
            frames.append((round(self.t * 1e9), EvdevFrame((load + 10, load, load, load), self.t > 3.575)))
        return frames


def test_evdev_path_is_kernel_calibrated_and_flagged() -> None:
    device = _Board(wait_for_subject_s=5.0)
    device.transport_factory = _FakeEvdev
    with device:
        assert EVDEV_CAVEAT in device.info.model and not device.info.raw_counts
        settings = device.recording_settings()
        assert settings["wbb.fit_for_sway_research"] == (False, "")
        np.testing.assert_allclose(device.tare.offset_kg, [0.1, 0, 0, 0])
        device.start()
        block = device.read(0.1)
    kg = block.forces_n.astype(np.float64) / STANDARD_GRAVITY_M_S2
    np.testing.assert_allclose(kg, 17.5, atol=1e-4)  # 1750 × 10 g, minus the 100 g tare on TR
    assert block.raw is None
    assert [e.label for e in block.events if e.code == "button"] == ["front button pressed"]
