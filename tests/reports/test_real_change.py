"""The real-change rules on hand-computed numbers."""

from __future__ import annotations

import math

import pytest

from station.reports.real_change import judge_change, patient_threshold, pooled_within_sd


def test_pooled_within_sd_by_hand():
    # session 1: 40, 41, 39 -> SS 2, df 2; session 2: 48, 50 -> SS 2, df 1; session 3: one trial, no df
    sd, dof = pooled_within_sd([[40, 41, 39], [48, 50], [45]])
    assert dof == 3
    assert sd == pytest.approx(math.sqrt(4 / 3), rel=1e-12)
    assert pooled_within_sd([[1.0], [2.0]]) == (None, 0)


def test_patient_threshold_by_hand():
    # SD_w = 1, three trials each: 1.96 * sqrt(2/3) = 1.60033...
    assert patient_threshold(1.0, 3, 3) == pytest.approx(1.6003333, abs=1e-6)
    assert patient_threshold(2.0, 3, 1) == pytest.approx(1.96 * 2 * math.sqrt(4 / 3), rel=1e-12)
    with pytest.raises(ValueError, match="at least one trial"):
        patient_threshold(1.0, 0, 3)


def test_both_rules_must_fire_and_the_verdict_names_them():
    both = judge_change(2.0, mdc=1.10, patient_limit=1.6, unit="s")
    assert both.rule == "real change: beats published MDC 1.1 s; beats own variation 1.6 s"
    assert both.real
    only_mdc = judge_change(1.5, mdc=1.10, patient_limit=1.6, unit="s")
    assert not only_mdc.real
    assert only_mdc.rule == "no real change: beats published MDC 1.1 s; within own variation 1.6 s"
    only_patient = judge_change(-1.0, mdc=1.10, patient_limit=0.5, unit="s")
    assert not only_patient.real and "within published MDC 1.1 s; beats own variation 0.5 s" in only_patient.rule
    assert only_patient.band == 1.10
    patient_only = judge_change(-8.0, mdc=None, patient_limit=0.5, unit="%BW")
    assert patient_only.real and patient_only.rule == "real change: beats own variation 0.5 %BW; no published MDC"
    score_only = judge_change(1.2, mdc=1.10, patient_limit=None, unit="s")
    assert score_only.real and score_only.rule == ("real change: beats published MDC 1.1 s; single rating, no "
                                                   "trial-to-trial variation")
    nothing = judge_change(30.0, mdc=None, patient_limit=None)
    assert not nothing.real and nothing.rule.startswith("cannot judge")
