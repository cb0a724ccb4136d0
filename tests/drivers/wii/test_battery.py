"""The battery level reaches the Device interface from the board's 0x20 status reports (byte-exact simulator)."""

from drivers.forceplate.sim_plate import SimulatedForcePlate
from drivers.wii.sim_device import SimulatedWiiBalanceBoard


def test_battery_pct_follows_the_status_reports():
    board = SimulatedWiiBalanceBoard(tare_s=0, status_every_s=0.5)
    assert board.battery_pct is None  # nothing heard from the board yet
    with board:
        # the initialisation's status report carries VV = 0xC6 (198): the kernel's 198·100/255 = 77 %
        assert board.battery_pct == 77.0
        board.board.battery_drain_per_hour = 0.0
        board.board._battery_status0 = 0x40  # the batteries run down: the next status report says VV = 64
        board.start()
        seen = []
        while not any(e.code == "wbb.status" for e in seen):
            block = board.read(1.0)
            seen += list(block.events) if block is not None else []
        assert board.battery_pct == 25.0  # 64·100/255 = 25.1, floored as the kernel does
        board.stop()


def test_a_device_that_reports_no_battery_says_so():
    assert SimulatedForcePlate(seed=1).battery_pct is None
