"""The measures each report page shows: where they sit in the stored analysis result, label and unit.

The labels of the per-step measures are defined once, here (:data:`STEP_METRICS`), for the report pages and
the text table of ``station analyze`` alike; each names the definition :mod:`analysis.steps` computes (the
loading rate is the 20-80 % slope of the rise to F1, not the peak of dFz/dt; the impulse is the vertical
impulse ∫Fz dt). Which protocol shows which measures is the protocol table's (:mod:`station.protocols.table`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["HOME_METRICS", "STANDING_METRICS", "STEP_METRICS", "WALKING_METRICS", "MetricSpec", "metric_value"]


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

#: The per-step measures of a walking or stepping trial, as the per-limb report keys (``steps.<limb>.<key>``)
#: and the symmetry keys (``symmetry.<key>``) hold them: key, label, unit, digits shown.
STEP_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("stance_time_s", "Stance time", "s", 3),
    MetricSpec("peak1_pct_bw", "First peak F1 (weight acceptance)", "%BW", 1),
    MetricSpec("valley_pct_bw", "Mid-stance valley", "%BW", 1),
    MetricSpec("peak2_pct_bw", "Second peak F2 (push-off)", "%BW", 1),
    MetricSpec("loading_rate_pct_bw_s", "Loading rate, 20-80 % of F1", "%BW/s", 0),
    MetricSpec("impulse_pct_bw_s", "Vertical impulse", "%BW·s", 1),
)
_N_STEPS = MetricSpec("n_steps", "Steps", "", 0)
WALKING_METRICS: tuple[MetricSpec, ...] = tuple(
    MetricSpec(f"steps.{limb}.{m.key}", f"{limb.capitalize()} limb: {m.label[0].lower() + m.label[1:]}", m.unit,
               m.digits)
    for limb in ("affected", "unaffected")
    for m in (_N_STEPS, *STEP_METRICS)
) + tuple(
    MetricSpec(f"symmetry.{m.key}", f"Symmetry index (Robinson), {m.label[0].lower() + m.label[1:]}", "%", 1)
    for m in STEP_METRICS
)

#: Home exercise sets (station.home): the measured dose of each set, shown on the progress page apart from the
#: clinic sessions (one page per set would drown the report, so home sets make no assessment page).
HOME_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("affected_mean_pct_bw", "Home exercise: affected limb load per repetition", "%BW"),
    MetricSpec("on_target_pct", "Home exercise: repetitions on target", "%", 0),
)

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
