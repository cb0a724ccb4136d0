"""The clinician view shows the battery level the Wii board reports, end to end through the byte-exact simulator."""

from PyQt6 import QtCore

from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from station.gui.app import MainWindow


def test_the_clinician_view_shows_the_boards_battery(qtbot, tmp_path):
    def wii_board(spec, subject):
        return SimulatedWiiBalanceBoard(tare_s=0, realtime=True, mass_kg=subject.mass_kg,
                                        affected_side=subject.affected_side)

    win = MainWindow(device_factory=wii_board)
    qtbot.addWidget(win)
    win.panel.out_dir.setText(str(tmp_path))
    win.panel.duration.setValue(1.5)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.controller.finished, timeout=20000):
        qtbot.mouseClick(win.panel.start, QtCore.Qt.MouseButton.LeftButton)
    assert win.controller.last_frame is not None and win.controller.last_frame.battery_pct == 77.0
    assert "battery 77 %" in win.clinician.status.text()  # VV = 0xC6 in the board's status report: 198·100/255
