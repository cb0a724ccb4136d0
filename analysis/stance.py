"""Stance (foot contact) detection from one foot's vertical force, with hysteresis.

A contact starts at the first sample above the *on* threshold and ends at the first sample below the
*off* threshold (docs/methods.md §2.3; Tirosh & Sparrow 2003: 10-20 N for heel contact, ≤ 10 N for
toe-off). Between the two thresholds the previous state holds, so noise around one threshold cannot
split a stance. Each threshold is given in N and optionally in %BW; the larger of the two is used and
both the settings and the effective values are kept in the result.

Vectorised: the state is forward-filled with ``np.maximum.accumulate`` over sample indices, edges come
from ``np.diff`` (as in dryft's ``splitsteps``; kineticstoolkit issue #71 on avoiding per-frame loops).

Tirosh O, Sparrow WA. Identifying heel contact and toe-off using forceplate thresholds with a range of
digital-filter cutoff frequencies. J Appl Biomech 2003;19(2):178-184.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis._checks import as_float_array, check_positive

__all__ = [
    "Contacts",
    "StanceSettings",
    "contacts_from_checked",
    "detect_contacts",
    "effective_thresholds",
    "hysteresis_state",
]


@dataclass(frozen=True)
class StanceSettings:
    """Stance detection and step qualification settings (units in the names).

    Attributes
    ----------
    on_threshold_n, off_threshold_n : float
        Contact starts above ``on``, ends below ``off`` (hysteresis; off <= on), N.
    on_threshold_pct_bw, off_threshold_pct_bw : float or None
        The same thresholds in %BW; when given, the larger of N and %BW·BW/100 is used.
    min_stance_s, max_stance_s : float
        Contacts outside this duration range are rejected (with the reason), s.
    min_peak_pct_bw : float
        A stance whose highest force is below this is rejected (a touch, not a step), %BW.
    lowpass_hz : float or None
        Optional zero-lag 4th-order Butterworth low-pass of the force before detection and measures, Hz.
    """

    on_threshold_n: float = 20.0
    off_threshold_n: float = 10.0
    on_threshold_pct_bw: float | None = None
    off_threshold_pct_bw: float | None = None
    min_stance_s: float = 0.2
    max_stance_s: float = 2.5
    min_peak_pct_bw: float = 50.0
    lowpass_hz: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.min_stance_s < self.max_stance_s:
            raise ValueError(
                f"need 0 < min_stance_s < max_stance_s, got {self.min_stance_s} and {self.max_stance_s} s"
            )
        if self.on_threshold_n < 0 or self.off_threshold_n < 0:
            raise ValueError("thresholds must be >= 0 N")


def effective_thresholds(settings: StanceSettings, body_weight_n: float | None) -> tuple[float, float]:
    """The on and off thresholds actually used, N: max(N setting, %BW setting · BW / 100)."""
    on, off = settings.on_threshold_n, settings.off_threshold_n
    for pct in (settings.on_threshold_pct_bw, settings.off_threshold_pct_bw):
        if pct is not None and body_weight_n is None:
            raise ValueError("thresholds in %BW need the body weight in N")
    if settings.on_threshold_pct_bw is not None:
        on = max(on, settings.on_threshold_pct_bw / 100 * float(body_weight_n))  # type: ignore[arg-type]
    if settings.off_threshold_pct_bw is not None:
        off = max(off, settings.off_threshold_pct_bw / 100 * float(body_weight_n))  # type: ignore[arg-type]
    if off > on:
        raise ValueError(f"the off threshold ({off:g} N) must not exceed the on threshold ({on:g} N)")
    return on, off


@dataclass(frozen=True)
class Contacts:
    """Contacts of one foot.

    Attributes
    ----------
    on_index : ndarray of int, shape (m,)
        First sample of each contact.
    off_index : ndarray of int, shape (m,)
        First sample after each contact (exclusive end); ``n`` if the recording ends in contact.
    starts_in_contact, ends_in_contact : ndarray of bool
        The contact touches the start / the end of the recording (its true duration is unknown). A
        contact starts in contact when no sample below the off threshold precedes it.
    on_threshold_n, off_threshold_n : float
        Effective thresholds, N.
    n_samples : int
    """

    on_index: np.ndarray
    off_index: np.ndarray
    starts_in_contact: np.ndarray
    ends_in_contact: np.ndarray
    on_threshold_n: float
    off_threshold_n: float
    n_samples: int


def hysteresis_state(fz: np.ndarray, on: float, off: float) -> np.ndarray:
    """Boolean contact state per sample: True after a sample > on until a sample < off.

    Samples between the thresholds keep the previous state; before the first decisive sample the
    state is False (no contact).
    """
    decisive = (fz > on) | (fz < off)
    last = np.where(decisive, np.arange(fz.size), -1)
    np.maximum.accumulate(last, out=last)
    state = fz[np.maximum(last, 0)] > on
    state &= last >= 0
    return state


def detect_contacts(
    fz_n: np.ndarray, *, body_weight_n: float | None = None, settings: StanceSettings | None = None
) -> Contacts:
    """Find the contacts of one foot in its vertical force.

    Parameters
    ----------
    fz_n : array_like, shape (n,)
        Vertical force under the foot, N, uniformly sampled.
    body_weight_n : float, optional
        Body weight, N (needed for thresholds in %BW).
    settings : StanceSettings, optional

    Raises
    ------
    ValueError
        NaN or infinite force (name and position), thresholds in %BW without a body weight.
    """
    settings = settings or StanceSettings()
    fz = as_float_array("fz_n", fz_n, 1)
    if body_weight_n is not None:
        check_positive("body_weight_n", body_weight_n)
    return contacts_from_checked(fz, *effective_thresholds(settings, body_weight_n))


def contacts_from_checked(fz: np.ndarray, on: float, off: float) -> Contacts:
    """:func:`detect_contacts` for a force already checked (float64, 1-D, finite) and thresholds in N."""
    starts, ends, first_unloaded = _hysteresis_edges(fz, on, off)
    return Contacts(
        on_index=starts,
        off_index=ends,
        starts_in_contact=starts < first_unloaded,
        ends_in_contact=ends == fz.size,
        on_threshold_n=on,
        off_threshold_n=off,
        n_samples=int(fz.size),
    )


def _run_starts(mask: np.ndarray) -> np.ndarray:
    """Indices where runs of True begin in a boolean array."""
    rises = np.flatnonzero(mask[1:] > mask[:-1]) + 1  # False -> True
    return np.concatenate([[0], rises]) if mask.size and mask[0] else rises


_CHUNK = 262_144
"""Samples per chunk of the threshold comparisons: both comparisons then read the chunk from the cache."""


def _threshold_run_starts(fz: np.ndarray, on: float, off: float) -> tuple[np.ndarray, np.ndarray]:
    """Starts of the runs of samples above ``on`` and of those below ``off`` (as :func:`_run_starts` of
    ``fz > on`` and ``fz < off``), chunk by chunk, carrying each mask's last value across chunk edges."""
    found: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    previous = [False, False]
    for start in range(0, fz.size, _CHUNK):
        part = fz[start : start + _CHUNK]
        for which, mask in enumerate((part > on, part < off)):
            rises = np.flatnonzero(mask[1:] > mask[:-1])
            rises += start + 1
            if mask[0] and not previous[which]:
                found[which].append(np.array([start]))
            found[which].append(rises)
            previous[which] = bool(mask[-1])
    empty = np.empty(0, dtype=np.intp)
    above, below = (np.concatenate(runs) if runs else empty for runs in found)
    return above, below


def _hysteresis_edges(fz: np.ndarray, on: float, off: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Contact starts and (exclusive) ends of :func:`hysteresis_state`, from events instead of samples.

    The state at a sample is the kind (above ``on`` / below ``off``) of the latest decisive sample, which
    is the kind of the latest *event*: the start of a run of above- or below-samples. Sorting the few
    events and keeping those whose kind differs from the previous event's gives the state changes
    directly; the per-sample work is two comparisons and two edge searches on byte arrays, chunk by chunk.
    """
    above_runs, below_runs = _threshold_run_starts(fz, on, off)
    first_unloaded = int(below_runs[0]) if below_runs.size else fz.size
    index = np.concatenate([above_runs, below_runs])
    kind = np.concatenate([np.ones(above_runs.size, np.int8), np.zeros(below_runs.size, np.int8)])
    order = np.argsort(index, kind="stable")
    index, kind = index[order], kind[order]
    change = np.diff(kind, prepend=np.int8(0)) != 0  # the state starts as "no contact"
    index, kind = index[change], kind[change]
    starts = index[kind == 1]
    ends = index[kind == 0]
    if ends.size < starts.size:  # still in contact at the end
        ends = np.append(ends, fz.size)
    return starts, ends, first_unloaded
