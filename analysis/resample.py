"""Is a clock regular (:func:`regular_rate_hz`)? Resampling of irregularly sampled signals onto a uniform grid: SWARII.

SWARII, the Sliding Window Weighted Averaged Interpolation of Audiffren & Contal (2016), was made for
the Wii Balance Board's irregular clock. For each point t_k of a uniform grid, the samples within the
open window ``|t_i − t_k| < window/2`` are averaged, each weighted by the length of its Voronoi cell
(from the midpoint with its previous sample to the midpoint with its next one); the first sample in the
window starts its cell at ``max(t_0, t_k − window/2)`` and the last ends it at
``min(t_end, t_k + window/2)``. A window with one sample takes that sample. Grid points whose window is
empty are filled by linear interpolation between their non-empty neighbours and counted.

This follows the authors' published ``Local_SWARII.resample`` (weights, window test and gap filling),
vectorised with ``np.searchsorted`` and cumulative sums instead of an O(N²) loop. Not included: their
``purge_artefact`` step (dropping samples before 0.1 s, the first and last sample and 1-2 sample
spikes), which is a separate choice. The grid is ``t_0 + k/fs`` for all ``k`` with grid time ``< t_end``
(the authors start at ``max(0, t_0)``, the same for non-negative times).

Audiffren J, Contal E. Preprocessing of the Nintendo Wii Board Signal to Derive More Accurate
Descriptors of Statokinesigrams. Sensors 2016;16(8):1208. doi:10.3390/s16081208
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis._checks import as_float_array, check_positive

__all__ = ["REGULAR_CLOCK_TOLERANCE", "Resampled", "regular_rate_hz", "swarii"]

#: A clock is regular when every interval between samples is within this fraction of the mean interval; only
#: then are the samples analysed as they are (an irregular clock is resampled first, with SWARII).
REGULAR_CLOCK_TOLERANCE = 0.01


def regular_rate_hz(t_s: np.ndarray, tolerance: float = REGULAR_CLOCK_TOLERANCE) -> float | None:
    """The sampling rate of times ``t_s`` (Hz) if their clock is regular, else None: the one rule of the station.

    Regular: at least two samples, strictly increasing, and every interval within ``tolerance`` (a fraction,
    default 1 %) of the mean interval. A lost sample (a doubled interval) or the Wii board's jittered
    arrival times are irregular.

    >>> regular_rate_hz(np.arange(5) / 100.0)
    100.0
    >>> regular_rate_hz(np.array([0.0, 0.01, 0.03])) is None
    True
    """
    t = np.asarray(t_s, dtype=np.float64)
    if t.ndim != 1 or t.size < 2:
        return None
    dt = np.diff(t)
    mean_dt = float(dt.mean())
    if not np.all(dt > 0) or np.max(np.abs(dt - mean_dt)) > tolerance * mean_dt:
        return None
    return 1.0 / mean_dt


@dataclass(frozen=True)
class Resampled:
    """A signal on a uniform grid.

    Attributes
    ----------
    t_s : ndarray, shape (m,)
        Grid times, s.
    values : ndarray, shape (m,) or (m, d)
        Resampled values, in the input's unit.
    fs_hz : float
        Grid rate, Hz.
    window_s : float
        SWARII window length, s.
    n_empty_windows : int
        Grid points whose window held no sample (filled by linear interpolation).
    """

    t_s: np.ndarray
    values: np.ndarray
    fs_hz: float
    window_s: float
    n_empty_windows: int


def swarii(t_s: np.ndarray, values: np.ndarray, *, fs_hz: float = 25.0, window_s: float = 0.08) -> Resampled:
    """Resample an irregularly sampled signal with SWARII.

    Parameters
    ----------
    t_s : array_like, shape (n,)
        Sample times, s, strictly increasing.
    values : array_like, shape (n,) or (n, d)
        Samples (e.g. COP x and y in mm as two columns).
    fs_hz : float
        Output rate, Hz (authors' default 25 Hz).
    window_s : float
        Window length, s (authors' default 0.08 s).

    Returns
    -------
    Resampled

    Examples
    --------
    A constant signal stays constant whatever the sample times:

    >>> import numpy as np
    >>> t = np.array([0.0, 0.013, 0.021, 0.05, 0.09, 0.1])
    >>> r = swarii(t, np.full(6, 7.0), fs_hz=25)
    >>> r.t_s.tolist(), r.values.tolist()
    ([0.0, 0.04, 0.08], [7.0, 7.0, 7.0])
    """
    t = as_float_array("t_s", t_s, 1)
    x = np.asarray(values, dtype=np.float64)
    squeeze = x.ndim == 1
    x = as_float_array("values", x[:, None] if squeeze else x, 2)
    fs = check_positive("fs_hz", fs_hz)
    window = check_positive("window_s", window_s)
    n = t.size
    if x.shape[0] != n:
        raise ValueError(f"values has {x.shape[0]} samples but t_s has {n}")
    if n < 2:
        raise ValueError(f"need at least 2 samples to resample, got {n}")
    if np.any(np.diff(t) <= 0):
        bad = int(np.argmax(np.diff(t) <= 0))
        raise ValueError(f"t_s must be strictly increasing (t[{bad}] = {t[bad]}, t[{bad + 1}] = {t[bad + 1]})")

    t0, t_end = t[0], t[-1]
    grid = t0 + np.arange(int(np.ceil((t_end - t0) * fs))) / fs
    grid = grid[grid < t_end]
    if grid.size < 2:
        raise ValueError(f"{t_end - t0:.3f} s of data give fewer than 2 samples at {fs} Hz")
    half = 0.5 * window
    lo = np.searchsorted(t, grid - half, side="right")  # first sample with t > t_k − w/2
    hi = np.searchsorted(t, grid + half, side="left")  # first sample with t >= t_k + w/2
    count = hi - lo

    # Centre the values: the cumulative sums below then carry small numbers only.
    offset = x.mean(axis=0)
    xc = x - offset
    mid = 0.5 * (t[1:] + t[:-1])  # mid[i] between samples i and i+1
    # Interior sample i (1..n-2) contributes xc[i]·(mid[i] − mid[i−1]); prefix sums over i.
    interior = xc[1:-1] * (mid[1:] - mid[:-1])[:, None]
    prefix = np.vstack([np.zeros((2, x.shape[1])), np.cumsum(interior, axis=0)])  # prefix[j] = Σ_{i<j}

    out = np.empty((grid.size, x.shape[1]))
    single = count == 1
    out[single] = xc[lo[single]]
    many = count >= 2
    if many.any():
        first, last = lo[many], hi[many] - 1
        left = np.maximum(t0, grid[many] - half)
        right = np.minimum(t_end, grid[many] + half)
        total = (
            xc[first] * (mid[first] - left)[:, None]
            + (prefix[last] - prefix[first + 1])
            + xc[last] * (right - mid[last - 1])[:, None]
        )
        out[many] = total / (right - left)[:, None]
    empty = count == 0
    n_empty = int(empty.sum())
    if n_empty:
        if n_empty == grid.size:
            raise ValueError("every SWARII window is empty: the window is shorter than the sample gaps")
        filled = ~empty
        for column in range(out.shape[1]):
            out[empty, column] = np.interp(grid[empty], grid[filled], out[filled, column])
    out += offset
    return Resampled(
        t_s=grid,
        values=out[:, 0] if squeeze else out,
        fs_hz=fs,
        window_s=window,
        n_empty_windows=n_empty,
    )
