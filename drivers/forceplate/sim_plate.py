"""``sim-plate``: the OFP-1 force plate driver running over the simulated plate's pyusb backend.

Everything between the driver and the simulated firmware is the real code path: pyusb's ``usb.core``
and the :class:`~drivers.forceplate.device.ForcePlate` driver. Only the backend is simulated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from drivers.device import FoundDevice
from drivers.forceplate.calibration import Layout
from drivers.forceplate.device import ForcePlate
from drivers.forceplate.pair import PlatePair
from drivers.forceplate.usb_faults import FaultPlan
from drivers.forceplate.usb_sim import LOAD_CELL_POSITIONS_MM, SimulatedPlateBackend
from drivers.options import SIMULATED_SUBJECT_OPTIONS, parse_bool
from drivers.sim.clock import FastClock, RealTimeClock
from drivers.sim.subject import StandingSubject

__all__ = ["SimulatedForcePlate", "SimulatedPlatePair"]


def _layout(text: str) -> Layout:
    value = text.strip().lower().replace("-", "_")
    if value in ("load_cells", "4", "cells"):
        return Layout.LOAD_CELLS
    if value in ("six_component", "6"):
        return Layout.SIX_COMPONENT
    raise ValueError(f"expected load_cells or six_component, got {text!r}")



class SimulatedForcePlate(ForcePlate):
    """An OFP-1 plate simulated behind pyusb, with a simulated person standing on it.

    The subject stands with the feet over the left and right cell lines (stance width 400 mm), so
    left/right cell pairs measure each limb's load. Options as for :class:`ForcePlate`, plus the
    subject, the layout (4 load cells by default, or a six-component plate), the rate, real-time
    pacing and injected faults (``drop_prob``, ``corrupt_prob``).
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **ForcePlate.OPTIONS,
        **SIMULATED_SUBJECT_OPTIONS,
        "seed": (int, "random seed"),
        "layout": (_layout, "load_cells (4 cells, default) or six_component (Fx..Mz)"),
        "realtime": (parse_bool, "pace samples by the wall clock"),
        "empty": (parse_bool, "nobody on the plate"),
        "drop_prob": (float, "probability that the plate drops a frame (FIFO overrun)"),
        "corrupt_prob": (float, "probability that a frame is corrupted on the wire"),
    }
    DRIVER = "sim-plate"

    def __init__(self, address: str = "", *, mass_kg: float = 70.0, affected_side: Literal["left", "right"] = "left",
                 affected_share_pct: float = 42.0, seed: int = 0, layout: Layout = Layout.LOAD_CELLS,
                 realtime: bool = False, empty: bool = False, drop_prob: float = 0.0, corrupt_prob: float = 0.0,
                 rate_hz: int | None = None, backend: SimulatedPlateBackend | None = None, **kwargs: Any) -> None:
        if backend is None:
            subject = StandingSubject(mass_kg=mass_kg, affected_side=affected_side,
                                      affected_share_pct=affected_share_pct,
                                      stance_width_mm=2 * LOAD_CELL_POSITIONS_MM[0][0], seed=seed)
            backend = SimulatedPlateBackend(
                layout, subject, empty=empty, clock=RealTimeClock() if realtime else FastClock(), seed=seed,
                rate_hz=rate_hz or 1000, faults=FaultPlan(drop_prob=drop_prob, corrupt_prob=corrupt_prob, seed=seed),
                serial=address or "OFP1-SIM-0001",
            )
        self.sim = backend
        super().__init__(address, rate_hz=rate_hz, backend=backend, clock=backend.clock, **kwargs)

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice(cls.DRIVER, "", "simulated OFP-1 force plate over pyusb, 4 cells, 1000/2000 Hz")]


class _FootOnPlate:
    """One foot of a StandingSubject, seen by the plate under it (COP relative to the plate centre)."""

    def __init__(self, subject: StandingSubject, side: Literal["left", "right"], plate_centre_x_mm: float) -> None:
        self.subject = subject
        self.side = side
        self.plate_centre_x_mm = plate_centre_x_mm

    def sample(self, t_s):
        from drivers.sim.subject import SubjectTruth

        truth = self.subject.sample(t_s)
        half = self.subject.stance_width_mm / 2.0
        foot_x = -half if self.side == "left" else half
        load = truth.left_n if self.side == "left" else truth.right_n
        zeros = load * 0.0
        return SubjectTruth(truth.t_s, load, zeros + (foot_x - self.plate_centre_x_mm), truth.cop_y_mm,
                            load if self.side == "left" else zeros, load if self.side == "right" else zeros)


class SimulatedPlatePair(PlatePair):
    """Two simulated OFP-1 plates, one under each foot, with crystals that drift apart (±``ppm``).

    Both plates share one simulated clock and see the same simulated person (each plate its own copy
    of the seeded subject, so both follow the same trajectory). Everything else is the real path:
    two :class:`ForcePlate` drivers over pyusb and the pair's clock alignment.
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **PlatePair.OPTIONS,
        **SIMULATED_SUBJECT_OPTIONS,
        "stance_width_mm": (float, "distance between the feet's centres of pressure, mm"),
        "seed": (int, "random seed"),
        "ppm": (float, "the plates' crystals run +ppm and -ppm against the host clock"),
        "realtime": (parse_bool, "pace samples by the wall clock"),
        "rate_hz": (int, "sampling rate of both plates, Hz"),
    }
    DRIVER = "sim-plate-pair"

    def __init__(self, address: str = "", *, mass_kg: float = 70.0, affected_side: Literal["left", "right"] = "left",
                 affected_share_pct: float = 42.0, stance_width_mm: float = 300.0, seed: int = 0,
                 ppm: float = 40.0, realtime: bool = False, rate_hz: int = 1000, separation_mm: float = 500.0,
                 resync_s: float = 2.0) -> None:
        clock = RealTimeClock() if realtime else FastClock()

        def person() -> StandingSubject:
            return StandingSubject(mass_kg=mass_kg, affected_side=affected_side,
                                   affected_share_pct=affected_share_pct, stance_width_mm=stance_width_mm, seed=seed)

        plates = []
        for side, sign in (("left", -1.0), ("right", 1.0)):
            foot = _FootOnPlate(person(), side, sign * separation_mm / 2.0)
            backend = SimulatedPlateBackend(subject=foot, clock=clock, seed=seed + (sign > 0), rate_hz=rate_hz,
                                            serial=f"OFP1-SIM-{side.upper()}", clock_ppm=sign * ppm)
            plates.append(ForcePlate(f"OFP1-SIM-{side.upper()}", backend=backend, clock=clock))
        super().__init__(plates[0], plates[1], separation_mm=separation_mm, resync_s=resync_s)
        self.backends = (plates[0]._backend, plates[1]._backend)
        self.subject_twin = person  # a fresh copy of the subject, for tests and demos

    @classmethod
    def find(cls) -> list[FoundDevice]:
        return [FoundDevice(cls.DRIVER, "", "two simulated OFP-1 plates, one per foot, drifting clocks")]
