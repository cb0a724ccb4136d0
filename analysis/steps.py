"""Per-step vertical force measures of one foot's stances (docs/formulas.md §6; docs/methods.md §2.4).

For each contact found by :func:`analysis.stance.detect_contacts` (samples ``on .. off−1``, L samples):

* stance time = L / fs, s (samples from the first above the on threshold to the last before the first
  below the off threshold)
* F1 (weight acceptance) = max Fz over the first half of the stance (samples 0 .. L//2 − 1), %BW;
  F2 (push-off) = max over the second half (L//2 .. L−1), %BW; valley = min Fz between the F1 and F2
  samples (mid-stance), %BW; time to F1 / F2 from contact, s
* loading rate = slope of Fz between 20 % and 80 % of F1 on the rise to F1: 0.6·F1 / (t80 − t20), %BW/s,
  with t20, t80 the first crossings, linearly interpolated between samples (the "20-80 %" definition,
  not the peak of dFz/dt)
* impulse = ∫ Fz dt over the contact samples by the trapezoid rule, N·s and %BW·s
* COP progression (when the foot's own antero-posterior COP is given) = COP_AP(last) − COP_AP(first), mm
* stance curve = Fz (%BW) time-normalised to 101 points (0, 1, ..., 100 % of stance) by linear interpolation

%BW = 100·Fz / body weight, body weight = m·g given by the caller (walking forces do not average to the
body weight over a part of a stride, so it is not estimated from one foot).

A contact that does not qualify as a step is kept in ``rejected`` with its reason: it touches the start
or end of the recording, it is shorter than ``min_stance_s`` or longer than ``max_stance_s``, its
peak stays below ``min_peak_pct_bw``, or its 20-80 % rise lies within one sample interval.

All steps of a foot are measured at once (``reduceat`` over the signal, ``argmax`` over strided row views
of the stance halves), in chunks of a few hundred steps: no loop over samples. The chunks are sized so that
the several passes over one chunk's samples find them in the cache (a few MB of force per chunk, about ten
chunks per foot per hour of walking); one chunk over the whole hour took a third longer, its passes going to memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis._checks import as_float_array, check_positive, check_same_length
from analysis.filters import butterworth_lowpass_zero_lag
from analysis.stance import StanceSettings, contacts_from_checked, effective_thresholds

__all__ = [
    "CURVE_POINTS",
    "MIN_FS_HZ",
    "STEP_MEASURES",
    "FootNeverLoaded",
    "RejectedStep",
    "StepTable",
    "finite_force",
    "limb_steps",
    "limb_steps_checked",
]

CURVE_POINTS = 101
MIN_FS_HZ = 50.0
"""Lowest sample rate for per-step measures, Hz: a 20-80 % rise of ~0.1 s then spans at least 3 samples."""

STEP_MEASURES = (
    "stance_time_s",
    "peak1_pct_bw",
    "peak2_pct_bw",
    "valley_pct_bw",
    "loading_rate_pct_bw_s",
    "impulse_n_s",
    "impulse_pct_bw_s",
    "time_to_peak1_s",
    "time_to_peak2_s",
)
"""The per-step measures a :class:`StepTable` holds (one array each)."""

_CHUNK_SAMPLES = 262_144
"""Stance-row samples per chunk (steps per chunk = this // the longest stance in samples)."""


@dataclass(frozen=True)
class RejectedStep:
    """A contact that was not measured as a step, and why."""

    side: str
    on_s: float
    off_s: float
    reason: str


@dataclass(frozen=True)
class StepTable:
    """The qualifying steps of one foot (arrays, one entry per step) and the rejected contacts.

    Attributes
    ----------
    side : str
    on_s, off_s : ndarray
        Contact start (first sample in contact) and end (first sample out of contact), s.
    stance_time_s, peak1_pct_bw, peak2_pct_bw, valley_pct_bw, loading_rate_pct_bw_s, impulse_n_s,
    impulse_pct_bw_s, time_to_peak1_s, time_to_peak2_s : ndarray
        See the module docstring.
    cop_progression_mm : ndarray or None
        Antero-posterior COP travel during stance, mm (None without a per-foot COP).
    curves_pct_bw : ndarray, shape (m, 101)
        Time-normalised stance curves, %BW.
    rejected : tuple of RejectedStep
    body_weight_n, fs_hz, on_threshold_n, off_threshold_n : float
    """

    side: str
    on_s: np.ndarray
    off_s: np.ndarray
    stance_time_s: np.ndarray
    peak1_pct_bw: np.ndarray
    peak2_pct_bw: np.ndarray
    valley_pct_bw: np.ndarray
    loading_rate_pct_bw_s: np.ndarray
    impulse_n_s: np.ndarray
    impulse_pct_bw_s: np.ndarray
    time_to_peak1_s: np.ndarray
    time_to_peak2_s: np.ndarray
    cop_progression_mm: np.ndarray | None
    curves_pct_bw: np.ndarray
    rejected: tuple[RejectedStep, ...]
    body_weight_n: float
    fs_hz: float
    on_threshold_n: float
    off_threshold_n: float

    @property
    def n_steps(self) -> int:
        return int(self.on_s.size)


def _rows(fz: np.ndarray, start: np.ndarray, width: int) -> np.ndarray:
    """Matrix of ``fz[start_i : start_i + width]`` rows (zero-padded past the end), via a strided view."""
    if fz.size < width or np.any(start + width > fz.size):
        fz = np.concatenate([fz, np.zeros(width)])
    return np.lib.stride_tricks.sliding_window_view(fz, width)[start]


def _measure_chunk(fz: np.ndarray, on: np.ndarray, length: np.ndarray, fs: float) -> dict[str, np.ndarray]:
    """Raw measures (N, samples) of the complete contacts [on, on + length) of one chunk.

    Segment maxima and sums come from ``ufunc.reduceat`` over the flat signal; positions (first occurrence
    of a maximum, first 20 %/80 % crossing) from ``argmax`` on row matrices of the stance halves. A first
    occurrence found in a row is always inside its half-stance, because the true position is, and
    ``argmax`` returns the earliest hit.
    """
    base = int(on[0]) - 1  # complete contacts start at >= 1; keep the sample before the first one
    # reduceat then touches this chunk only; the margin lets the row views run past the last stance
    fz = fz[base : int((on + length).max()) + 1 + int(length.max())]
    on = on - base
    off = on + length
    half = length // 2
    mid = on + half
    bounds = np.empty(3 * on.size, dtype=np.int64)
    bounds[0::3], bounds[1::3], bounds[2::3] = on, mid, off  # off < len(fz) for complete contacts
    seg_max = np.maximum.reduceat(fz, bounds)
    f1, f2 = seg_max[0::3], seg_max[1::3]
    seg_sum = np.add.reduceat(fz, bounds)
    first = _rows(fz, on, int(half.max()))
    i1 = np.argmax(first == f1[:, None], axis=1)
    second = _rows(fz, mid, int((length - half).max()))
    i2 = half + np.argmax(second == f2[:, None], axis=1)
    pair = np.empty(2 * on.size, dtype=np.int64)
    pair[0::2], pair[1::2] = on + i1, on + i2 + 1
    valley = np.minimum.reduceat(fz, pair)[0::2]

    rising = first[:, : int(i1.max()) + 1]  # every first crossing lies at or before its step's F1 sample

    def crossing_time(fraction: float) -> np.ndarray:
        threshold = fraction * f1
        j = np.argmax(rising >= threshold[:, None], axis=1)  # <= i1, where first[i1] = f1 >= threshold
        after = fz[on + j]
        before = fz[on + j - 1]  # the sample before; on >= 1 for complete contacts
        rise = after - before
        frac = np.divide(threshold - before, rise, out=np.ones_like(rise), where=rise > 0)
        return (j - 1 + frac) / fs

    t20, t80 = crossing_time(0.2), crossing_time(0.8)
    impulse = (seg_sum[0::3] + seg_sum[1::3] - 0.5 * (fz[on] + fz[off - 1])) / fs
    pos = np.linspace(0.0, 1.0, CURVE_POINTS)[None, :] * (length - 1)[:, None]
    lo = np.floor(pos)
    frac = pos - lo
    at = lo.astype(np.int64)
    at += on[:, None]
    # np.take gathers faster than fancy indexing. The last point (pos = L − 1, frac = 0) takes the sample
    # after the stance times 0: the same sum, since that sample exists (off < len(fz)) and is finite
    curves = np.take(fz, at) * (1 - frac)
    at += 1
    curves += np.take(fz, at) * frac
    return {
        "f1": f1,
        "f2": f2,
        "valley": valley,
        "i1": i1,
        "i2": i2,
        "rise_s": t80 - t20,
        "impulse": impulse,
        "curves": curves,
    }


def limb_steps(
    fz_n: np.ndarray,
    *,
    fs_hz: float,
    body_weight_n: float,
    side: str,
    settings: StanceSettings | None = None,
    cop_ap_mm: np.ndarray | None = None,
    t0_s: float = 0.0,
) -> StepTable:
    """Detect one foot's stances and measure every qualifying step.

    Parameters
    ----------
    fz_n : array_like, shape (n,)
        Vertical force under this foot, N, uniformly sampled at ``fs_hz``.
    fs_hz : float
        Sample rate, Hz (>= :data:`MIN_FS_HZ`).
    body_weight_n : float
        Body weight m·g, N.
    side : str
        "left" or "right" (kept in the table and in each rejection).
    settings : StanceSettings, optional
    cop_ap_mm : array_like, shape (n,), optional
        This foot's antero-posterior COP, mm (NaN allowed outside contacts only).
    t0_s : float
        Time of the first sample, s.

    Raises
    ------
    ValueError
        NaN force, a sample rate below :data:`MIN_FS_HZ`, a minimum stance shorter than 4 samples,
        a foot never loaded above the on threshold.
    """
    fz = finite_force(f"{side} fz_n", fz_n)
    return limb_steps_checked(fz, fs_hz, body_weight_n, side, settings or StanceSettings(), cop_ap_mm, t0_s)


def finite_force(name: str, values: object) -> np.ndarray:
    """``values`` as a 1-D float64 array without NaN or infinity (ValueError naming count and first index).

    Fast path for long recordings: a finite sum proves every sample finite; only otherwise are the
    samples inspected one by one (:func:`analysis._checks.as_float_array`), which also tells a sum that
    merely overflowed from a real NaN.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or not np.isfinite(array.sum()):
        return as_float_array(name, array, 1)
    return array


class FootNeverLoaded(ValueError):
    """One foot's force never exceeds the on threshold."""


def limb_steps_checked(
    fz: np.ndarray,
    fs_hz: float,
    body_weight_n: float,
    side: str,
    settings: StanceSettings,
    cop_ap_mm: np.ndarray | None,
    t0_s: float,
) -> StepTable:
    """:func:`limb_steps` for a force already checked by ``as_float_array``."""
    fs = check_positive("fs_hz", fs_hz)
    bw = check_positive("body_weight_n", body_weight_n)
    if fs < MIN_FS_HZ:
        raise ValueError(f"the sample rate {fs:g} Hz is too low for per-step measures: need >= {MIN_FS_HZ:g} Hz")
    if settings.min_stance_s * fs < 4:
        raise ValueError(
            f"min_stance_s = {settings.min_stance_s:g} s is {settings.min_stance_s * fs:.1f} samples at {fs:g} Hz: "
            "need at least 4"
        )
    if settings.lowpass_hz is not None:
        fz = butterworth_lowpass_zero_lag(fz, fs_hz=fs, cutoff_hz=settings.lowpass_hz)
    contacts = contacts_from_checked(fz, *effective_thresholds(settings, bw))
    if contacts.on_index.size == 0:
        raise FootNeverLoaded(
            f"the {side} foot is never loaded: its force never exceeds the {contacts.on_threshold_n:g} N on threshold "
            f"(max {fz.max():.1f} N over {fz.size / fs:.1f} s)"
        )
    on, off = contacts.on_index, contacts.off_index
    length = off - on
    duration = length / fs
    reasons = np.full(on.size, "", dtype=object)
    reasons[contacts.ends_in_contact] = "still in contact at the end of the recording"
    reasons[contacts.starts_in_contact] = "already in contact at the start of the recording"
    undecided = reasons == ""
    short = undecided & (duration < settings.min_stance_s)
    long_ = undecided & (duration > settings.max_stance_s)
    for mask, template in (
        (short, "stance {:.3f} s shorter than the minimum {:g} s"),
        (long_, "stance {:.3f} s longer than the maximum {:g} s"),
    ):
        limit = settings.min_stance_s if mask is short else settings.max_stance_s
        reasons[mask] = [template.format(d, limit) for d in duration[mask]]

    candidates = np.flatnonzero(reasons == "")
    parts: list[dict[str, np.ndarray]] = []
    if candidates.size:
        budget = max(1, _CHUNK_SAMPLES // int(length[candidates].max()))
        for start in range(0, candidates.size, budget):  # chunks of steps, cache-sized
            sel = candidates[start : start + budget]
            parts.append(_measure_chunk(fz, on[sel], length[sel], fs))
    raw = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {}
    to_pct = 100.0 / bw
    if candidates.size:
        peak = np.maximum(raw["f1"], raw["f2"]) * to_pct
        low_peak = peak < settings.min_peak_pct_bw
        reasons[candidates[low_peak]] = [
            f"peak {p:.1f} %BW below the minimum {settings.min_peak_pct_bw:g} %BW" for p in peak[low_peak]
        ]
        flat_rise = ~low_peak & ~(raw["rise_s"] > 0)
        reasons[candidates[flat_rise]] = "loading rate undefined: the 20-80 % rise lies within one sample interval"
        keep = ~(low_peak | flat_rise)
        raw = {k: v[keep] for k, v in raw.items()}
        candidates = candidates[keep]

    t_on = t0_s + on / fs
    t_off = t0_s + off / fs
    rejected = tuple(
        RejectedStep(side, float(t_on[i]), float(t_off[i]), str(reasons[i])) for i in np.flatnonzero(reasons != "")
    )
    if not candidates.size:
        empty = np.empty(0)
        return StepTable(
            side, empty, empty, empty, empty, empty, empty, empty, empty, empty, empty, empty,
            None if cop_ap_mm is None else empty, np.empty((0, CURVE_POINTS)), rejected, bw, fs,
            contacts.on_threshold_n, contacts.off_threshold_n,
        )  # fmt: skip

    on_k, off_k = on[candidates], off[candidates]
    progression = None
    if cop_ap_mm is not None:
        cop = np.asarray(cop_ap_mm, dtype=np.float64)
        check_same_length(fz_n=fz, cop_ap_mm=cop)
        start_cop, end_cop = cop[on_k], cop[off_k - 1]
        if not (np.all(np.isfinite(start_cop)) and np.all(np.isfinite(end_cop))):
            raise ValueError(f"the {side} foot's COP is NaN at the start or end of a stance")
        progression = end_cop - start_cop
    impulse = raw["impulse"]
    return StepTable(
        side=side,
        on_s=t_on[candidates],
        off_s=t_off[candidates],
        stance_time_s=(off_k - on_k) / fs,
        peak1_pct_bw=raw["f1"] * to_pct,
        peak2_pct_bw=raw["f2"] * to_pct,
        valley_pct_bw=raw["valley"] * to_pct,
        loading_rate_pct_bw_s=0.6 * raw["f1"] * to_pct / raw["rise_s"],
        impulse_n_s=impulse,
        impulse_pct_bw_s=impulse * to_pct,
        time_to_peak1_s=raw["i1"] / fs,
        time_to_peak2_s=raw["i2"] / fs,
        cop_progression_mm=progression,
        curves_pct_bw=raw["curves"] * to_pct,
        rejected=rejected,
        body_weight_n=bw,
        fs_hz=fs,
        on_threshold_n=contacts.on_threshold_n,
        off_threshold_n=contacts.off_threshold_n,
    )
