"""Welch's averaged periodogram for sway signals, computed fast and equal to ``scipy.signal.welch``.

One-sided PSD (unit²/Hz) with a per-segment detrend applied in the frequency domain, segments filled a
few at a time into reused scratch memory, only the bins of the analysis band kept, and for zero-padded
FFTs (``nfft="signal"``, Quijoux et al. 2021) the mean periodogram taken as the DFT of the segments' mean
autocorrelation (Wiener-Khinchin). The settings (:class:`WelchSettings`) travel with every result.

Welch PD. IEEE Trans Audio Electroacoust 1967;15(2):70-73. Quijoux Y et al. Physiol Rep 2021;9:e15067.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import fft as sp_fft
from scipy import signal

from analysis._checks import as_float_array, check_positive

__all__ = [
    "BAND_HZ",
    "SegmentSource",
    "WelchSettings",
    "resultant_segments_of",
    "segments_of",
    "welch_parameters",
    "welch_psd",
    "welch_rows",
]

BAND_HZ = (0.15, 5.0)
"""Prieto's analysis band, Hz."""


@dataclass(frozen=True)
class WelchSettings:
    """Settings of the Welch PSD (stored with every result).

    Attributes
    ----------
    segment_s : float
        Segment length, s (nperseg = round(segment_s·fs)).
    overlap : float
        Overlap between segments as a fraction of the segment, [0, 1).
    window : str
        Window name for ``scipy.signal.get_window``.
    detrend : {"linear", "constant", "none"}
        Detrending of each segment.
    nfft : {"signal", "segment"}
        FFT length: the signal length (zero-padding, Quijoux 2021) or the segment length.
    band_hz : tuple of float
        Analysis band (low, high), Hz, both ends included.
    """

    segment_s: float = 10.0
    overlap: float = 0.5
    window: str = "hann"
    detrend: Literal["linear", "constant", "none"] = "linear"
    nfft: Literal["signal", "segment"] = "signal"
    band_hz: tuple[float, float] = BAND_HZ

    def __post_init__(self) -> None:
        check_positive("segment_s", self.segment_s)
        if not 0 <= self.overlap < 1:
            raise ValueError(f"overlap must be within [0, 1), got {self.overlap}")
        if self.detrend not in ("linear", "constant", "none"):
            raise ValueError(f"detrend must be 'linear', 'constant' or 'none', got {self.detrend!r}")
        if self.nfft not in ("signal", "segment"):
            raise ValueError(f"nfft must be 'signal' or 'segment', got {self.nfft!r}")
        low, high = self.band_hz
        if not 0 <= low < high:
            raise ValueError(f"band_hz must be (low, high) with 0 <= low < high, got {self.band_hz}")


def welch_parameters(n: int, fs: float, settings: WelchSettings) -> tuple[int, int, int]:
    if fs <= 2 * settings.band_hz[1]:
        raise ValueError(
            f"the sample rate {fs:g} Hz is too low for the {settings.band_hz[0]:g}-{settings.band_hz[1]:g} Hz band: "
            f"need more than {2 * settings.band_hz[1]:g} Hz (Nyquist)"
        )
    nperseg = round(settings.segment_s * fs)
    if n < nperseg:
        raise ValueError(
            f"the signal is too short for the PSD: {n} samples ({n / fs:.2f} s) < one {settings.segment_s:g} s segment "
            f"({nperseg} samples)"
        )
    noverlap = min(round(settings.overlap * nperseg), nperseg - 1)
    nfft = n if settings.nfft == "signal" else nperseg
    return nperseg, noverlap, nfft


def welch_psd(
    x: np.ndarray, *, fs_hz: float, settings: WelchSettings | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """One-sided Welch PSD along axis 0: frequencies (Hz) and PSD (unit²/Hz), same column layout as ``x``.

    Equal to ``scipy.signal.welch(x, fs, window, nperseg, noverlap, nfft, detrend, axis=0)`` (tested to 1e-10).
    """
    settings = settings or WelchSettings()
    data = np.asarray(x, dtype=np.float64)
    data = as_float_array("x", data, data.ndim if data.ndim in (1, 2) else 1)
    fs = check_positive("fs_hz", fs_hz)
    nperseg, noverlap, nfft = welch_parameters(data.shape[0], fs, settings)
    return _welch(data, fs, nperseg, noverlap, nfft, settings)


def _welch(
    data: np.ndarray, fs: float, nperseg: int, noverlap: int, nfft: int, settings: WelchSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Welch's averaged periodogram along axis 0, as ``scipy.signal.welch`` (average="mean",
    scaling="density", one-sided) computes it; see :func:`welch_rows`."""
    rows = data.T if data.ndim == 2 else data[None, :]  # (columns, n)
    step = nperseg - noverlap
    sources = [segments_of(row, 0.0, nperseg, step) for row in rows]
    f, psd = welch_rows(sources, rows.shape[1], fs, nperseg, noverlap, nfft, settings)
    psd = psd.T
    return f, (psd[:, 0] if data.ndim == 1 else psd)


@functools.lru_cache(maxsize=8)
def _window_terms(name: str, nperseg: int, nfft: int, lo: int, hi: int) -> tuple[np.ndarray, ...]:
    """The window w, the detrend basis (mean and least-squares slope on a centred ramp), the rows
    [w, ramp·w] and their spectra at bins lo..hi−1 of an ``nfft`` FFT; computed once per setting (read-only)."""
    window = signal.get_window(name, nperseg)
    ramp = np.arange(nperseg) - (nperseg - 1) / 2.0
    basis = np.column_stack([np.full(nperseg, 1.0 / nperseg), ramp / float(ramp @ ramp)])
    shapes = np.vstack([window, ramp * window])
    spectra = sp_fft.rfft(shapes, n=nfft, axis=-1)[:, lo:hi]
    terms = (window, basis, shapes, spectra)
    for array in terms:
        array.flags.writeable = False
    return terms


_GROUP = 4
"""Segments per FFT call: a few at a time keep the scratch arrays small (reused, in cache) and the FFT batched."""

SegmentSource = Callable[[int, int, np.ndarray, np.ndarray], None]
"""``fill(first, stop, out, scratch)`` writes segments first..stop−1 of a signal (referenced to its mean) into
``out``; ``scratch`` is an array of the same shape it may overwrite."""


def segments_of(row: np.ndarray, offset: float, nperseg: int, step: int) -> SegmentSource:
    """Segments of ``row − offset``."""
    view = np.lib.stride_tricks.sliding_window_view(row, nperseg)[::step]

    def fill(first: int, stop: int, out: np.ndarray, scratch: np.ndarray) -> None:
        np.subtract(view[first:stop], offset, out=out)

    return fill


def resultant_segments_of(
    ml0: np.ndarray, ap0: np.ndarray, mx: float, my: float, nperseg: int, step: int
) -> SegmentSource:
    """Segments of RD = √((ml0 − mx)² + (ap0 − my)²), computed segment by segment (no RD copy of the signal)."""
    ml_view = np.lib.stride_tricks.sliding_window_view(ml0, nperseg)[::step]
    ap_view = np.lib.stride_tricks.sliding_window_view(ap0, nperseg)[::step]

    def fill(first: int, stop: int, out: np.ndarray, scratch: np.ndarray) -> None:
        np.subtract(ml_view[first:stop], mx, out=out)
        np.multiply(out, out, out=out)
        np.subtract(ap_view[first:stop], my, out=scratch)
        out += np.multiply(scratch, scratch, out=scratch)
        np.sqrt(out, out=out)

    return fill


def welch_rows(
    sources: list[SegmentSource],
    n: int,
    fs: float,
    nperseg: int,
    noverlap: int,
    nfft: int,
    settings: WelchSettings,
    bins: tuple[int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Welch PSD of each signal of ``n`` samples whose segments ``sources[i]`` gives, at bins ``lo..hi−1``
    (all bins without ``bins``). PSD shape (signals, bins), frequencies in Hz.

    A few segments at a time, so the scratch arrays stay small. The per-segment detrend (x − a − b·t)·w is
    linear, so it is applied to the few spectra needed: FFT(x·w) − a·FFT(w) − b·FFT(t·w), with a and b the
    mean and the least-squares slope.

    When the FFT is at least twice the length of the autocorrelation of a segment (``nfft="signal"`` on a
    signal of four segments or more), the zero-padded periodograms are not computed one by one: their mean
    is the DFT of the segments' mean autocorrelation (Wiener-Khinchin), which needs FFTs of length
    ≥ 2·nperseg − 1 per segment and one FFT of length nfft per signal. Same numbers up to rounding (tested
    against ``scipy.signal.welch`` and against the direct route).
    """
    step = nperseg - noverlap
    n_segments = 1 + (n - nperseg) // step
    half = nfft // 2 + 1
    lo, hi = bins if bins is not None else (0, half)
    window, basis, shapes, spectra = _window_terms(settings.window, nperseg, nfft, lo, hi)
    lag_fft = sp_fft.next_fast_len(2 * nperseg - 1, real=True)
    by_autocorrelation = nfft >= 2 * lag_fft
    used = {"linear": 2, "constant": 1, "none": 0}[settings.detrend]
    width = lag_fft if by_autocorrelation else nperseg
    group = min(_GROUP, n_segments)
    # One scratch allocation per call, carved into the arrays below (reused by the allocator from call to call).
    # The FFTs allocate their outputs: numpy.fft's ``out`` needs NumPy >= 2.0 and saved nothing measurable
    # (benchmarks/bench_welch.py).
    sizes = [group * width, group * nperseg] + ([nfft] if by_autocorrelation else [])
    starts = np.cumsum([0, *sizes])
    work = np.empty(int(starts[-1]))
    part = [work[start : start + size] for start, size in zip(starts, sizes, strict=False)]
    buffer = part[0].reshape(group, width)
    scratch = part[1].reshape(group, nperseg)
    if by_autocorrelation:
        buffer[:, nperseg:] = 0.0  # zero-padded to the autocorrelation length once
        padded = part[2]  # a signal's mean autocorrelation, lags around index 0
        padded[:] = 0.0
    psd = np.empty((len(sources), hi - lo))
    for i, fill in enumerate(sources):
        total = np.zeros(lag_fft // 2 + 1 if by_autocorrelation else hi - lo)
        for first in range(0, n_segments, group):
            stop = min(first + group, n_segments)
            prepared = buffer[: stop - first, :nperseg]
            fill(first, stop, prepared, scratch[: stop - first])
            coef = prepared @ basis[:, :used] if used else None  # mean (and slope) per segment
            np.multiply(prepared, window, out=prepared)
            if by_autocorrelation:
                if coef is not None:
                    prepared -= coef @ shapes[:used]
                spectrum = np.fft.rfft(buffer[: stop - first], axis=-1)
                parts = spectrum.view(np.float64)  # (re, im) pairs: Σ re² and Σ im² over the segments in one pass
                squares = np.einsum("ij,ij->j", parts, parts)
                total += squares[0::2]
                total += squares[1::2]
            else:
                spectrum = np.fft.rfft(prepared, n=nfft, axis=-1)[:, lo:hi]
                for k in range(used):
                    spectrum -= coef[:, k : k + 1] * spectra[k]  # type: ignore[index]
                total += (spectrum.real**2 + spectrum.imag**2).sum(axis=0)
        total /= n_segments
        if by_autocorrelation:
            lags = sp_fft.irfft(total, n=lag_fft)  # mean autocorrelation: lags 0..nperseg−1, then −(nperseg−1)..−1
            padded[:nperseg] = lags[:nperseg]
            padded[nfft - nperseg + 1 :] = lags[lag_fft - nperseg + 1 :]
            psd[i] = np.fft.rfft(padded)[lo:hi].real
        else:
            psd[i] = total
    psd /= fs * float(window @ window)
    # one-sided: double every bin but DC and (for even nfft) Nyquist
    first_bin, last_bin = max(lo, 1), min(hi, half - 1 if nfft % 2 == 0 else half)
    if last_bin > first_bin:
        psd[:, first_bin - lo : last_bin - lo] *= 2.0
    return np.arange(lo, hi) * (fs / nfft), psd
