"""Pressure-mat frames: calibration, total force, COP, contact area and per-foot loading.

A frame is a (rows, cols) image of cell values; a recording is a stack (n, rows, cols). Cell (r, c)
has its centre at ``x = (c − (cols−1)/2)·pitch``, ``y = ((rows−1)/2 − r)·pitch`` mm: the origin is the
centre of the sensing area, x to the subject's right, y forward, for a subject who faces the mat's
top edge (row 0) — DESIGN.md §2 axes. A subject standing the other way round must be turned into
these axes before analysis (force-plates-and-mats.md §2.3: never guess body axes from rows and columns).

Definitions (force-plates-and-mats.md §2.3):

* per-cell force ``f = calibrate(value)`` in N (a per-mat linear factor or a lookup table, with a zero
  offset); a mat measures the normal component only;
* total force ``F = Σ f``; COP ``x = Σ f·x / F``, ``y = Σ f·y / F``, undefined below a minimum load;
* contact area = number of cells at or above a contact threshold × cell area, mm²;
* feet: connected components of the contact mask with 8-connectivity, specks below a share of the
  frame's load dropped, the two heaviest kept and named left/right by their COP x. When the feet touch
  (one component), the component is split at the *valley of its medio-lateral contact-width profile*
  (the column with the fewest contact cells between the two widest column lobes), not at the COP line,
  which biases the split toward 50/50;
* steps on a walkway: connected components of the contact mask in space and time (x, y, t); a step
  lasts from its first to its last frame in contact (zebris: heel strike = first frame above threshold);
  its side is the side of the walking line it lies on.

Everything is vectorised over frames: ``scipy.ndimage.label`` labels a whole stack at once with a
structure that connects cells within a frame only (standing) or also across frames (walking).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from analysis._checks import as_float_array, check_positive

__all__ = [
    "FootLoading",
    "Steps",
    "calibrate_linear",
    "calibrate_table",
    "cell_centres_mm",
    "centre_of_pressure",
    "contact_area_mm2",
    "detect_steps",
    "foot_loading",
    "segment_feet",
    "total_force",
]

LEFT, RIGHT = 1, 2
_STRUCTURE_2D = np.zeros((3, 3, 3), dtype=bool)
_STRUCTURE_2D[1] = True  # 8-connectivity inside a frame, nothing across frames


def cell_centres_mm(rows: int, cols: int, pitch_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """Cell-centre coordinates in mm: x of each column (cols,) and y of each row (rows,)."""
    if rows < 1 or cols < 1:
        raise ValueError(f"a mat has at least one row and column, got {rows} x {cols}")
    pitch = check_positive("pitch_mm", pitch_mm)
    x = (np.arange(cols) - (cols - 1) / 2.0) * pitch
    y = ((rows - 1) / 2.0 - np.arange(rows)) * pitch
    return x, y


def _frames(name: str, frames: object) -> np.ndarray:
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
    raw = _frames("values", values).astype(np.float64)
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
    raw = _frames("values", values)
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
    return _frames("cell_forces_n", cell_forces_n).sum(axis=(1, 2), dtype=np.float64)


def centre_of_pressure(cell_forces_n: object, pitch_mm: float, min_force_n: float = 10.0) -> np.ndarray:
    """Pressure-weighted centroid per frame, mm: shape (n, 2) with columns x, y.

    Raises
    ------
    ValueError
        A frame carries less than ``min_force_n`` (the COP is undefined; say which frames).
    """
    f = _frames("cell_forces_n", cell_forces_n).astype(np.float64, copy=False)
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
    f = _frames("cell_forces_n", cell_forces_n)
    check_positive("threshold_n", threshold_n)
    pitch = check_positive("pitch_mm", pitch_mm)
    return np.count_nonzero(f >= threshold_n, axis=(1, 2)) * pitch * pitch


# -- feet ------------------------------------------------------------------------------------------


def _valley_split(width: np.ndarray, valley_ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """Per profile (m, cols): the valley column between the two widest lobes, and whether it is deep.

    For every column s the score is ``min(max(width[:s]), max(width[s+1:])) − width[s]``; the valley is
    the column of highest score, and it separates two feet when ``width[s] <= valley_ratio ×
    min(left peak, right peak)``.
    """
    m = width.shape[0]
    left_peak = np.maximum.accumulate(width, axis=1)
    right_peak = np.maximum.accumulate(width[:, ::-1], axis=1)[:, ::-1]
    lp = np.full_like(width, -1)
    rp = np.full_like(width, -1)
    lp[:, 1:] = left_peak[:, :-1]
    rp[:, :-1] = right_peak[:, 1:]
    lower = np.minimum(lp, rp)
    score = np.where(lower > 0, lower - width, -1)
    s = np.argmax(score, axis=1)
    rows = np.arange(m)
    deep = (score[rows, s] > 0) & (width[rows, s] <= valley_ratio * lower[rows, s])
    return s, deep


def segment_feet(
    cell_forces_n: object,
    pitch_mm: float,
    threshold_n: float,
    speck_fraction: float = 0.05,
    valley_ratio: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """Label each cell of each frame as no foot (0), left foot (1) or right foot (2).

    Parameters
    ----------
    cell_forces_n : array_like, (n, rows, cols)
        Calibrated cell forces, N.
    pitch_mm : float
        Cell pitch, mm.
    threshold_n : float
        Contact threshold per cell, N (> 0).
    speck_fraction : float
        Components carrying less than this share of the frame's load are not feet (dropped).
    valley_ratio : float
        A single component is two touching feet when its contact-width profile has a valley no wider
        than ``valley_ratio`` × the narrower of the two lobes around it.

    Returns
    -------
    labels : ndarray, int8, (n, rows, cols)
        0 none, 1 left, 2 right.
    merged : ndarray, bool, (n,)
        Frames where the feet touched and were split at the valley.
    """
    f = _frames("cell_forces_n", cell_forces_n).astype(np.float64, copy=False)
    check_positive("threshold_n", threshold_n)
    if not 0 <= speck_fraction < 0.5:
        raise ValueError(f"speck_fraction must be within [0, 0.5), got {speck_fraction}")
    n, rows, cols = f.shape
    x, _ = cell_centres_mm(rows, cols, pitch_mm)
    mask = f >= threshold_n
    comp, n_comp = ndimage.label(mask, structure=_STRUCTURE_2D)
    labels = np.zeros(f.shape, dtype=np.int8)
    merged = np.zeros(n, dtype=bool)
    if n_comp == 0:
        return labels, merged
    flat = comp.ravel()
    force = np.bincount(flat, weights=f.ravel(), minlength=n_comp + 1)
    xsum = np.bincount(flat, weights=(f * x).ravel(), minlength=n_comp + 1)
    frame_of = np.zeros(n_comp + 1, dtype=np.int64)
    frame_of[flat] = np.repeat(np.arange(n), rows * cols)
    frame_total = f.sum(axis=(1, 2))
    ids = np.arange(1, n_comp + 1)
    keep = force[ids] >= speck_fraction * frame_total[frame_of[ids]]
    ids = ids[keep]
    # Two heaviest per frame: sort by frame, then by force descending; rank within frame.
    order = np.lexsort((-force[ids], frame_of[ids]))
    ids = ids[order]
    fr = frame_of[ids]
    first = np.searchsorted(fr, fr, side="left")
    rank = np.arange(ids.size) - first
    ids, fr, rank = ids[rank < 2], fr[rank < 2], rank[rank < 2]
    count = np.bincount(fr, minlength=n)
    cop_x = xsum[ids] / force[ids]
    lut = np.zeros(n_comp + 1, dtype=np.int8)
    # Two feet apart: left = smaller COP x.
    two = count[fr] == 2
    partner_x = np.empty_like(cop_x)
    pair_first = np.flatnonzero(two & (rank == 0))
    partner_x[pair_first] = cop_x[pair_first + 1]
    partner_x[pair_first + 1] = cop_x[pair_first]
    lut[ids[two]] = np.where(cop_x[two] < partner_x[two], LEFT, RIGHT)
    # One component: touching feet (split at the valley) or a single foot (side of the mat's midline).
    single_ids = ids[count[fr] == 1]
    if single_ids.size:
        single_frames = frame_of[single_ids]
        single_mask = np.zeros(n_comp + 1, dtype=bool)
        single_mask[single_ids] = True
        cells = single_mask[comp[single_frames]]  # (m, rows, cols)
        width = cells.sum(axis=1)
        s, deep = _valley_split(width, valley_ratio)
        col = np.arange(cols)
        side = np.where(col[None, :] < s[:, None], LEFT, RIGHT).astype(np.int8)  # (m, cols)
        # The valley column itself: each cell goes to the side of its heavier row neighbour.
        fm = f[single_frames]
        m_idx = np.arange(single_frames.size)
        left_nb = fm[m_idx, :, np.maximum(s - 1, 0)]
        right_nb = fm[m_idx, :, np.minimum(s + 1, cols - 1)]
        valley_side = np.where(left_nb >= right_nb, LEFT, RIGHT).astype(np.int8)  # (m, rows)
        split = np.broadcast_to(side[:, None, :], cells.shape).copy()
        split[m_idx[:, None], np.arange(rows)[None, :], s[:, None]] = valley_side
        one_side = np.where(cop_x[count[fr] == 1] < 0, LEFT, RIGHT).astype(np.int8)
        whole = np.broadcast_to(one_side[:, None, None], cells.shape)
        chosen = np.where(deep[:, None, None], split, whole)
        labels[single_frames] = np.where(cells, chosen, 0)
        merged[single_frames[deep]] = True
    pair_frames = np.unique(fr[two])
    if pair_frames.size:
        labels[pair_frames] = lut[comp[pair_frames]]
    return labels, merged


@dataclass(frozen=True)
class FootLoading:
    """Per-foot measures per frame (feet from :func:`segment_feet`).

    Attributes
    ----------
    total_force_n : ndarray (n,)
        Total force on the mat, N (specks included).
    left_force_n, right_force_n : ndarray (n,)
        Force under each foot, N (0 where the foot is off the mat).
    left_cop_mm, right_cop_mm : ndarray (n, 2)
        Each foot's COP (x, y), mm; NaN where that foot is absent (see ``left_present``).
    left_area_mm2, right_area_mm2 : ndarray (n,)
        Contact area of each foot, mm².
    left_present, right_present : ndarray of bool (n,)
        Whether the foot was found in the frame.
    merged : ndarray of bool (n,)
        Frames where the feet touched and were split at the contact-profile valley.
    """

    total_force_n: np.ndarray
    left_force_n: np.ndarray
    right_force_n: np.ndarray
    left_cop_mm: np.ndarray
    right_cop_mm: np.ndarray
    left_area_mm2: np.ndarray
    right_area_mm2: np.ndarray
    left_present: np.ndarray
    right_present: np.ndarray
    merged: np.ndarray

    def left_share_pct(self) -> np.ndarray:
        """Left-foot force as % of the two feet's force, per frame (frames with both feet)."""
        both = self.left_present & self.right_present
        if not both.any():
            raise ValueError("no frame shows both feet: the left/right share is undefined")
        pair = self.left_force_n[both] + self.right_force_n[both]
        return 100.0 * self.left_force_n[both] / pair


_CHUNK_FRAMES = 64  # frames per pass: keeps the temporaries in cache and memory flat for long trials


def foot_loading(
    cell_forces_n: object,
    pitch_mm: float,
    threshold_n: float,
    speck_fraction: float = 0.05,
    valley_ratio: float = 0.5,
) -> FootLoading:
    """Per-foot force (N), COP (mm) and contact area (mm²) for every frame.

    See :func:`segment_feet` for the parameters. Vectorised over frames (processed in blocks of
    64 frames so that long trials keep memory flat); no loop over frames or cells.
    """
    f = _frames("cell_forces_n", cell_forces_n)
    parts = [_foot_loading_block(f[i : i + _CHUNK_FRAMES].astype(np.float64, copy=False), pitch_mm, threshold_n,
                                 speck_fraction, valley_ratio) for i in range(0, f.shape[0], _CHUNK_FRAMES)]
    return FootLoading(**{name: np.concatenate([getattr(p, name) for p in parts])
                          for name in FootLoading.__dataclass_fields__})


def _foot_loading_block(f: np.ndarray, pitch_mm: float, threshold_n: float, speck_fraction: float,
                        valley_ratio: float) -> FootLoading:
    labels, merged = segment_feet(f, pitch_mm, threshold_n, speck_fraction, valley_ratio)
    x, y = cell_centres_mm(f.shape[1], f.shape[2], pitch_mm)
    cell_area = float(pitch_mm) ** 2
    out: dict[str, np.ndarray] = {}
    for name, code in (("left", LEFT), ("right", RIGHT)):
        fw = np.where(labels == code, f, 0.0)
        force = fw.sum(axis=(1, 2))
        present = force > 0
        safe = np.where(present, force, 1.0)
        cop = np.column_stack([np.einsum("nrc,c->n", fw, x) / safe, np.einsum("nrc,r->n", fw, y) / safe])
        cop[~present] = np.nan
        out[f"{name}_force_n"] = force
        out[f"{name}_cop_mm"] = cop
        out[f"{name}_area_mm2"] = np.count_nonzero(labels == code, axis=(1, 2)) * cell_area
        out[f"{name}_present"] = present
    return FootLoading(total_force_n=f.sum(axis=(1, 2)), merged=merged, **out)


# -- walkway ---------------------------------------------------------------------------------------


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
    f = _frames("cell_forces_n", cell_forces_n).astype(np.float64, copy=False)
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
