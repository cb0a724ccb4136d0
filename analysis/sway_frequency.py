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
    scaling="density", one-sided) computes it, with all segments of all columns in one batched FFT and
    the per-segment detrend done in closed form (mean and slope on a centred ramp) and subtracted in the
    frequency domain instead of a least-squares solve per segment."""
    rows = np.ascontiguousarray(data.T if data.ndim == 2 else data[None, :])  # (columns, n)
    f, psd = _welch_rows(rows, fs, nperseg, noverlap, nfft, settings)
    psd = psd.T
    return f, (psd[:, 0] if data.ndim == 1 else psd)


def _welch_rows(
    rows: np.ndarray, fs: float, nperseg: int, noverlap: int, nfft: int, settings: WelchSettings
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_welch` on C-contiguous (signals, samples) data; PSD shape (signals, frequencies)."""
    step = nperseg - noverlap
    n_segments = 1 + (rows.shape[1] - nperseg) // step
    segments = np.lib.stride_tricks.sliding_window_view(rows, nperseg, axis=1)[:, : n_segments * step : step]
    # segments: (signals, n_segments, nperseg), a view with contiguous windows. The FFT is linear, so the
    # per-segment detrend (x − a − b·t)·w is applied in the frequency domain: FFT(x·w) − a·FFT(w) − b·FFT(t·w).
    window = signal.get_window(settings.window, nperseg)
    spectrum = sp_fft.rfft(segments * window, n=nfft, axis=-1, workers=-1)
    if settings.detrend != "none":
        ramp = np.arange(nperseg) - (nperseg - 1) / 2.0
        basis = np.column_stack([np.full(nperseg, 1.0 / nperseg), ramp / float(ramp @ ramp)])
        coef = segments @ basis  # (signals, n_segments, 2): mean and least-squares slope per segment
        spectrum -= coef[..., :1] * sp_fft.rfft(window, n=nfft)
        if settings.detrend == "linear":
            spectrum -= coef[..., 1:] * sp_fft.rfft(ramp * window, n=nfft)
    psd = (spectrum.real**2 + spectrum.imag**2).mean(axis=1) / (fs * float(window @ window))
    if nfft % 2 == 0:
        psd[:, 1:-1] *= 2.0
    else:
        psd[:, 1:] *= 2.0
    return np.arange(psd.shape[1]) * (fs / nfft), psd


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
    low, high = band_hz
    in_band = (f >= low - 1e-9 * df) & (f <= high + 1e-9 * df)
    if np.count_nonzero(in_band) < 2:
        raise ValueError(
            f"fewer than 2 frequency bins (Δf = {df:g} Hz) inside the {low:g}-{high:g} Hz band: use longer segments"
        )
    fb, power = f[in_band], g[in_band] * df
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
    ml = ml0 - ml0.mean()
    ap = ap0 - ap0.mean()
    rows = np.empty((3, n))
    np.sqrt(ml * ml + ap * ap, out=rows[0])
    rows[1], rows[2] = ml, ap
    f, psd = _welch_rows(rows, fs, nperseg, noverlap, nfft, settings)
    rd_m, ml_m, ap_m = (spectral_measures(f, psd[i], band_hz=settings.band_hz) for i in range(3))
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
