"""Two boards, one per foot, merged on the host arrival clock (drivers/wii/dual.py)."""

from __future__ import annotations

import numpy as np
import pytest

from drivers import registry
from drivers.errors import DeviceNotFound
from drivers.model import concatenate_blocks
from drivers.wii.dual import DualWiiBalanceBoard, SimulatedDualWiiBalanceBoard
from physical import STANDARD_GRAVITY_M_S2


def _record(device, seconds: float):
    blocks = []
    with device:
        device.start()
        while True:
            block = device.read(0.2)
            if block is not None:
                blocks.append(block)
                if block.t_s[-1] - blocks[0].t_s[0] >= seconds:
                    break
    return concatenate_blocks(blocks)


def test_two_simulated_boards_give_per_limb_loads() -> None:
    device = registry.create("sim-wbb2", {"mass_kg": "75", "affected_side": "left", "affected_share_pct": "38",
                                          "seed": "6"})
    assert isinstance(device, SimulatedDualWiiBalanceBoard)
    block = _record(device, 15.0)
    info = device.info
    assert info.n_channels == 8 and info.channel_names[0] == "L.TR" and info.channel_names[4] == "R.TR"
    x = info.sensor_positions()[:, 0]
    assert np.all(x[:4] < 0) and np.all(x[4:] > 0)
    kg = block.forces_n.astype(np.float64) / STANDARD_GRAVITY_M_S2
    left, right = kg[:, :4].sum(axis=1), kg[:, 4:].sum(axis=1)
    assert (left + right).mean() == pytest.approx(75.0, abs=0.3)
    assert 100 * left.mean() / (left + right).mean() == pytest.approx(38.0, abs=0.5)
    # Both boards are taared separately (each has its own zero offsets).
    assert device.left.tare is not None and device.right.tare is not None
    # One merged sample per report of either board: about twice one board's rate, times in order.
    rate = (block.n_samples - 1) / (block.t_s[-1] - block.t_s[0])
    assert 120 <= rate <= 200
    assert np.all(np.diff(block.t_s) >= 0) and np.all(np.diff(block.seq.astype(np.int64)) == 1)
    codes = {e.code for e in block.events}
    assert {"left.wbb.battery_temp", "right.wbb.battery_temp"} <= codes
    settings = device.recording_settings()
    assert "left.wbb.tare_offset_kg" in settings and "right.wbb.tare_offset_kg" in settings


def test_held_values_are_received_values_and_time_aligned() -> None:
    device = SimulatedDualWiiBalanceBoard(seed=2, step_on_s=None)
    block = _record(device, 5.0)
    # Each board's four channels change only when that board reported; every held row repeats a received one.
    left_changes = np.any(np.diff(block.raw[:, :4], axis=0) != 0, axis=1)
    right_changes = np.any(np.diff(block.raw[:, 4:], axis=0) != 0, axis=1)
    assert not np.any(left_changes & right_changes)  # a merged row comes from one board's report
    assert left_changes.sum() > 200 and right_changes.sum() > 200


def test_a_board_losing_reports_leaves_gaps_in_the_merged_counter() -> None:
    device = SimulatedDualWiiBalanceBoard(seed=3, bad_report_rate=0.05)
    block = _record(device, 10.0)
    gaps = int(np.sum(np.diff(block.seq.astype(np.int64)) - 1))
    assert gaps > 40
    assert gaps <= device.left.bad_reports + device.right.bad_reports


def test_dual_addresses_and_missing_boards(monkeypatch) -> None:
    import drivers.wii.dual as dual

    monkeypatch.setattr(dual.WiiBalanceBoard, "find", classmethod(lambda cls: []))
    assert DualWiiBalanceBoard.find() == []
    with pytest.raises(DeviceNotFound, match="two Wii Balance Boards are needed, 0 found"):
        DualWiiBalanceBoard()
    with pytest.raises(ValueError, match="LEFT\\+RIGHT"):
        DualWiiBalanceBoard("/dev/hidraw3")
    device = DualWiiBalanceBoard("/dev/hidraw3+/dev/hidraw5")
    assert (device.left.address, device.right.address) == ("/dev/hidraw3", "/dev/hidraw5")
