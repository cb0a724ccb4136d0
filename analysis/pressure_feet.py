"""Feet on a pressure mat: segmentation into left and right foot, and per-foot force, COP and area.

Definition (docs/pressure-mat.md "Analysis"): feet are connected components of the contact mask with
8-connectivity, specks below a share of the frame's load dropped, the two heaviest kept and named
left/right by their COP x. When the feet touch (one component), the component is split at the *valley
of its medio-lateral contact-width profile* (the column with the fewest contact cells between the two
widest column lobes), not at the COP line, which biases the split toward 50/50.

Frames and axes as in :mod:`analysis.pressure`. Vectorised over frames: ``scipy.ndimage.label`` labels
a whole stack at once with a structure that connects cells within a frame only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from analysis._checks import check_positive
from analysis.pressure import cell_centres_mm, frames_array

__all__ = ["FootLoading", "foot_loading", "segment_feet"]

LEFT, RIGHT = 1, 2
_STRUCTURE_2D = np.zeros((3, 3, 3), dtype=bool)
_STRUCTURE_2D[1] = True  # 8-connectivity inside a frame, nothing across frames

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
    f = frames_array("cell_forces_n", cell_forces_n).astype(np.float64, copy=False)
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
    f = frames_array("cell_forces_n", cell_forces_n)
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
