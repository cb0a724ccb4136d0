"""The Wii Balance Board device end to end through the simulated transport, and its faults."""

from __future__ import annotations

import numpy as np
import pytest

from drivers import registry
from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound, DeviceTimeout
from drivers.model import ClockSource, concatenate_blocks
from drivers.wii import transports as wt
from drivers.wii.device import WiiBalanceBoard
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from drivers.wii.transports import hidraw as wt_hidraw
from physical import STANDARD_GRAVITY_M_S2


def _record(device, seconds: float):
    """Open, start and read ``seconds`` of data; returns (block of everything, the device)."""
    blocks = []
    with device:
        device.start()
        t0 = None
        while True:
            block = device.read(0.2)
            if block is None:
                continue
            blocks.append(block)
            t0 = block.t_s[0] if t0 is None else t0
            if block.t_s[-1] - t0 >= seconds:
                break
        device.stop()
    return concatenate_blocks(blocks)


def test_registry_names_and_sim_find() -> None:
    assert registry.driver_class("wbb") is WiiBalanceBoard
    assert registry.driver_class("sim") is SimulatedWiiBalanceBoard
    assert registry.driver_class("sim-wbb") is SimulatedWiiBalanceBoard  # another name of the same board
    assert [d.spec for d in SimulatedWiiBalanceBoard.find()] == ["sim"]
    assert [d.spec for d in registry.find_devices()].count("sim") == 1
    assert "sim-wbb" not in [d.spec for d in registry.find_devices()]
    device = registry.create("sim-wbb", {"mass_kg": "65", "zero_offset_kg": "1,1,1,1", "seed": "4"})
    assert device.subject.mass_kg == 65.0 and device.board.zero_offset_kg.tolist() == [1, 1, 1, 1]


def test_end_to_end_recovers_mass_split_and_records_raw_counts() -> None:
    device = SimulatedWiiBalanceBoard(mass_kg=80.0, affected_side="right", affected_share_pct=40.0, seed=7,
                                      zero_offset_kg=(1.0, -0.8, 0.9, 1.2))
    block = _record(device, 20.0)
    info = device.info
    assert info.driver == "sim" and info.clock == ClockSource.HOST_ARRIVAL and info.raw_counts and info.simulated
    assert info.channel_names == ("TR", "BR", "TL", "BL")
    # Tare: the kg-domain mean of >= 2 s of the empty board equals the configured zero offsets.
    assert device.tare is not None and device.tare.duration_s >= 2.0
    np.testing.assert_allclose(device.tare.offset_kg, [1.0, -0.8, 0.9, 1.2], atol=0.02)
    kg = block.forces_n.astype(np.float64) / STANDARD_GRAVITY_M_S2
    assert kg.sum(axis=1).mean() == pytest.approx(80.0, abs=0.1)
    right_pct = 100 * kg[:, :2].sum() / kg.sum()  # TR + BR under the right foot (standard orientation)
    assert right_pct == pytest.approx(40.0, abs=0.5)
    # Raw counts are kept and reproduce the forces through the calibration.
    assert block.raw is not None and block.raw.dtype == np.int32
    from drivers.wii import protocol as p

    again = p.raw_to_kg(block.raw, device.calibration) - device.tare.offset_kg
    np.testing.assert_allclose(again, kg, atol=1e-3)
    # Host counter without gaps (no faults), arrival times increasing, ~83 Hz.
    assert np.all(np.diff(block.seq.astype(np.int64)) == 1)
    rate = (block.n_samples - 1) / (block.t_s[-1] - block.t_s[0])
    assert 60 <= rate <= 100
    codes = {e.code for e in block.events}
    assert "wbb.battery_temp" in codes
    settings = device.recording_settings()
    assert settings["wbb.calibration_crc"] == ("ok", "")
    assert settings["wbb.tare_offset_kg"][1] == "kg"


def test_without_tare_the_zero_offset_stays() -> None:
    device = SimulatedWiiBalanceBoard(mass_kg=70.0, seed=2, tare_s=0, zero_offset_kg=(1.0, 1.0, 1.0, 1.0),
                                      step_on_s=0.0)
    block = _record(device, 5.0)
    kg = block.forces_n.astype(np.float64).sum(axis=1) / STANDARD_GRAVITY_M_S2
    assert kg.mean() == pytest.approx(74.0, abs=0.2)  # the factory zero of this "old board" is 4 kg off
    assert device.tare is None and device.recording_settings()["wbb.tare_method"][0] == "none"


def test_status_reports_reset_the_mode_and_the_driver_resends_it() -> None:
    device = SimulatedWiiBalanceBoard(seed=3, status_every_s=2.0)
    block = _record(device, 10.0)
    assert device.status_reports >= 4
    assert sum(e.code == "wbb.status" for e in block.events) >= 4
    assert np.diff(block.t_s).max() < 0.2  # the stream came back after every status report


def test_bad_reports_leave_gaps_in_seq_and_never_become_samples() -> None:
    device = SimulatedWiiBalanceBoard(seed=5, bad_report_rate=0.05)
    block = _record(device, 10.0)
    gaps = int(np.sum(np.diff(block.seq.astype(np.int64)) - 1))
    assert gaps > 20
    assert device.bad_reports >= gaps
    kg = block.forces_n.astype(np.float64).sum(axis=1) / STANDARD_GRAVITY_M_S2
    assert np.all(np.abs(kg - 70.0) < 5.0)  # no garbage sample got through
    assert any(e.code == "wbb.bad_reports" for e in block.events)


def test_button_presses_become_events() -> None:
    device = SimulatedWiiBalanceBoard(seed=1, button_at_s=(7.0, 9.0))
    block = _record(device, 8.0)
    presses = [e for e in block.events if e.code == "button"]
    assert [e.label for e in presses] == ["front button pressed", "front button released"] * 2
    assert presses[0].t_s == pytest.approx(7.0, abs=0.05)


def test_disconnect_without_reconnect_is_a_clear_error_and_keeps_what_was_received() -> None:
    device = SimulatedWiiBalanceBoard(seed=1, disconnect_at_s=8.0, reconnect_s=2.0)
    received = []
    with device:
        device.start()
        with pytest.raises(DeviceDisconnected, match="did not come back within 2 s"):
            while True:
                block = device.read(0.2)
                if block is not None:
                    received.append(block)
    assert received and received[-1].t_s[-1] == pytest.approx(8.0, abs=0.05)


def test_automatic_reconnect_records_the_gap() -> None:
    device = SimulatedWiiBalanceBoard(seed=1, disconnect_at_s=8.0, reconnect_after_s=1.2, reconnect_s=5.0)
    block = _record(device, 10.0)
    assert device.reconnections == 1
    (event,) = [e for e in block.events if e.code == "wbb.reconnected"]
    assert "link lost" in event.label
    dt = np.diff(block.t_s)
    big = int(np.argmax(dt))
    assert dt[big] >= 1.2 and block.t_s[big] == pytest.approx(8.0, abs=0.05)
    jump = int(block.seq[big + 1]) - int(block.seq[big])
    assert jump > 80  # the gap shows in the counter (≈ gap × nominal rate)
    kg = block.forces_n.astype(np.float64).sum(axis=1) / STANDARD_GRAVITY_M_S2
    assert np.all(np.abs(kg - 70.0) < 5.0)


def test_init_that_never_finishes() -> None:
    device = SimulatedWiiBalanceBoard(init_never_finishes=True)
    with pytest.raises(DeviceTimeout, match=r"never finished initialisation.*ext-init-1"):
        device.open()
    assert device.state == "closed"


def test_loaded_board_during_tare_and_nobody_stepping_on() -> None:
    loaded = SimulatedWiiBalanceBoard(step_on_s=0.0)
    with pytest.raises(DeviceError, match=r"loaded \(71\.0 kg\).* step off"):
        loaded.open()
    empty = SimulatedWiiBalanceBoard(empty=True, wait_for_subject_s=3.0)
    with empty:
        with pytest.raises(DeviceTimeout, match="nobody stepped on the board within 3 s"):
            empty.start()


def test_no_board_attached(monkeypatch) -> None:
    import drivers.wii.device as dev

    monkeypatch.setattr(dev, "find_hidraw_nodes", lambda: [])
    monkeypatch.setattr(dev, "find_evdev_nodes", lambda: [])
    assert WiiBalanceBoard.find() == []
    with pytest.raises(DeviceNotFound, match=r"no Wii Balance Board found.*SYNC"):
        WiiBalanceBoard().open()
    with pytest.raises(DeviceNotFound, match="no hidraw node of a Wii Balance Board"):
        WiiBalanceBoard(transport="hidraw").open()
    with pytest.raises(DeviceNotFound, match="/dev/hidraw-does-not-exist does not exist"):
        WiiBalanceBoard("/dev/hidraw-does-not-exist").open()


def test_find_hidraw_nodes_matches_bluetooth_057e_0306(tmp_path) -> None:
    def node(name: str, hid_id: str, hid_name: str) -> None:
        d = tmp_path / name / "device"
        d.mkdir(parents=True)
        (d / "uevent").write_text(f"DRIVER=wiimote\nHID_ID={hid_id}\nHID_NAME={hid_name}\n")

    node("hidraw0", "0003:0000046D:0000C52B", "Logitech receiver")
    node("hidraw1", "0005:0000057E:00000306", "Nintendo RVL-WBC-01")
    node("hidraw2", "0003:0000057E:00000306", "USB lookalike")
    assert wt.find_hidraw_nodes(str(tmp_path)) == [("/dev/hidraw1", "Nintendo RVL-WBC-01")]


def test_missing_optional_packages_give_clear_messages(monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "hid", None)
    monkeypatch.setitem(sys.modules, "evdev", None)
    with pytest.raises(DeviceNotFound, match=r"needs the 'hidapi' package: pip install"):
        wt.HidapiTransport().open()
    with pytest.raises(DeviceNotFound, match=r"needs the 'evdev' package"):
        wt.EvdevTransport("/dev/input/event0").open()
    assert wt.find_evdev_nodes() == []


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="tare_s must be >= 2"):
        WiiBalanceBoard(tare_s=1.0)
    with pytest.raises(ValueError, match="report_mode"):
        WiiBalanceBoard.from_options("", {"report_mode": "0x30"})
    with pytest.raises(ValueError, match="transport"):
        WiiBalanceBoard.from_options("", {"transport": "usb"})


def test_reversed_orientation_keeps_the_limbs_right() -> None:
    # The subject faces the power button: the right foot stands on the board's TL/BL corners.
    device = SimulatedWiiBalanceBoard(mass_kg=70.0, affected_side="right", affected_share_pct=35.0, seed=8,
                                      orientation="reversed")
    block = _record(device, 8.0)
    kg = block.forces_n.astype(np.float64) / STANDARD_GRAVITY_M_S2
    board_left_pct = 100 * kg[:, 2:].sum() / kg.sum()  # TL + BL carry the right foot
    assert board_left_pct == pytest.approx(35.0, abs=0.5)
    positions = device.info.sensor_positions()
    right_cells = positions[:, 0] > 0  # the subject's right in the recorded geometry
    assert right_cells.tolist() == [False, False, True, True]
    assert 100 * kg[:, right_cells].sum() / kg.sum() == pytest.approx(35.0, abs=0.5)
    assert device.recording_settings()["wbb.orientation"][0].startswith("reversed")


def test_hidraw_reconnect_finds_the_board_by_bluetooth_address(tmp_path, monkeypatch) -> None:
    def node(name: str, uniq: str) -> None:
        d = tmp_path / name / "device"
        d.mkdir(parents=True)
        (d / "uevent").write_text(f"HID_ID=0005:0000057E:00000306\nHID_NAME=Nintendo RVL-WBC-01\nHID_UNIQ={uniq}\n")

    node("hidraw4", "00:1f:32:aa:bb:cc")
    node("hidraw7", "00:1f:32:11:22:33")
    assert wt.hidraw_uniq("/dev/hidraw7", str(tmp_path)) == "00:1f:32:11:22:33"
    assert wt.find_hidraw_by_uniq("00:1F:32:11:22:33", str(tmp_path)) == "/dev/hidraw7"
    assert wt.find_hidraw_by_uniq("00:1f:32:00:00:00", str(tmp_path)) is None
    # The old node is gone after the drop; reopen() follows the board to its new node.
    transport = wt.HidrawTransport("/dev/hidraw-gone")
    transport.uniq = "00:1f:32:11:22:33"
    opened = []
    monkeypatch.setattr(wt_hidraw, "find_hidraw_by_uniq", lambda uniq: "/dev/hidraw7")  # where reopen() looks
    real_open = wt.HidrawTransport.open

    def fake_open(self) -> None:
        if self.path == "/dev/hidraw7":
            opened.append(self.path)
            return
        real_open(self)

    monkeypatch.setattr(wt.HidrawTransport, "open", fake_open)
    transport.reopen()
    assert transport.path == "/dev/hidraw7" and opened == ["/dev/hidraw7"]
