"""Reference values shown beside a patient's numbers, each with its source.

HBEDB / BDS healthy quiet standing (Santos & Duarte 2016, PeerJ 4:e2648; CC BY 4.0), values from
docs/methods.md §1.7 (a): median of 3 trials per subject, mean ± SD across
subjects, 60 s, 100 Hz raw, authors' pipeline. Area = 95 % prediction ellipse in cm², velocity =
resultant mean speed in cm/s, mfreq = spectral mean frequency in Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "HBEDB",
    "HBEDB_SOURCE",
    "NEUROCOM_WBS_BAND",
    "Band",
    "Reference",
    "age_group",
    "hbedb_reference",
    "vision_surface",
]

HBEDB_SOURCE = ("HBEDB/BDS healthy adults (Santos & Duarte 2016, PeerJ 4:e2648): mean ± SD across subjects, "
                "60 s trials on a lab force plate, authors' pipeline (ours: SWARII 25 Hz, 10 Hz low-pass)")


@dataclass(frozen=True)
class Reference:
    """Healthy mean ± SD of one measure, in the reference's own unit."""

    mean: float
    sd: float
    unit: str
    n: int


@dataclass(frozen=True)
class Band:
    """A named load band, %BW on the affected limb."""

    low_pct: float
    high_pct: float
    name: str


#: NeuroCom "within 7 % of equal", read as at most 7 %BW between the limbs: 46.5-53.5 %BW per limb.
NEUROCOM_WBS_BAND = Band(46.5, 53.5, "normal: within 7 % of equal (NeuroCom WBS), read as ≤ 7 %BW between limbs")

# (group, vision, surface) -> {measure: (mean, sd, n)}
_TABLE: dict[tuple[str, str, str], tuple[int, tuple[float, float], tuple[float, float], tuple[float, float]]] = {
    ("young", "open", "firm"): (87, (2.49, 2.15), (0.870, 0.301), (0.234, 0.079)),
    ("young", "closed", "firm"): (87, (2.86, 2.39), (0.956, 0.376), (0.246, 0.078)),
    ("young", "open", "foam"): (87, (12.89, 5.95), (2.384, 0.734), (0.270, 0.081)),
    ("young", "closed", "foam"): (86, (14.93, 6.23), (3.135, 1.055), (0.346, 0.089)),
    ("old", "open", "firm"): (76, (2.91, 3.35), (1.130, 0.489), (0.296, 0.106)),
    ("old", "closed", "firm"): (76, (2.76, 2.65), (1.222, 0.559), (0.324, 0.121)),
    ("old", "open", "foam"): (73, (20.10, 6.91), (3.595, 0.719), (0.335, 0.078)),
    ("old", "closed", "foam"): (72, (26.88, 12.22), (4.375, 1.111), (0.357, 0.073)),
}
HBEDB: dict[tuple[str, str, str], dict[str, Reference]] = {
    key: {
        "area": Reference(*area, "cm²", n),
        "velocity": Reference(*vel, "cm/s", n),
        "mfreq": Reference(*mfreq, "Hz", n),
    }
    for key, (n, area, vel, mfreq) in _TABLE.items()
}

#: Our measure -> (HBEDB measure, factor from our unit to the reference unit)
HBEDB_MEASURES = {
    "sway.ellipse95_area_mm2": ("area", 0.01),  # mm² -> cm²
    "sway.mean_velocity_mm_s": ("velocity", 0.1),  # mm/s -> cm/s
    "sway_frequency.rd.spectral_mean_frequency_hz": ("mfreq", 1.0),
}


def age_group(age_years: int | None) -> str | None:
    """HBEDB group: "old" from 60 y, "young" below (the young group was mostly 20-30 y); None if unknown."""
    if age_years is None:
        return None
    return "old" if age_years >= 60 else "young"


def vision_surface(condition: str) -> tuple[str, str]:
    """(vision, surface) named in a condition text such as "eyes closed, foam"."""
    text = condition.lower()
    vision = "closed" if "closed" in text else "open"
    surface = "foam" if "foam" in text else "firm"
    return vision, surface


def hbedb_reference(metric: str, age_years: int | None, condition: str) -> Reference | None:
    """The HBEDB healthy reference for one of our metrics, or None (no such measure or unknown age)."""
    group = age_group(age_years)
    if group is None or metric not in HBEDB_MEASURES:
        return None
    return HBEDB[(group, *vision_surface(condition))][HBEDB_MEASURES[metric][0]]
