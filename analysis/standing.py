"""The quiet-standing assessment: body weight, weight bearing per limb and sway, from raw cell forces.

Pipeline (every choice is kept in :class:`StandingSettings` and reported with the result):

1. Fz and COP from the load cells (:mod:`analysis.cop`). The trial must be loaded throughout: a
   sample below ``min_fz_n`` means the subject stepped off, and the analysis says when.
2. Body mass = mean Fz / g, kg (measured on the device).
3. Per-limb load (:mod:`analysis.weight_bearing`): left/right cell pairs by default, or the lever rule
   when the stance width is known; %BW per sample by the measured total; Robinson SI.
4. Sway (:mod:`analysis.sway`): COP resampled with SWARII to a uniform grid (25 Hz, 0.08 s window:
   the authors' defaults, used by Quijoux et al. 2021), 4th-order Butterworth low-pass at 10 Hz run
   forwards and backwards, then the Prieto measures; the frequency-domain measures
   (:mod:`analysis.sway_frequency`, Welch with Quijoux 2021 settings) when the trial spans one segment.

Quijoux Y, Nicolaï A, Chairi I, et al. A review of center of pressure (COP) variables to quantify
standing balance in elderly people: Algorithms and open-access code. Physiol Rep 2021;9:e15067.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from analysis._checks import as_float_array, check_same_length
from analysis.cop import DEFAULT_MIN_FZ_N, cop_from_cells
from analysis.filters import butterworth_lowpass_zero_lag
from analysis.resample import swarii
from analysis.sway import SwayMeasures, sway_measures
from analysis.sway_frequency import SwayFrequency, sway_frequency
from analysis.weight_bearing import (
    WeightBearing,
    limb_loads_from_cell_pairs,
    limb_loads_lever_rule,
    weight_bearing,
)
from analysis.welch import WelchSettings
from physical import STANDARD_GRAVITY_M_S2

__all__ = ["StandingResult", "StandingSettings", "analyze_standing", "lost_samples"]

_SETTING_UNITS = {
    "min_fz_n": "N",
    "min_body_mass_kg": "kg",
    "resample_hz": "Hz",
    "swarii_window_s": "s",
    "lowpass_hz": "Hz",
    "lowpass_order": "",
    "limb_method": "",
    "stance_width_mm": "mm",
}


@dataclass(frozen=True)
class StandingSettings:
    """Analysis settings of a standing trial (units in the names).

    ``limb_method`` is ``"cell_pairs"`` or ``"lever_rule"`` (needs ``stance_width_mm``, the distance
    between the feet's centres of pressure, feet placed symmetrically about the board's midline).
    ``lowpass_hz = None`` skips the filter.
    """

    min_fz_n: float = DEFAULT_MIN_FZ_N
    min_body_mass_kg: float = 10.0
    resample_hz: float = 25.0
    swarii_window_s: float = 0.08
    lowpass_hz: float | None = 10.0
    lowpass_order: int = 4
    limb_method: Literal["cell_pairs", "lever_rule"] = "cell_pairs"
    stance_width_mm: float | None = None

    def __post_init__(self) -> None:
        if self.limb_method not in ("cell_pairs", "lever_rule"):
            raise ValueError(f"limb_method must be 'cell_pairs' or 'lever_rule', got {self.limb_method!r}")
        if self.limb_method == "lever_rule" and not (self.stance_width_mm and self.stance_width_mm > 0):
            raise ValueError("the lever rule needs the stance width (distance between the feet's centres) in mm")

    def with_units(self) -> dict[str, tuple[Any, str]]:
        """Every setting as name -> (value, unit), for recordings and reports."""
        return {name: (value, _SETTING_UNITS[name]) for name, value in asdict(self).items()}


@dataclass(frozen=True)
class StandingResult:
    """Result of a quiet-standing trial.

    Attributes
    ----------
    body_mass_kg : float
        Mean vertical force / g, kg (measured on the device).
    body_weight_n : float
        Mean vertical force, N.
    weight_bearing : WeightBearing
        Affected and unaffected limb load, N and %BW, and the Robinson SI.
    sway : SwayMeasures
        Sway measures of the resampled, filtered COP.
    duration_s : float
        Time from the first to the last sample, s.
    n_samples : int
        Samples received.
    dropped_samples : int
        Samples lost on the way (jumps in the sample counter).
    empty_resample_windows : int
        SWARII grid points with no sample in their window (filled by interpolation).
    settings : StandingSettings
    sway_frequency : SwayFrequency or None
        Welch frequency-domain sway measures (default :class:`~analysis.sway_frequency.WelchSettings`), or
        None when the trial is shorter than one Welch segment; ``sway_frequency_note`` then says why.
    sway_frequency_note : str
    """

    body_mass_kg: float
    body_weight_n: float
    weight_bearing: WeightBearing
    sway: SwayMeasures
    duration_s: float
    n_samples: int
    dropped_samples: int
    empty_resample_windows: int
    settings: StandingSettings
    sway_frequency: SwayFrequency | None = None
    sway_frequency_note: str = ""


def lost_samples(seq: np.ndarray) -> int:
    """Number of samples missing from a sample counter (sum of jumps beyond +1)."""
    counter = np.asarray(seq, dtype=np.int64)
    if counter.size < 2:
        return 0
    steps = np.diff(counter)
    if np.any(steps <= 0):
        raise ValueError("the sample counter must increase strictly")
    return int(np.sum(steps - 1))


def analyze_standing(
    t_s: np.ndarray,
    seq: np.ndarray,
    forces_n: np.ndarray,
    positions_mm: np.ndarray,
    affected_side: Literal["left", "right"],
    settings: StandingSettings | None = None,
) -> StandingResult:
    """Analyse a quiet-standing trial recorded from a load-cell device.

    Parameters
    ----------
    t_s : array_like, shape (n,)
        Sample times, s (irregular clocks are fine).
    seq : array_like, shape (n,)
        Sample counter.
    forces_n : array_like, shape (n, k)
        Cell forces, N.
    positions_mm : array_like, shape (k, 2)
        Cell positions, mm (x medio-lateral + right, y antero-posterior + forward).
    affected_side : {"left", "right"}
    settings : StandingSettings, optional

    Raises
    ------
    ValueError
        Nobody on the device, the subject stepped off during the trial, too short a trial, NaN data.
    """
    settings = settings or StandingSettings()
    t = as_float_array("t_s", t_s, 1)
    forces = as_float_array("forces_n", forces_n, 2)
    counter = np.asarray(seq)
    check_same_length(t_s=t, seq=counter, forces_n=forces)
    if t.size < 2:
        raise ValueError(f"the recording holds {t.size} samples: nothing to analyse")

    cop = cop_from_cells(forces, positions_mm, min_fz_n=settings.min_fz_n)
    mean_mass_kg = float(cop.fz_n.mean()) / STANDARD_GRAVITY_M_S2
    if mean_mass_kg < settings.min_body_mass_kg:
        raise ValueError(
            f"nobody on the board: the mean load is {mean_mass_kg:.1f} kg, "
            f"below the {settings.min_body_mass_kg:g} kg needed for a standing assessment"
        )
    if not cop.loaded.all():
        off = np.flatnonzero(~cop.loaded)
        raise ValueError(
            f"the subject stepped off the board: {off.size} samples below {settings.min_fz_n:g} N "
            f"between {t[off[0]] - t[0]:.2f} s and {t[off[-1]] - t[0]:.2f} s"
        )

    if settings.limb_method == "cell_pairs":
        loads = limb_loads_from_cell_pairs(forces, positions_mm)
    else:
        half = 0.5 * float(settings.stance_width_mm)  # type: ignore[arg-type]
        loads = limb_loads_lever_rule(cop.fz_n, cop.cop_x_mm, left_foot_x_mm=-half, right_foot_x_mm=half)
    wb = weight_bearing(loads, affected_side)

    resampled = swarii(
        t, np.column_stack([cop.cop_x_mm, cop.cop_y_mm]), fs_hz=settings.resample_hz, window_s=settings.swarii_window_s
    )
    xy = resampled.values
    if settings.lowpass_hz is not None:
        xy = butterworth_lowpass_zero_lag(
            xy, fs_hz=settings.resample_hz, cutoff_hz=settings.lowpass_hz, order=settings.lowpass_order
        )
    sway = sway_measures(xy[:, 0], xy[:, 1], fs_hz=settings.resample_hz)
    welch = WelchSettings()
    frequency: SwayFrequency | None = None
    note = ""
    if sway.duration_s < welch.segment_s:
        note = f"trial of {sway.duration_s:.1f} s is shorter than one {welch.segment_s:g} s Welch segment"
    else:
        frequency = sway_frequency(xy[:, 0], xy[:, 1], fs_hz=settings.resample_hz, settings=welch)

    return StandingResult(
        body_mass_kg=mean_mass_kg,
        body_weight_n=float(cop.fz_n.mean()),
        weight_bearing=wb,
        sway=sway,
        duration_s=float(t[-1] - t[0]),
        n_samples=int(t.size),
        dropped_samples=lost_samples(counter),
        empty_resample_windows=resampled.n_empty_windows,
        settings=settings,
        sway_frequency=frequency,
        sway_frequency_note=note,
    )
