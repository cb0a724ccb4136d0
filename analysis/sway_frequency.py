"""Frequency-domain sway measures from Welch's power spectral density, Prieto et al. (1996).

For a signal (the resultant distance RD, or the ML or AP displacement, each referenced to its mean),
G(f_m) is the one-sided Welch PSD (mm²/Hz) and the spectral moments over the band
0.15 Hz ≤ f_m ≤ 5 Hz (Prieto) are ``μ_k = Σ f_m^k G(f_m) Δf`` (analysis-formulas.md §4):

* total power ``POWER = μ₀``, mm²
* 50 % and 95 % power frequency: the lowest bin frequency f_u with Σ_{f_m ≤ f_u} G Δf ≥ 0.50 μ₀ (0.95 μ₀), Hz
* spectral mean frequency ``μ₁ / μ₀``, Hz — named ``spectral_mean_frequency_hz`` to keep it apart from
  the time-domain MFREQ of :mod:`analysis.sway` (analysis-methods.md §0.3)
* centroidal frequency ``CFREQ = √(μ₂/μ₀)``, Hz
* frequency dispersion ``FREQD = √(1 − μ₁²/(μ₀ μ₂))`` (0 for a pure sinusoid, towards 1 for broad spectra)

The PSD estimate changes these numbers (Vieira et al.: median frequency up to +137 % with other segment
lengths or detrending), so the Welch settings are part of every result. The default follows Quijoux
et al. 2021 (``frequentist.py``): Hann window, 10 s segments, 50 % overlap, linear detrend per segment,
each segment zero-padded to the signal length (Δf = fs/N). ``nfft="segment"`` skips the padding
(Δf = 1/segment_s, cheaper at high rates).

Prieto TE et al. IEEE Trans Biomed Eng 1996;43(9):956-966. Quijoux Y et al. Physiol Rep 2021;9:e15067.
Welch PD. IEEE Trans Audio Electroacoust 1967;15(2):70-73.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import fft as sp_fft
from scipy import signal

from analysis._checks import as_float_array, check_positive, check_same_length

__all__ = [
    "BAND_HZ",
    "SpectralMeasures",
    "SwayFrequency",
    "WelchSettings",
    "spectral_measures",
    "sway_frequency",
    "welch_psd",
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


@dataclass(frozen=True)
class SpectralMeasures:
    """Prieto's frequency-domain measures of one signal over the band.

    Attributes
    ----------
    total_power_mm2 : float
        μ₀, mm².
    power_frequency_50_hz, power_frequency_95_hz : float
        50 % and 95 % cumulative power frequency, Hz.
    spectral_mean_frequency_hz : float
        μ₁/μ₀, Hz.
    centroidal_frequency_hz : float
        √(μ₂/μ₀), Hz.
    frequency_dispersion : float
        √(1 − μ₁²/(μ₀μ₂)), dimensionless.
    """

    total_power_mm2: float
    power_frequency_50_hz: float
    power_frequency_95_hz: float
    spectral_mean_frequency_hz: float
    centroidal_frequency_hz: float
    frequency_dispersion: float


@dataclass(frozen=True)
class SwayFrequency:
    """Frequency-domain sway measures of the resultant distance and of each axis.

    Attributes
    ----------
    rd, ml, ap : SpectralMeasures
        Of RD = √(ML² + AP²) (Prieto), of ML and of AP.
    settings : WelchSettings
    fs_hz : float
    nperseg, noverlap, nfft : int
        The Welch parameters in samples.
    resolution_hz : float
        Δf = fs / nfft, Hz.
    """

    rd: SpectralMeasures
    ml: SpectralMeasures
    ap: SpectralMeasures
    settings: WelchSettings
    fs_hz: float
    nperseg: int
    noverlap: int
    nfft: int
    resolution_hz: float


def _welch_parameters(n: int, fs: float, settings: WelchSettings) -> tuple[int, int, int]:
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
    nperseg, noverlap, nfft = _welch_parameters(data.shape[0], fs, settings)
    return _welch(data, fs, nperseg, noverlap, nfft, settings)


def _welch(
    data: np.ndarray, fs: float, nperseg: int, noverlap: int, nfft: int, settings: WelchSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Welch's averaged periodogram along axis 0, as ``scipy.signal.welch`` (average="mean",
    scaling="density", one-sided) computes it; see :func:`_welch_rows`."""
    rows = data.T if data.ndim == 2 else data[None, :]  # (columns, n)
    step = nperseg - noverlap
    sources = [_segments_of(row, 0.0, nperseg, step) for row in rows]
    f, psd = _welch_rows(sources, rows.shape[1], fs, nperseg, noverlap, nfft, settings)
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


def _segments_of(row: np.ndarray, offset: float, nperseg: int, step: int) -> SegmentSource:
    """Segments of ``row − offset``."""
    view = np.lib.stride_tricks.sliding_window_view(row, nperseg)[::step]

    def fill(first: int, stop: int, out: np.ndarray, scratch: np.ndarray) -> None:
        np.subtract(view[first:stop], offset, out=out)

    return fill


def _resultant_segments_of(
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


def _welch_rows(
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
    out_width = (width if by_autocorrelation else nfft) // 2 + 1
    # One scratch allocation per call, carved into the arrays below; the FFTs write into it (numpy.fft's
    # ``out``). A single block is reused by the allocator from call to call, where several fresh ones
    # cost more in new memory pages than the arithmetic done in them.
    sizes = [group * width, group * nperseg, 2 * group * out_width]
    if by_autocorrelation:
        sizes += [nfft, 2 * (nfft // 2 + 1)]
    starts = np.cumsum([0] + [size + size % 2 for size in sizes])  # even starts: complex views stay aligned
    work = np.empty(int(starts[-1]))
    part = [work[start : start + size] for start, size in zip(starts, sizes, strict=False)]
    buffer = part[0].reshape(group, width)
    scratch = part[1].reshape(group, nperseg)
    spectrum_out = part[2].view(np.complex128).reshape(group, out_width)
    if by_autocorrelation:
        buffer[:, nperseg:] = 0.0  # zero-padded to the autocorrelation length once
        padded = part[3]  # a signal's mean autocorrelation, lags around index 0
        padded[:] = 0.0
        psd_out = part[4].view(np.complex128)
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
                spectrum = np.fft.rfft(buffer[: stop - first], axis=-1, out=spectrum_out[: stop - first])
                parts = spectrum.view(np.float64)  # (re, im) pairs: Σ re² and Σ im² over the segments in one pass
                squares = np.einsum("ij,ij->j", parts, parts)
                total += squares[0::2]
                total += squares[1::2]
            else:
                spectrum = np.fft.rfft(prepared, n=nfft, axis=-1, out=spectrum_out[: stop - first])[:, lo:hi]
                for k in range(used):
                    spectrum -= coef[:, k : k + 1] * spectra[k]  # type: ignore[index]
                total += (spectrum.real**2 + spectrum.imag**2).sum(axis=0)
        total /= n_segments
        if by_autocorrelation:
            lags = sp_fft.irfft(total, n=lag_fft)  # mean autocorrelation: lags 0..nperseg−1, then −(nperseg−1)..−1
            padded[:nperseg] = lags[:nperseg]
            padded[nfft - nperseg + 1 :] = lags[lag_fft - nperseg + 1 :]
            psd[i] = np.fft.rfft(padded, out=psd_out)[lo:hi].real
        else:
            psd[i] = total
    psd /= fs * float(window @ window)
    # one-sided: double every bin but DC and (for even nfft) Nyquist
    first_bin, last_bin = max(lo, 1), min(hi, half - 1 if nfft % 2 == 0 else half)
    if last_bin > first_bin:
        psd[:, first_bin - lo : last_bin - lo] *= 2.0
    return np.arange(lo, hi) * (fs / nfft), psd


def spectral_measures(
    f_hz: np.ndarray, psd: np.ndarray, *, band_hz: tuple[float, float] = BAND_HZ
) -> SpectralMeasures:
    """Prieto's spectral moments and frequencies from a one-sided PSD on a uniform frequency grid.

    Parameters
    ----------
    f_hz : array_like, shape (m,)
        Bin frequencies, Hz, uniformly spaced.
    psd : array_like, shape (m,)
        One-sided PSD, mm²/Hz.
    band_hz : (low, high)
        Bins with low ≤ f ≤ high are used.

    Examples
    --------
    Two spectral lines of power 1 mm² at 0.5 Hz and 3 mm² at 1.5 Hz (Δf = 0.1 Hz):
    μ₀ = 4, μ₁ = 5, μ₂ = 7, so the spectral mean is 1.25 Hz and CFREQ = √(7/4) Hz.

    >>> f = np.arange(0, 5.05, 0.1)
    >>> g = np.zeros_like(f); g[5] = 10.0; g[15] = 30.0
    >>> m = spectral_measures(f, g)
    >>> round(m.total_power_mm2, 9), round(m.spectral_mean_frequency_hz, 9), round(m.power_frequency_50_hz, 9)
    (4.0, 1.25, 1.5)
    """
    f = as_float_array("f_hz", f_hz, 1)
    g = as_float_array("psd", psd, 1)
    check_same_length(f_hz=f, psd=g)
    if f.size < 2:
        raise ValueError(f"need at least 2 frequency bins, got {f.size}")
    df = float(f[1] - f[0])
    if df <= 0 or not np.allclose(np.diff(f), df, rtol=1e-6, atol=0):
        raise ValueError("f_hz must be uniformly increasing")
    lo, hi = _band_bins(f, df, band_hz)
    return _band_measures(f[lo:hi], g[lo:hi], df, band_hz)


def _band_bins(f: np.ndarray, df: float, band_hz: tuple[float, float]) -> tuple[int, int]:
    """Bins lo..hi−1 of the increasing grid ``f`` with low ≤ f ≤ high (1e-9·Δf slack for rounding)."""
    low, high = band_hz
    lo = int(np.searchsorted(f, low - 1e-9 * df, side="left"))
    hi = int(np.searchsorted(f, high + 1e-9 * df, side="right"))
    return lo, hi


def _band_bins_of_grid(df: float, size: int, band_hz: tuple[float, float]) -> tuple[int, int]:
    """:func:`_band_bins` of the grid f = k·df (k < size) without building it: the same comparisons on the
    same products k·df, near the estimated edges only."""

    def first_at_least(value: float, inclusive: bool) -> int:
        k = min(max(int(np.floor(value / df)) - 2, 0), size)
        while k < size and (k * df < value if inclusive else k * df <= value):
            k += 1
        return k

    low, high = band_hz
    return first_at_least(low - 1e-9 * df, True), first_at_least(high + 1e-9 * df, False)


def _band_measures(fb: np.ndarray, gb: np.ndarray, df: float, band_hz: tuple[float, float]) -> SpectralMeasures:
    """The measures from the in-band bin frequencies ``fb`` (Hz) and PSD ``gb`` (mm²/Hz)."""
    low, high = band_hz
    if fb.size < 2:
        raise ValueError(
            f"fewer than 2 frequency bins (Δf = {df:g} Hz) inside the {low:g}-{high:g} Hz band: use longer segments"
        )
    power = gb * df
    mu0 = float(power.sum())
    if not mu0 > 0:
        raise ValueError(f"no power in the {low:g}-{high:g} Hz band: the signal does not move")
    mu1 = float((fb * power).sum())
    mu2 = float((fb * fb * power).sum())
    cumulative = np.cumsum(power)
    f50 = float(fb[np.searchsorted(cumulative, 0.50 * mu0, side="left")])
    f95 = float(fb[np.searchsorted(cumulative, 0.95 * mu0, side="left")])
    dispersion_sq = 1.0 - mu1 * mu1 / (mu0 * mu2)
    return SpectralMeasures(
        total_power_mm2=mu0,
        power_frequency_50_hz=f50,
        power_frequency_95_hz=f95,
        spectral_mean_frequency_hz=mu1 / mu0,
        centroidal_frequency_hz=float(np.sqrt(mu2 / mu0)),
        # rounding can leave −1e-16 for a single line: that is a dispersion of 0, not an error
        frequency_dispersion=float(np.sqrt(max(dispersion_sq, 0.0))),
    )


def sway_frequency(
    ml_mm: np.ndarray, ap_mm: np.ndarray, *, fs_hz: float, settings: WelchSettings | None = None
) -> SwayFrequency:
    """Frequency-domain sway measures of RD, ML and AP (each axis referenced to its mean first).

    Parameters
    ----------
    ml_mm, ap_mm : array_like, shape (n,)
        COP positions, mm, uniformly sampled at ``fs_hz``.
    fs_hz : float
        Sampling rate, Hz; must exceed twice the band's upper edge (10 Hz for Prieto's band).
    settings : WelchSettings, optional

    Raises
    ------
    ValueError
        NaN or infinite samples, a sample rate too low for the band, a signal shorter than one
        segment, a band holding fewer than 2 bins, or no power in the band.
    """
    settings = settings or WelchSettings()
    ml0 = as_float_array("ml_mm", ml_mm, 1)
    ap0 = as_float_array("ap_mm", ap_mm, 1)
    n = check_same_length(ml_mm=ml0, ap_mm=ap0)
    fs = check_positive("fs_hz", fs_hz)
    nperseg, noverlap, nfft = _welch_parameters(n, fs, settings)
    mx, my = float(ml0.mean()), float(ap0.mean())
    step = nperseg - noverlap
    sources = [
        _resultant_segments_of(ml0, ap0, mx, my, nperseg, step),
        _segments_of(ml0, mx, nperseg, step),
        _segments_of(ap0, my, nperseg, step),
    ]
    df = fs / nfft  # = f[1] − f[0] of welch_psd's grid f = k·(fs/nfft), exactly
    lo, hi = _band_bins_of_grid(df, nfft // 2 + 1, settings.band_hz)
    fb, psd = _welch_rows(sources, n, fs, nperseg, noverlap, nfft, settings, (lo, hi))
    rd_m, ml_m, ap_m = (_band_measures(fb, psd[i], df, settings.band_hz) for i in range(3))
    return SwayFrequency(
        rd=rd_m,
        ml=ml_m,
        ap=ap_m,
        settings=settings,
        fs_hz=fs,
        nperseg=nperseg,
        noverlap=noverlap,
        nfft=nfft,
        resolution_hz=fs / nfft,
    )
