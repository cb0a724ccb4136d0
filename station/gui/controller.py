"""The live loop: a 60 Hz QTimer pulls new samples from the ring buffer, feeds the training mode, queues
its events for the recording, and hands a :class:`Frame` to the views.

No widget is touched from another thread: the acquisition threads only fill the ring buffer and write
the file; everything here runs in the GUI thread (docs/gui.md "How it works").
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from PyQt6 import QtCore

from drivers.model import ChannelLayout
from station.engine.acquisition import AcquisitionStats
from station.protocols.live import LiveSamples, live_samples, recent_affected_pct
from station.protocols.session import LiveSession, SessionResult, event_at
from station.protocols.training import TrainingEvent, TrainingMode, UnderloadCue

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
    """Runs a :class:`LiveSession` with an optional training mode and emits one :class:`Frame` per tick.

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
        self.session: LiveSession | None = None
        self.mode: TrainingMode | None = None
        self.underload_cue: UnderloadCue | None = None
        self.affected_side = "left"
        self.frames = 0
        self.samples_processed = 0
        self.events: list[TrainingEvent] = []
        self.last_frame: Frame | None = None
        self.result: SessionResult | None = None
        self._t_started = 0.0

    @property
    def running(self) -> bool:
        return self.session is not None and self.result is None

    def start(
        self,
        session: LiveSession,
        mode: TrainingMode | None,
        affected_side: str,
        underload_cue: UnderloadCue | None = None,
    ) -> None:
        """Start acquiring and drawing. ``session`` is created but not started."""
        if self.running:
            raise RuntimeError("a session is already running; stop it first")
        info = session.device.info
        if info.layout != ChannelLayout.LOAD_CELLS or info.sensor_positions_mm is None:
            refused = session.stop()  # nothing was acquired: the empty file is removed
            refused.path.unlink(missing_ok=True)
            raise ValueError(
                f"the live view needs a load-cell device with sensor positions; {info.model} is {info.layout}"
            )
        self.session, self.mode, self.underload_cue = session, mode, underload_cue
        self.affected_side = affected_side
        self._positions = info.sensor_positions()
        self._channels = info.channel_names
        self._window_n = max(int(self.window_s * info.nominal_rate_hz * 1.5), 64)
        self.frames = self.samples_processed = 0
        self.events, self.result, self.last_frame = [], None, None
        self._t_started = time.monotonic()
        session.start()
        self.timer.start()

    def _process_new(self) -> list[TrainingEvent]:
        """Every sample not seen yet goes through the training mode and the cue, exactly once."""
        assert self.session is not None
        new = self.session.ring.drain()
        self.samples_processed += new.n_samples
        if new.n_samples == 0:
            return []
        live = live_samples(new.t_s, new.forces_n, self._positions, self.affected_side)  # type: ignore[arg-type]
        events = self.mode.update(live) if self.mode is not None else []
        for e in events:
            self._record(e, (new.t_s, new.seq))
        if self.underload_cue is not None:
            for t in self.underload_cue.update(live):
                self.cue.emit(t)
        return events

    def _record(self, e: TrainingEvent, seq_of: tuple[np.ndarray, np.ndarray]) -> None:
        assert self.session is not None
        self.session.post_event(event_at(e.t_s, seq_of, e.code, e.label))
        self.events.append(e)
        self.training_event.emit(e)

    def _tick(self) -> None:
        session = self.session
        if session is None or self.result is not None:
            return
        done = session.finished  # read first: after it is set nothing new reaches the ring
        events = self._process_new()
        shown = session.ring.latest(self._window_n)
        if shown.n_samples:
            live = live_samples(shown.t_s, shown.forces_n, self._positions, self.affected_side)  # type: ignore[arg-type]
            frame = Frame(
                t_s=shown.t_s,
                forces_n=shown.forces_n,
                channel_names=self._channels,
                live=live,
                affected_side=self.affected_side,
                affected_pct=recent_affected_pct(live, BAR_WINDOW_S),
                status=self.mode.status() if self.mode is not None else {},
                stats=session.stats(),
                events=tuple(events),
                battery_pct=getattr(session.device, "battery_pct", None),
                recording=str(session.path),
            )
            self.last_frame = frame
            self.frame_ready.emit(frame)
            self.frames += 1
            self.frame_drawn.emit(float(shown.t_s[-1]))
        if done or (self.mode is not None and self.mode.finished):
            self.stop()

    def stop(self) -> SessionResult:
        """Stop acquiring, score the training, close the recording; emits ``finished``."""
        if self.result is not None:
            return self.result
        if self.session is None:
            raise RuntimeError("no session was started")
        self.timer.stop()
        session = self.session
        session.acquisition.stop()
        session.acquisition.join()  # the writer drains what is queued: nothing received is lost
        self._process_new()  # the samples that arrived since the last tick
        if self.mode is not None:
            last_t = session.stats().last_t_s
            t_end = last_t if last_t is not None else 0.0
            seen = session.ring.latest(1)
            if seen.n_samples and not math.isnan(t_end):
                for e in self.mode.finish(t_end):
                    self._record(e, (seen.t_s, seen.seq))
        self.result = session.stop()
        self.finished.emit(self.result)
        return self.result

    @property
    def wall_elapsed_s(self) -> float:
        return time.monotonic() - self._t_started
