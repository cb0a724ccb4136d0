"""Romberg ratios: eyes closed / eyes open for every sway measure of a pair of trials.

Romberg quotient = measure(eyes closed) / measure(eyes open) (× 100 for the percent form), computed
for each numeric measure of two :class:`analysis.sway.SwayMeasures` from the same preprocessing (same
rate, filter, duration). A ratio > 1 means more sway without vision.

Romberg MH. Manual of the Nervous Diseases of Man. London: Sydenham Society; 1853. For posturography:
Prieto TE et al. IEEE Trans Biomed Eng 1996;43(9):956-966 (per-measure comparisons of EO vs EC).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from analysis.sway import SwayMeasures

__all__ = ["ROMBERG_MEASURES", "RombergRatios", "romberg_ratios"]

ROMBERG_MEASURES = (
    "path_length_mm",
    "mean_velocity_mm_s",
    "mean_velocity_ml_mm_s",
    "mean_velocity_ap_mm_s",
    "rms_ml_mm",
    "rms_ap_mm",
    "rms_distance_mm",
    "mean_distance_mm",
    "range_ml_mm",
    "range_ap_mm",
    "range_resultant_mm",
    "ellipse95_area_mm2",
    "circle95_area_mm2",
    "sway_area_mm2_s",
)
"""The measures a Romberg ratio is formed for (ratios of positive amplitudes, areas and velocities)."""


@dataclass(frozen=True)
class RombergRatios:
    """Eyes-closed / eyes-open ratio per measure (dimensionless), and the trials' rate and duration."""

    ratios: dict[str, float]
    fs_hz: float
    eyes_open_duration_s: float
    eyes_closed_duration_s: float


def romberg_ratios(eyes_open: SwayMeasures, eyes_closed: SwayMeasures) -> RombergRatios:
    """Romberg ratios EC/EO for the measures in :data:`ROMBERG_MEASURES`.

    Raises
    ------
    ValueError
        The two trials were sampled at different rates (velocity and path are then not comparable),
        or an eyes-open measure is 0.
    """
    if not math.isclose(eyes_open.fs_hz, eyes_closed.fs_hz, rel_tol=1e-9):
        raise ValueError(
            f"eyes-open ({eyes_open.fs_hz:g} Hz) and eyes-closed ({eyes_closed.fs_hz:g} Hz) trials "
            "were preprocessed at different rates: Romberg ratios would compare different things"
        )
    names = {f.name for f in fields(SwayMeasures)}
    ratios: dict[str, float] = {}
    for name in ROMBERG_MEASURES:
        assert name in names, name
        eo, ec = float(getattr(eyes_open, name)), float(getattr(eyes_closed, name))
        if not eo > 0:
            raise ValueError(f"the eyes-open {name} is {eo:g}: no Romberg ratio")
        ratios[name] = ec / eo
    return RombergRatios(ratios, eyes_open.fs_hz, eyes_open.duration_s, eyes_closed.duration_s)
