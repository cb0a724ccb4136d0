"""Is a change between two sessions real? Both the published MDC and the patient's own variation must agree.

Rules (docs/home-evidence.md §0.2, §1.4):

- *published MDC*: |Δ| > MDC95 from a published reliability study of that measure, where one exists.
- *patient's variation* (Pagnacco et al., Gait Posture 41:136, 2015: significant change is a property of the
  subject): with SD_w the patient's pooled within-session SD of single trials (every session with ≥ 2 trials,
  pooled on n - 1 degrees of freedom), the 95 % limit for the difference of a session mean of n_k trials from
  the baseline mean of n_0 trials is ``1.96 · SD_w · √(1/n_0 + 1/n_k)`` (equal n: 1.96·√2·SD_w/√n, the
  MDC95 formula with SEM = SD_w/√n).

- *patient's between-session variation* (home exercise measures only, when no session has ≥ 2 sets of the
  exercise, so there is no set-to-set variation): the first ``K`` sessions (default 3) are the baseline; with
  SD_b the SD (ddof 1) of their values, a later session (one set) differs from the baseline mean beyond chance
  when |Δ| > ``t(0.975, K-1) · SD_b · √(1 + 1/K)``, the 95 % prediction interval for one new observation from
  ``K`` baseline observations (Student t, K - 1 df). See docs/reports.md for its assumptions.

A change is flagged real only when every rule that can be applied is beaten; the verdict names the rules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["BASELINE_SESSIONS", "Z95", "Verdict", "between_session_threshold", "judge_change", "patient_threshold",
           "pooled_within_sd"]

Z95 = 1.96
#: Baseline sessions of the between-session rule (our design choice: the recommended three trials of a baseline).
BASELINE_SESSIONS = 3


def pooled_within_sd(groups: Sequence[Sequence[float]]) -> tuple[float | None, int]:
    """Pooled within-session SD of single trials and its degrees of freedom (None, 0 when no session has ≥ 2)."""
    ss = 0.0
    dof = 0
    for values in groups:
        v = np.asarray(values, dtype=np.float64)
        if v.size >= 2:
            ss += float(np.sum((v - v.mean()) ** 2))
            dof += v.size - 1
    if dof == 0:
        return None, 0
    return math.sqrt(ss / dof), dof


def patient_threshold(sd_within: float, n_baseline: int, n_session: int) -> float:
    """95 % limit for a difference of two session means from the patient's own variation, in the measure's unit."""
    if n_baseline < 1 or n_session < 1:
        raise ValueError(f"each session needs at least one trial, got {n_baseline} and {n_session}")
    return Z95 * sd_within * math.sqrt(1.0 / n_baseline + 1.0 / n_session)


def between_session_threshold(baseline_values: Sequence[float]) -> tuple[float, float]:
    """(95 % prediction limit for one later session, SD_b) from the baseline sessions' single values.

    ``t(0.975, K - 1) · SD_b · √(1 + 1/K)`` with SD_b the sample SD (ddof 1) of the ``K`` values, in their unit.
    """
    from scipy.stats import t as student_t

    v = np.asarray(baseline_values, dtype=np.float64)
    if v.size < 2:
        raise ValueError(f"the between-session rule needs at least 2 baseline sessions, got {v.size}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"baseline values must be finite, got {v.tolist()}")
    sd = float(np.std(v, ddof=1))
    return float(student_t.ppf(0.975, v.size - 1)) * sd * math.sqrt(1.0 + 1.0 / v.size), sd


@dataclass(frozen=True)
class Verdict:
    """The judgement of one session against the baseline.

    ``real`` is True only when every applicable threshold is exceeded; ``rule`` says which were applied and
    which fired, in words for the page.
    """

    delta: float
    mdc: float | None
    patient_limit: float | None
    real: bool
    rule: str

    @property
    def beats_mdc(self) -> bool | None:
        """|Δ| > published MDC (None when the measure has none)."""
        return None if self.mdc is None else abs(self.delta) > self.mdc

    @property
    def beats_own_variation(self) -> bool | None:
        """|Δ| > the patient's own 95 % limit (None when there is no trial-to-trial variation)."""
        return None if self.patient_limit is None else abs(self.delta) > self.patient_limit

    @property
    def band(self) -> float | None:
        """Half-width of the no-change band around the baseline (the larger applicable threshold)."""
        limits = [x for x in (self.mdc, self.patient_limit) if x is not None]
        return max(limits) if limits else None


def judge_change(delta: float, *, mdc: float | None, patient_limit: float | None, unit: str = "",
                 own: str = "own variation") -> Verdict:
    """Apply the rules to a change ``delta`` from the baseline (``own`` names the patient's-variation rule)."""
    size = abs(delta)
    u = f" {unit}" if unit else ""
    if mdc is None and patient_limit is None:
        return Verdict(delta, None, None, False, "cannot judge: no published MDC and no trial-to-trial variation "
                                                 "(raw change only)")
    parts = []
    fired = []
    if mdc is not None:
        beat = size > mdc
        parts.append(f"{'beats' if beat else 'within'} published MDC {mdc:.3g}{u}")
        fired.append(beat)
    if patient_limit is not None:
        beat = size > patient_limit
        parts.append(f"{'beats' if beat else 'within'} {own} {patient_limit:.3g}{u}")
        fired.append(beat)
    parts.append("no published MDC" if mdc is None else "")
    parts.append("single rating, no trial-to-trial variation" if patient_limit is None else "")
    real = all(fired)
    head = "real change" if real else "no real change"
    return Verdict(delta, mdc, patient_limit, real, f"{head}: " + "; ".join(p for p in parts if p))
