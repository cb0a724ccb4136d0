"""The simulated Wii Balance Board's Bluetooth link: report cadence, corrupted reports, link drops.

Data reports come at a jittered cadence (mean ≈ 83 Hz with 12 ms, within 60-100 Hz): 85 % near the mean
(±12 %, clipped to 0.5-1.5×), 9 % in bursts (0.1-0.4×), 6 % late (1.5-2.8×). A corrupted report is
truncated, carries an unknown ID, or has all-0xFF extension data (the three kinds a decoder must reject,
W1, W2). The link can drop at a moment and come back a while later (or never).

References
----------
docs/wii-protocol.md §1.9 (report rate and jitter), §1.12; docs/wii-protocol.md W1, W2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LinkSchedule", "corrupt_report", "report_intervals"]


@dataclass
class LinkSchedule:
    """When the link goes down and when the board can be reached again (None: never / for good), s."""

    down_at: float | None = None
    back_at: float | None = None

    def up(self, t_s: float) -> bool:
        """Whether the board can be reached at ``t_s``."""
        if self.down_at is None or t_s < self.down_at:
            return True
        return self.back_at is not None and t_s >= self.back_at


def report_intervals(rng: np.random.Generator, mean_s: float, n: int) -> np.ndarray:
    """``n`` intervals between data reports, s, around ``mean_s``: mostly regular, some bursts, some late."""
    base = mean_s
    kind = rng.random(n)
    normal = np.clip(rng.normal(base, 0.12 * base, n), 0.5 * base, 1.5 * base)
    burst = rng.uniform(0.1 * base, 0.4 * base, n)
    late = rng.uniform(1.5 * base, 2.8 * base, n)
    return np.where(kind < 0.85, normal, np.where(kind < 0.94, burst, late))


def corrupt_report(rng: np.random.Generator, report: bytes) -> bytes:
    """``report`` damaged one of three ways: truncated, an unknown report ID (0x3F), or all-0xFF extension data."""
    kind = int(rng.integers(3))
    if kind == 0:
        return report[: int(rng.integers(1, len(report)))]
    if kind == 1:
        return bytes((0x3F,)) + report[1:]
    return report[:3] + b"\xff" * (len(report) - 3)
