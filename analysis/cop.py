"""Vertical force and centre of pressure from load cells (docs/formulas.md §1).

For cells i = 1..k at (x_i, y_i) mm carrying vertical forces F_i N::

    Fz = Σ F_i,    COPx = Σ F_i x_i / Fz,    COPy = Σ F_i y_i / Fz

The COP is undefined where Fz is below a threshold (nobody on the plate): those samples are marked
``loaded = False`` and their COP is NaN, never a made-up centre (docs/wii-protocol.md W9;
ezc3d issue #194).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis._checks import as_float_array, check_positive

__all__ = ["DEFAULT_MIN_FZ_N", "CellGeometry", "CellLoads", "CopResult", "cop_from_cells", "cop_from_six_component"]

#: Default loaded threshold, N (about 1 kg): below it the COP is undefined.
DEFAULT_MIN_FZ_N = 10.0


@dataclass(frozen=True)
class CopResult:
    """Vertical force and centre of pressure per sample.

    Attributes
    ----------
    fz_n : ndarray, shape (n,)
        Total vertical force, N.
    cop_x_mm, cop_y_mm : ndarray, shape (n,)
        Centre of pressure in the device frame, mm; NaN where not loaded.
    loaded : ndarray of bool, shape (n,)
        True where ``fz_n >= min_fz_n``.
    min_fz_n : float
        The threshold used, N.
    """

    fz_n: np.ndarray
    cop_x_mm: np.ndarray
    cop_y_mm: np.ndarray
    loaded: np.ndarray
    min_fz_n: float


def cop_from_cells(forces_n: np.ndarray, positions_mm: np.ndarray, *, min_fz_n: float = DEFAULT_MIN_FZ_N) -> CopResult:
    """Total vertical force and COP from k load cells.

    Parameters
    ----------
    forces_n : array_like, shape (n, k)
        Vertical force on each cell, N.
    positions_mm : array_like, shape (k, 2)
        (x, y) of each cell, mm.
    min_fz_n : float
        COP is computed only where the total force is at least this many N (default 10 N).

    Returns
    -------
    CopResult

    Examples
    --------
    Four cells of a Wii board; 300 N on the right cells, 100 N on the left ones:

    >>> import numpy as np
    >>> pos = [(216.5, 119), (216.5, -119), (-216.5, 119), (-216.5, -119)]
    >>> r = cop_from_cells(np.array([[150.0, 150.0, 50.0, 50.0]]), pos)
    >>> float(r.fz_n[0]), float(r.cop_x_mm[0]), float(r.cop_y_mm[0])
    (400.0, 108.25, 0.0)
    """
    forces = as_float_array("forces_n", forces_n, 2)
    positions = as_float_array("positions_mm", positions_mm, 2)
    if positions.shape != (forces.shape[1], 2):
        raise ValueError(
            f"positions_mm must have shape ({forces.shape[1]}, 2) for {forces.shape[1]} cells, got {positions.shape}"
        )
    check_positive("min_fz_n", min_fz_n)
    fz = forces.sum(axis=1)
    loaded = fz >= min_fz_n
    moments = forces @ positions  # (n, 2): Σ F_i x_i, Σ F_i y_i
    with np.errstate(divide="ignore", invalid="ignore"):
        cop = np.where(loaded[:, None], moments / fz[:, None], np.nan)
    return CopResult(fz_n=fz, cop_x_mm=cop[:, 0], cop_y_mm=cop[:, 1], loaded=loaded, min_fz_n=float(min_fz_n))


@dataclass(frozen=True)
class CellLoads:
    """Per sample (all shape (n,)): Fz (N), COP (mm, NaN where not loaded), the load of the cells left and right
    of the midline (N), and ``loaded`` (``fz_n >= min_fz_n``)."""

    fz_n: np.ndarray
    cop_x_mm: np.ndarray
    cop_y_mm: np.ndarray
    left_n: np.ndarray
    right_n: np.ndarray
    loaded: np.ndarray


class CellGeometry:
    """The cells of one device, checked once, for converting many small blocks as they arrive (a live display).

    :meth:`loads` gives, per sample, what :func:`cop_from_cells` and
    :func:`analysis.weight_bearing.limb_loads_from_cell_pairs` give — Fz = Σ F_i, COP = Σ F_i (x_i, y_i) / Fz,
    left/right = Σ F_i over the cells left/right of the midline — as one product with a (k, 5) matrix built
    here, so a one-sample block costs a few µs instead of the checks of both functions on every call.

    Parameters
    ----------
    positions_mm : array_like, shape (k, 2)
        (x, y) of each cell, mm; cells with x < ``midline_x_mm`` are left, x > right.
    min_fz_n : float
        COP only where the total force is at least this many N.
    midline_x_mm : float
        x of the midline, mm (a cell exactly on it is an error).
    """

    def __init__(self, positions_mm: np.ndarray, *, min_fz_n: float = DEFAULT_MIN_FZ_N,
                 midline_x_mm: float = 0.0) -> None:
        positions = as_float_array("positions_mm", positions_mm, 2)
        if positions.shape[1] != 2:
            raise ValueError(f"positions_mm must have shape (k, 2), got {positions.shape}")
        self.min_fz_n = check_positive("min_fz_n", min_fz_n)
        x = positions[:, 0]
        left, right = x < midline_x_mm, x > midline_x_mm
        if not left.any() or not right.any() or (left | right).sum() != x.size:
            raise ValueError(f"need cells strictly left and right of x = {midline_x_mm} mm, got x = {x.tolist()}")
        self.n_cells = int(x.size)
        self._matrix = np.column_stack([np.ones(x.size), positions, left, right]).astype(np.float64)

    def loads(self, forces_n: np.ndarray) -> CellLoads:
        """Fz, COP and left/right loads of each sample of ``forces_n`` (n, k), N."""
        forces = as_float_array("forces_n", forces_n, 2)
        if forces.shape[1] != self.n_cells:
            raise ValueError(f"forces_n must have {self.n_cells} columns, got shape {forces.shape}")
        sums = forces @ self._matrix
        fz = sums[:, 0]
        loaded = fz >= self.min_fz_n
        with np.errstate(divide="ignore", invalid="ignore"):
            cop = np.where(loaded[:, None], sums[:, 1:3] / fz[:, None], np.nan)
        return CellLoads(fz, cop[:, 0], cop[:, 1], sums[:, 3], sums[:, 4], loaded)


def cop_from_six_component(
    forces: np.ndarray, origin_offset_mm: tuple[float, float, float] | np.ndarray = (0.0, 0.0, 0.0), *,
    min_fz_n: float = DEFAULT_MIN_FZ_N,
) -> CopResult:
    """Vertical force and COP of a six-component plate.

    The plate frame is the device frame (x medio-lateral + right, y antero-posterior + forward, z up; origin
    at the centre of the top surface). The moments are about the plate's true origin O, which lies at
    ``origin_offset_mm`` = (ox, oy, oz) from the surface centre (oz < 0: below the surface). For a force F
    acting at (COPx, COPy, 0), M = (P − O) × F gives::

        COPx = ox + (−My − oz·Fx) / Fz,    COPy = oy + (Mx − oz·Fy) / Fz

    (with oz = −az this is the OFP-1 formula of ``drivers/forceplate/calibration.py``; moments in N·m are
    converted to N·mm).

    Parameters
    ----------
    forces : array_like, shape (n, 6)
        Fx, Fy, Fz in N and Mx, My, Mz in N·m.
    origin_offset_mm : (ox, oy, oz)
        Position of the moment origin relative to the surface centre, mm.
    min_fz_n : float
        COP only where Fz >= this, N.

    Examples
    --------
    700 N pressing 20 mm right of and 50 mm in front of the centre, moments about the surface centre:

    >>> r = cop_from_six_component(np.array([[0.0, 0.0, 700.0, 700.0 * 0.05, -700.0 * 0.02, 0.0]]))
    >>> round(float(r.cop_x_mm[0]), 9), round(float(r.cop_y_mm[0]), 9)
    (20.0, 50.0)
    """
    f = as_float_array("forces", forces, 2)
    if f.shape[1] != 6:
        raise ValueError(f"six-component forces must have shape (n, 6) Fx Fy Fz Mx My Mz, got {f.shape}")
    offset = np.asarray(origin_offset_mm, dtype=np.float64).reshape(-1)
    if offset.shape != (3,) or not np.all(np.isfinite(offset)):
        raise ValueError(f"origin_offset_mm must be 3 finite numbers (mm), got {origin_offset_mm!r}")
    check_positive("min_fz_n", min_fz_n)
    ox, oy, oz = offset
    fx, fy, fz = f[:, 0], f[:, 1], f[:, 2]
    mx_nmm, my_nmm = f[:, 3] * 1000.0, f[:, 4] * 1000.0
    loaded = fz >= min_fz_n
    safe = np.where(loaded, fz, 1.0)
    cop_x = np.where(loaded, ox + (-my_nmm - oz * fx) / safe, np.nan)
    cop_y = np.where(loaded, oy + (mx_nmm - oz * fy) / safe, np.nan)
    return CopResult(fz_n=fz.copy(), cop_x_mm=cop_x, cop_y_mm=cop_y, loaded=loaded, min_fz_n=float(min_fz_n))
