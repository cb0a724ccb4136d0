"""Resultant range of a COP trajectory: the largest distance between any two points (the diameter of the
convex hull), mm, in O(N log N) instead of the O(N²) pairwise loop of Quijoux et al.'s code."""

from __future__ import annotations

import numpy as np
from scipy import spatial

from analysis._checks import as_float_array, check_same_length

__all__ = ["point_set_diameter", "resultant_range"]


def _octagon_filter(ml: np.ndarray, ap: np.ndarray) -> np.ndarray:
    """Points that may be convex-hull vertices (Akl–Toussaint heuristic), shape (m, 2).

    Drops the points strictly inside the polygon spanned by the extreme points in 8 directions.
    Exact: a hull vertex is never strictly inside a polygon of other points of the set.
    """
    total, difference = ml + ap, ml - ap
    extremes = np.unique(
        [
            np.argmax(ml),
            np.argmin(ml),
            np.argmax(ap),
            np.argmin(ap),
            np.argmax(total),
            np.argmin(total),
            np.argmax(difference),
            np.argmin(difference),
        ]
    )
    poly = np.column_stack([ml[extremes], ap[extremes]])
    if poly.shape[0] < 3:
        return np.column_stack([ml, ap])
    centre = poly.mean(axis=0)
    poly = poly[np.argsort(np.arctan2(poly[:, 1] - centre[1], poly[:, 0] - centre[0]))]  # counter-clockwise
    edge = np.roll(poly, -1, axis=0) - poly
    # left of edge i: edge_x·(y − y0) − edge_y·(x − x0) > 0, as one (edges × 3) @ (3 × n) product
    rows = np.column_stack([-edge[:, 1], edge[:, 0], edge[:, 1] * poly[:, 0] - edge[:, 0] * poly[:, 1]])
    inside = (rows[:, :2] @ np.vstack([ml, ap]) > -rows[:, 2:]).all(axis=0)
    return np.column_stack([ml[~inside], ap[~inside]])


def resultant_range(ml_mm: np.ndarray, ap_mm: np.ndarray) -> float:
    """Resultant range: the largest distance between any two COP points, mm.

    Computed on the convex-hull vertices only (the diameter of a point set is attained at hull
    vertices), so it is O(N log N) instead of the O(N²) loop of Quijoux et al.'s code.
    """
    ml = as_float_array("ml_mm", ml_mm, 1)
    ap = as_float_array("ap_mm", ap_mm, 1)
    check_same_length(ml_mm=ml, ap_mm=ap)
    if ml.size == 0:
        raise ValueError("no COP samples: the range is undefined")
    return point_set_diameter(ml, ap)


def point_set_diameter(ml: np.ndarray, ap: np.ndarray) -> float:
    """Largest distance between two of the points (ml[i], ap[i]), mm: octagon filter, hull, then blocks."""
    candidates = _octagon_filter(ml, ap)
    if candidates.shape[0] >= 3:
        try:
            candidates = candidates[spatial.ConvexHull(candidates).vertices]
        except spatial.QhullError:  # all candidates on one line: its two lexicographic extremes
            order = np.lexsort((candidates[:, 1], candidates[:, 0]))
            candidates = candidates[[order[0], order[-1]]]
    best = 0.0
    xs, ys = candidates[:, 0], candidates[:, 1]
    for start in range(0, candidates.shape[0], 1024):  # blocks keep memory at 1024 × m distances
        dx = xs[start : start + 1024, None] - xs[None, :]
        dy = ys[start : start + 1024, None] - ys[None, :]
        np.multiply(dx, dx, out=dx)
        dx += np.multiply(dy, dy, out=dy)  # ΔML² + ΔAP², summed in that order as before
        best = max(best, float(dx.max()))
    return float(np.sqrt(best))
