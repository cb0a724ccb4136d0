"""Session metadata stored with every recording."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Subject"]


@dataclass(frozen=True)
class Subject:
    """The person on the device, pseudonymous: no names in files.

    Attributes
    ----------
    id : str
        Pseudonymous subject id.
    mass_kg : float or None
        Body mass entered by the clinician, kg.
    affected_side : {"left", "right"} or None
        The painful side.
    height_m : float or None
        Height, m.
    """

    id: str = "anonymous"
    mass_kg: float | None = None
    affected_side: str | None = None
    height_m: float | None = None

    def __post_init__(self) -> None:
        if not self.id or not self.id.strip():
            raise ValueError("subject id must not be empty")
        if self.mass_kg is not None and not (math.isfinite(self.mass_kg) and 0 < self.mass_kg < 500):
            raise ValueError(f"body mass must be between 0 and 500 kg, got {self.mass_kg}")
        if self.height_m is not None and not (math.isfinite(self.height_m) and 0 < self.height_m < 3):
            raise ValueError(f"height must be between 0 and 3 m, got {self.height_m}")
        if self.affected_side not in (None, "left", "right"):
            raise ValueError(f"affected side must be left or right, got {self.affected_side!r}")
