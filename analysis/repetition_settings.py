"""Thresholds of repetition detection (:func:`analysis.repetitions.detect_repetitions`), with their units.

Every field is stored with each result (``with_units``), so a count can be reproduced. The meaning of each
threshold is given per exercise kind in :mod:`analysis.repetitions`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["RepetitionSettings"]

_UNITS = {"s": "s", "pct_bw": "%BW", "mm": "mm", "hz": "Hz"}


@dataclass(frozen=True)
class RepetitionSettings:
    """Detection settings (all stored with the result; units in the names)."""

    bridge_s: float = 0.3
    min_attempt_s: float = 1.0
    off_board_pct_bw: float = 20.0
    off_board_min_s: float = 0.3
    min_on_target_fraction: float = 0.8
    min_depth_mm: float = 40.0
    half_depth_mm: float = 20.0
    squat_band_low_hz: float = 0.12
    squat_band_high_hz: float = 2.5
    squat_min_interval_s: float = 1.2
    squat_window_s: float = 5.0
    resample_hz: float = 50.0
    stand_pct_bw: float = 80.0
    stand_min_s: float = 0.3
    half_rise_pct_bw: float = 55.0
    seated_pct_bw: float = 45.0
    contact_on_pct_bw: float = 20.0
    contact_off_pct_bw: float = 10.0
    half_lift_pct_bw: float = 30.0
    relanded_pct_bw: float = 40.0
    lift_pct_bw: float = 10.0
    min_single_s: float = 0.15

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"repetition setting {f.name} must be a positive number, got {value}")
        if self.min_on_target_fraction > 1:
            raise ValueError(f"min_on_target_fraction is a fraction (0-1], got {self.min_on_target_fraction}")
        if self.half_depth_mm >= self.min_depth_mm:
            raise ValueError(f"half_depth_mm ({self.half_depth_mm}) must be below min_depth_mm ({self.min_depth_mm})")
        if self.squat_band_low_hz >= self.squat_band_high_hz:
            raise ValueError(f"squat band low ({self.squat_band_low_hz} Hz) must be below high "
                             f"({self.squat_band_high_hz} Hz)")
        if not self.seated_pct_bw < self.half_rise_pct_bw < self.stand_pct_bw:
            raise ValueError("sit-to-stand thresholds must satisfy seated < half_rise < stand %BW, got "
                             f"{self.seated_pct_bw} / {self.half_rise_pct_bw} / {self.stand_pct_bw}")
        if not self.contact_off_pct_bw < self.contact_on_pct_bw:
            raise ValueError("contact_off_pct_bw must be below contact_on_pct_bw")
        if not self.lift_pct_bw < self.half_lift_pct_bw < self.relanded_pct_bw:
            raise ValueError("stepping thresholds must satisfy lift < half_lift < relanded %BW")

    def with_units(self) -> dict[str, tuple[Any, str]]:
        out: dict[str, tuple[Any, str]] = {}
        for f in fields(self):
            unit = next((u for suffix, u in _UNITS.items() if f.name.endswith(suffix)), "")
            out[f.name] = (float(getattr(self, f.name)), unit)
        return out
