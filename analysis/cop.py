"""Vertical force and centre of pressure from load cells (analysis-formulas.md §1).

For cells i = 1..k at (x_i, y_i) mm carrying vertical forces F_i N::

    Fz = Σ F_i,    COPx = Σ F_i x_i / Fz,    COPy = Σ F_i y_i / Fz

The COP is undefined where Fz is below a threshold (nobody on the plate): those samples are marked
``loaded = False`` and their COP is NaN, never a made-up centre (protocol-clarifications.md W9;
ezc3d issue #194).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis._checks import as_float_array, check_positive

__all__ = ["DEFAULT_MIN_FZ_N", "CopResult", "cop_from_cells"]

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
