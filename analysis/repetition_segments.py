"""Segmentation of an exercise set into repetition attempts: runs of a condition, holds in a load band,
movements by hysteresis, squats from the centre-of-mass displacement.

The definitions of each kind, their thresholds and references are in :mod:`analysis.repetitions`, which
turns these segments into measured :class:`~analysis.repetitions.Repetition` entries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import signal

from analysis._checks import check_positive
from analysis.repetition_settings import RepetitionSettings
from analysis.resample import swarii
from analysis.stance import hysteresis_state
from physical import STANDARD_GRAVITY_M_S2

__all__ = [
    "Segment",
    "hold_segments",
    "longest_true_s",
    "movement_segments",
    "run_end_s",
    "sample_durations_s",
    "squat_displacement_mm",
    "squat_segments",
    "true_runs",
]


def true_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and (exclusive) ends of runs of True."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[0::2], edges[1::2]


def sample_durations_s(t: np.ndarray) -> np.ndarray:
    """Per-sample duration, s: the interval to the next sample (a gap counts as at most 5 median intervals)."""
    if t.size < 2:
        return np.zeros_like(t)
    d = np.diff(t)
    cap = 5.0 * float(np.median(d))
    return np.append(np.minimum(d, cap), 0.0)


def run_end_s(t: np.ndarray, end: int) -> float:
    """Time at which a run ending (exclusively) at ``end`` ended: the next sample, or the last one."""
    return float(t[end]) if end < t.size else float(t[-1])


def _bridge(t: np.ndarray, starts: np.ndarray, ends: np.ndarray, gap_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Merge runs separated by gaps shorter than ``gap_s``."""
    if starts.size < 2:
        return starts, ends
    gaps = t[starts[1:]] - t[ends[:-1] - 1]
    keep = np.concatenate([[True], gaps >= gap_s])
    new_starts = starts[keep]
    new_ends = ends[np.concatenate([keep[1:], [True]])]
    return new_starts, new_ends


def longest_true_s(t: np.ndarray, mask: np.ndarray) -> float:
    starts, ends = true_runs(mask)
    if starts.size == 0:
        return 0.0
    durations = np.array([run_end_s(t, e) for e in ends]) - t[starts]
    return float(durations.max())


@dataclass
class Segment:
    start: int
    end: int  # exclusive
    complete: bool
    reason: str
    start_s: float | None = None
    end_s: float | None = None


def squat_segments(t: np.ndarray, fz: np.ndarray, loaded: np.ndarray, bw: float,
                    s: RepetitionSettings) -> list[Segment]:
    """Squats in each stretch on the board (an off-board spell and 1 s either side of it are left out:
    stepping off is a huge vertical acceleration that is no squat)."""
    segments: list[Segment] = []
    starts, ends = true_runs(loaded)
    for a, b in zip(starts, ends, strict=True):
        t_lo = t[a] + (1.0 if a > 0 else 0.0)
        t_hi = t[b - 1] - (1.0 if b < t.size else 0.0)
        i0 = int(np.searchsorted(t, t_lo, side="left"))
        i1 = int(np.searchsorted(t, t_hi, side="right"))
        segments.extend(_squats_in(t[i0:i1], fz[i0:i1], bw, s, i0))
    return segments


def _squats_in(t: np.ndarray, fz: np.ndarray, bw: float, s: RepetitionSettings, offset: int) -> list[Segment]:
    if t.size < 8 or t[-1] - t[0] < 2.0 / s.squat_band_high_hz:
        return []
    tu, z = squat_displacement_mm(t, fz, body_weight_n=bw, settings=s)
    if z.size < 8:
        return []
    depth = -z
    peaks, props = signal.find_peaks(depth, prominence=s.half_depth_mm,
                                     distance=max(int(s.squat_min_interval_s * s.resample_hz), 1),
                                     wlen=int(s.squat_window_s * s.resample_hz) | 1)
    if peaks.size == 0:
        return []
    _, _, left, right = signal.peak_widths(depth, peaks, rel_height=0.9, prominence_data=(
        props["prominences"], props["left_bases"], props["right_bases"]))
    segments = []
    grid = np.arange(tu.size)
    for prom, lo, hi in zip(props["prominences"], left, right, strict=True):
        t0 = float(np.interp(lo, grid, tu))
        t1 = float(np.interp(hi, grid, tu))
        i0 = int(np.searchsorted(t, t0, side="left"))
        i1 = max(int(np.searchsorted(t, t1, side="right")), i0 + 1)
        ok = prom >= s.min_depth_mm
        reason = "" if ok else f"too shallow: {prom:.0f} mm of {s.min_depth_mm:.0f} mm"
        segments.append(Segment(offset + i0, offset + i1, ok, reason, t0, t1))
    return segments


def squat_displacement_mm(
    t_s: np.ndarray, fz_n: np.ndarray, *, body_weight_n: float, settings: RepetitionSettings | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Vertical centre-of-mass displacement from the vertical force, mm (+ up), band-limited.

    The force is resampled to ``resample_hz`` (SWARII), the acceleration a = (Fz − BW)/m (m = BW/g) is
    integrated twice in the frequency domain (Z(f) = −A(f)/(2πf)², shaped by zero-phase 4th-order
    Butterworth magnitudes at ``squat_band_low_hz`` and ``squat_band_high_hz``)
    with zero padding to twice the length, so no drift accumulates.

    Returns
    -------
    (t_s, z_mm) : the uniform time grid, s, and the displacement, mm.
    """
    s = settings or RepetitionSettings()
    bw = check_positive("body_weight_n", body_weight_n)
    r = swarii(t_s, fz_n, fs_hz=s.resample_hz, window_s=2.0 / s.resample_hz)
    a = (r.values - bw) / (bw / STANDARD_GRAVITY_M_S2)
    a = a - float(np.median(a))
    n = a.size
    nfft = 1 << math.ceil(math.log2(max(2 * n, 8)))
    spectrum = np.fft.rfft(a, nfft)
    f = np.fft.rfftfreq(nfft, 1.0 / r.fs_hz)
    # Zero-phase 4th-order Butterworth magnitudes at both band edges: smooth edges, no Gibbs ringing
    # that a brick-wall band would leave in the pauses between squats.
    gain = np.zeros_like(f)
    pos = f > 0
    fp = f[pos]
    high_pass = 1.0 / np.sqrt(1.0 + (s.squat_band_low_hz / fp) ** 8)
    low_pass = 1.0 / np.sqrt(1.0 + (fp / s.squat_band_high_hz) ** 8)
    gain[pos] = -high_pass * low_pass / (2.0 * np.pi * fp) ** 2
    z_m = np.fft.irfft(spectrum * gain, nfft)[:n]
    return r.t_s, z_m * 1000.0


def _hysteresis_segments(x: np.ndarray, on: float, off: float) -> tuple[np.ndarray, np.ndarray]:
    """Runs of the hysteresis state of ``x`` (on above ``on``, off below ``off``)."""
    return true_runs(hysteresis_state(x, on, off))


def _full_load_segments(t: np.ndarray, total_pct: np.ndarray, on: float, off: float, s: RepetitionSettings,
                        failure: str) -> list[Segment]:
    """Attempts between the ``on``/``off`` hysteresis thresholds of the total load (%BW); complete when the
    load stayed >= ``stand_pct_bw`` for ``stand_min_s`` (the full weight came on), else ``failure`` (peak)."""
    segments: list[Segment] = []
    starts, ends = _hysteresis_segments(total_pct, on, off)
    for a, b in zip(starts, ends, strict=True):
        ok = longest_true_s(t[a:b], total_pct[a:b] >= s.stand_pct_bw) >= s.stand_min_s
        segments.append(Segment(int(a), int(b), ok, "" if ok else f"{failure} (peak {total_pct[a:b].max():.0f} %BW)"))
    return segments


def movement_segments(kind: str, t: np.ndarray, unaff_pct: np.ndarray, total_pct: np.ndarray,
                       s: RepetitionSettings) -> list[Segment]:
    """Attempts of a movement exercise (sit-to-stand, step-up, stepping in place) with why any did not count."""
    segments: list[Segment] = []
    if kind == "sit-to-stand":
        segments = _full_load_segments(t, total_pct, s.half_rise_pct_bw, s.seated_pct_bw, s, "did not stand up fully")
    elif kind == "step-up":
        segments = _full_load_segments(t, total_pct, s.contact_on_pct_bw, s.contact_off_pct_bw, s,
                                       "did not step fully onto the board")
    elif kind == "stepping-in-place":
        # Attempts: the unaffected foot unloads below half_lift (until it is back above relanded).
        starts, ends = _hysteresis_segments(-unaff_pct, -s.half_lift_pct_bw, -s.relanded_pct_bw)
        for a, b in zip(starts, ends, strict=True):
            single = longest_true_s(t[a:b], unaff_pct[a:b] < s.lift_pct_bw)
            ok = single >= s.min_single_s
            segments.append(Segment(int(a), int(b), ok, "" if ok else
                                     f"other foot not lifted (lowest {unaff_pct[a:b].min():.0f} %BW)"))
    return segments


def hold_segments(kind: str, t: np.ndarray, inside: np.ndarray, hold_s: float,
                   s: RepetitionSettings) -> list[Segment]:
    starts, ends = _bridge(t, *true_runs(inside), s.bridge_s)
    segments: list[Segment] = []
    for a, b in zip(starts, ends, strict=True):
        t0, t1 = float(t[a]), run_end_s(t, int(b))
        stay = t1 - t0
        # A flicker through the band is no attempt (its time still counts in time_in_band_s). In symmetric
        # stance the patient stands throughout, so only a stay of half a hold or more is a (half) attempt.
        if stay < (max(s.min_attempt_s, 0.5 * hold_s) if kind == "symmetric-stance" else s.min_attempt_s):
            continue
        if kind == "symmetric-stance" and stay >= hold_s:
            k = int(stay // hold_s)
            for i in range(k):
                p0, p1 = t0 + i * hold_s, t0 + (i + 1) * hold_s
                i0 = int(np.searchsorted(t, p0, side="left"))
                i1 = int(np.searchsorted(t, p1, side="left"))
                segments.append(Segment(i0, max(i1, i0 + 1), True, "", p0, p1))
            rest = stay - k * hold_s
            if rest >= max(s.min_attempt_s, 0.5 * hold_s):  # a shorter tail just ends the stay
                p0 = t0 + k * hold_s
                i0 = int(np.searchsorted(t, p0, side="left"))
                segments.append(Segment(i0, int(b), False, f"held {rest:.1f} s of {hold_s:g} s", p0, t1))
        elif stay >= hold_s:
            segments.append(Segment(int(a), int(b), True, "", t0, t1))
        else:
            segments.append(Segment(int(a), int(b), False, f"held {stay:.1f} s of {hold_s:g} s", t0, t1))
    return segments
