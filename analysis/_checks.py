"""Input checks shared by the analysis functions: messages name the parameter and the numbers."""

from __future__ import annotations

import numpy as np


def as_float_array(name: str, values: object, ndim: int) -> np.ndarray:
    """``values`` as a float64 array of ``ndim`` dimensions, rejecting NaN and infinity."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        first = int(np.argwhere(bad)[0][0])
        raise ValueError(f"{name} has {int(bad.sum())} NaN or infinite values (first at index {first})")
    return array


def check_same_length(**arrays: np.ndarray) -> int:
    """All arrays have the same first dimension; return it."""
    lengths = {name: int(np.shape(a)[0]) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{k}={v}" for k, v in lengths.items())
        raise ValueError(f"arrays must have the same length, got {described}")
    return next(iter(lengths.values()))


def check_positive(name: str, value: float) -> float:
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value}")
    return value
