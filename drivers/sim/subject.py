"""A seeded simulated person standing quietly with a chosen weight-bearing split.

Model (units: N, mm, s):

* Body weight ``W(t) = m·g·(1 + e(t))`` with a small vertical fluctuation ``e`` (``fz_fluctuation_pct``).
* The two feet stand at x = ±stance_width/2 (board frame, x + to the subject's right). The share of
  weight on the right foot is ``s_R(t) = s̄_R + δ(t)``, so the net centre of pressure is
  ``x(t) = stance_width·(s_R(t) − ½)``: medio-lateral sway is load transfer between the feet.
* Both feet's centres of pressure move together antero-posteriorly: ``y(t) = ap_offset + a(t)``.
* ``δ`` and ``a`` are independent zero-mean Gaussian processes: white noise through a 2nd-order
  Butterworth low-pass at ``sway_corner_hz``, scaled to the requested RMS (ML RMS = stance_width·RMS(δ)).
  For such a process the RMS velocity is 2π·corner·RMS, so the defaults (3.0 / 4.5 mm RMS, 0.35 Hz)
  give a mean COP speed near 10 mm/s and a 95 % ellipse near 250 mm², inside the healthy-to-patient
  range of docs/formulas.md §7.

The process is generated on an internal 1 kHz grid in chunks (``scipy.signal.lfilter`` with carried
state, so it streams forever) and sampled at whatever times the device asks for, by linear
interpolation on that fine grid (the process is smooth at 1 ms, so this adds no roughness).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import signal

from physical import STANDARD_GRAVITY_M_S2

__all__ = ["StandingSubject", "SubjectTruth"]


_GRID_HZ = 1000.0
_CHUNK_S = 2.0


@dataclass(frozen=True)
class SubjectTruth:
    """What the simulated subject really did at the sampled times (for tests and demos)."""

    t_s: np.ndarray
    fz_n: np.ndarray
    cop_x_mm: np.ndarray
    cop_y_mm: np.ndarray
    left_n: np.ndarray
    right_n: np.ndarray


class StandingSubject:
    """A person standing still on a force-sensing surface.

    Parameters
    ----------
    mass_kg : float
        Body mass in kg (> 0).
    affected_side : {"left", "right"}
        The painful side.
    affected_share_pct : float
        Mean share of body weight on the affected limb, % (0-100). 50 is symmetric.
    stance_width_mm : float
        Distance between the two feet's centres of pressure, mm. 433 mm puts each foot over the
        sensor line of a Wii Balance Board, where left/right cell pairs measure limb load exactly.
    sway_rms_ml_mm, sway_rms_ap_mm : float
        RMS of the medio-lateral and antero-posterior sway, mm.
    sway_corner_hz : float
        Corner frequency of the sway process, Hz.
    ap_offset_mm : float
        Mean antero-posterior COP position, mm.
    fz_fluctuation_pct : float
        RMS of the vertical force fluctuation, % of body weight.
    seed : int
        Seed of the random generator: the same seed gives the same person.
    """

    def __init__(
        self,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        affected_share_pct: float = 42.0,
        stance_width_mm: float = 433.0,
        sway_rms_ml_mm: float = 3.0,
        sway_rms_ap_mm: float = 4.5,
        sway_corner_hz: float = 0.35,
        ap_offset_mm: float = 0.0,
        fz_fluctuation_pct: float = 0.3,
        seed: int = 0,
    ) -> None:
        if not mass_kg > 0:
            raise ValueError(f"mass_kg must be > 0, got {mass_kg}")
        if affected_side not in ("left", "right"):
            raise ValueError(f"affected_side must be 'left' or 'right', got {affected_side!r}")
        if not 0 <= affected_share_pct <= 100:
            raise ValueError(f"affected_share_pct must be within 0-100 %, got {affected_share_pct}")
        if not stance_width_mm > 0:
            raise ValueError(f"stance_width_mm must be > 0, got {stance_width_mm}")
        if min(sway_rms_ml_mm, sway_rms_ap_mm, fz_fluctuation_pct) < 0:
            raise ValueError("sway and force fluctuation RMS values must be >= 0")
        if not 0 < sway_corner_hz < _GRID_HZ / 10:
            raise ValueError(f"sway_corner_hz must be within (0, {_GRID_HZ / 10}) Hz, got {sway_corner_hz}")
        self.mass_kg = float(mass_kg)
        self.affected_side = affected_side
        self.affected_share_pct = float(affected_share_pct)
        self.stance_width_mm = float(stance_width_mm)
        self.sway_rms_ml_mm = float(sway_rms_ml_mm)
        self.sway_rms_ap_mm = float(sway_rms_ap_mm)
        self.sway_corner_hz = float(sway_corner_hz)
        self.ap_offset_mm = float(ap_offset_mm)
        self.fz_fluctuation_pct = float(fz_fluctuation_pct)
        self.seed = int(seed)

        self._rng = np.random.default_rng(seed)
        self._b, self._a = signal.butter(2, sway_corner_hz, fs=_GRID_HZ)
        # Unit-variance scaling: var(out) = var(in)·Σh² for white input.
        impulse = np.zeros(int(20 * _GRID_HZ / sway_corner_hz))
        impulse[0] = 1.0
        gain = np.sqrt(np.sum(signal.lfilter(self._b, self._a, impulse) ** 2))
        self._noise_scale = 1.0 / gain
        # Filter state for the three processes (ML share, AP, vertical), started in steady state by
        # running the filter through a warm-up stretch.
        self._zi = np.zeros((3, max(len(self._a), len(self._b)) - 1))
        self._generate(int(5 * _GRID_HZ / sway_corner_hz))  # warm-up, discarded
        self._grid_t = np.empty(0)
        self._grid = np.empty((3, 0))
        self._next_grid_index = 0
        self._last_t = -np.inf

    @property
    def right_share_mean(self) -> float:
        """Mean fraction of body weight on the right foot (0-1)."""
        affected = self.affected_share_pct / 100.0
        return affected if self.affected_side == "right" else 1.0 - affected

    @property
    def weight_n(self) -> float:
        """Body weight m·g in N."""
        return self.mass_kg * STANDARD_GRAVITY_M_S2

    def _generate(self, n: int) -> np.ndarray:
        white = self._rng.standard_normal((3, n)) * self._noise_scale
        out = np.empty_like(white)
        for row in range(3):
            out[row], self._zi[row] = signal.lfilter(self._b, self._a, white[row], zi=self._zi[row])
        return out

    def _extend_grid(self, t_end: float) -> None:
        while self._grid_t.size == 0 or self._grid_t[-1] < t_end:
            n = int(_CHUNK_S * _GRID_HZ)
            t = (self._next_grid_index + np.arange(n)) / _GRID_HZ
            self._next_grid_index += n
            self._grid_t = np.concatenate([self._grid_t, t])
            self._grid = np.concatenate([self._grid, self._generate(n)], axis=1)

    def sample(self, t_s: np.ndarray) -> SubjectTruth:
        """The subject's forces and COP at times ``t_s`` (s, increasing, each call after the last)."""
        t = np.asarray(t_s, dtype=np.float64)
        if t.size == 0:
            empty = np.empty(0)
            return SubjectTruth(t, empty, empty, empty, empty, empty)
        if t[0] < self._last_t or np.any(np.diff(t) < 0):
            raise ValueError("a simulated subject is sampled at increasing times")
        if t[0] < 0:
            raise ValueError("simulated time starts at 0 s")
        self._last_t = float(t[-1])
        self._extend_grid(float(t[-1]))
        share_dev, ap_dev, fz_dev = (np.interp(t, self._grid_t, row) for row in self._grid)
        right_share = self.right_share_mean + share_dev * (self.sway_rms_ml_mm / self.stance_width_mm)
        fz = self.weight_n * (1.0 + fz_dev * self.fz_fluctuation_pct / 100.0)
        cop_x = self.stance_width_mm * (right_share - 0.5)
        cop_y = self.ap_offset_mm + ap_dev * self.sway_rms_ap_mm
        right = fz * right_share
        # Forget the fine grid before the last sample: a one-hour session stays small in memory.
        keep_from = max(int(np.searchsorted(self._grid_t, t[-1], side="right")) - 1, 0)
        self._grid_t = self._grid_t[keep_from:]
        self._grid = self._grid[:, keep_from:]
        return SubjectTruth(t, fz, cop_x, cop_y, fz - right, right)
