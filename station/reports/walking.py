"""The walking / stepping report: one JSON object, or a table a clinician can read.

Keys: ``steps.affected.*`` and ``steps.unaffected.*`` hold the per-limb means of every per-step measure
(``stance_time_s``, ``peak1_pct_bw``, ``peak2_pct_bw``, ``valley_pct_bw``, ``loading_rate_pct_bw_s``,
``impulse_pct_bw_s``, ...) and ``n_steps``, with the SDs under ``sd``; ``symmetry.*`` holds one Robinson SI
(%) per measure, affected vs unaffected; ``symmetry_ratio.*`` and ``symmetry_angle_pct.*`` the other two
indices; ``rejected`` every contact that did not qualify, with its reason.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from analysis.gait import LimbSummary
from recordings.reader import Recording
from station.protocols.walking import WalkingAnalysis
from station.reports.header import ROBINSON_SI_FORMULA, recording_header
from station.reports.metrics import STEP_METRICS

__all__ = ["format_walking_table", "walking_report"]


def _limb(summary: LimbSummary) -> dict[str, Any]:
    out: dict[str, Any] = {"side": summary.side, "n_steps": summary.n_steps, "n_rejected": summary.n_rejected}
    out.update(summary.mean)
    out["sd"] = dict(summary.sd)
    out["mean_curve_pct_bw"] = [float(v) for v in summary.mean_curve_pct_bw]
    out["sd_curve_pct_bw"] = [float(v) for v in summary.sd_curve_pct_bw]  # for the report's mean ± SD plot
    return out


def walking_report(analysis: WalkingAnalysis, recording: Recording) -> dict[str, Any]:
    """The report as plain JSON-ready data (units in the key names)."""
    r = analysis.result
    report = {
        **recording_header(recording, recording.protocol),
        "affected_side": r.affected_side,
        "body_weight_n": r.body_weight_n,
        "body_weight_source": analysis.body_weight_source,
        "steps": {"affected": _limb(r.affected), "unaffected": _limb(r.unaffected)},
        "symmetry": {name: s.symmetry_index_pct for name, s in r.symmetry.items()},
        "symmetry_ratio": {name: s.symmetry_ratio for name, s in r.symmetry.items()},
        "symmetry_angle_pct": {name: s.symmetry_angle_pct for name, s in r.symmetry.items()},
        "symmetry_index_formula": ROBINSON_SI_FORMULA,
        "rejected": [asdict(rej) for rej in r.rejected],
        "on_threshold_n": r.on_threshold_n,
        "off_threshold_n": r.off_threshold_n,
        "fs_hz": analysis.fs_hz,
        "duration_s": analysis.duration_s,
        "n_samples": analysis.n_samples,
        "dropped_samples": recording.lost_samples,
        "settings": asdict(r.settings),
        "software_version": recording.software_version,
    }
    if r.resampling is not None:  # an irregular clock: how it was put on the uniform grid fs_hz
        report["settings"]["resampling"] = asdict(r.resampling)
    return report


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


def format_walking_table(report: dict[str, Any]) -> str:
    """A plain-text report: affected vs unaffected per measure, with the symmetry index."""
    a, u = report["steps"]["affected"], report["steps"]["unaffected"]
    lines = [
        f"{report['protocol'].capitalize()} — subject {report['subject_id']}, {report['condition']}",
        f"Recorded {report['created_utc']} on {report['device']['model']}"
        + (" [SIMULATED]" if report["device"]["simulated"] else ""),
        f"File: {report['file']} ({report['recording_status']})",
        "",
        f"{'':40}{'affected (' + a['side'] + ')':>20}{'unaffected (' + u['side'] + ')':>24}{'SI %':>8}",
    ]
    for m in STEP_METRICS:
        key, digits = m.key, m.digits
        lines.append(
            f"  {m.label + ' (' + m.unit + ')':<38}{_fmt(a[key], digits):>10} ± {_fmt(a['sd'][key], digits):<7}"
            f"{_fmt(u[key], digits):>14} ± {_fmt(u['sd'][key], digits):<7}{_fmt(report['symmetry'][key]):>8}"
        )
    lines += [
        f"  {'Steps':<38}{a['n_steps']:>10}{'':10}{u['n_steps']:>14}",
        "",
        "SI (Robinson): 0 = symmetric, negative = the affected limb has the smaller value.",
        f"Body weight {_fmt(report['body_weight_n'], 0)} N ({report['body_weight_source'].replace('_', ' ')}); "
        f"stance from {_fmt(report['on_threshold_n'], 0)} N on / {_fmt(report['off_threshold_n'], 0)} N off.",
        f"Rejected contacts: {len(report['rejected'])}"
        + "".join(f"\n  {r['side']} at {r['on_s']:.2f} s: {r['reason']}" for r in report["rejected"][:10]),
        f"Duration {_fmt(report['duration_s'])} s, {report['n_samples']} samples at {_fmt(report['fs_hz'], 0)} Hz",
    ]
    if (rs := report["settings"].get("resampling")) is not None:
        lines[-1] = (
            f"Duration {_fmt(report['duration_s'])} s, {report['n_samples']} samples on an irregular clock "
            f"(mean {_fmt(rs['input_mean_rate_hz'], 0)} Hz, longest gap {rs['longest_gap_s'] * 1e3:.0f} ms), "
            f"resampled with SWARII to {_fmt(rs['fs_hz'], 0)} Hz (window {rs['window_s'] * 1e3:.0f} ms, "
            f"{rs['n_empty_windows']} empty windows filled)"
        )
    return "\n".join(lines)
