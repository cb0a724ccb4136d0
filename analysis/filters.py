"""Zero-lag low-pass filtering of uniformly sampled signals."""

from __future__ import annotations

import numpy as np
from scipy import signal

from analysis._checks import as_float_array, check_positive

__all__ = ["butterworth_lowpass_zero_lag"]


def butterworth_lowpass_zero_lag(x: np.ndarray, *, fs_hz: float, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Butterworth low-pass run forwards and backwards (``scipy.signal.sosfiltfilt``).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
        Uniformly sampled signal; filtered along axis 0. Not modified.
    fs_hz : float
        Sampling rate, Hz (required: never a normalised frequency).
    cutoff_hz : float
        Cut-off of the filter designed, Hz; must be below fs/2.
    order : int
        Order of the designed filter (default 4). Running it twice doubles the effective order
        (8 for the default) and puts the -6 dB point at ``cutoff_hz``; no cut-off correction is applied.

    Returns
    -------
    ndarray, same shape as ``x``.
    """
    data = np.asarray(x, dtype=np.float64)
    data = as_float_array("x", data, data.ndim if data.ndim in (1, 2) else 1)
    fs = check_positive("fs_hz", fs_hz)
    fc = check_positive("cutoff_hz", cutoff_hz)
    if fc >= fs / 2:
        raise ValueError(f"cutoff_hz must be below fs/2 (fs={fs} Hz -> fs/2={fs / 2} Hz), got {fc} Hz")
    if order < 1:
        raise ValueError(f"order must be >= 1, got {order}")
    sos = signal.butter(order, fc, btype="low", fs=fs, output="sos")
    min_len = 3 * (2 * len(sos) + 1)
    if data.shape[0] <= min_len:
        raise ValueError(f"need more than {min_len} samples to filter with order {order}, got {data.shape[0]}")
    return signal.sosfiltfilt(sos, data, axis=0)
