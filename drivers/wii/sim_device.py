"""``sim``: the Wii Balance Board device over the byte-exact simulator (:class:`SimulatedWiiBalanceBoard`).

The same :class:`~drivers.wii.device.WiiBalanceBoard` class with a
:class:`~drivers.wii.transports.simulated.SimTransport` to :class:`~drivers.wii.simulator.SimulatedWiiBoard`,
so the protocol, init, calibration, tare, decoding and reconnection code under test is the code a real board
runs. This is the station's default device (``sim``; ``sim-wbb`` is another name for it). The simulated
subject (:class:`~drivers.sim.subject.StandingSubject`, or :class:`~drivers.sim.stepping.SteppingSubject`
stepping in place) and the board's faults (dropouts, corrupted reports, link drops, an initialisation that
never finishes) are options. Other subjects plug in through ``subject=`` (the home patient of ``sim-home``,
:mod:`drivers.sim.home_patient`).

The subject steps off the board for the tare of every ``open()`` and steps on 1.5 s after the tare ends (or at
the board time ``step_on_s`` when one is given). Without a tare (``tare_s=0``) and without a ``step_on_s``, or with
``step_on_at_start=True``, the subject steps on when ``start()`` is called: the recording begins with the
subject's own time 0.

References
----------
docs/wii-balance-board.md "The simulated board"; DESIGN.md §3 (simulators are byte-exact).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

import numpy as np

from drivers.device import FoundDevice
from drivers.model import DeviceInfo
from drivers.options import SIMULATED_BOARD_SUBJECT_OPTIONS, parse_bool, parse_float_tuple
from drivers.sim.clock import FastClock, RealTimeClock, SimClock
from drivers.sim.stepping import SteppingSubject
from drivers.sim.subject import StandingSubject, SubjectTruth
from drivers.wii.description import board_info
from drivers.wii.device import WiiBalanceBoard
from drivers.wii.simulator import SimulatedWiiBoard
from drivers.wii.transports import SimTransport, Transport

__all__ = ["SimulatedWiiBalanceBoard", "board_subject"]

#: After a tare, the simulated subject steps on this long after it ends, s.
STEP_ON_AFTER_TARE_S = 1.5


def board_subject(
    *,
    mass_kg: float = 70.0,
    affected_side: Literal["left", "right"] = "left",
    affected_share_pct: float = 42.0,
    stance_width_mm: float = 433.0,
    mode: str = "standing",
    affected_stance_reduction_pct: float = 8.0,
    affected_peak_reduction_pct: float = 6.0,
    seed: int = 0,
) -> StandingSubject | SteppingSubject:
    """The person on a simulated four-cell board: standing quietly, or stepping in place (``mode``).

    ``"walking"`` is refused: one board is too short to walk on (``sim-gait`` is two plates under a walker).
    """
    if mode == "stepping":
        return SteppingSubject(
            mass_kg=mass_kg, affected_side=affected_side, stance_width_mm=stance_width_mm, seed=seed,
            affected_stance_reduction_pct=affected_stance_reduction_pct,
            affected_peak_reduction_pct=affected_peak_reduction_pct,
        )
    if mode != "standing":
        raise ValueError(
            f"a simulated board can stand or step in place, not {mode!r} (one board is too short to walk on)"
        )
    return StandingSubject(mass_kg=mass_kg, affected_side=affected_side, affected_share_pct=affected_share_pct,
                           stance_width_mm=stance_width_mm, seed=seed)


class SimulatedWiiBalanceBoard(WiiBalanceBoard):
    """``sim``: a :class:`WiiBalanceBoard` talking to the byte-exact simulator over :class:`SimTransport`.

    The simulated subject steps on at ``step_on_s`` (default: 1.5 s after the tare ends), so the
    device's tare sees an empty board and its wait-for-subject sees the step. Its information is known at
    once (a simulator), before ``open()``.
    """

    DRIVER: ClassVar[str] = "sim"
    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **WiiBalanceBoard.OPTIONS,
        **SIMULATED_BOARD_SUBJECT_OPTIONS,
        "realtime": (parse_bool, "pace reports by the wall clock"),
        "calibration": (str, "calibration block in the simulator: real or nice"),
        "zero_offset_kg": (parse_float_tuple, "empty-board reading per sensor TR,BR,TL,BL, kg"),
        "step_on_s": (float, "simulated time the subject steps on, s"),
        "mean_interval_ms": (float, "typical interval between reports, ms"),
        "dropout": (float, "probability that a report is lost, 0-1"),
        "bad_report_rate": (float, "probability that a report arrives corrupted, 0-1"),
        "button_at_s": (parse_float_tuple, "times the front button is pressed, s"),
        "status_every_s": (float, "unsolicited status report period, s"),
        "disconnect_at_s": (float, "simulated time the link drops, s"),
        "reconnect_after_s": (float, "how long the link stays down, s"),
        "init_never_finishes": (parse_bool, "the board never acks the extension init"),
    }

    def __init__(
        self,
        address: str = "",
        *,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        affected_share_pct: float = 42.0,
        stance_width_mm: float = 433.0,
        mode: str = "standing",
        affected_stance_reduction_pct: float = 8.0,
        affected_peak_reduction_pct: float = 6.0,
        empty: bool = False,
        seed: int = 0,
        realtime: bool = False,
        calibration: str = "real",
        zero_offset_kg: tuple[float, ...] = (0.6, -0.4, 0.3, 0.5),
        step_on_s: float | None = None,
        mean_interval_ms: float = 12.0,
        dropout: float = 0.0,
        bad_report_rate: float = 0.0,
        button_at_s: tuple[float, ...] = (),
        status_every_s: float | None = None,
        disconnect_at_s: float | None = None,
        reconnect_after_s: float | None = None,
        init_never_finishes: bool = False,
        subject: StandingSubject | SteppingSubject | None = None,
        foot: str | None = None,
        clock: SimClock | None = None,
        keep_truth: bool = False,
        step_on_at_start: bool | None = None,
        **options: Any,
    ) -> None:
        super().__init__(address, **options)
        if subject is None and not empty:
            subject = board_subject(
                mass_kg=mass_kg, affected_side=affected_side, affected_share_pct=affected_share_pct,
                stance_width_mm=stance_width_mm, mode=mode, seed=seed,
                affected_stance_reduction_pct=affected_stance_reduction_pct,
                affected_peak_reduction_pct=affected_peak_reduction_pct,
            )
        elif mode not in ("standing", "stepping"):
            board_subject(mode=mode)  # the same clear error for an empty board
        self.realtime = bool(realtime)
        self.mean_interval_ms = float(mean_interval_ms)
        self.step_on_at_start = (step_on_s is None and self.tare_s == 0) if step_on_at_start is None \
            else bool(step_on_at_start)
        self._step_on_after_tare = step_on_s is None and not self.step_on_at_start
        self._board_kwargs: dict[str, Any] = {
            "step_on_s": np.inf if step_on_s is None else float(step_on_s),  # none: set by _open / _start
            "calibration": calibration,
            "seed": seed,
            "mean_interval_ms": mean_interval_ms,
            "zero_offset_kg": tuple(zero_offset_kg),
            "dropout": dropout,
            "bad_report_rate": bad_report_rate,
            "button_presses_s": tuple(button_at_s),
            "status_every_s": status_every_s,
            "disconnect_at_s": disconnect_at_s,
            "reconnect_after_s": reconnect_after_s,
            "init_never_finishes": init_never_finishes,
            "foot": foot,
            "reversed_subject": self.orientation == "reversed",
        }
        self._clock = clock
        # Validate the simulator's parameters now (constructors do no I/O, but bad values fail early).
        self.board = SimulatedWiiBoard(None if empty else subject, **self._board_kwargs)
        if keep_truth:
            self.board.truth_log = []
        self._sim_transport: SimTransport | None = None
        self._opened = False

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice(cls.DRIVER, "", "simulated Wii Balance Board with a simulated patient "
                                            "(byte-exact HID reports, ~83 Hz jittered)")]

    @property
    def info(self) -> DeviceInfo:
        if self._info is None:  # a simulator is described at once, before open()
            return board_info(self.DRIVER, self._make_transport(), self.report_mode, self._nominal_rate_hz(),
                              self.sensor_positions_mm())
        return self._info

    @property
    def subject(self) -> Any:
        """The simulated person (None: an empty board)."""
        return self.board.subject

    @subject.setter
    def subject(self, value: Any) -> None:
        self.board.subject = value  # a new person: their own time starts at 0 when they step on
        self.board.subject_time_at_step_on_s = self.board.subject_time_s = 0.0

    def truth(self, t_s: np.ndarray) -> SubjectTruth:
        """What the subject really did at device times ``t_s`` (s, delivered samples): force, COP, limb loads.

        Needs ``keep_truth=True``; ``t_s`` must lie within what the board generated after the subject stepped on.
        """
        log = self.board.truth_log
        if not log:
            raise ValueError("no truth kept: create the simulated board with keep_truth=True and record first")
        at = np.concatenate([times for times, _ in log])
        t = np.asarray(t_s, dtype=np.float64)
        if t.size and (t[0] < at[0] - 1e-6 or t[-1] > at[-1] + 1e-6):
            raise ValueError(f"truth known for {at[0]:.3f}-{at[-1]:.3f} s only, asked for {t[0]:.3f}-{t[-1]:.3f} s")
        fields = ("fz_n", "cop_x_mm", "cop_y_mm", "left_n", "right_n")
        values = {name: np.interp(t, at, np.concatenate([getattr(tr, name) for _, tr in log])) for name in fields}
        return SubjectTruth(t, **values)

    def recording_settings(self) -> dict[str, tuple[Any, str]]:
        """The board's settings plus when the simulated subject stepped on (its own time starts then)."""
        step_on = ("when the recording starts", "") if self.step_on_at_start else (float(self.board.step_on_s), "s")
        return {**super().recording_settings(), "sim.step_on_s": step_on,
                "sim.subject_time_at_step_on_s": (self.board.subject_time_at_step_on_s, "s")}

    def _open(self) -> None:
        # The subject steps off for the tare; back on, its own time (sway, exercise) goes on where it stopped.
        self.board.subject_time_at_step_on_s = self.board.subject_time_s
        fixed = not (self.step_on_at_start or self._step_on_after_tare)
        if not fixed:
            self.board.step_on_s = np.inf  # off the board for the tare
        elif self._opened:
            # Opened again (a new trial on the same board): the subject steps off for the tare and on after it.
            self.board.step_on_s = self._make_transport().now() + self.tare_s + STEP_ON_AFTER_TARE_S
        self._opened = True
        super()._open()
        if self._step_on_after_tare:
            self.board.step_on_s = self.transport.now() + STEP_ON_AFTER_TARE_S

    def _start(self) -> None:
        if self.step_on_at_start:  # the subject steps on as the recording starts (start() drains what came before)
            self.board.step_on_s = self.transport.now()
        super()._start()

    def _make_transport(self) -> Transport:
        # One transport (and one simulated clock) per device: the board's time never runs backwards
        # across close() and open().
        if self._sim_transport is None:
            clock = self._clock or (RealTimeClock() if self.realtime else FastClock())
            self._sim_transport = SimTransport(self.board, clock, start_clock=self._clock is None,
                                               uniq=f"SIM-{self._board_kwargs['seed']:06d}")
        return self._sim_transport

    def _nominal_rate_hz(self) -> float:
        return 1000.0 / self.mean_interval_ms
