"""Synthetic plantar pressure: two feet on a mat, standing (with sway) or walking, with known truth.

A foot is a sum of anatomical pressure regions in foot coordinates (u from the heel toward the toes,
v toward the foot's lateral side; foot length L, width W): heel (u = 0.13 L), lateral midfoot band,
metatarsal heads (0.72 L), hallux (medial, 0.92 L) and lesser toes, cut at 8 % of the peak so the
footprint has a sharp outline and a medial arch gap, as real footprints do. Each foot is placed on the
mat by its heel point, heading and side (the lateral direction is the heading turned clockwise for a
right foot and anticlockwise for a left foot).

Standing: each foot's pressure is tilted linearly, ``T·(1 + a·(x − x̄) + b·(y − ȳ))``, with (a, b)
solved so that the foot's centre of pressure sits exactly at its target, then scaled to the foot's
load. The truth (force and COP per foot) is therefore exact before the 8-bit quantisation of the mat.

Walking: footfalls alternate left/right along +x; during stance (phase φ 0→1) the contact rolls from
heel to toe and the vertical force follows a double hump.

Cell forces become raw counts through the simulated mat's linear calibration (``newton_per_count``),
rounded and clipped to 0-255 like an 8-bit ADC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "FOOT_LENGTH_MM",
    "FOOT_WIDTH_MM",
    "SIM_NEWTON_PER_COUNT",
    "FootTruth",
    "WalkTruth",
    "foot_template",
    "forces_to_counts",
    "standing_forces",
    "walking_forces",
]

FOOT_LENGTH_MM = 250.0
FOOT_WIDTH_MM = 95.0
#: Linear calibration of the simulated mat, N per count (a 70 kg subject standing on both feet peaks near 180 counts).
SIM_NEWTON_PER_COUNT = 0.04
_CUTOFF = 0.08

# (u/L, v/W, sigma_u/L, sigma_v/W, amplitude); v > 0 is lateral.
_REGIONS = np.array(
    [
        (0.13, 0.00, 0.075, 0.16, 1.00),  # heel
        (0.45, 0.22, 0.130, 0.14, 0.38),  # lateral midfoot band
        (0.72, 0.00, 0.065, 0.22, 0.85),  # metatarsal heads
        (0.92, -0.24, 0.040, 0.12, 0.60),  # hallux
        (0.89, 0.17, 0.035, 0.20, 0.25),  # lesser toes
    ]
)


def _centres(rows: int, cols: int, pitch_mm: float) -> tuple[np.ndarray, np.ndarray]:
    x = (np.arange(cols) - (cols - 1) / 2.0) * pitch_mm
    y = ((rows - 1) / 2.0 - np.arange(rows)) * pitch_mm
    return np.broadcast_to(x, (rows, cols)), np.broadcast_to(y[:, None], (rows, cols))


def foot_template(
    rows: int,
    cols: int,
    pitch_mm: float,
    heel_xy_mm: tuple[float, float],
    heading_rad: float,
    side: Literal["left", "right"],
    length_mm: float = FOOT_LENGTH_MM,
    width_mm: float = FOOT_WIDTH_MM,
    u_range: tuple[float, float] = (-0.2, 1.2),
) -> np.ndarray:
    """Relative plantar pressure of one foot sampled at the cell centres, (rows, cols), peak 1 on the foot.

    ``u_range`` keeps only the part of the foot between those fractions of its length (heel-to-toe roll).
    """
    x, y = _centres(rows, cols, pitch_mm)
    h = np.array([np.cos(heading_rad), np.sin(heading_rad)])
    lateral = np.array([h[1], -h[0]]) if side == "right" else np.array([-h[1], h[0]])
    dx, dy = x - heel_xy_mm[0], y - heel_xy_mm[1]
    u = (dx * h[0] + dy * h[1]) / length_mm
    v = (dx * lateral[0] + dy * lateral[1]) / width_mm
    p = np.zeros((rows, cols))
    for u0, v0, su, sv, amp in _REGIONS:
        p += amp * np.exp(-0.5 * (((u - u0) / su) ** 2 + ((v - v0) / sv) ** 2))
    p = np.where((p >= _CUTOFF) & (u >= u_range[0]) & (u <= u_range[1]), p, 0.0)
    return p


@dataclass(frozen=True)
class FootTruth:
    """What each foot really carried per frame: force (N) and COP (x, y) in mm."""

    left_n: np.ndarray
    right_n: np.ndarray
    left_cop_mm: np.ndarray
    right_cop_mm: np.ndarray


def _tilt_to_cop(template: np.ndarray, x: np.ndarray, y: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Weights ``T·(1 + a(x − x̄) + b(y − ȳ))`` with their centroid exactly at ``target`` (x, y)."""
    total = template.sum()
    cx, cy = (template * x).sum() / total, (template * y).sum() / total
    dx, dy = x - cx, y - cy
    m = np.array([[(template * dx * dx).sum(), (template * dx * dy).sum()],
                  [(template * dx * dy).sum(), (template * dy * dy).sum()]])
    a, b = total * np.linalg.solve(m, np.asarray(target, float) - (cx, cy))
    w = template * (1.0 + a * dx + b * dy)
    if np.any(w < 0):
        raise ValueError(f"a centre of pressure at {tuple(np.round(target, 1))} mm is out of reach of this foot")
    return w


def standing_forces(
    rows: int,
    cols: int,
    pitch_mm: float,
    left_n: np.ndarray,
    right_n: np.ndarray,
    cop_y_mm: np.ndarray,
    stance_width_mm: float,
    cop_x_offsets_mm: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, FootTruth]:
    """Cell forces (n, rows, cols) in N of two feet standing side by side, facing +y, and the truth.

    The feet's pressure centres sit at x = ∓stance_width/2 (+ optional per-frame offsets) and at the
    common antero-posterior position ``cop_y_mm`` (the sway), carrying ``left_n`` and ``right_n``.
    """
    left = np.asarray(left_n, float)
    right = np.asarray(right_n, float)
    cy = np.asarray(cop_y_mm, float)
    n = left.size
    if right.shape != (n,) or cy.shape != (n,):
        raise ValueError("left_n, right_n and cop_y_mm need one value per frame")
    if np.any(left < 0) or np.any(right < 0):
        raise ValueError("foot loads must be >= 0 N")
    x, y = _centres(rows, cols, pitch_mm)
    half = 0.5 * stance_width_mm
    feet = {}
    for side, sign in (("left", -1.0), ("right", 1.0)):
        # Place the heel so that the unloaded template's centroid sits at (sign·half, 0).
        probe = foot_template(rows, cols, pitch_mm, (0.0, 0.0), np.pi / 2, side)  # type: ignore[arg-type]
        pcx, pcy = (probe * x).sum() / probe.sum(), (probe * y).sum() / probe.sum()
        feet[side] = foot_template(rows, cols, pitch_mm, (sign * half - pcx, -pcy), np.pi / 2, side)  # type: ignore[arg-type]
    off_l, off_r = cop_x_offsets_mm if cop_x_offsets_mm is not None else (np.zeros(n), np.zeros(n))
    out = np.zeros((n, rows, cols))
    cops = {"left": np.empty((n, 2)), "right": np.empty((n, 2))}
    for side, sign, loads, off in (("left", -1.0, left, off_l), ("right", 1.0, right, off_r)):
        for i in range(n):  # one small solve per frame and foot (simulation only, not a hot path)
            target = np.array([sign * half + off[i], cy[i]])
            w = _tilt_to_cop(feet[side], x, y, target)
            out[i] += w * (loads[i] / w.sum())
            cops[side][i] = target
    return out, FootTruth(left, right, cops["left"], cops["right"])


def forces_to_counts(cell_forces_n: np.ndarray, newton_per_count: float = SIM_NEWTON_PER_COUNT,
                     noise_counts: float = 0.0, rng: np.random.Generator | None = None) -> np.ndarray:
    """Raw 8-bit counts of the simulated mat: ``round(f / k + noise)`` clipped to 0-255 (saturation)."""
    counts = np.asarray(cell_forces_n, float) / newton_per_count
    if noise_counts > 0:
        rng = rng or np.random.default_rng(0)
        counts = counts + np.where(counts > 0, rng.normal(0.0, noise_counts, counts.shape), 0.0)
    return np.clip(np.rint(counts), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class WalkTruth:
    """The footfalls of a simulated walking pass, in order."""

    side: tuple[str, ...]
    contact_start_s: np.ndarray
    heel_x_mm: np.ndarray
    stance_s: float


def walking_forces(
    rows: int,
    cols: int,
    pitch_mm: float,
    t_s: np.ndarray,
    weight_n: float = 686.0,
    step_length_mm: float = 600.0,
    step_time_s: float = 0.55,
    stance_s: float = 0.65,
    base_width_mm: float = 120.0,
    first_heel_x_mm: float | None = None,
    first_side: Literal["left", "right"] = "right",
    start_s: float = 0.2,
) -> tuple[np.ndarray, WalkTruth]:
    """Cell forces (n, rows, cols) of a person walking along +x over the mat, and the footfalls.

    Only footfalls whose whole foot lies on the mat are made. The left foot walks at
    y = +base_width/2 (the walker's left when facing +x), the right foot at −base_width/2.
    """
    t = np.asarray(t_s, float)
    x, _ = _centres(rows, cols, pitch_mm)
    x_min, x_max = float(x.min()), float(x.max())
    heel0 = x_min + 20.0 if first_heel_x_mm is None else first_heel_x_mm
    out = np.zeros((t.size, rows, cols))
    sides, starts, heels = [], [], []
    i = 0
    while True:
        heel_x = heel0 + i * step_length_mm
        if heel_x + FOOT_LENGTH_MM > x_max:
            break
        side = first_side if i % 2 == 0 else ("left" if first_side == "right" else "right")
        lateral_y = 0.5 * base_width_mm * (1 if side == "left" else -1)
        t0 = start_s + i * step_time_s
        sides.append(side)
        starts.append(t0)
        heels.append(heel_x)
        phase = (t - t0) / stance_s
        for k in np.flatnonzero((phase >= 0) & (phase <= 1)):
            ph = phase[k]
            u_front = min(1.2, 0.35 + ph / 0.25 * 0.85)
            u_back = max(-0.2, -0.2 + (ph - 0.55) / 0.45 * 0.9)
            # Heel point: the foot's axis sits on its walking line.
            p = foot_template(rows, cols, pitch_mm, (heel_x, lateral_y), 0.0, side,  # type: ignore[arg-type]
                              u_range=(u_back, u_front))
            if p.sum() == 0:
                continue
            force = weight_n * (0.75 * np.sin(np.pi * ph) + 0.35 * np.sin(3 * np.pi * ph))
            out[k] += p * (max(force, 0.0) / p.sum())
        i += 1
    return out, WalkTruth(tuple(sides), np.array(starts), np.array(heels), stance_s)
