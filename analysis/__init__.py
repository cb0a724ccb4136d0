"""Pure NumPy/SciPy analysis: arrays in, frozen dataclasses with units out (DESIGN.md §1, §6).

No I/O, no Qt, no drivers, no recordings. The package's public surface is :data:`__all__`: every name a module
of it declares public, importable from here (``from analysis import analyze_standing``) or from its module
(``from analysis.standing import analyze_standing``); :data:`_HOMES` says which module defines each. The four
functions named like their module (``symmetry``, ``weight_bearing``, ``sit_to_stand``, ``sway_frequency``) are
imported from their module: ``analysis.symmetry`` is the module once it is loaded.

Names are imported on first use (PEP 562): ``analysis.cop`` needs only NumPy, while the sway, filter and
spectral modules import SciPy (about 0.6 s on this machine), which a command that only weighs or lists
devices should not pay for.

Every measure, its unit, definition and published source: docs/analysis.md.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module of this package that defines it.
_HOMES: dict[str, str] = {
    "CellGeometry": "cop", "CellLoads": "cop", "CopResult": "cop", "DEFAULT_MIN_FZ_N": "cop",
    "cop_from_cells": "cop", "cop_from_six_component": "cop",
    "ELLIPSE_METHOD": "ellipse", "Ellipse": "ellipse", "chi2_ellipse_area": "ellipse",
    "ellipse_from_covariance": "ellipse", "f_quantile_2": "ellipse", "prediction_ellipse": "ellipse",
    "butterworth_lowpass_zero_lag": "filters",
    "GaitResampling": "gait", "GaitResult": "gait", "LimbSummary": "gait", "analyze_gait": "gait",
    "summarise_limb": "gait",
    "analyze_gait_resampled": "gait_resampled",
    "PreprocessSettings": "preprocess", "PreprocessedCop": "preprocess", "preprocess_cop": "preprocess",
    "HBEDB_PUBLISHED_CHECK": "presets", "MeanPowerFrequency": "presets", "PRESETS": "presets",
    "PresetResult": "presets", "QUIJOUX_QUIRKS_FIXED": "presets", "SwayPreset": "presets",
    "mean_power_frequency": "presets", "preset_report": "presets", "run_preset": "presets",
    "calibrate_linear": "pressure", "calibrate_table": "pressure", "cell_centres_mm": "pressure",
    "centre_of_pressure": "pressure", "contact_area_mm2": "pressure", "frames_array": "pressure",
    "total_force": "pressure",
    "FootLoading": "pressure_feet", "foot_loading": "pressure_feet", "segment_feet": "pressure_feet",
    "Steps": "pressure_walkway", "detect_steps": "pressure_walkway",
    "Segment": "repetition_segments", "hold_segments": "repetition_segments",
    "longest_true_s": "repetition_segments", "movement_segments": "repetition_segments",
    "run_end_s": "repetition_segments", "sample_durations_s": "repetition_segments",
    "squat_displacement_mm": "repetition_segments", "squat_segments": "repetition_segments",
    "true_runs": "repetition_segments",
    "RepetitionSettings": "repetition_settings",
    "BODY_WEIGHT_KINDS": "repetition_signals", "HOLD_KINDS": "repetition_signals", "KINDS": "repetition_signals",
    "MOVEMENT_KINDS": "repetition_signals", "SetSignals": "repetition_signals", "set_signals": "repetition_signals",
    "RepetitionTracker": "repetition_tracker", "SQUAT_SETTLE_S": "repetition_tracker",
    "Repetition": "repetitions", "RepetitionResult": "repetitions", "detect_repetitions": "repetitions",
    "repetitions_from_signals": "repetitions",
    "REGULAR_CLOCK_TOLERANCE": "resample", "Resampled": "resample", "regular_rate_hz": "resample",
    "swarii": "resample",
    "ROMBERG_MEASURES": "romberg", "RombergRatios": "romberg", "romberg_ratios": "romberg",
    "SitToStand": "sit_to_stand", "SitToStandSettings": "sit_to_stand",
    "NEUROCOM_NORMAL_DIFFERENCE_PCT": "squat", "SquatDepth": "squat", "SquatHold": "squat",
    "weight_bearing_squat": "squat",
    "Contacts": "stance", "StanceSettings": "stance", "contacts_from_checked": "stance",
    "detect_contacts": "stance", "effective_thresholds": "stance", "hysteresis_state": "stance",
    "StandingResult": "standing", "StandingSettings": "standing", "analyze_standing": "standing",
    "lost_samples": "standing",
    "CURVE_POINTS": "steps", "FootNeverLoaded": "steps", "MIN_FS_HZ": "steps", "RejectedStep": "steps",
    "STEP_MEASURES": "steps", "StepTable": "steps", "finite_force": "steps", "limb_steps": "steps",
    "limb_steps_checked": "steps",
    "SwayMeasures": "sway", "sway_measures": "sway",
    "SpectralMeasures": "sway_frequency", "SwayFrequency": "sway_frequency", "spectral_measures": "sway_frequency",
    "point_set_diameter": "sway_range", "resultant_range": "sway_range",
    "Symmetry": "symmetry", "robinson_symmetry_index": "symmetry",
    "symmetry_angle": "symmetry", "symmetry_ratio": "symmetry",
    "LimbLoads": "weight_bearing", "WeightBearing": "weight_bearing",
    "limb_loads_from_cell_pairs": "weight_bearing", "limb_loads_from_two_devices": "weight_bearing",
    "limb_loads_lever_rule": "weight_bearing",
    "BAND_HZ": "welch", "SegmentSource": "welch", "WelchSettings": "welch", "resultant_segments_of": "welch",
    "segments_of": "welch", "welch_parameters": "welch", "welch_psd": "welch", "welch_rows": "welch",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    module = _HOMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup is a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
