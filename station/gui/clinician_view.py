"""The clinician's view: per-cell forces and Fz, COP stabilogram with trail, COP time series, per-limb
load bars in %BW with the affected side marked, recording status and event markers."""

from __future__ import annotations

import math

import numpy as np
from PyQt6 import QtCore, QtWidgets

from station.gui.controller import Frame
from station.gui.load_bars import LoadBars
from station.gui.stabilogram import Stabilogram
from station.gui.steps import StepChart
from station.gui.traces import TracePlot
from station.protocols.training import LoadBand, TrainingEvent

__all__ = ["ClinicianView"]

_CELL_COLORS = ["#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
#: Trail of the stabilogram, s.
TRAIL_S = 3.0
#: Events drawn as markers on the force traces (outcomes, not every prompt).
_MARKED = ("target_hit", "target_miss", "hold_success", "rep_success", "rep_fail", "step_success")
#: Events kept in the list.
MAX_EVENTS = 200


class ClinicianView(QtWidgets.QWidget):
    """Everything the clinician watches during a session."""

    def __init__(
        self,
        channel_names: tuple[str, ...] = ("TR", "BR", "TL", "BL"),
        *,
        max_force_n: float = 1200.0,
        window_s: float = 5.0,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        names = [*channel_names, "Fz"]
        colors = [*_CELL_COLORS[: len(channel_names)], "#000000"]
        self.forces = TracePlot(names, colors, window_s=window_s, y_range=(-20.0, max_force_n), y_label="force",
                                units="N")
        self.cop_traces = TracePlot(["COP x", "COP y"], ["#d62728", "#1f77b4"], window_s=window_s,
                                    y_range=(-150.0, 150.0), y_label="COP", units="mm")
        self.stabilogram = Stabilogram(cursor_px=12.0, trail=True, axes=True)
        self.steps = StepChart()
        self.centre = QtWidgets.QStackedWidget()
        self.centre.addWidget(self.stabilogram)
        self.centre.addWidget(self.steps)
        self.load_bars = LoadBars()
        self.status = QtWidgets.QLabel("no session")
        self.status.setObjectName("status")
        self.status.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.training = QtWidgets.QLabel("")
        self.training.setWordWrap(True)
        self.event_list = QtWidgets.QListWidget()

        grid = QtWidgets.QGridLayout(self)
        grid.addWidget(self.forces, 0, 0)
        grid.addWidget(self.centre, 0, 1)
        grid.addWidget(self.load_bars, 0, 2)
        grid.addWidget(self.cop_traces, 1, 0)
        side = QtWidgets.QVBoxLayout()
        side.addWidget(self.status)
        side.addWidget(self.training)
        side.addWidget(self.event_list, 1)
        grid.addLayout(side, 1, 1, 1, 2)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 4)
        grid.setColumnStretch(2, 2)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)

    def set_session(self, affected_side: str, band: LoadBand | None, mode: str = "") -> None:
        """Prepare for a session (the stepping mode shows step bars in place of the stabilogram)."""
        self.load_bars.set_affected(affected_side)
        self.load_bars.set_band(band)
        self.event_list.clear()
        self.centre.setCurrentWidget(self.steps if mode == "stepping" else self.stabilogram)

    def show_frame(self, frame: Frame) -> None:
        live = frame.live
        self.forces.set_data(frame.t_s, np.column_stack([frame.forces_n, live.fz_n]))
        self.cop_traces.set_data(frame.t_s, np.column_stack([live.cop_x_mm, live.cop_y_mm]))
        trail = live.since(float(frame.t_s[-1]) - TRAIL_S)
        step = max(trail.n_samples // 600, 1)  # display only: at most ~600 trail points
        idx = np.arange(trail.n_samples - 1, -1, -step)[::-1]
        self.stabilogram.set_cop(trail.cop_x_mm[idx], trail.cop_y_mm[idx])
        self.stabilogram.set_target(frame.status.get("target"), frame.status.get("hold_progress", 0.0))
        if "step_list" in frame.status:
            self.steps.set_target(frame.status["target_peak_pct_bw"])
            self.steps.set_steps(frame.status["step_list"]["affected"], frame.status["step_list"]["unaffected"])
        self.load_bars.set_values(frame.left_pct, frame.right_pct)
        for e in frame.events:
            self.add_event(e)
        st = frame.stats
        battery = "n/a" if frame.battery_pct is None else f"{frame.battery_pct:.0f} %"
        share = "–" if math.isnan(frame.affected_pct) else f"{frame.affected_pct:.1f} %"
        self.status.setText(
            f"● REC {st.elapsed_s:7.1f} s   samples {st.n_samples}   dropped {st.lost_samples}\n"
            f"battery {battery}   affected ({frame.affected_side}) {share}"
        )
        s = frame.status
        if s:
            self.training.setText(f"{s.get('message', '')}\nsuccesses {s.get('successes', 0)} of "
                                  f"{s.get('attempts', 0)}")

    def add_event(self, e: TrainingEvent) -> None:
        self.event_list.addItem(f"{e.t_s:8.2f} s  {e.code}  {e.label}")
        while self.event_list.count() > MAX_EVENTS:
            self.event_list.takeItem(0)
        self.event_list.scrollToBottom()
        if e.code in _MARKED:
            self.forces.add_marker(e.t_s, e.code.replace("_", " "))
