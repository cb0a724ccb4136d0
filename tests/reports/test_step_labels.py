"""The per-step measures have one set of labels, and each label names what analysis.steps computes.

The report pages and the ``station analyze`` table used to label them differently ("loading rate" against
"Loading rate 20-80 %"); the analysis computes the 20-80 % slope of the rise to F1, not the peak of dFz/dt,
so the label that says so is the right one. The stance here is built so that the two differ by half.
"""

import numpy as np

from analysis.stance import StanceSettings
from analysis.steps import STEP_MEASURES, limb_steps
from station.reports.metrics import STEP_METRICS, WALKING_METRICS
from station.reports.walking import format_walking_table

FS_HZ = 1000.0
BW_N = 700.0
F1_N = 1.1 * BW_N
RISE_S = 0.15


def stance_train(n_steps=3):
    """Stances of 0.6 s (quadratic rise to F1 in 0.15 s, a dip, a linear fall) between 0.4-s swings, N."""
    t = np.arange(0.0, 0.6, 1.0 / FS_HZ)
    u = np.clip(t / RISE_S, 0.0, 1.0)
    rise = F1_N * u**2
    middle = F1_N - 0.3 * BW_N * np.sin(np.pi * (t - RISE_S) / 0.3)
    fall = F1_N * (0.6 - t) / 0.15
    fz = np.where(t < RISE_S, rise, np.where(t < 0.45, middle, fall))
    swing = np.zeros(int(0.4 * FS_HZ))
    return np.concatenate([swing] + [np.concatenate([fz, swing]) for _ in range(n_steps)]), fz


def test_the_loading_rate_is_the_20_80_slope_and_the_impulse_the_vertical_impulse():
    signal, one = stance_train()
    steps = limb_steps(signal, fs_hz=FS_HZ, body_weight_n=BW_N, side="left", settings=StanceSettings())
    assert steps.stance_time_s.size == 3
    # F1·u² crosses 20 % and 80 % of F1 at u = √0.2 and √0.8: slope 0.6·F1 / (t80 − t20), in %BW/s
    t20, t80 = RISE_S * np.sqrt(0.2), RISE_S * np.sqrt(0.8)
    slope_20_80 = 0.6 * (F1_N / BW_N * 100.0) / (t80 - t20)
    peak_derivative = 2.0 * (F1_N / BW_N * 100.0) / RISE_S  # what "loading rate" alone often means
    np.testing.assert_allclose(steps.loading_rate_pct_bw_s, slope_20_80, rtol=2e-3)
    assert abs(slope_20_80 - peak_derivative) > 0.3 * peak_derivative  # the two definitions differ here
    labels = {m.key: m.label for m in STEP_METRICS}
    assert "20-80 %" in labels["loading_rate_pct_bw_s"] and "F1" in labels["loading_rate_pct_bw_s"]
    # the impulse is ∫Fz dt over the stance, %BW·s: the vertical impulse
    trapezoid_n_s = (one.sum() - 0.5 * (one[0] + one[-1])) / FS_HZ
    np.testing.assert_allclose(steps.impulse_pct_bw_s, trapezoid_n_s / BW_N * 100.0, rtol=2e-3)
    assert labels["impulse_pct_bw_s"] == "Vertical impulse"
    assert "weight acceptance" in labels["peak1_pct_bw"] and "push-off" in labels["peak2_pct_bw"]


def test_the_report_pages_and_the_text_table_use_the_same_labels():
    assert {m.key for m in STEP_METRICS} <= set(STEP_MEASURES)  # every label names a measure the analysis makes
    page = {m.key: m.label for m in WALKING_METRICS}
    side = {"side": "left", "n_steps": 3, "sd": {}}
    limb = {**side, **{m.key: 1.0 for m in STEP_METRICS}}
    limb["sd"] = {m.key: 0.1 for m in STEP_METRICS}
    report = {"protocol": "walking", "subject_id": "P", "condition": "c", "created_utc": "x", "device": {
        "model": "m", "simulated": False}, "file": "f.h5", "recording_status": "complete",
        "steps": {"affected": limb, "unaffected": dict(limb, side="right")},
        "symmetry": {m.key: 0.0 for m in STEP_METRICS}, "body_weight_n": BW_N, "body_weight_source": "subject_mass",
        "on_threshold_n": 20.0, "off_threshold_n": 10.0, "rejected": [], "duration_s": 10.0, "n_samples": 1000,
        "fs_hz": 100.0, "settings": {}}
    table = format_walking_table(report)
    for m in STEP_METRICS:
        assert f"{m.label} ({m.unit})" in table
        lowered = m.label[0].lower() + m.label[1:]
        assert page[f"steps.affected.{m.key}"] == f"Affected limb: {lowered}"
        assert page[f"symmetry.{m.key}"] == f"Symmetry index (Robinson), {lowered}"
