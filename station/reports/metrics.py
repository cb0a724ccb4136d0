"""The measures each report page shows: where they sit in the stored analysis result, label and unit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["HEADLINE", "HOME_METRICS", "STANDING_METRICS", "WALKING_METRICS", "MetricSpec", "metric_value",
           "metrics_for"]


@dataclass(frozen=True)
class MetricSpec:
    """A measure in a stored result: dotted key path, label for people, unit, digits shown."""

    key: str
    label: str
    unit: str
    digits: int = 1


STANDING_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("affected_load_pct_bw", "Affected limb load", "%BW"),
    MetricSpec("unaffected_load_pct_bw", "Unaffected limb load", "%BW"),
    MetricSpec("symmetry_index_pct", "Symmetry index (Robinson 1987)", "%"),
    MetricSpec("affected_load_sd_pct_bw", "Affected limb load, SD over time", "%BW"),
    MetricSpec("body_mass_kg", "Body mass measured", "kg"),
    MetricSpec("sway.mean_velocity_mm_s", "COP mean velocity", "mm/s", 2),
    MetricSpec("sway.path_length_mm", "COP path length", "mm"),
    MetricSpec("sway.ellipse95_area_mm2", "95 % prediction ellipse area (F distribution)", "mm²"),
    MetricSpec("sway.rms_ml_mm", "RMS distance ML", "mm", 2),
    MetricSpec("sway.rms_ap_mm", "RMS distance AP", "mm", 2),
    MetricSpec("sway.range_ml_mm", "Range ML", "mm"),
    MetricSpec("sway.range_ap_mm", "Range AP", "mm"),
    MetricSpec("sway_frequency.rd.spectral_mean_frequency_hz", "Spectral mean frequency (RD, Welch)", "Hz", 3),
    MetricSpec("duration_s", "Duration", "s"),
    MetricSpec("dropped_samples", "Samples lost", "", 0),
)

_STEP = (
    ("n_steps", "steps", "", 0),
    ("stance_time_s", "stance time", "s", 3),
    ("peak1_pct_bw", "first peak (weight acceptance)", "%BW", 1),
    ("valley_pct_bw", "mid-stance valley", "%BW", 1),
    ("peak2_pct_bw", "second peak (push-off)", "%BW", 1),
    ("loading_rate_pct_bw_s", "loading rate", "%BW/s", 0),
    ("impulse_pct_bw_s", "vertical impulse", "%BW·s", 1),
)
WALKING_METRICS: tuple[MetricSpec, ...] = tuple(
    MetricSpec(f"steps.{limb}.{key}", f"{limb.capitalize()} limb: {label}", unit, digits)
    for limb in ("affected", "unaffected")
    for key, label, unit, digits in _STEP
) + tuple(
    MetricSpec(f"symmetry.{key}", f"Symmetry index (Robinson), {label}", "%", 1) for key, label, _, _ in _STEP[1:]
)

#: Home exercise sets (station.home): the measured dose of each set, shown on the progress page apart from the
#: clinic sessions (one page per set would drown the report, so home sets make no assessment page).
HOME_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("affected_mean_pct_bw", "Home exercise: affected limb load per repetition", "%BW"),
    MetricSpec("on_target_pct", "Home exercise: repetitions on target", "%", 0),
)

#: The progress page's headline measures, per protocol.
HEADLINE: dict[str, tuple[MetricSpec, ...]] = {
    "standing": (STANDING_METRICS[0], STANDING_METRICS[5], STANDING_METRICS[7]),
    "walking": (WALKING_METRICS[2], WALKING_METRICS[15]),
    "stepping": (WALKING_METRICS[2], WALKING_METRICS[15]),
    "home": HOME_METRICS,
}


def metrics_for(protocol: str) -> tuple[MetricSpec, ...]:
    return STANDING_METRICS if protocol == "standing" else WALKING_METRICS


def metric_value(result: dict[str, Any], key: str) -> float | None:
    """The number under a dotted key of a stored result (None when absent or not finite)."""
    node: Any = result
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    value = float(node)
    return value if math.isfinite(value) else None
