"""The standing assessment report: one JSON object, or a table a clinician can read."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from analysis.standing import StandingResult
from recordings.reader import Recording
from station.protocols.standing import analyze_mat_feet
from station.reports.header import ROBINSON_SI_FORMULA, recording_header

__all__ = ["format_standing_table", "standing_report"]


def standing_report(result: StandingResult, recording: Recording) -> dict[str, Any]:
    """The report as plain JSON-ready data (units in the key names)."""
    wb = result.weight_bearing
    sway = {k: v for k, v in asdict(result.sway).items()}
    report: dict[str, Any] = {
        **recording_header(recording, "standing"),
        "body_mass_kg": result.body_mass_kg,
        "body_weight_n": result.body_weight_n,
        "affected_side": wb.affected_side,
        "affected_load_n": wb.affected_load_n,
        "unaffected_load_n": wb.unaffected_load_n,
        "affected_load_pct_bw": wb.affected_load_pct_bw,
        "unaffected_load_pct_bw": wb.unaffected_load_pct_bw,
        "affected_load_sd_pct_bw": wb.affected_load_sd_pct_bw,
        "symmetry_index_pct": wb.symmetry_index_pct,
        "symmetry_index_formula": ROBINSON_SI_FORMULA,
        "limb_load_method": wb.method,
        "load_normalisation": wb.normalisation,
        "sway": sway,
        "sway_frequency": None if result.sway_frequency is None else asdict(result.sway_frequency),
        "sway_frequency_note": result.sway_frequency_note,
        "duration_s": result.duration_s,
        "n_samples": result.n_samples,
        "dropped_samples": result.dropped_samples,
        "empty_resample_windows": result.empty_resample_windows,
        "settings": asdict(result.settings),
        "software_version": recording.software_version,
    }
    per_foot = analyze_mat_feet(recording)
    if per_foot is not None:  # pressure mats only: loading under each foot from the pressure image
        report["per_foot"] = per_foot
    return report


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


def format_standing_table(report: dict[str, Any]) -> str:
    """A plain-text report: the hip patient's headline number first."""
    sway = report["sway"]
    side = report["affected_side"]
    other = "right" if side == "left" else "left"
    entered = report["subject_mass_kg"]
    lines: list[str] = [
        f"Quiet standing — subject {report['subject_id']}, {report['condition']}",
        f"Recorded {report['created_utc']} on {report['device']['model']}"
        + (" [SIMULATED]" if report["device"]["simulated"] else ""),
        f"File: {report['file']} ({report['recording_status']})",
        "",
        "Weight bearing",
        f"  {'Affected limb (' + side + '):':<27}{_fmt(report['affected_load_pct_bw']):>5} % body weight"
        f"  ({_fmt(report['affected_load_n'], 0)} N, SD over time {_fmt(report['affected_load_sd_pct_bw'])} %)",
        f"  {'Unaffected limb (' + other + '):':<27}{_fmt(report['unaffected_load_pct_bw']):>5} % body weight"
        f"  ({_fmt(report['unaffected_load_n'], 0)} N)",
        f"  {'Symmetry index (Robinson):':<27}{_fmt(report['symmetry_index_pct']):>5} %"
        "   (0 = symmetric, negative = affected limb takes less)",
        f"  {'Body mass measured:':<27}{_fmt(report['body_mass_kg']):>5} kg"
        + (f"   (entered: {_fmt(entered)} kg)" if entered is not None else ""),
        f"  Limb loads from {report['limb_load_method'].replace('_', ' ')}, %BW of the measured total",
        "",
        "Sway (COP resampled with SWARII to "
        f"{_fmt(sway['fs_hz'], 0)} Hz, low-pass {_fmt(report['settings']['lowpass_hz'], 0)} Hz)",
        f"  Path length              {_fmt(sway['path_length_mm'])} mm",
        f"  Mean velocity            {_fmt(sway['mean_velocity_mm_s'])} mm/s",
        f"  RMS  ML / AP             {_fmt(sway['rms_ml_mm'])} / {_fmt(sway['rms_ap_mm'])} mm",
        f"  Range ML / AP            {_fmt(sway['range_ml_mm'])} / {_fmt(sway['range_ap_mm'])} mm",
        f"  95 % ellipse area        {_fmt(sway['ellipse95_area_mm2'], 0)} mm²"
        "   (prediction ellipse, F distribution)",
        "",
        f"Duration {_fmt(report['duration_s'])} s, {report['n_samples']} samples, "
        f"{report['dropped_samples']} dropped",
    ]
    feet = report.get("per_foot")
    if feet is not None:
        lines += [
            "",
            "Per-foot loading from the pressure image (foot segmentation)",
            f"  Affected foot ({side}):      {_fmt(feet['affected_load_pct_bw'])} % body weight"
            f"  ({_fmt(feet['affected_load_n'], 0)} N)",
            f"  Unaffected foot ({other}):   {_fmt(feet['unaffected_load_pct_bw'])} % body weight"
            f"  ({_fmt(feet['unaffected_load_n'], 0)} N)",
            f"  Symmetry index (Robinson): {_fmt(feet['symmetry_index_pct'])} %",
            f"  Contact area left / right  {_fmt(feet['left_contact_area_mm2'] / 100)} / "
            f"{_fmt(feet['right_contact_area_mm2'] / 100)} cm²",
            f"  Feet touching in {feet['frames_feet_touching']} of {feet['frames']} frames "
            "(split at the contact-profile valley)",
        ]
    return "\n".join(lines)
