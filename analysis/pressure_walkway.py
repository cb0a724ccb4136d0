"""Footfalls on a pressure walkway: connected components of contact in space and time.

Definition (docs/pressure-mat.md "Analysis"): a step lasts from its first to its last frame in contact
(zebris: heel strike = first frame above threshold); its side is the side of the walking line it lies
on. Frames and axes as in :mod:`analysis.pressure`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from analysis._checks import as_float_array, check_positive
from analysis.pressure import cell_centres_mm, frames_array

__all__ = ["Steps", "detect_steps"]

@dataclass(frozen=True)
class Steps:
    """Footfalls on a walkway, in order of initial contact (all arrays have one entry per step).

    Attributes
    ----------
    side : ndarray of str
        ``"left"`` or ``"right"``: the side of the walking line the footprint lies on.
    first_frame, last_frame : ndarray of int
        Frames of initial contact and of the last contact.
    contact_start_s, contact_end_s, contact_time_s : ndarray
        Times of first and last frame in contact, and their difference, s.
    centre_mm : ndarray (m, 2)
        Force-time weighted footprint centre (x, y), mm.
    peak_force_n : ndarray
        Highest force of the footprint in any one frame, N.
    progression : ndarray (2,)
        Unit vector of the walking direction (first to last footprint).
    """

    side: np.ndarray
    first_frame: np.ndarray
    last_frame: np.ndarray
    contact_start_s: np.ndarray
    contact_end_s: np.ndarray
    contact_time_s: np.ndarray
    centre_mm: np.ndarray
    peak_force_n: np.ndarray
    progression: np.ndarray

    @property
    def n_steps(self) -> int:
        return int(self.side.size)


def detect_steps(
    cell_forces_n: object,
    t_s: object,
    pitch_mm: float,
    threshold_n: float,
    min_frames: int = 2,
    min_peak_force_n: float = 20.0,
) -> Steps:
    """Footfalls on a walkway as connected components of contact in space and time.

    Cells in contact are connected to their 8 neighbours in the same frame and to the same and
    neighbouring cells in the previous and next frames (26-connectivity in (t, row, col)), so one
    footfall is one component from initial contact to toe-off. Components shorter than ``min_frames``
    or never carrying ``min_peak_force_n`` are noise. The walking direction is the vector from the
    first to the last footprint centre; a footprint left of the line through the mean centre along
    that direction is a left step.

    Raises
    ------
    ValueError
        Fewer than two footprints (no walking direction), a footprint that does not land ahead of the
        previous one along the walking direction, or times that do not match the frames.
    """
    f = frames_array("cell_forces_n", cell_forces_n).astype(np.float64, copy=False)
    t = as_float_array("t_s", t_s, 1)
    if t.size != f.shape[0]:
        raise ValueError(f"t_s has {t.size} times for {f.shape[0]} frames")
    if np.any(np.diff(t) < 0):
        raise ValueError("t_s must be non-decreasing")
    check_positive("threshold_n", threshold_n)
    n, rows, cols = f.shape
    x, y = cell_centres_mm(rows, cols, pitch_mm)
    comp, n_comp = ndimage.label(f >= threshold_n, structure=np.ones((3, 3, 3), dtype=bool))
    flat = comp.ravel()
    ids = np.arange(1, n_comp + 1)
    weight = np.bincount(flat, weights=f.ravel(), minlength=n_comp + 1)
    xs = np.bincount(flat, weights=(f * x).ravel(), minlength=n_comp + 1)
    ys = np.bincount(flat, weights=(f * y[:, None]).ravel(), minlength=n_comp + 1)
    frame_index = np.repeat(np.arange(n), rows * cols)
    first = np.full(n_comp + 1, n, dtype=np.int64)
    np.minimum.at(first, flat, frame_index)
    last = np.full(n_comp + 1, -1, dtype=np.int64)
    np.maximum.at(last, flat, frame_index)
    first, last = first[1:], last[1:]
    # Peak per-frame force of each component: sum over (component, frame) pairs, then max per component.
    pair = flat.astype(np.int64) * n + frame_index
    per_frame = np.bincount(pair, weights=f.ravel(), minlength=(n_comp + 1) * n).reshape(n_comp + 1, n)
    peak = per_frame[1:].max(axis=1)
    keep = ((last - first + 1) >= min_frames) & (peak >= min_peak_force_n)
    ids, first, last, peak = ids[keep], first[keep], last[keep], peak[keep]
    if ids.size < 2:
        raise ValueError(f"found {ids.size} footprints: a walking pass needs at least two to have a direction")
    order = np.argsort(first, kind="stable")
    ids, first, last, peak = ids[order], first[order], last[order], peak[order]
    centre = np.column_stack([xs[ids] / weight[ids], ys[ids] / weight[ids]])
    direction = centre[-1] - centre[0]
    norm = float(np.hypot(*direction))
    if norm == 0:
        raise ValueError("the first and last footprints are at the same place: no walking direction")
    d = direction / norm
    rel = centre - centre.mean(axis=0)
    lateral = d[0] * rel[:, 1] - d[1] * rel[:, 0]  # z of d × rel: > 0 means left of the direction
    advance = np.diff(rel @ d)
    if np.any(advance <= 0):
        back = int(np.argmin(advance))
        raise ValueError(
            f"the footprints do not progress: footprint {back + 1} lands {-advance[back]:.0f} mm behind footprint "
            f"{back} along the walking direction (stepping in place or turning is not a walking pass)"
        )
    side = np.where(lateral > 0, "left", "right")
    return Steps(
        side=side,
        first_frame=first,
        last_frame=last,
        contact_start_s=t[first],
        contact_end_s=t[last],
        contact_time_s=t[last] - t[first],
        centre_mm=centre,
        peak_force_n=peak,
        progression=d,
    )
