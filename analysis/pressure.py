"""Pressure-mat frames: calibration, total force, COP and contact area.

A frame is a (rows, cols) image of cell values; a recording is a stack (n, rows, cols). Cell (r, c)
has its centre at ``x = (c − (cols−1)/2)·pitch``, ``y = ((rows−1)/2 − r)·pitch`` mm: the origin is the
centre of the sensing area, x to the subject's right, y forward, for a subject who faces the mat's
top edge (row 0) — DESIGN.md §2 axes. A subject standing the other way round must be turned into
these axes before analysis (docs/pressure-mat.md "Analysis": never guess body axes from rows and columns).

Definitions (docs/pressure-mat.md "Analysis"):

* per-cell force ``f = calibrate(value)`` in N (a per-mat linear factor or a lookup table, with a zero
  offset); a mat measures the normal component only;
* total force ``F = Σ f``; COP ``x = Σ f·x / F``, ``y = Σ f·y / F``, undefined below a minimum load;
* contact area = number of cells at or above a contact threshold × cell area, mm².

Feet on a standing mat are in :mod:`analysis.pressure_feet`; footfalls on a walkway in
:mod:`analysis.pressure_walkway`. Everything is vectorised over frames.
"""

from __future__ import annotations

import numpy as np

from analysis._checks import as_float_array, check_positive

__all__ = [
    "calibrate_linear",
    "calibrate_table",
    "cell_centres_mm",
    "centre_of_pressure",
    "contact_area_mm2",
    "frames_array",
    "total_force",
]

def cell_centres_mm(rows: int, cols: int, pitch_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """Cell-centre coordinates in mm: x of each column (cols,) and y of each row (rows,)."""
    if rows < 1 or cols < 1:
        raise ValueError(f"a mat has at least one row and column, got {rows} x {cols}")
    pitch = check_positive("pitch_mm", pitch_mm)
    x = (np.arange(cols) - (cols - 1) / 2.0) * pitch
    y = ((rows - 1) / 2.0 - np.arange(rows)) * pitch
    return x, y


def frames_array(name: str, frames: object) -> np.ndarray:
    """``frames`` as a finite (n, rows, cols) stack (a single frame becomes n = 1); ValueError otherwise."""
    array = np.asarray(frames)
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3 or array.shape[0] == 0:
        raise ValueError(f"{name} must be a frame (rows, cols) or a stack (n, rows, cols), got shape {array.shape}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"{name} has NaN or infinite values")
    return array


def calibrate_linear(values: object, newton_per_count: float | np.ndarray, zero_counts: float | np.ndarray = 0.0
                     ) -> np.ndarray:
    """Cell forces in N from raw values by a linear law ``f = max(value − zero, 0) · k``.

    Parameters
    ----------
    values : array_like, (n, rows, cols) or (rows, cols)
        Raw cell values, counts.
    newton_per_count : float or array broadcastable to (rows, cols)
        Per-mat (or per-cell) factor, N per count, > 0.
    zero_counts : float or array broadcastable to (rows, cols)
        Unloaded reading (zero offset), counts. Readings below it give 0 N.
    """
    raw = frames_array("values", values).astype(np.float64)
    k = np.asarray(newton_per_count, dtype=np.float64)
    if not (np.isfinite(k).all() and (k > 0).all()):
        raise ValueError("newton_per_count must be finite and > 0 for every cell")
    zero = np.asarray(zero_counts, dtype=np.float64)
    if not np.isfinite(zero).all():
        raise ValueError("zero_counts must be finite")
    return np.maximum(raw - zero, 0.0) * k


def calibrate_table(values: object, table_n: object) -> np.ndarray:
    """Cell forces in N from integer raw values through a per-mat lookup table (``table_n[value]``).

    ``table_n`` holds the force in N for every possible raw value (e.g. 256 entries for uint8 cells),
    non-decreasing and >= 0, as fitted to known loads (cf. the DO-P4864 per-point load model).
    """
    raw = frames_array("values", values)
    if raw.dtype.kind not in "ui":
        raise ValueError(f"a lookup table needs integer raw values, got dtype {raw.dtype}")
    table = as_float_array("table_n", table_n, 1)
    if np.any(table < 0) or np.any(np.diff(table) < 0):
        raise ValueError("table_n must be >= 0 and non-decreasing")
    if raw.min() < 0 or raw.max() >= table.size:
        raise ValueError(f"raw values span {raw.min()}-{raw.max()} but the table has {table.size} entries")
    return table[raw]


def total_force(cell_forces_n: object) -> np.ndarray:
    """Total normal force per frame, N: shape (n,)."""
    return frames_array("cell_forces_n", cell_forces_n).sum(axis=(1, 2), dtype=np.float64)


def centre_of_pressure(cell_forces_n: object, pitch_mm: float, min_force_n: float = 10.0) -> np.ndarray:
    """Pressure-weighted centroid per frame, mm: shape (n, 2) with columns x, y.

    Raises
    ------
    ValueError
        A frame carries less than ``min_force_n`` (the COP is undefined; say which frames).
    """
    f = frames_array("cell_forces_n", cell_forces_n).astype(np.float64, copy=False)
    x, y = cell_centres_mm(f.shape[1], f.shape[2], pitch_mm)
    total = f.sum(axis=(1, 2))
    low = np.flatnonzero(total < min_force_n)
    if low.size:
        raise ValueError(
            f"{low.size} of {total.size} frames carry less than {min_force_n:g} N (first: frame {low[0]}, "
            f"{total[low[0]]:.2f} N): the centre of pressure is undefined there"
        )
    cx = np.einsum("nrc,c->n", f, x) / total
    cy = np.einsum("nrc,r->n", f, y) / total
    return np.column_stack([cx, cy])


def contact_area_mm2(cell_forces_n: object, pitch_mm: float, threshold_n: float) -> np.ndarray:
    """Contact area per frame, mm²: cells with force >= ``threshold_n`` (> 0) times the cell area."""
    f = frames_array("cell_forces_n", cell_forces_n)
    check_positive("threshold_n", threshold_n)
    pitch = check_positive("pitch_mm", pitch_mm)
    return np.count_nonzero(f >= threshold_n, axis=(1, 2)) * pitch * pitch
