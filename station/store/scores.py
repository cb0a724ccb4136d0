"""Clinical scores a clinician attaches to a session, with their units, ranges and published MDCs.

MDC values are the published ones of docs/home-evidence.md §1.4; where none was
found for a score the report shows the raw change only and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["INSTRUMENTS", "Instrument", "berg_mdc95"]


@dataclass(frozen=True)
class Instrument:
    """A clinical score: name, unit, valid range, and where a published MDC exists, its source."""

    name: str
    label: str
    unit: str
    low: float
    high: float
    mdc: float | None = None
    mdc_source: str = ""
    integer: bool = False

    def check(self, value: float) -> float:
        if not (self.low <= value <= self.high):
            raise ValueError(f"{self.name} must be within {self.low:g}-{self.high:g} {self.unit}, got {value:g}")
        if self.integer and value != int(value):
            raise ValueError(f"{self.name} is a whole number of {self.unit}, got {value:g}")
        return float(value)


_HOOS = "HOOS {} subscale, 0-100 (100 = no problems)"
INSTRUMENTS: dict[str, Instrument] = {
    i.name: i
    for i in (
        Instrument("tug_s", "Timed Up and Go", "s", 0.0, 600.0, 1.10,
                   "MDC 1.10 s, same rater, knee OA (BMC Musculoskelet Disord 2015, doi 10.1186/s12891-015-0637-8)"),
        Instrument("chair_stand_30s", "30-s chair stand", "repetitions", 0, 100, integer=True),
        Instrument("berg", "Berg Balance Scale", "points", 0, 56, None,
                   "MDC95 4/5/7/5 points for baseline 45-56/35-44/25-34/0-24 (Donoghue & Stokes, "
                   "J Rehabil Med 41(5), 2009)", integer=True),
        Instrument("hoos_pain", _HOOS.format("Pain"), "points", 0, 100),
        Instrument("hoos_symptoms", _HOOS.format("Symptoms"), "points", 0, 100),
        Instrument("hoos_adl", _HOOS.format("ADL"), "points", 0, 100),
        Instrument("hoos_sport", _HOOS.format("Sport/Rec"), "points", 0, 100),
        Instrument("hoos_qol", _HOOS.format("QoL"), "points", 0, 100),
        Instrument("harris_hip", "Harris Hip Score", "points", 0, 100),
        Instrument("pain_nrs", "Pain, numeric rating 0-10", "points", 0, 10),
    )
}


def berg_mdc95(baseline_points: float) -> float:
    """Berg Balance Scale MDC95 for a baseline score (Donoghue & Stokes 2009), points."""
    if baseline_points >= 45:
        return 4.0
    if baseline_points >= 35:
        return 5.0
    if baseline_points >= 25:
        return 7.0
    return 5.0
