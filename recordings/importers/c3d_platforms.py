"""C3D force-platform types 1-4: analog channels -> force, COP and free moment in the plate's own frame.

Pure NumPy, vectorised over samples. Lengths in mm, forces in N, moments in N·mm. Every result is in the
plate's coordinate system (the one ``FORCE_PLATFORM:CORNERS`` numbers: corner 1 in its (+x, +y) quadrant,
2 in (−x, +y), 3 in (−x, −y), 4 in (+x, −y); z = x × y), with the COP relative to the **centre of the
top surface** C. The force is what the plate reports (for most plates the subject's action on the plate);
the caller turns it into the reaction on the subject and into the laboratory frame.

Sources, read for this module:

* C3D User Guide (c3d.org, "FORCE_PLATFORM:ORIGIN", its TYPE-2 and TYPE-3 pages, "Specifying Force
  Platform Parameters"): types 2/4 ORIGIN is the vector **from the transducer origin O to C**, in plate
  coordinates, so its z is negative when O is below the surface of a z-down plate; older AMTI calibration
  sheets give that z as a positive number and "the change in the descriptive convention affects only the
  sign of the Z offset". Type 3 ORIGIN holds the Kistler sensor offsets: ORIGIN(1) = a (transducer axes to
  the plate's y-axis), ORIGIN(2) = b (to the x-axis), ORIGIN(3) = az0, the distance from the plate origin to
  the surface "within the force plate coordinate system", "normally negative" since the z-axis projects down.
* Kistler, "Kistler Force Plate Formulae" (FORMULAE 1/3, 03.02.99): channels fx12, fx34, fy14, fy23,
  fz1..fz4; Fx = fx12 + fx34, Fy = fy14 + fy23, Fz = Σ fz; Mx = b(fz1 + fz2 − fz3 − fz4),
  My = a(−fz1 + fz2 + fz3 − fz4), Mz = b(−fx12 + fx34) + a(fy14 − fy23); moments about the top surface
  Mx' = Mx + Fy·az0, My' = My − Fx·az0; COP ax = −My'/Fz, ay = Mx'/Fz; free moment
  Tz = Mz − Fy·ax + Fx·ay; a, b positive, az0 negative.
* ezc3d (pyomeca/ezc3d ``src/modules/ForcePlatforms.cpp``) implements the same type-3 moments and COP
  (it adds F × (0, 0, az0), i.e. Mx', My'), types 2/4 as M + F × ORIGIN, type 1 as COP channels plus the
  surface centre. Two differences, named here: ezc3d negates the **whole** ORIGIN when its z is positive
  (Visual3D's wiki does the same), where the C3D guide changes only z's sign, and for type 3 that would
  negate a and b (which Kistler and the guide define as positive distances) and mirror the COP: this
  module negates only the z component. The has-motion Visual3D wiki's "FP Type 3" page adds a and b to
  the COP (``COP[X] = −M[Y]/Force[Z] + a``); Kistler's formulae and ezc3d do not, and a load at the
  plate centre gives M = 0, so this module follows Kistler.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "KISTLER_CHANNELS",
    "ORIGIN_Z_AS_STORED",
    "ORIGIN_Z_NEGATED",
    "PlateWrench",
    "kistler_type3",
    "six_component",
    "surface_offset_z",
    "type1",
]

KISTLER_CHANNELS = ("Fx12", "Fx34", "Fy14", "Fy23", "Fz1", "Fz2", "Fz3", "Fz4")
ORIGIN_Z_AS_STORED = "as stored (C3D guide: the top surface is on the upper side of the transducer origin)"
ORIGIN_Z_NEGATED = ("negated: the stored z put the top surface below the transducer origin (older AMTI "
                    "positive Z offset, or az0 stored as a positive distance; C3D guide: only z's sign differs)")


@dataclass(frozen=True)
class PlateWrench:
    """One platform's signals in its own frame.

    Attributes
    ----------
    force_n : ndarray (3, n)
        Fx, Fy, Fz as the plate reports them, N.
    cop_mm : ndarray (2, n)
        COP (x, y) on the top surface relative to its centre, mm.
    free_moment_nmm : ndarray (n,)
        Free moment about the plate's z axis at the COP, N·mm.
    """

    force_n: np.ndarray
    cop_mm: np.ndarray
    free_moment_nmm: np.ndarray


def surface_offset_z(z_mm: float, plate_z_up: bool) -> tuple[float, str]:
    """The signed z of the top surface relative to the transducer origin, and the convention the file used.

    The top surface is above the transducer origin (the C3D guide: "the force plate origin lies below the
    physical surface"), so in plate coordinates its z is ≤ 0 when the plate's z axis points down (the usual
    case, as the guide says) and ≥ 0 when it points up. A stored value of the other sign is the older
    convention (AMTI's positive Z offset, or Kistler's az0 written as a distance) and only its sign is changed.

    Parameters
    ----------
    z_mm : float
        ORIGIN(3) as stored, mm.
    plate_z_up : bool
        Whether the plate's z axis (from CORNERS) points up in the laboratory.

    Returns
    -------
    (float, str)
        The z to use, mm, and :data:`ORIGIN_Z_AS_STORED` or :data:`ORIGIN_Z_NEGATED`.
    """
    if z_mm == 0.0 or (z_mm > 0) == plate_z_up:
        return float(z_mm), ORIGIN_Z_AS_STORED
    return -float(z_mm), ORIGIN_Z_NEGATED


def _checked_fz(fz: np.ndarray) -> np.ndarray:
    if not np.all(np.abs(fz) > 0):
        i = int(np.flatnonzero(~(np.abs(fz) > 0))[0])
        raise ValueError(f"Fz is {fz[i]} N at sample {i + 1}: the COP is undefined there")
    return fz


def type1(force_n: np.ndarray, cop_mm: np.ndarray, tz_nmm: np.ndarray) -> PlateWrench:
    """TYPE-1: channels Fx Fy Fz Px Py Tz, the COP already relative to the surface centre (C3D guide TYPE-1).

    Parameters
    ----------
    force_n : ndarray (3, n)
    cop_mm : ndarray (2, n)
        Px, Py converted to mm.
    tz_nmm : ndarray (n,)
        The free moment, N·mm.
    """
    return PlateWrench(force_n=force_n, cop_mm=cop_mm, free_moment_nmm=tz_nmm)


def six_component(force_n: np.ndarray, moment_nmm: np.ndarray, origin_mm: np.ndarray) -> PlateWrench:
    """TYPE-2 (and TYPE-4 after CAL_MATRIX): Fx Fy Fz Mx My Mz about the transducer origin O.

    With ``origin_mm`` = C − O in plate coordinates (z already signed by :func:`surface_offset_z`), the moment
    about the surface centre is ``M_C = M_O + F × (C − O)``, the COP ``(−M_C,y / Fz, M_C,x / Fz)`` and the
    free moment ``Tz = M_C,z − (x·Fy − y·Fx)``.

    Parameters
    ----------
    force_n : ndarray (3, n)
    moment_nmm : ndarray (3, n)
    origin_mm : ndarray (3,)
    """
    fz = _checked_fz(force_n[2])
    m_c = moment_nmm + np.cross(force_n.T, np.asarray(origin_mm, dtype=np.float64)).T
    x, y = -m_c[1] / fz, m_c[0] / fz
    tz = m_c[2] - (x * force_n[1] - y * force_n[0])
    return PlateWrench(force_n=force_n, cop_mm=np.vstack([x, y]), free_moment_nmm=tz)


def kistler_type3(channels_n: np.ndarray, a_mm: float, b_mm: float, az0_mm: float) -> PlateWrench:
    """TYPE-3 (Kistler, eight channels), with Kistler's formulae (see the module notes).

    Parameters
    ----------
    channels_n : ndarray (8, n)
        fx12, fx34, fy14, fy23, fz1, fz2, fz3, fz4 in N (the order of :data:`KISTLER_CHANNELS`).
    a_mm, b_mm : float
        Sensor offsets from the plate's y and x axes, mm (positive).
    az0_mm : float
        z of the top surface in plate coordinates, mm (signed by :func:`surface_offset_z`; < 0 for the
        z-down Kistler frame).

    Raises
    ------
    ValueError
        a or b not positive, a wrong channel count, or Fz = 0 at a sample.
    """
    if channels_n.shape[0] != len(KISTLER_CHANNELS):
        raise ValueError(f"a Kistler (type 3) plate has {len(KISTLER_CHANNELS)} channels "
                         f"({' '.join(KISTLER_CHANNELS)}), got {channels_n.shape[0]}")
    if not (a_mm > 0 and b_mm > 0):
        raise ValueError(f"Kistler sensor offsets must be positive distances (C3D ORIGIN(1) = a, ORIGIN(2) = b), "
                         f"got a = {a_mm:g} mm, b = {b_mm:g} mm")
    fx12, fx34, fy14, fy23, fz1, fz2, fz3, fz4 = channels_n
    force = np.vstack([fx12 + fx34, fy14 + fy23, fz1 + fz2 + fz3 + fz4])
    fz = _checked_fz(force[2])
    mx = b_mm * (fz1 + fz2 - fz3 - fz4)
    my = a_mm * (-fz1 + fz2 + fz3 - fz4)
    mz = b_mm * (-fx12 + fx34) + a_mm * (fy14 - fy23)
    mx_surface = mx + force[1] * az0_mm
    my_surface = my - force[0] * az0_mm
    ax, ay = -my_surface / fz, mx_surface / fz
    tz = mz - force[1] * ax + force[0] * ay
    return PlateWrench(force_n=force, cop_mm=np.vstack([ax, ay]), free_moment_nmm=tz)
