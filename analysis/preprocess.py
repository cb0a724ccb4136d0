"""Preprocessing of a COP trajectory before sway measures, with every choice recorded.

Order (docs/formulas.md §2; docs/methods.md §1.2): (1) resample an irregular clock onto a
uniform grid with SWARII (never plain linear interpolation before differentiation), (2) trim the first
and last seconds, (3) zero-lag Butterworth low-pass (4th order designed, run forwards and backwards),
(4) detrend each axis (``"constant"``: remove the mean — what the sway measures do anyway;
``"linear"``: remove a least-squares line; ``"none"``).

Presets reproduce published pipelines: ``quijoux2021`` (SWARII 25 Hz / 0.08 s, 10 Hz low-pass),
``prieto1996`` (uniform input, 5 Hz low-pass), ``raw`` (nothing but the record).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import signal

from analysis._checks import as_float_array, check_positive, check_same_length
from analysis.filters import butterworth_lowpass_zero_lag
from analysis.resample import regular_rate_hz, swarii

__all__ = ["PRESETS", "PreprocessSettings", "PreprocessedCop", "preprocess_cop"]


@dataclass(frozen=True)
class PreprocessSettings:
    """What to do to the COP before measuring sway (units in the names).

    Attributes
    ----------
    resample_hz : float or None
        SWARII output rate, Hz; None keeps the input grid (which must then be uniform).
    swarii_window_s : float
        SWARII window, s.
    trim_start_s, trim_end_s : float
        Seconds dropped at the start and at the end (after resampling, before filtering).
    lowpass_hz : float or None
        Cut-off of the zero-lag Butterworth low-pass, Hz; None skips it.
    lowpass_order : int
        Order of the designed filter (the effective order is twice this).
    detrend : {"constant", "linear", "none"}
    preset : str
        Name of the preset these settings came from, or "custom".
    """

    resample_hz: float | None = 25.0
    swarii_window_s: float = 0.08
    trim_start_s: float = 0.0
    trim_end_s: float = 0.0
    lowpass_hz: float | None = 10.0
    lowpass_order: int = 4
    detrend: Literal["constant", "linear", "none"] = "constant"
    preset: str = "quijoux2021"

    def __post_init__(self) -> None:
        if self.detrend not in ("constant", "linear", "none"):
            raise ValueError(f"detrend must be 'constant', 'linear' or 'none', got {self.detrend!r}")
        if self.trim_start_s < 0 or self.trim_end_s < 0:
            raise ValueError(f"trim times must be >= 0 s, got {self.trim_start_s} and {self.trim_end_s}")


PRESETS: dict[str, PreprocessSettings] = {
    "quijoux2021": PreprocessSettings(),
    "prieto1996": PreprocessSettings(resample_hz=None, lowpass_hz=5.0, preset="prieto1996"),
    "raw": PreprocessSettings(resample_hz=None, lowpass_hz=None, detrend="none", preset="raw"),
}
"""Named preprocessing pipelines (docs/methods.md §1.2)."""


@dataclass(frozen=True)
class PreprocessedCop:
    """A preprocessed COP trajectory and the record of how it was made.

    Attributes
    ----------
    ml_mm, ap_mm : ndarray, shape (m,)
        Uniformly sampled COP, mm.
    fs_hz : float
        Its sampling rate, Hz.
    settings : PreprocessSettings
    input_samples, output_samples : int
    empty_resample_windows : int
        SWARII grid points with an empty window (0 without resampling).
    steps : tuple of str
        The operations applied, in order, each with its parameters, e.g. ``"lowpass butterworth order 4 10 Hz
        zero-lag"``.
    """

    ml_mm: np.ndarray
    ap_mm: np.ndarray
    fs_hz: float
    settings: PreprocessSettings
    input_samples: int
    output_samples: int
    empty_resample_windows: int
    steps: tuple[str, ...]


def _uniform_rate(t: np.ndarray) -> float:
    dt = np.diff(t)
    if np.any(dt <= 0):
        raise ValueError("sample times must increase strictly")
    fs = regular_rate_hz(t)
    if fs is None:
        raise ValueError(
            f"the sample times are irregular (intervals {dt.min() * 1e3:.2f}-{dt.max() * 1e3:.2f} ms): "
            "set resample_hz to resample with SWARII"
        )
    return fs


def preprocess_cop(
    t_s: np.ndarray, ml_mm: np.ndarray, ap_mm: np.ndarray, settings: PreprocessSettings | None = None
) -> PreprocessedCop:
    """Resample, trim, filter and detrend a COP trajectory; record every step.

    Parameters
    ----------
    t_s : array_like, shape (n,)
        Sample times, s (irregular allowed when resampling).
    ml_mm, ap_mm : array_like, shape (n,)
        COP, mm. NaN (no contact) is an error: trim or split the trial first.
    settings : PreprocessSettings, optional
        Default: the Quijoux 2021 preset.

    Raises
    ------
    ValueError
        NaN samples, irregular times without resampling, a trim that leaves too little, or a
        low-pass at or above the Nyquist frequency.
    """
    settings = settings or PreprocessSettings()
    t = as_float_array("t_s", t_s, 1)
    xy = np.column_stack([as_float_array("ml_mm", ml_mm, 1), as_float_array("ap_mm", ap_mm, 1)])
    n_in = check_same_length(t_s=t, ml_mm=xy[:, 0], ap_mm=xy[:, 1])
    if n_in < 3:
        raise ValueError(f"need at least 3 COP samples, got {n_in}")
    steps: list[str] = []
    empty = 0
    if settings.resample_hz is not None:
        fs = check_positive("resample_hz", settings.resample_hz)
        res = swarii(t, xy, fs_hz=fs, window_s=settings.swarii_window_s)
        xy, empty = res.values, res.n_empty_windows
        steps.append(f"resample swarii {fs:g} Hz window {settings.swarii_window_s:g} s ({empty} empty windows)")
    else:
        fs = _uniform_rate(t)
        steps.append(f"uniform input {fs:g} Hz")
    first = round(settings.trim_start_s * fs)
    last = xy.shape[0] - round(settings.trim_end_s * fs)
    if last - first < 3:
        raise ValueError(
            f"trimming {settings.trim_start_s:g} s and {settings.trim_end_s:g} s leaves {max(last - first, 0)} "
            f"samples of {xy.shape[0]} ({xy.shape[0] / fs:.2f} s)"
        )
    if first or last < xy.shape[0]:
        xy = xy[first:last]
        steps.append(f"trim {settings.trim_start_s:g} s start, {settings.trim_end_s:g} s end")
    if settings.lowpass_hz is not None:
        xy = butterworth_lowpass_zero_lag(xy, fs_hz=fs, cutoff_hz=settings.lowpass_hz, order=settings.lowpass_order)
        steps.append(f"lowpass butterworth order {settings.lowpass_order} {settings.lowpass_hz:g} Hz zero-lag")
    if settings.detrend != "none":
        xy = signal.detrend(xy, axis=0, type=settings.detrend)
        steps.append(f"detrend {settings.detrend}")
    return PreprocessedCop(
        ml_mm=np.ascontiguousarray(xy[:, 0]),
        ap_mm=np.ascontiguousarray(xy[:, 1]),
        fs_hz=float(fs),
        settings=settings,
        input_samples=n_in,
        output_samples=int(xy.shape[0]),
        empty_resample_windows=int(empty),
        steps=tuple(steps),
    )
