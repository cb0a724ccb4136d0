"""``sim-wbb``: the Wii Balance Board device over the byte-exact simulator (:class:`SimulatedWiiBalanceBoard`).

The same :class:`~drivers.wii.device.WiiBalanceBoard` class with a
:class:`~drivers.wii.transports.simulated.SimTransport` to :class:`~drivers.wii.simulator.SimulatedWiiBoard`,
so the protocol, init, tare, decoding and reconnection code under test is the code a real board runs.
The simulated subject (:class:`~drivers.sim.subject.StandingSubject`) and the board's faults (dropouts,
corrupted reports, link drops, an initialisation that never finishes) are options.

References
----------
wii-balance-board.md §1.12 (the simulator); DESIGN.md §3 (simulators are byte-exact).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from drivers.device import FoundDevice
from drivers.options import SIMULATED_BOARD_SUBJECT_OPTIONS, parse_bool, parse_float_tuple
from drivers.sim.clock import FastClock, RealTimeClock, SimClock
from drivers.sim.stepping import SteppingSubject
from drivers.sim.subject import StandingSubject
from drivers.wii.device import WiiBalanceBoard
from drivers.wii.simulator import SimulatedWiiBoard
from drivers.wii.transports.base import Transport
from drivers.wii.transports.simulated import SimTransport

__all__ = ["SimulatedWiiBalanceBoard"]


class SimulatedWiiBalanceBoard(WiiBalanceBoard):
    """``sim-wbb``: a :class:`WiiBalanceBoard` talking to the byte-exact simulator over :class:`SimTransport`.

    The simulated subject steps on at ``step_on_s`` (default: 1.5 s after a tare would end), so the
    device's tare sees an empty board and its wait-for-subject sees the step.
    """

    DRIVER: ClassVar[str] = "sim-wbb"
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
        **options: Any,
    ) -> None:
        super().__init__(address, **options)
        if mode not in ("standing", "stepping"):
            raise ValueError(
                f"a simulated board can stand or step in place, not {mode!r} (one board is too short to walk on)"
            )
        if subject is None and not empty and mode == "stepping":
            subject = SteppingSubject(
                mass_kg=mass_kg, affected_side=affected_side, stance_width_mm=stance_width_mm, seed=seed,
                affected_stance_reduction_pct=affected_stance_reduction_pct,
                affected_peak_reduction_pct=affected_peak_reduction_pct,
            )
        if subject is None and not empty:
            subject = StandingSubject(
                mass_kg=mass_kg, affected_side=affected_side, affected_share_pct=affected_share_pct,
                stance_width_mm=stance_width_mm, seed=seed,
            )
        self.subject = None if empty else subject
        self.realtime = bool(realtime)
        self.mean_interval_ms = float(mean_interval_ms)
        self._board_kwargs: dict[str, Any] = {
            "step_on_s": self.tare_s + 1.5 if step_on_s is None else float(step_on_s),
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
        self.board = SimulatedWiiBoard(self.subject, **self._board_kwargs)
        self._sim_transport: SimTransport | None = None

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice(cls.DRIVER, "", "simulated Wii Balance Board (byte-exact HID reports, ~83 Hz jittered)")]

    def _make_transport(self) -> Transport:
        # One transport (and one simulated clock) per device: the board's time never runs backwards
        # across close() and open().
        if self._sim_transport is None:
            clock = self._clock or (RealTimeClock() if self.realtime else FastClock())
            self._sim_transport = SimTransport(self.board, clock, start_clock=self._clock is None)
        return self._sim_transport

    def _nominal_rate_hz(self) -> float:
        return 1000.0 / self.mean_interval_ms
