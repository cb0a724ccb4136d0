"""Named sway pipelines that reproduce published analyses (docs/methods.md §0-§1).

Velocity, path and frequency measures change with the sampling rate, the filter and the PSD estimate, so a
number is only comparable with numbers from the same pipeline. Each preset fixes every choice and the
result names them all:

``hbedb``
    The HBEDB / BDS authors' pipeline (Santos & Duarte 2016; ``BDSinfoCOP``): the raw COP on its uniform
    grid (100 Hz in the data set), no filter, the whole trial; the 95 % prediction ellipse with the F
    distribution; mean velocity = path length / (N/fs); the mean power frequency of
    :func:`mean_power_frequency` (Duarte's ``psd2`` Welch settings). Prieto's band-limited spectral
    measures are not part of that pipeline and are not reported.
``quijoux2021``
    Quijoux et al. 2021: SWARII to 25 Hz (0.08 s window), 4th-order Butterworth 10 Hz run forwards and
    backwards, the Prieto measures of :mod:`analysis.sway` and the Welch measures of
    :mod:`analysis.sway_frequency` with their settings (Hann, 10 s segments, 50 % overlap, linear detrend,
    nfft = signal length, 0.15-5 Hz). Their code's quirks are fixed and named in ``QUIJOUX_QUIRKS_FIXED``.
``prieto1996``
    Prieto et al. 1996: uniform input (no resampling: irregular clocks are refused), 4th-order 5 Hz
    zero-phase low-pass; spectral measures with the same Welch settings as ``quijoux2021`` (Prieto's own
    PSD details are not verified, docs/methods.md §1.5).
``default``
    This station's standing analysis (:class:`analysis.standing.StandingSettings` defaults): SWARII 25 Hz,
    10 Hz 4th-order zero-lag low-pass, Quijoux Welch settings. Numerically the ``quijoux2021`` pipeline.

Every preset also reports ``mean_power_frequency_hz`` (Duarte's definition) so the HBEDB reference table
(docs/methods.md §1.7) can be compared with any pipeline's output, named as such.

Santos DA, Duarte M. A public data set of human balance evaluations. PeerJ 2016;4:e2648.
Quijoux Y et al. Physiol Rep 2021;9:e15067. Prieto TE et al. IEEE Trans Biomed Eng 1996;43:956-966.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import integrate, signal

from analysis._checks import as_float_array, check_positive, check_same_length
from analysis.preprocess import PreprocessedCop, PreprocessSettings, preprocess_cop
from analysis.sway import SwayMeasures, sway_measures
from analysis.sway_frequency import SwayFrequency, sway_frequency
from analysis.welch import WelchSettings

__all__ = [
    "HBEDB_PUBLISHED_CHECK",
    "PRESETS",
    "QUIJOUX_QUIRKS_FIXED",
    "MeanPowerFrequency",
    "PresetResult",
    "SwayPreset",
    "mean_power_frequency",
    "preset_report",
    "run_preset",
]

QUIJOUX_QUIRKS_FIXED = (
    "total power integrates the PSD (sum times delta f, mm²), not the plain sum of PSD bins",
    "the 95 % ellipse is named a prediction ellipse (F distribution), not a confidence ellipse, and uses the "
    "unbiased covariance: the companion code's confidence_ellipse_area uses 1/N moments, (N-1)/N of this area",
    "vfy (variance divided by the mean AP position in plate coordinates) is not reported",
    "purge_artefact (dropping samples before 0.1 s, the first and last sample and 1-2 sample spikes) "
    "is not applied: resampling keeps every recorded sample",
)
"""Where the ``quijoux2021`` preset departs from the companion code (docs/methods.md §1.2-§1.3)."""


@dataclass(frozen=True)
class SwayPreset:
    """One named sway pipeline.

    Attributes
    ----------
    name : str
    preprocess : PreprocessSettings
        Resampling, trimming, filter and detrend.
    welch : WelchSettings or None
        Settings of the Prieto spectral measures; None when the pipeline has none.
    description, reference : str
    notes : tuple of str
        Named departures from the published code.
    """

    name: str
    preprocess: PreprocessSettings
    welch: WelchSettings | None
    description: str
    reference: str
    notes: tuple[str, ...] = ()

    def settings(self) -> dict[str, Any]:
        """Every setting of the preset as plain values (units in the names)."""
        return {
            "preprocess": asdict(self.preprocess),
            "welch": None if self.welch is None else asdict(self.welch),
            "mean_power_frequency": dict(MPF_SETTINGS),
            "ellipse": "95 % prediction ellipse, F distribution (Schubert & Kirchner 2014)",
            "mean_velocity": "path length / (N / fs)",
            "notes": list(self.notes),
        }


MPF_SETTINGS = {
    "window": "hann",
    "nperseg": "N // 2",
    "noverlap": "N // 4",
    "nfft": "N // 2",
    "detrend": "constant",
    "integral": "trapezoid, 0 Hz to Nyquist",
    "combination": "power-weighted mean of the AP and ML mean power frequencies",
}
"""Duarte's ``psd2`` settings behind :func:`mean_power_frequency` (docs/methods.md §1.5)."""

HBEDB_PUBLISHED_CHECK = (
    "checked on the published trial BDS00001: area and velocity equal the authors' BDSinfoCOP values to "
    "1e-12; the mean power frequency (Duarte's psd2) is 3.0e-5 below the published COPmfreq, cause not found "
    "(compare mean power frequencies with the published table to 4 significant digits)"
)
"""What the real-data check (tests/recordings/importers/test_public_hbedb.py) found, stated in every report."""

PRESETS: dict[str, SwayPreset] = {
    "hbedb": SwayPreset(
        "hbedb",
        PreprocessSettings(resample_hz=None, lowpass_hz=None, detrend="none", preset="hbedb"),
        None,
        "HBEDB/BDS authors' pipeline: raw uniform COP, no filter, whole trial",
        "Santos & Duarte 2016, PeerJ 4:e2648 (BDSinfoCOP)",
        ("Prieto band-limited spectral measures are not part of this pipeline",
         HBEDB_PUBLISHED_CHECK),
    ),
    "quijoux2021": SwayPreset(
        "quijoux2021",
        PreprocessSettings(resample_hz=25.0, swarii_window_s=0.08, lowpass_hz=10.0, lowpass_order=4,
                           detrend="constant", preset="quijoux2021"),
        WelchSettings(),
        "SWARII 25 Hz, 4th-order Butterworth 10 Hz filtfilt, Prieto measures, Quijoux Welch settings",
        "Quijoux et al. 2021, Physiol Rep 9:e15067",
        QUIJOUX_QUIRKS_FIXED,
    ),
    "prieto1996": SwayPreset(
        "prieto1996",
        PreprocessSettings(resample_hz=None, lowpass_hz=5.0, lowpass_order=4, detrend="constant", preset="prieto1996"),
        WelchSettings(),
        "uniform input, 4th-order Butterworth 5 Hz zero-phase, Prieto measures",
        "Prieto et al. 1996, IEEE Trans Biomed Eng 43:956",
        ("Welch settings are Quijoux 2021's: Prieto's PSD estimator is not verified",),
    ),
    "default": SwayPreset(
        "default",
        PreprocessSettings(resample_hz=25.0, swarii_window_s=0.08, lowpass_hz=10.0, lowpass_order=4,
                           detrend="constant", preset="default"),
        WelchSettings(),
        "this station's standing analysis: SWARII 25 Hz, 10 Hz 4th-order zero-lag low-pass",
        "analysis/standing.py (StandingSettings defaults)",
    ),
}
"""The named pipelines, by name."""


@dataclass(frozen=True)
class MeanPowerFrequency:
    """Duarte's spectral mean power frequency of the AP and ML COP (BDSinfoCOP ``COPmfreq``).

    Attributes
    ----------
    mean_power_frequency_hz : float
        (mpf_ap·P_ap + mpf_ml·P_ml) / (P_ap + P_ml), Hz.
    ml_hz, ap_hz : float
        Per axis ∫f·P df / ∫P df over 0 Hz to Nyquist (trapezoid rule), Hz.
    ml_power_mm2, ap_power_mm2 : float
        Per axis ∫P df, mm².
    nperseg, noverlap, nfft : int
    """

    mean_power_frequency_hz: float
    ml_hz: float
    ap_hz: float
    ml_power_mm2: float
    ap_power_mm2: float
    nperseg: int
    noverlap: int
    nfft: int


def mean_power_frequency(ml_mm: np.ndarray, ap_mm: np.ndarray, *, fs_hz: float) -> MeanPowerFrequency:
    """Mean power frequency as the HBEDB authors compute it (docs/methods.md §1.5).

    Equal to a statement-by-statement re-implementation of Duarte's ``psd2`` to 1e-12; on the published trial
    BDS00001 it is 3.0e-5 (relative) below the authors' ``COPmfreq`` (0.2565681 vs 0.2565759 Hz), a residual
    whose cause was not found (docs/researchers.md lists the Welch variants ruled out).

    Per axis, ``scipy.signal.welch(x, fs, window='hann', nperseg=N//2, noverlap=N//4, nfft=N//2,
    detrend='constant')``, then mpf = ∫f·P / ∫P with the trapezoid rule from 0 Hz to Nyquist; the result is
    the power-weighted mean of the AP and ML values.

    Parameters
    ----------
    ml_mm, ap_mm : array_like, shape (n,)
        Uniformly sampled COP, mm.
    fs_hz : float
        Sampling rate, Hz.

    Raises
    ------
    ValueError
        Fewer than 8 samples, NaN data, or a COP that does not move.
    """
    ml = as_float_array("ml_mm", ml_mm, 1)
    ap = as_float_array("ap_mm", ap_mm, 1)
    n = check_same_length(ml_mm=ml, ap_mm=ap)
    fs = check_positive("fs_hz", fs_hz)
    if n < 8:
        raise ValueError(f"need at least 8 samples for the mean power frequency, got {n}")
    nperseg, noverlap = n // 2, n // 4
    f, p = signal.welch(np.vstack([ml, ap]), fs, window="hann", nperseg=nperseg, noverlap=noverlap, nfft=nperseg,
                        detrend="constant", axis=-1)
    power = integrate.trapezoid(p, f, axis=-1)
    if not np.all(power > 0):
        raise ValueError(f"the COP does not move (ML power {power[0]:g} mm², AP power {power[1]:g} mm²)")
    mpf = integrate.trapezoid(f * p, f, axis=-1) / power
    weighted = float((mpf * power).sum() / power.sum())
    return MeanPowerFrequency(weighted, float(mpf[0]), float(mpf[1]), float(power[0]), float(power[1]),
                              nperseg, noverlap, nperseg)


@dataclass(frozen=True)
class PresetResult:
    """Sway measures of one COP trajectory through one preset.

    Attributes
    ----------
    preset : SwayPreset
    preprocessed : PreprocessedCop
        The COP the measures were computed on, with the steps applied.
    sway : SwayMeasures
    frequency : SwayFrequency or None
        Prieto spectral measures, or None (``frequency_note`` says why).
    mean_power : MeanPowerFrequency
    frequency_note : str
    """

    preset: SwayPreset
    preprocessed: PreprocessedCop
    sway: SwayMeasures
    frequency: SwayFrequency | None
    mean_power: MeanPowerFrequency
    frequency_note: str = ""


def run_preset(t_s: np.ndarray, ml_mm: np.ndarray, ap_mm: np.ndarray, preset: str | SwayPreset) -> PresetResult:
    """Run a named sway pipeline on a COP trajectory.

    Parameters
    ----------
    t_s : array_like, shape (n,)
        Sample times, s.
    ml_mm, ap_mm : array_like, shape (n,)
        COP, mm (x medio-lateral, y antero-posterior).
    preset : str or SwayPreset
        A name from :data:`PRESETS` or a custom preset.

    Raises
    ------
    ValueError
        An unknown preset name, or the input errors of the steps (irregular times for a preset without
        resampling, NaN samples, too short a trial).
    """
    if isinstance(preset, str):
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}")
        preset = PRESETS[preset]
    try:
        cop = preprocess_cop(t_s, ml_mm, ap_mm, preset.preprocess)
    except ValueError as exc:
        if preset.preprocess.resample_hz is None and "irregular" in str(exc):
            raise ValueError(f"the {preset.name} preset takes a uniformly sampled COP and {exc.args[0].split(':')[0]}: "
                             "use a preset that resamples with SWARII (quijoux2021, default)") from None
        raise
    sway = sway_measures(cop.ml_mm, cop.ap_mm, fs_hz=cop.fs_hz)
    frequency: SwayFrequency | None = None
    note = ""
    if preset.welch is None:
        note = f"the {preset.name} pipeline has no band-limited spectral measures"
    elif sway.duration_s < preset.welch.segment_s:
        note = f"trial of {sway.duration_s:.1f} s is shorter than one {preset.welch.segment_s:g} s Welch segment"
    else:
        frequency = sway_frequency(cop.ml_mm, cop.ap_mm, fs_hz=cop.fs_hz, settings=preset.welch)
    mpf = mean_power_frequency(cop.ml_mm, cop.ap_mm, fs_hz=cop.fs_hz)
    return PresetResult(preset, cop, sway, frequency, mpf, note)


def preset_report(result: PresetResult) -> dict[str, Any]:
    """A JSON-ready report: the preset, every setting and step, and the measures (units in the names)."""
    sway = asdict(result.sway)
    sway["mean_power_frequency_hz"] = result.mean_power.mean_power_frequency_hz
    cop = result.preprocessed
    published = None
    if result.preset.name == "hbedb":  # the units of the BDS reference table (docs/methods.md §1.7)
        published = {"area_cm2": result.sway.ellipse95_area_mm2 / 100.0,
                     "velocity_cm_s": result.sway.mean_velocity_mm_s / 10.0,
                     "mfreq_hz": result.mean_power.mean_power_frequency_hz}
    return {
        "preset": result.preset.name,
        "description": result.preset.description,
        "reference": result.preset.reference,
        "settings": result.preset.settings(),
        "steps": list(cop.steps),
        "fs_hz": cop.fs_hz,
        "input_samples": cop.input_samples,
        "output_samples": cop.output_samples,
        "empty_resample_windows": cop.empty_resample_windows,
        "sway": sway,
        "mean_power_frequency": asdict(result.mean_power),
        "sway_frequency": None if result.frequency is None else _frequency_dict(result.frequency),
        "sway_frequency_note": result.frequency_note,
        "published_units": published,
    }


def _frequency_dict(freq: SwayFrequency) -> dict[str, Any]:
    out = asdict(freq)
    out.pop("settings")
    return out
