"""A simulated person stepping in place on one balance board, feet over the board's left and right halves.

The limb loads come from :class:`~drivers.sim.gait.GaitSubject` in ``"stepping"`` mode (antalgic: shorter
stance and lower peaks on the affected side, by configurable amounts). The two feet stand at
x = ∓``stance_width_mm``/2 (board frame, x + to the subject's right), both at y = ``ap_offset_mm``, so the
board sees the total force ``F = L + R`` at the centre of pressure ``x = stance_width/2 · (R − L)/F``.
With both feet on the same antero-posterior line the bilinear cell rule is linear in each foot's load,
so the board's cells carry exactly the sum of the two feet's contributions; with the default 433 mm
stance width each foot stands over one pair of cells and the left/right cell pairs give the limb loads
exactly (apart from the cells' own noise).

:meth:`sample` returns the same :class:`~drivers.sim.subject.SubjectTruth` a standing subject gives, so any
board simulator built for a standing subject (``sim``) takes a stepping one as well.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from drivers.sim.gait import GaitSubject
from drivers.sim.subject import SubjectTruth

__all__ = ["SteppingSubject"]


class SteppingSubject:
    """A person stepping in place on a board with an antalgic pattern.

    Parameters
    ----------
    mass_kg : float
        Body mass, kg.
    affected_side : {"left", "right"}
    affected_stance_reduction_pct, affected_peak_reduction_pct : float
        How much shorter the affected stance is and how much lower its peaks are, % of the unaffected value.
    stance_width_mm : float
        Distance between the feet's centres of pressure, mm (433 mm: each foot over a pair of WBB cells).
    ap_offset_mm : float
        Antero-posterior position of both feet, mm.
    seed : int
        Seed of the step-to-step variability.
    """

    def __init__(
        self,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        *,
        affected_stance_reduction_pct: float = 8.0,
        affected_peak_reduction_pct: float = 6.0,
        stance_width_mm: float = 433.0,
        ap_offset_mm: float = 0.0,
        seed: int = 0,
    ) -> None:
        if not stance_width_mm > 0:
            raise ValueError(f"stance_width_mm must be > 0, got {stance_width_mm}")
        # The board adds its own cell noise: the limb loads themselves are noise-free.
        self.gait = GaitSubject(
            mass_kg=mass_kg,
            affected_side=affected_side,
            mode="stepping",
            affected_stance_reduction_pct=affected_stance_reduction_pct,
            affected_peak_reduction_pct=affected_peak_reduction_pct,
            noise_n=0.0,
            seed=seed,
        )
        self.mass_kg = self.gait.mass_kg
        self.affected_side = affected_side
        self.stance_width_mm = float(stance_width_mm)
        self.ap_offset_mm = float(ap_offset_mm)
        self.seed = int(seed)

    @property
    def weight_n(self) -> float:
        """Body weight m·g, N."""
        return self.gait.weight_n

    def sample(self, t_s: np.ndarray) -> SubjectTruth:
        """Total force (N), centre of pressure (mm) and each foot's load (N) at times ``t_s`` (s, >= 0).

        Where nobody loads the board (F = 0) the COP is 0 mm (no load to place).
        """
        t = np.asarray(t_s, dtype=np.float64)
        left, right = self.gait.sample(t)
        fz = left + right
        cop_x = np.divide(
            0.5 * self.stance_width_mm * (right - left), fz, out=np.zeros_like(fz), where=fz > 0
        )
        return SubjectTruth(t, fz, cop_x, np.full_like(fz, self.ap_offset_mm), left, right)
