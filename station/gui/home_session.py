"""The patient's guided home session in the GUI: it walks the steps of
:func:`station.home.session.session_plan` one at a time — pain before, the instruction, a countdown
before each set, the set with live feedback, rest, pain after, a short summary.

Each set is a :class:`~station.engine.session.Session` (the same recording path as the live station and the
console: HDF5, protocol "home", condition = the exercise key) driven by the
:class:`~station.gui.controller.LiveController` with a :class:`~station.home.live.RepetitionCounter` (the
console's live count too).
When a set ends, :func:`station.home.session.analyze_set` analyses the finished file; after the last
pain rating :func:`station.home.session.finish_session` stores every set as a trial with the pain
ratings. The console command ``station home`` walks the same plan (CORE's ``run_home_session``).
"""

from __future__ import annotations

import datetime as _dt
import re
import time
from pathlib import Path

from PyQt6 import QtCore, QtGui, QtWidgets

from physical import STANDARD_GRAVITY_M_S2
from recordings.metadata import Subject
from recordings.reader import open_recording
from station.engine.session import Session, SessionResult
from station.gui.controller import Frame, LiveController
from station.gui.home_devices import HomeDeviceFactory
from station.gui.home_pages import CountdownPage, InstructionPage, RestPage, SetPage, SummaryPage
from station.gui.home_text import NEXT_DAY_QUESTION, dose_text, pace_cue, summary_lines, target_text
from station.gui.pain_rating import PainRating
from station.home import LIBRARY, ExerciseDose, Prescription, SetOutcome, Step, analyze_set, finish_session
from station.home.adherence import home_sessions
from station.home.live import RepetitionCounter
from station.home.session import session_plan, set_settings
from station.store import Store

__all__ = ["HomeSessionView"]

class HomeSessionView(QtWidgets.QWidget):
    """One exercise at a time, large and simple, for the patient.

    Parameters
    ----------
    prescription : Prescription
    subject : Subject
        The patient (id, body mass in kg, affected side).
    store : Store
        Where :func:`finish_session` stores the sets and the pain ratings.
    out_dir : path
        Folder of the set recordings.
    device_factory : HomeDeviceFactory
    time_scale : float
        Countdowns and rests run this many times faster (tests and demos; 1 = real time).
    fps : float
        Display rate, frames/s.
    recount_interval_s : float
        Wall time between two live re-counts of the set, s (:class:`RepetitionCounter`).

    Signals
    -------
    step_started(Step), set_recorded(SetOutcome), session_saved(int: store session id), failed(str)
    """

    step_started = QtCore.pyqtSignal(object)
    set_recorded = QtCore.pyqtSignal(object)
    session_saved = QtCore.pyqtSignal(int)
    failed = QtCore.pyqtSignal(str)

    def __init__(
        self,
        prescription: Prescription,
        subject: Subject,
        store: Store,
        out_dir: str | Path,
        *,
        device_factory: HomeDeviceFactory,
        time_scale: float = 1.0,
        fps: float = 30.0,
        recount_interval_s: float = 0.25,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if subject.mass_kg is None:
            raise ValueError(f"patient {subject.id} has no body mass: it is needed for the load in %BW")
        if not time_scale > 0:
            raise ValueError(f"time scale must be > 0, got {time_scale}")
        self.prescription = prescription
        self.subject = Subject(subject.id, subject.mass_kg, prescription.affected_side)
        self.body_weight_n = float(subject.mass_kg) * STANDARD_GRAVITY_M_S2
        self.store = store
        self.out_dir = Path(out_dir)
        self.device_factory = device_factory
        self.time_scale = float(time_scale)
        self.recount_interval_s = float(recount_interval_s)
        self.steps: list[Step] = session_plan(prescription)
        if home_sessions(store, subject.id):  # ask about the 24 h after the last session first (the 24-h rule)
            self.steps.insert(0, Step("pain-next-day", None, 0, 0.0, NEXT_DAY_QUESTION))
        self.index = -1
        self.outcomes: list[SetOutcome] = []
        self.pain_before: int | None = None
        self.pain_next_day: int | None = None
        self.pain_after: int | None = None
        self.session_id: int | None = None
        self.counter: RepetitionCounter | None = None
        self.controller = LiveController(fps=fps, parent=self)
        self.controller.frame_ready.connect(self._frame)
        self.controller.finished.connect(self._set_finished)
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._tick)
        self._t0 = 0.0
        self.closed = False
        self._build()

    def _build(self) -> None:
        self.setAutoFillBackground(True)
        self.setStyleSheet("HomeSessionView { background: white; }")
        self.header = QtWidgets.QLabel("")
        self.header.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.pain = PainRating()
        self.instruction = InstructionPage()
        self.countdown = CountdownPage()
        self.set_page = SetPage()
        self.rest = RestPage()
        self.summary = SummaryPage()
        self.pages = QtWidgets.QStackedWidget()
        for page in (self.pain, self.instruction, self.countdown, self.set_page, self.rest, self.summary):
            self.pages.addWidget(page)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.pages, 1)
        self.pain.rated.connect(self._pain_rated)
        self.instruction.ready.clicked.connect(self.next_step)
        self.rest.skip.clicked.connect(self.next_step)
        self.set_page.stop.clicked.connect(self._stop_set)
        self.summary.done.clicked.connect(self.close)

    # -- walking the plan -----------------------------------------------------------------------------

    @property
    def step(self) -> Step | None:
        return self.steps[self.index] if 0 <= self.index < len(self.steps) else None

    def start(self) -> None:
        """Begin with the first step."""
        self._go(0)

    def next_step(self) -> None:
        self._go(self.index + 1)

    def _go(self, index: int) -> None:
        self._timer.stop()
        if self.closed:
            return  # e.g. the set that ended as the window closed: nothing starts after the close
        self.index = index
        step = self.step
        if step is None:
            return
        self._header(step)
        handlers = {
            "pain-next-day": self._show_pain, "pain-before": self._show_pain, "pain-after": self._show_pain,
            "instruction": self._show_instruction,
            "countdown": self._show_timed, "rest": self._show_timed, "set": self._start_set,
            "summary": self._show_summary,
        }
        if step.kind not in handlers:
            raise ValueError(f"unknown session step {step.kind!r}")
        self.step_started.emit(step)
        handlers[step.kind](step)

    def _header(self, step: Step) -> None:
        if step.exercise is None:
            self.header.setText("")
            return
        keys = [d.exercise for d in self.prescription.exercises]
        number = keys.index(step.exercise.exercise) + 1
        self.header.setText(f"Exercise {number} of {len(keys)}  ·  set {step.set_index + 1} of {step.exercise.sets}")
        font = self.header.font()
        font.setPixelSize(max(self.height() // 30, 14))
        self.header.setFont(font)

    def _show_pain(self, step: Step) -> None:
        after = step.kind == "pain-after"
        text = re.sub(r"\s*\([^)]*\)\s*$", "", step.text)  # the scale is explained under the question
        self.pain.set_question(text or ("How much does your hip hurt now, after the exercises?" if after
                                        else "How much does your hip hurt right now?"))
        self.pages.setCurrentWidget(self.pain)

    def _pain_rated(self, value: int) -> None:
        step = self.step
        if step is None or step.kind not in ("pain-next-day", "pain-before", "pain-after"):
            return
        if step.kind != "pain-after":
            setattr(self, step.kind.replace("-", "_"), value)
            self.next_step()
            return
        self.pain_after = value
        try:
            self.session_id = finish_session(self.store, self.subject.id, self.outcomes, self.pain_before, value,
                                             prescription=self.prescription, pain_next_day=self.pain_next_day)
        except (ValueError, OSError) as exc:
            self._fail(f"the session could not be saved: {exc}")
            return
        self.session_saved.emit(self.session_id)
        self.next_step()

    def _show_instruction(self, step: Step) -> None:
        dose = step.exercise
        if dose is None:
            raise ValueError("an instruction step needs its exercise")
        exercise = LIBRARY[dose.exercise]
        self.instruction.show_exercise(exercise.title, f"{exercise.instructions}\n\n{target_text(dose)}".strip(),
                                       dose_text(dose))
        self.pages.setCurrentWidget(self.instruction)

    def _show_timed(self, step: Step) -> None:
        if step.kind == "countdown":
            title = LIBRARY[step.exercise.exercise].title if step.exercise is not None else ""
            self.countdown.title.setText(step.text or f"Get ready: {title}")
            self.countdown.set_remaining(step.seconds)
            self.pages.setCurrentWidget(self.countdown)
        else:
            following = self.steps[self.index + 1 :]
            upcoming = next((s for s in following if s.kind == "set" and s.exercise is not None), None)
            self.rest.next.setText(f"Next: {LIBRARY[upcoming.exercise.exercise].title}, set {upcoming.set_index + 1}"
                                   if upcoming is not None and upcoming.exercise is not None else "")
            self.rest.set_remaining(step.seconds)
            self.pages.setCurrentWidget(self.rest)
        self._t0 = time.monotonic()
        self._timer.start()

    def _tick(self) -> None:
        step = self.step
        if step is None or step.kind not in ("countdown", "rest"):
            self._timer.stop()
            return
        remaining = step.seconds - (time.monotonic() - self._t0) * self.time_scale
        (self.countdown if step.kind == "countdown" else self.rest).set_remaining(remaining)
        if remaining <= 0:
            self.next_step()

    # -- sets -----------------------------------------------------------------------------------------

    def set_path(self, dose: ExerciseDose, set_index: int) -> Path:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return self.out_dir / f"{self.subject.id}_home_{dose.exercise}_set{set_index + 1}_{stamp}.h5"

    def _start_set(self, step: Step) -> None:
        dose = step.exercise
        if dose is None or not step.seconds > 0:
            raise ValueError(f"a set step needs its exercise and a duration, got {step}")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.counter = RepetitionCounter(dose, self.body_weight_n, interval_s=self.recount_interval_s)
        exercise = LIBRARY[dose.exercise]
        self.set_page.prepare(exercise.title, self.prescription.affected_side, self.counter.band, dose.reps,
                              self.counter.hold_s)
        self.pages.setCurrentWidget(self.set_page)
        try:
            device = self.device_factory(dose, step.set_index)
            settings = {**set_settings(dose, step.set_index, self.body_weight_n), **self.counter.settings()}
            session = Session(device, self.set_path(dose, step.set_index), self.subject, protocol="home",
                              condition=dose.exercise, settings=settings, duration_s=step.seconds,
                              ring_seconds=step.seconds + 10.0)
            self.controller.start(session, self.counter, self.prescription.affected_side)
        except (ValueError, OSError, LookupError) as exc:
            self._fail(f"the set could not start: {exc}")

    def _frame(self, frame: Frame) -> None:
        step, s = self.step, frame.status
        if step is None or step.kind != "set" or not s:
            return
        elapsed = frame.stats.elapsed_s
        kind = LIBRARY[step.exercise.exercise].kind.value if step.exercise is not None else ""
        self.set_page.show_status(s["successes"], s["on_target"], s["held_s"], s["affected_pct_bw"],
                                  s["unaffected_pct_bw"], s["band"], step.seconds - elapsed, frame.affected_side,
                                  pace_cue(kind, elapsed, step.exercise.reps if step.exercise is not None else 0),
                                  s["note"])

    def _stop_set(self) -> None:
        if self.controller.running:
            self.controller.stop()

    def _set_finished(self, result: SessionResult) -> None:
        step = self.step
        if step is None or step.exercise is None:
            return
        if result.device_fault is not None:
            stored = self.store_sets_done()
            self._fail(f"the board stopped during the set ({result.device_fault}); the set was saved as "
                       f"interrupted in {result.path}" + (f"; the sets done before are stored as session {stored}"
                                                          if stored is not None else ""))
            return
        try:
            outcome = SetOutcome(step.exercise.exercise, step.set_index, str(result.path),
                                 analyze_set(open_recording(result.path), step.exercise, self.body_weight_n,
                                             self.prescription.affected_side))
        except (ValueError, OSError) as exc:
            self._fail(f"the set could not be analysed: {exc}")
            return
        self.outcomes.append(outcome)
        self.set_recorded.emit(outcome)
        QtCore.QTimer.singleShot(0, self.next_step)  # not from inside the controller's stop()

    # -- the end --------------------------------------------------------------------------------------

    def _show_summary(self, step: Step) -> None:
        self.summary.title.setText("Well done!")
        self.summary.show_lines(summary_lines(self.outcomes, self.prescription, self.pain_before, self.pain_after))
        self.pages.setCurrentWidget(self.summary)

    def store_sets_done(self) -> int | None:
        """A session stopped part-way (a board fault, the window closed): store the sets done so far, without a
        pain-after rating, as the console's ``run_home_session`` does; the session id (None if nothing to store)."""
        if self.session_id is not None or not self.outcomes:
            return None
        try:
            self.session_id = finish_session(self.store, self.subject.id, self.outcomes, self.pain_before, None,
                                             prescription=self.prescription, pain_next_day=self.pain_next_day)
        except (ValueError, OSError) as exc:
            self.failed.emit(f"the sets done could not be saved: {exc}")
            return None
        self.session_saved.emit(self.session_id)
        return self.session_id

    def _fail(self, message: str) -> None:
        self._timer.stop()
        self.summary.title.setText("The session stopped")
        self.summary.show_lines([message, *summary_lines(self.outcomes, self.prescription, None, None)])
        self.pages.setCurrentWidget(self.summary)
        self.failed.emit(message)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.closed = True
        self._timer.stop()
        if self.controller.running:
            self.controller.stop()  # the set under way ends and is analysed like a set stopped early
        self.store_sets_done()
        super().closeEvent(event)

