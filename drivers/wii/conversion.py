"""Wii Balance Board conversions: counts → kg → N, the kernel's 10 g variant, Wii Fit's temperature
correction, battery bytes → % and bars. No I/O.

Conversion (§1.6, W7, W11): two-segment interpolation through the 0/17/34 kg calibration points,
**no clamping** (negative values and values above 34 kg survive; the tare removes offsets), a
zero-width segment gives NaN with a warning. The Linux kernel's evdev variant (10 g units, clamped
at the 0 kg point, truncating division) is :func:`raw_to_kernel_10g`, named separately because it
is *not* the conversion used for research data.

References
----------
docs/wii-protocol.md §1.6, §1.8; docs/wii-protocol.md W7, W11; Linux
``hid-wiimote-modules.c`` (``wiimod_bboard_in_ext``); the 2025 kernel RFC (temperature, battery bars).
"""

from __future__ import annotations

import numpy as np

from drivers.wii.calibration import Calibration
from physical import STANDARD_GRAVITY_M_S2

__all__ = ["battery_bars", "kg_to_newtons", "raw_to_kernel_10g", "raw_to_kg",
           "status_battery_pct", "wii_fit_temperature_correction"]


def raw_to_kg(raw: np.ndarray, cal: Calibration) -> np.ndarray:
    """Raw counts → kg per sensor, two-segment interpolation, **no clamping** (§1.6, W11).

    ``m = 17·(v − c0)/(c17 − c0)`` for ``v < c17``, else ``m = 17 + 17·(v − c17)/(c34 − c17)``;
    extrapolated below 0 kg and above 34 kg. A sensor whose segment is zero-width or reversed gives NaN (W7).

    Parameters
    ----------
    raw : array_like, shape (..., 4)
        Counts in wire order TR, BR, TL, BL.
    cal : Calibration

    Returns
    -------
    ndarray of float64, shape (..., 4)
        Load per sensor, kg.
    """
    v = np.asarray(raw, dtype=np.float64)
    if v.shape[-1:] != (4,):
        raise ValueError(f"raw counts must have 4 sensors in the last axis, got shape {v.shape}")
    c0, c17, c34 = cal.points
    w1 = c17 - c0
    w2 = c34 - c17
    with np.errstate(divide="ignore", invalid="ignore"):
        low = 17.0 * (v - c0) / np.where(w1 > 0, w1, np.nan)
        high = 17.0 + 17.0 * (v - c17) / np.where(w2 > 0, w2, np.nan)
    out = np.where(v < c17, low, high)
    bad = (w1 <= 0) | (w2 <= 0)
    if np.any(bad):
        out = np.where(bad, np.nan, out)
    return out


def kg_to_newtons(kg: np.ndarray) -> np.ndarray:
    """kg (mass on a sensor) → N, with standard gravity 9.80665 m/s²."""
    return np.asarray(kg, dtype=np.float64) * STANDARD_GRAVITY_M_S2


def raw_to_kernel_10g(raw: np.ndarray, cal: Calibration) -> np.ndarray:
    """What Linux ``hid-wiimote`` reports through evdev: integer 10 g units (1700 = 17 kg).

    ``v <= c0 → 0`` (clamped), C truncating division, a zero-width segment divides by 1
    (``wiimod_bboard_in_ext``). Provided for comparisons with evdev data (W11); **not** the conversion
    used for research data (:func:`raw_to_kg`).

    Returns
    -------
    ndarray of int64, shape (..., 4)
    """
    v = np.asarray(raw, dtype=np.int64)
    if v.shape[-1:] != (4,):
        raise ValueError(f"raw counts must have 4 sensors in the last axis, got shape {v.shape}")
    c0, c17, c34 = (np.asarray(row, dtype=np.int64) for row in (cal.kg0, cal.kg17, cal.kg34))

    def cdiv(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        den = np.where(den == 0, 1, den)
        q = np.abs(num) // np.abs(den)
        return np.where((num < 0) ^ (den < 0), -q, q)

    low = cdiv((v - c0) * 1700, c17 - c0)
    high = cdiv((v - c17) * 1700, c34 - c17) + 1700
    return np.where(v <= c0, 0, np.where(v < c17, low, high))


def wii_fit_temperature_correction(kg: np.ndarray, temperature: np.ndarray, reference_temperature: int) -> np.ndarray:
    """Wii Fit's temperature and gravity correction, as quoted by the 2025 kernel RFC (docs/wii-protocol.md §1.6).

    ``m' = 0.9990813732 · m · (1 − 0.0007 · (T − T_ref))`` with T the 0x34 E8 byte and T_ref the byte at
    0xA40060 (≈ −0.98 % per 14 units). Not applied by the driver (the bytes are recorded); offered for
    analysis. Note the constant 0.99908 also rescales to local gravity as Wii Fit does.

    Parameters
    ----------
    kg : array_like, shape (n, ...)
        Load, kg.
    temperature : array_like, shape (n,)
        E8 temperature byte per sample.
    reference_temperature : int
        Byte at 0xA40060.
    """
    m = np.asarray(kg, dtype=np.float64)
    temp = np.asarray(temperature, dtype=np.float64)
    if temp.shape != m.shape[:1]:
        raise ValueError(f"one temperature per sample: kg has {m.shape[:1]} samples, temperature {temp.shape}")
    factor = 0.9990813732 * (1.0 - 0.0007 * (temp - float(reference_temperature)))
    return m * factor.reshape((-1,) + (1,) * (m.ndim - 1))


def status_battery_pct(battery_raw: int) -> int:
    """Battery % as the kernel computes it from the 0x20 VV byte: ``VV·100/255`` (integer)."""
    if not 0 <= battery_raw <= 255:
        raise ValueError(f"the battery byte is 0-255, got {battery_raw}")
    return battery_raw * 100 // 255


def battery_bars(ext_battery: int) -> int:
    """Battery bars 0-4 from the 0x34 E10 byte (≥0x82: 4, ≥0x7D: 3, ≥0x78: 2, ≥0x6A: 1; WiiBrew via the RFC)."""
    if not 0 <= ext_battery <= 255:
        raise ValueError(f"the battery byte is 0-255, got {ext_battery}")
    for bars, threshold in ((4, 0x82), (3, 0x7D), (2, 0x78), (1, 0x6A)):
        if ext_battery >= threshold:
            return bars
    return 0
