"""The live loop: a 60 Hz QTimer peeks the newest window of the ring buffer, takes the training mode's new
events, and hands a :class:`Frame` to the views.

The session's reader thread converts each block once (Fz, COP, limb loads) and pushes it to the ring buffer
and to the training mode (:class:`~station.protocols.training.feed.TrainingFeed`), which records its events
in the file. A tick only copies the window the views show (live measures included) and reads the mode's
status under its lock: no sample is converted here. No widget is touched from another thread; everything
here runs in the GUI thread (docs/gui.md "How it works").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from PyQt6 import QtCore

from drivers.model import ChannelLayout
from station.engine.acquisition import AcquisitionStats
from station.engine.live import LiveSamples, recent_affected_pct
from station.engine.session import Session, SessionResult
from station.protocols.training import TrainingEvent, TrainingMode, UnderloadCue
from station.protocols.training.feed import Cue, TrainingFeed

__all__ = ["Frame", "LiveController"]

#: Averaging window of the load bars, s (steady enough to read, quick enough for feedback).
BAR_WINDOW_S = 0.25


@dataclass(frozen=True)
class Frame:
    """What one redraw shows. Arrays cover the display window; times are device time, s."""

    t_s: np.ndarray
    forces_n: np.ndarray
    channel_names: tuple[str, ...]
    live: LiveSamples
    affected_side: str
    affected_pct: float
    status: dict[str, Any]
    stats: AcquisitionStats
    events: tuple[TrainingEvent, ...]
    battery_pct: float | None
    recording: str

    @property
    def left_pct(self) -> float:
        return self.affected_pct if self.affected_side == "left" else 100.0 - self.affected_pct

    @property
    def right_pct(self) -> float:
        return self.affected_pct if self.affected_side == "right" else 100.0 - self.affected_pct


class LiveController(QtCore.QObject):
    """Runs a :class:`~station.engine.session.Session` with an optional training mode and emits one
    :class:`Frame` per tick.

    Signals
    -------
    frame_ready(Frame)
        Connected views redraw (same thread, so they have drawn when ``emit`` returns).
    frame_drawn(float)
        Device time of the newest sample in the frame just drawn, s.
    training_event(TrainingEvent)
    cue(float)
        The affected limb has been under-loaded (device time, s); the app sounds a cue.
    finished(SessionResult)
    """

    frame_ready = QtCore.pyqtSignal(object)
    frame_drawn = QtCore.pyqtSignal(float)
    training_event = QtCore.pyqtSignal(object)
    cue = QtCore.pyqtSignal(float)
    finished = QtCore.pyqtSignal(object)

    def __init__(self, *, fps: float = 60.0, window_s: float = 5.0, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        if not 1.0 <= fps <= 120.0:
            raise ValueError(f"display rate must be within 1-120 frames/s, got {fps}")
        self.window_s = float(window_s)
        self.timer = QtCore.QTimer(self)
        self.timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self.timer.setInterval(max(round(1000.0 / fps), 1))
        self.timer.timeout.connect(self._tick)
        self.session: Session | None = None
        self.mode: TrainingMode | None = None
        self.feed: TrainingFeed | None = None
        self.affected_side = "left"
        self.frames = 0
        self.events: list[TrainingEvent] = []
        self.last_frame: Frame | None = None
        self.result: SessionResult | None = None
        self._t_started = 0.0

    @property
    def running(self) -> bool:
        return self.session is not None and self.result is None

    @property
    def samples_processed(self) -> int:
        """Samples that went through the training logic (each once)."""
        return self.feed.samples_processed if self.feed is not None else 0

    def start(
        self,
        session: Session,
        mode: TrainingMode | None,
        affected_side: str,
        underload_cue: UnderloadCue | None = None,
    ) -> None:
        """Start acquiring and drawing. ``session`` is created but not started; its subject's affected side
        is ``affected_side``."""
        if self.running:
            raise RuntimeError("a session is already running; stop it first")
        info = session.info
        if info.layout != ChannelLayout.LOAD_CELLS or info.sensor_positions_mm is None or session.live_side is None:
            refused = session.stop()  # nothing was acquired: the empty file is removed
            refused.path.unlink(missing_ok=True)
            if info.layout != ChannelLayout.LOAD_CELLS or info.sensor_positions_mm is None:
                raise ValueError(
                    f"the live view needs a load-cell device with sensor positions; {info.model} is {info.layout}"
                )
            raise ValueError("the live view needs the subject's affected side (left or right)")
        if session.live_side != affected_side:
            session.stop().path.unlink(missing_ok=True)
            raise ValueError(f"the session's subject is affected on the {session.live_side}, not the {affected_side}")
        self.session, self.mode = session, mode
        self.feed = TrainingFeed(mode, underload_cue)
        session.subscribe(self.feed)
        self.affected_side = affected_side
        self._channels = info.channel_names
        self._window_n = max(int(self.window_s * info.nominal_rate_hz * 1.5), 64)
        self.frames = 0
        self.events, self.result, self.last_frame = [], None, None
        self._t_started = time.monotonic()
        session.start()
        self.timer.start()

    def _take_events(self) -> list[TrainingEvent]:
        """The training events and cues since the last tick (recorded already by the session)."""
        assert self.feed is not None
        events = []
        for item in self.feed.take():
            if isinstance(item, Cue):
                self.cue.emit(float(item))
            else:
                events.append(item)
                self.events.append(item)
                self.training_event.emit(item)
        return events

    def _tick(self) -> None:
        session = self.session
        if session is None or self.result is not None or self.feed is None:
            return
        done = session.finished
        events = self._take_events()
        shown = session.ring.latest(self._window_n)
        if shown.n_samples and shown.live is not None:
            frame = Frame(
                t_s=shown.t_s,
                forces_n=shown.forces_n,
                channel_names=self._channels,
                live=shown.live,
                affected_side=self.affected_side,
                affected_pct=recent_affected_pct(shown.live, BAR_WINDOW_S),
                status=self.feed.status(),
                stats=session.stats(),
                events=tuple(events),
                battery_pct=session.device.battery_pct,
                recording=str(session.path),
            )
            self.last_frame = frame
            self.frame_ready.emit(frame)
            self.frames += 1
            self.frame_drawn.emit(float(shown.t_s[-1]))
        if done or self.feed.finished:
            self.stop()

    def stop(self) -> SessionResult:
        """Stop acquiring, score the training, close the recording; emits ``finished``."""
        if self.result is not None:
            return self.result
        if self.session is None:
            raise RuntimeError("no session was started")
        self.timer.stop()
        try:
            self.result = self.session.stop()  # the training's final events are recorded before the file closes
        finally:
            if self.feed is not None:
                self._take_events()
        self.finished.emit(self.result)
        return self.result

    @property
    def wall_elapsed_s(self) -> float:
        return time.monotonic() - self._t_started
