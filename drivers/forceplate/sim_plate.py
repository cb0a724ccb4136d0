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
from drivers.forceplate.usb_sim import LOAD_CELL_POSITIONS_MM, FaultPlan, SimulatedPlateBackend
from drivers.sim.board import parse_bool
from drivers.sim.clock import FastClock, RealTimeClock
from drivers.sim.subject import StandingSubject

__all__ = ["SimulatedForcePlate"]


def _layout(text: str) -> Layout:
    value = text.strip().lower().replace("-", "_")
    if value in ("load_cells", "4", "cells"):
        return Layout.LOAD_CELLS
    if value in ("six_component", "6"):
        return Layout.SIX_COMPONENT
    raise ValueError(f"expected load_cells or six_component, got {text!r}")


def _side(text: str) -> str:
    value = text.strip().lower()
    if value not in ("left", "right"):
        raise ValueError(f"expected left or right, got {text!r}")
    return value


class SimulatedForcePlate(ForcePlate):
    """An OFP-1 plate simulated behind pyusb, with a simulated person standing on it.

    The subject stands with the feet over the left and right cell lines (stance width 400 mm), so
    left/right cell pairs measure each limb's load. Options as for :class:`ForcePlate`, plus the
    subject, the layout (4 load cells by default, or a six-component plate), the rate, real-time
    pacing and injected faults (``drop_prob``, ``corrupt_prob``).
    """

    OPTIONS: ClassVar[Mapping[str, tuple[Callable[[str], Any], str]]] = {
        **ForcePlate.OPTIONS,
        "mass_kg": (float, "body mass of the simulated subject, kg"),
        "affected_side": (_side, "painful side of the simulated subject: left or right"),
        "affected_share_pct": (float, "mean % of body weight on the affected limb"),
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

    def _is_simulated(self) -> bool:
        return True
