"""Frequency-domain sway measures from Welch's power spectral density, Prieto et al. (1996).

For a signal (the resultant distance RD, or the ML or AP displacement, each referenced to its mean),
G(f_m) is the one-sided Welch PSD (mm²/Hz) and the spectral moments over the band
0.15 Hz ≤ f_m ≤ 5 Hz (Prieto) are ``μ_k = Σ f_m^k G(f_m) Δf`` (docs/formulas.md §4):

* total power ``POWER = μ₀``, mm²
* 50 % and 95 % power frequency: the lowest bin frequency f_u with Σ_{f_m ≤ f_u} G Δf ≥ 0.50 μ₀ (0.95 μ₀), Hz
* spectral mean frequency ``μ₁ / μ₀``, Hz — named ``spectral_mean_frequency_hz`` to keep it apart from
  the time-domain MFREQ of :mod:`analysis.sway` (docs/methods.md §0.3)
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

from dataclasses import dataclass

import numpy as np

from analysis._checks import as_float_array, check_positive, check_same_length
from analysis.welch import (
    BAND_HZ,
    WelchSettings,
    resultant_segments_of,
    segments_of,
    welch_parameters,
    welch_rows,
)

__all__ = ["SpectralMeasures", "SwayFrequency", "spectral_measures", "sway_frequency"]



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
    nperseg, noverlap, nfft = welch_parameters(n, fs, settings)
    mx, my = float(ml0.mean()), float(ap0.mean())
    step = nperseg - noverlap
    sources = [
        resultant_segments_of(ml0, ap0, mx, my, nperseg, step),
        segments_of(ml0, mx, nperseg, step),
        segments_of(ap0, my, nperseg, step),
    ]
    df = fs / nfft  # = f[1] − f[0] of welch_psd's grid f = k·(fs/nfft), exactly
    lo, hi = _band_bins_of_grid(df, nfft // 2 + 1, settings.band_hz)
    fb, psd = welch_rows(sources, n, fs, nperseg, noverlap, nfft, settings, (lo, hi))
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
