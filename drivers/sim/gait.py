"""A seeded simulated person walking (or stepping in place) with an antalgic pattern, one force signal per foot.

Model (units: N, s, %BW; docs/formulas.md §6, docs/methods.md §2.4):

* Steps alternate: the left foot lands at ``t0 + k·T``, the right one at ``t0 + T/2 + k·T``, with the stride
  period ``T = 2 · 60 / cadence`` (cadence in steps per minute). Unless a cadence is given, T is chosen so
  that the mean vertical force over a stride equals body weight (vertical momentum balance):
  ``T = Σ_feet peak · stance · ∫g/max g`` in BW·s. Each foot is on its own force channel
  (two plates, two boards or a split-belt treadmill), so double support needs no separation.
* A stance of duration ``d`` has the vertical force ``F(t) = P · g(τ) / max g``, ``τ = (t − t_on)/d ∈ [0, 1)``,
  with the double hump ``g(τ) = sin(πτ) + β·sin(3πτ)``. With ``s = sin²(πτ)``, ``g = √s·(1 + 3β − 4βs)``:
  both peaks are at ``s* = (1 + 3β)/(12β)`` (for β > 1/9) with ``max g = ⅔(1 + 3β)√s*``, and the mid-stance
  valley is ``g(½) = 1 − β``. β is chosen per side so that valley / peak equals the configured ratio.
  ``∫₀¹ g dτ = 2/π + 2β/(3π)``.
* Antalgic pattern on the affected side: stance shorter by ``affected_stance_reduction_pct`` and both peaks
  lower by ``affected_peak_reduction_pct``; the mean valley keeps its %BW value on both sides (a flatter
  double hump on the affected side, docs/methods.md §2.6).
* Step-to-step variability: each step's stance and peak are multiplied by ``1 + variability_pct/100 · z``,
  z standard normal clipped to ±4 (seeded); the valley scales with its step's peak.
* Sensor noise: white Gaussian, ``noise_n`` RMS, on both channels.

``truth(t_end)`` gives every step's side, onset, stance time, peak, valley, impulse and 20-80 % loading
rate computed from the model, so tests can compare an analysis with what really happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import optimize

from physical import STANDARD_GRAVITY_M_S2

__all__ = ["GAIT_MODES", "GaitSubject", "GaitTruth"]


GAIT_MODES: dict[str, dict[str, float]] = {
    # self-selected walking: stance ~0.65 s, F1/F2 ≈ 1.1 BW, valley ≈ 0.75 BW (GaitRec healthy controls,
    # docs/methods.md §2.4); momentum balance then gives ~115-120 steps/min
    "walking": {"stance_s": 0.65, "peak_pct_bw": 110.0, "valley_pct_bw": 75.0},
    # stepping in place: longer stance, a shallow double hump (~70 steps/min)
    "stepping": {"stance_s": 0.95, "peak_pct_bw": 102.0, "valley_pct_bw": 85.0},
}

_BLOCK_STEPS = 1024


@dataclass(frozen=True)
class GaitTruth:
    """What the simulated subject did, one entry per step (ordered by onset)."""

    side: np.ndarray  # "left" / "right"
    on_s: np.ndarray
    stance_s: np.ndarray
    peak_pct_bw: np.ndarray
    valley_pct_bw: np.ndarray
    impulse_pct_bw_s: np.ndarray
    loading_rate_pct_bw_s: np.ndarray


@dataclass(frozen=True)
class _Shape:
    beta: float
    g_max: float
    integral: float  # ∫₀¹ g dτ / max g
    tau20: float  # rising-edge τ where g/max g = 0.2
    tau80: float


def _shape_for(valley_ratio: float) -> _Shape:
    def ratio(beta: float) -> float:
        s = (1 + 3 * beta) / (12 * beta)
        return (1 - beta) / (2 / 3 * (1 + 3 * beta) * np.sqrt(s))

    lo, hi = 1 / 9 + 1e-9, 1 - 1e-9
    if not ratio(hi) < valley_ratio < ratio(lo):
        raise ValueError(
            f"valley/peak ratio {valley_ratio:.3f} outside what the double-hump model makes ({ratio(hi):.3f}-1)"
        )
    beta = float(optimize.brentq(lambda b: ratio(b) - valley_ratio, lo, hi, xtol=1e-14))
    s_star = (1 + 3 * beta) / (12 * beta)
    g_max = 2 / 3 * (1 + 3 * beta) * np.sqrt(s_star)
    tau_peak = np.arcsin(np.sqrt(s_star)) / np.pi

    def g(tau: float) -> float:
        return (np.sin(np.pi * tau) + beta * np.sin(3 * np.pi * tau)) / g_max

    tau20 = float(optimize.brentq(lambda x: g(x) - 0.2, 0.0, tau_peak, xtol=1e-14))
    tau80 = float(optimize.brentq(lambda x: g(x) - 0.8, 0.0, tau_peak, xtol=1e-14))
    return _Shape(beta, float(g_max), float((2 / np.pi + 2 * beta / (3 * np.pi)) / g_max), tau20, tau80)


class GaitSubject:
    """A person walking or stepping in place, loading the painful side less and for a shorter time.

    Parameters
    ----------
    mass_kg : float
        Body mass, kg.
    affected_side : {"left", "right"}
    mode : {"walking", "stepping"}
        Sets the defaults of the four gait parameters below (:data:`GAIT_MODES`).
    cadence_steps_min : float, optional
        Steps per minute; default: from vertical momentum balance (mean force over a stride = body weight).
    stance_s, peak_pct_bw, valley_pct_bw : float, optional
        Unaffected stance time (s), unaffected F1 = F2 (%BW), mean valley (%BW, both sides).
    affected_stance_reduction_pct, affected_peak_reduction_pct : float
        How much shorter the affected stance is and how much lower its peaks are, % of the unaffected value.
    variability_pct : float
        Step-to-step coefficient of variation of stance time and peak, %.
    noise_n : float
        RMS of the white sensor noise on each channel, N.
    first_contact_s : float
        Onset of the first left stance, s.
    seed : int
    """

    def __init__(
        self,
        mass_kg: float = 70.0,
        affected_side: Literal["left", "right"] = "left",
        mode: Literal["walking", "stepping"] = "walking",
        *,
        cadence_steps_min: float | None = None,
        stance_s: float | None = None,
        peak_pct_bw: float | None = None,
        valley_pct_bw: float | None = None,
        affected_stance_reduction_pct: float = 8.0,
        affected_peak_reduction_pct: float = 6.0,
        variability_pct: float = 2.0,
        noise_n: float = 2.0,
        first_contact_s: float = 0.3,
        seed: int = 0,
    ) -> None:
        if mode not in GAIT_MODES:
            raise ValueError(f"mode must be one of {sorted(GAIT_MODES)}, got {mode!r}")
        if affected_side not in ("left", "right"):
            raise ValueError(f"affected_side must be 'left' or 'right', got {affected_side!r}")
        if not mass_kg > 0:
            raise ValueError(f"mass_kg must be > 0, got {mass_kg}")
        preset = GAIT_MODES[mode]
        self.mass_kg = float(mass_kg)
        self.affected_side = affected_side
        self.mode = mode
        self.stance_s = float(stance_s or preset["stance_s"])
        self.peak_pct_bw = float(peak_pct_bw or preset["peak_pct_bw"])
        self.valley_pct_bw = float(valley_pct_bw or preset["valley_pct_bw"])
        self.affected_stance_reduction_pct = float(affected_stance_reduction_pct)
        self.affected_peak_reduction_pct = float(affected_peak_reduction_pct)
        self.variability_pct = float(variability_pct)
        self.noise_n = float(noise_n)
        self.first_contact_s = float(first_contact_s)
        self.seed = int(seed)
        if not 0 <= self.affected_stance_reduction_pct < 100 or not 0 <= self.affected_peak_reduction_pct < 100:
            raise ValueError("the affected-side reductions must be within [0, 100) %")
        if not 0 <= self.variability_pct <= 10:
            raise ValueError(f"variability_pct must be within 0-10 %, got {self.variability_pct}")
        if self.noise_n < 0 or self.first_contact_s < 0:
            raise ValueError("noise_n and first_contact_s must be >= 0")
        self._shapes = {side: _shape_for(self.valley_pct_bw / self._peak_mean(side)) for side in ("left", "right")}
        if cadence_steps_min is None:
            self.stride_s = sum(
                self._peak_mean(side) / 100 * self._stance_mean(side) * self._shapes[side].integral
                for side in ("left", "right")
            )
            self.cadence_steps_min = 2 * 60.0 / self.stride_s
        else:
            self.cadence_steps_min = float(cadence_steps_min)
            self.stride_s = 2 * 60.0 / self.cadence_steps_min
        longest = self.stance_s * (1 + 5 * self.variability_pct / 100)
        if longest > self.stride_s - 0.1:
            raise ValueError(
                f"a stance of up to {longest:.2f} s does not fit a {self.stride_s:.2f} s stride with 0.1 s of swing"
            )
        self._rng_steps = np.random.default_rng([self.seed, 1])
        self._rng_noise = np.random.default_rng([self.seed, 2])
        self._factors = np.empty((2, 2, 0))  # (foot left/right, stance/peak, step)

    @property
    def weight_n(self) -> float:
        """Body weight m·g, N."""
        return self.mass_kg * STANDARD_GRAVITY_M_S2

    def _is_affected(self, side: str) -> bool:
        return side == self.affected_side

    def _stance_mean(self, side: str) -> float:
        return self.stance_s * (1 - self.affected_stance_reduction_pct / 100 if self._is_affected(side) else 1.0)

    def _peak_mean(self, side: str) -> float:
        return self.peak_pct_bw * (1 - self.affected_peak_reduction_pct / 100 if self._is_affected(side) else 1.0)

    def _onset0(self, side: str) -> float:
        return self.first_contact_s + (0.0 if side == "left" else self.stride_s / 2)

    def _ensure_steps(self, n_steps: int) -> None:
        while self._factors.shape[2] < n_steps:
            z = self._rng_steps.standard_normal((2, 2, _BLOCK_STEPS))
            z = np.clip(z, -4.0, 4.0)  # keeps every stance inside its stride (checked in __init__ with 5σ)
            self._factors = np.concatenate([self._factors, 1 + self.variability_pct / 100 * z], axis=2)

    def _steps(self, side: str, n_steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Onset (s), stance (s) and peak (%BW) of the first ``n_steps`` steps of one foot."""
        self._ensure_steps(n_steps)
        foot = 0 if side == "left" else 1
        on = self._onset0(side) + self.stride_s * np.arange(n_steps)
        stance = self._stance_mean(side) * self._factors[foot, 0, :n_steps]
        peak = self._peak_mean(side) * self._factors[foot, 1, :n_steps]
        return on, stance, peak

    def _foot_force(self, side: str, t: np.ndarray) -> np.ndarray:
        k = np.floor((t - self._onset0(side)) / self.stride_s).astype(np.int64)
        n_steps = int(k.max()) + 1 if t.size else 0
        force = np.zeros_like(t)
        if n_steps <= 0:
            return force
        on, stance, peak = self._steps(side, n_steps)
        valid = k >= 0
        kv = k[valid]
        tau = (t[valid] - on[kv]) / stance[kv]
        shape = self._shapes[side]
        inside = (tau >= 0) & (tau < 1)
        g = (np.sin(np.pi * tau) + shape.beta * np.sin(3 * np.pi * tau)) / shape.g_max
        force[valid] = np.where(inside, peak[kv] / 100 * self.weight_n * g, 0.0)
        return force

    def sample(self, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vertical force under the left and the right foot at times ``t_s`` (s, >= 0), N, with sensor noise.

        The gait itself is a function of time (the same at any sampling); the noise is drawn per call.
        """
        t = np.asarray(t_s, dtype=np.float64)
        if t.ndim != 1:
            raise ValueError(f"t_s must be 1-dimensional, got shape {t.shape}")
        if t.size and t.min() < 0:
            raise ValueError("simulated time starts at 0 s")
        left, right = self._foot_force("left", t), self._foot_force("right", t)
        if self.noise_n > 0:
            left += self._rng_noise.normal(0.0, self.noise_n, t.size)
            right += self._rng_noise.normal(0.0, self.noise_n, t.size)
        return left, right

    def truth(self, t_end_s: float) -> GaitTruth:
        """Every step whose stance lies entirely within [0, t_end_s], ordered by onset."""
        parts = []
        for side in ("left", "right"):
            n = max(int(np.ceil((t_end_s - self._onset0(side)) / self.stride_s)) + 1, 0)
            on, stance, peak = self._steps(side, n)
            keep = on + stance <= t_end_s
            on, stance, peak = on[keep], stance[keep], peak[keep]
            shape = self._shapes[side]
            parts.append(
                (
                    np.full(on.size, side),
                    on,
                    stance,
                    peak,
                    peak * (1 - shape.beta) / shape.g_max,
                    peak * stance * shape.integral,
                    0.6 * peak / (stance * (shape.tau80 - shape.tau20)),
                )
            )
        columns = [np.concatenate(c) for c in zip(*parts, strict=True)]
        order = np.argsort(columns[1], kind="stable")
        return GaitTruth(*(c[order] for c in columns))
