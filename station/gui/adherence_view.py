"""The clinician's adherence view of a patient's home program: sessions per week against the prescription,
days with data in the last 30, the streak of prescribed sessions, the dose per exercise, the affected-limb
load of every repetition over time, the session log with pain, and the progression suggestion with the rule
that fired. A red banner at the top lists the disengagement and pain flags of the summary (no home session for
N days; pain >= 7 reported), hidden when there is none. "Apply suggestion" creates the next prescription
version from the suggestion (:func:`station.home.progression_steps.apply_suggestion`), after the clinician
confirms the changes it lists; it is disabled when the suggestion is "hold".

Every number comes from :func:`station.home.adherence_summary` and :func:`station.home.suggest_progression`;
the view only lays them out.
"""

from __future__ import annotations

import datetime as _dt
import html
import math

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets

from station.home import LIBRARY, Prescription, current_prescription
from station.home.adherence import AdherenceSummary, adherence_summary
from station.home.progression import ProgressionDecision, suggest_progression
from station.home.progression_steps import AppliedProgression, apply_suggestion, next_prescription
from station.store import Store, StoreError

__all__ = ["AdherenceView", "load_points"]

_ACTION_COLOURS = {"advance": "#2a9d3f", "hold": "#d08a10", "step-back": "#c0392b"}
_EXERCISE_COLOURS = ["#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
                     "#1f78b4"]
_DAY_S = 86400.0


def _noon_timestamp(date: str) -> float:
    """POSIX time (s) of noon UTC on an ISO date (the x of a session on a date axis)."""
    day = _dt.date.fromisoformat(date)
    return _dt.datetime(day.year, day.month, day.day, 12, tzinfo=_dt.UTC).timestamp()


def load_points(load_per_rep: tuple[tuple[str, tuple[float, ...]], ...]) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) for the load-per-repetition plot: x is the session's date (POSIX s at noon UTC) plus the
    repetition's position spread over the middle half of the day, so the repetitions of one session sit side by
    side in order; y is the affected-limb load of that repetition, %BW."""
    xs, ys = [], []
    for date, loads in load_per_rep:
        n = len(loads)
        if n == 0:
            continue
        offsets = (np.arange(n) - (n - 1) / 2) / max(n, 1) * 0.5 * _DAY_S
        xs.append(_noon_timestamp(date) + offsets)
        ys.append(np.asarray(loads, dtype=float))
    if not xs:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys)


def _card(title: str, name: str) -> tuple[QtWidgets.QFrame, QtWidgets.QLabel]:
    frame = QtWidgets.QFrame()
    frame.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
    value = QtWidgets.QLabel("–")
    value.setObjectName(name)
    value.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
    font = value.font()
    font.setPointSize(font.pointSize() + 10)
    font.setBold(True)
    value.setFont(font)
    caption = QtWidgets.QLabel(title)
    caption.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
    caption.setWordWrap(True)
    layout = QtWidgets.QVBoxLayout(frame)
    layout.addWidget(value)
    layout.addWidget(caption)
    return frame, value


class AdherenceView(QtWidgets.QWidget):
    """Adherence and progression of one patient's home program (``refresh()`` re-reads the store).

    Parameters
    ----------
    store : Store
    patient_id : str
    today : date, optional
        The day the summary is computed for (default: the current date).
    """

    #: emitted with the new :class:`Prescription` after "Apply suggestion" stored it
    applied = QtCore.pyqtSignal(object)

    def __init__(self, store: Store, patient_id: str, *, today: _dt.date | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.patient_id = patient_id
        self.today = today
        self.prescription: Prescription | None = None
        self.summary: AdherenceSummary | None = None
        self.decision: ProgressionDecision | None = None
        self.title = QtWidgets.QLabel("")
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.message = QtWidgets.QLabel("")
        self.message.setObjectName("message")
        self.flags = QtWidgets.QLabel("")
        self.flags.setObjectName("flags")
        self.flags.setWordWrap(True)
        self.flags.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.flags.setStyleSheet("QLabel#flags { background: #c0392b; color: white; padding: 8px; "
                                 "font-weight: bold; border-radius: 4px; }")
        self.flags.hide()
        cards = QtWidgets.QHBoxLayout()
        frame, self.this_week = _card("sessions this week / prescribed", "this_week")
        cards.addWidget(frame)
        frame, self.days_30 = _card("days with data in the last 30", "days_30")
        cards.addWidget(frame)
        frame, self.since = _card("days since the last home session", "since")
        cards.addWidget(frame)
        frame, self.streak = _card("streak of prescribed sessions done", "streak")
        cards.addWidget(frame)
        frame, self.dose = _card("repetitions done / prescribed, all sessions", "dose")
        cards.addWidget(frame)
        self.progression = QtWidgets.QLabel("")
        self.progression.setObjectName("progression")
        self.progression.setWordWrap(True)
        self.progression.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.apply_button = QtWidgets.QPushButton("Apply suggestion")
        self.apply_button.setObjectName("apply_suggestion")
        self.apply_button.setToolTip("create the next prescription version from the suggestion "
                                     "(one documented step per exercise; docs/home-program.md)")
        self.apply_button.clicked.connect(self.apply_suggestion)
        self.applied_message = QtWidgets.QLabel("")
        self.applied_message.setObjectName("applied_message")
        self.applied_message.setWordWrap(True)
        #: asks the clinician to confirm the listed changes (replaced in tests)
        self.confirm = self._confirm
        self.weeks_plot = pg.PlotWidget(background="w")
        self._setup_plot(self.weeks_plot, "sessions per week", "week of the prescription", "")
        self.load_plot = pg.PlotWidget(background="w", axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        # in the unit each kind's target uses: share of the load measured (holds, squats) or %BW (rises, steps)
        self._setup_plot(self.load_plot, "affected-limb load per repetition", "date", "affected limb, %")
        self.load_plot.addLegend(offset=(-10, 10), labelTextColor="k")
        self.exercises = QtWidgets.QTableWidget(0, 5)
        self.exercises.setHorizontalHeaderLabels(["exercise", "reps done / prescribed", "on target",
                                                  "best hold, s", "time in band, s"])
        self.sessions = QtWidgets.QTableWidget(0, 6)
        self.sessions.setHorizontalHeaderLabels(["date", "reps done / prescribed", "on target",
                                                 "pain before", "pain after", "pain next day"])
        for table in (self.exercises, self.sessions):
            table.verticalHeader().setVisible(False)
            table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
        plots = QtWidgets.QHBoxLayout()
        plots.addWidget(self.weeks_plot, 2)
        plots.addWidget(self.load_plot, 3)
        tables = QtWidgets.QHBoxLayout()
        tables.addWidget(self.exercises, 1)
        tables.addWidget(self.sessions, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.flags)
        layout.addLayout(cards)
        suggestion = QtWidgets.QHBoxLayout()
        suggestion.addWidget(self.progression, 1)
        suggestion.addWidget(self.apply_button)
        layout.addLayout(suggestion)
        layout.addWidget(self.applied_message)
        layout.addLayout(plots, 3)
        layout.addLayout(tables, 2)
        self.refresh()

    @staticmethod
    def _setup_plot(plot: pg.PlotWidget, title: str, x_label: str, units: str) -> None:
        item = plot.getPlotItem()
        item.setTitle(title, color="k")
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        for side in ("left", "bottom"):
            item.getAxis(side).setTextPen("k")
            item.getAxis(side).setPen("k")
        if x_label:
            item.setLabel("bottom", x_label)
        if units:
            item.setLabel("left", units)

    # -- content --------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the store and redraw."""
        try:
            self.prescription = current_prescription(self.store, self.patient_id)
            self.summary = adherence_summary(self.store, self.patient_id, self.today, prescription=self.prescription)
            self.decision = suggest_progression(self.store, self.patient_id, prescription=self.prescription)
        except StoreError as exc:
            self.summary = self.decision = None
            self.flags.hide()
            self.apply_button.setEnabled(False)
            self.title.setText(f"Home program of {self.patient_id}")
            self.message.setText(str(exc))
            return
        self.message.setText("")
        self._show(self.summary, self.decision)

    def _show(self, s: AdherenceSummary, d: ProgressionDecision) -> None:
        self.title.setText(f"Home program of {s.patient_id} — prescription v{s.prescription_version}, "
                           f"{s.sessions_per_week_prescribed} sessions a week — as of {s.today}")
        self.flags.setText("<br>".join(f"⚠ {html.escape(f.text)}" for f in s.flags))
        self.flags.setVisible(bool(s.flags))
        week = s.weeks[-1] if s.weeks else None
        self.this_week.setText(f"{week.sessions_done} / {week.sessions_prescribed}" if week else "–")
        self.days_30.setText(str(s.days_with_data_last_30))
        self.since.setText("–" if s.days_since_last_session is None else str(s.days_since_last_session))
        self.streak.setText(str(s.streak_sessions))
        done = sum(e.reps_done for e in s.exercises)
        prescribed = sum(e.reps_prescribed for e in s.exercises)
        self.dose.setText(f"{done} / {prescribed}" if prescribed else "–")
        colour = _ACTION_COLOURS.get(d.action, "#333333")
        self.progression.setText(
            f"<span style='font-size:16pt; font-weight:bold; color:{colour}'>Suggestion: {d.action}</span>"
            f"<br><b>rule:</b> {html.escape(d.rule)} — {html.escape(d.detail)}")
        self.apply_button.setEnabled(d.action != "hold")
        self._weeks(s)
        self._loads(s)
        self._tables(s)

    def _confirm(self, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, "Apply the suggestion?", text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def apply_suggestion(self) -> AppliedProgression | None:
        """Apply the suggestion after confirmation: store the next version, say what changed, redraw."""
        if self.prescription is None or self.decision is None:
            return None
        created = (self.today or _dt.date.today()).isoformat()
        preview = next_prescription(self.prescription, self.decision, created)
        if preview.prescription is None:
            self.applied_message.setText(preview.message)
            return preview
        text = "\n".join([f"{self.decision.action} ({self.decision.rule}): prescription "
                          f"v{preview.prescription.version} from v{self.prescription.version}",
                          *(c.line() for c in preview.changes)])
        if not self.confirm(text):
            self.applied_message.setText("not applied")
            return None
        outcome = apply_suggestion(self.store, self.patient_id, created)
        self.applied_message.setText("\n".join([outcome.message, *(c.line() for c in outcome.changes)]))
        self.refresh()
        if outcome.prescription is not None:
            self.applied.emit(outcome.prescription)
        return outcome

    def _weeks(self, s: AdherenceSummary) -> None:
        plot = self.weeks_plot.getPlotItem()
        plot.clear()
        if not s.weeks:
            return
        x = np.array([w.week + 1 for w in s.weeks], dtype=float)
        done = np.array([w.sessions_done for w in s.weeks], dtype=float)
        brushes = [pg.mkBrush("#1b9e77" if w.sessions_done >= w.sessions_prescribed else
                              ("#e6ab02" if not w.complete else "#d95f02")) for w in s.weeks]
        self.week_bars = pg.BarGraphItem(x=x, height=done, width=0.6, brushes=brushes, pen=pg.mkPen("k"))
        plot.addItem(self.week_bars)
        line = pg.InfiniteLine(pos=s.sessions_per_week_prescribed, angle=0,
                               pen=pg.mkPen("k", width=2, style=QtCore.Qt.PenStyle.DashLine),
                               label=f"prescribed {s.sessions_per_week_prescribed}/week",
                               labelOpts={"color": "k", "position": 0.15})
        plot.addItem(line)
        top = max(float(done.max(initial=0.0)), float(s.sessions_per_week_prescribed)) + 1.0
        plot.setRange(xRange=(0.4, len(x) + 0.6), yRange=(0.0, top), padding=0)
        plot.getAxis("bottom").setTicks([[(float(v), f"{int(v)}") for v in x]])

    def _loads(self, s: AdherenceSummary) -> None:
        plot = self.load_plot.getPlotItem()
        plot.clear()
        if plot.legend is not None:
            plot.legend.clear()
        self.load_series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for i, e in enumerate(s.exercises):
            x, y = load_points(e.load_per_rep)
            if x.size == 0:
                continue
            self.load_series[e.exercise] = (x, y)
            colour = _EXERCISE_COLOURS[i % len(_EXERCISE_COLOURS)]
            plot.addItem(pg.ScatterPlotItem(x=x, y=y, size=7, pen=None, brush=pg.mkBrush(colour),
                                            name=LIBRARY[e.exercise].title))
        if self.load_series:
            xs = np.concatenate([v[0] for v in self.load_series.values()])
            ys = np.concatenate([v[1] for v in self.load_series.values()])
            lo, hi = float(np.nanmin(ys)), float(np.nanmax(ys))
            plot.setRange(xRange=(xs.min() - _DAY_S, xs.max() + _DAY_S),
                          yRange=(max(math.floor(lo / 10) * 10 - 10, 0), math.ceil(hi / 10) * 10 + 10), padding=0)

    def _tables(self, s: AdherenceSummary) -> None:
        self.exercises.setRowCount(len(s.exercises))
        for row, e in enumerate(s.exercises):
            hold = f"{e.hold_best_s:.1f}" if LIBRARY[e.exercise].counts_holds else "–"  # movements have no hold
            cells = [LIBRARY[e.exercise].title, f"{e.reps_done} / {e.reps_prescribed}", str(e.reps_on_target),
                     hold, f"{e.time_in_band_s:.0f}"]
            for col, text in enumerate(cells):
                self.exercises.setItem(row, col, QtWidgets.QTableWidgetItem(text))
        rule = self.prescription.rule if self.prescription is not None else None
        limits = {4: rule.pain_during_max, 5: rule.pain_next_day_max} if rule is not None else {}
        self.sessions.setRowCount(len(s.sessions))
        for row, h in enumerate(reversed(s.sessions)):  # newest first
            pains = (h.pain_before, h.pain_after, h.pain_next_day)
            cells = [h.date, f"{h.reps_done} / {h.reps_prescribed}", str(h.reps_on_target),
                     *("–" if v is None else f"{v:g}" for v in pains)]
            for col, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                value = pains[col - 3] if col >= 3 else None
                if col in limits and value is not None and value > limits[col]:  # above the rule's pain limit
                    item.setForeground(QtGui.QBrush(QtGui.QColor("#c0392b")))
                self.sessions.setItem(row, col, item)
