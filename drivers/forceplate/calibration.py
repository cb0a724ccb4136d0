"""OFP-1 calibration block and the counts-to-newtons conversion (pure: no I/O).

Byte layout: ``docs/ofp-1.md`` §5 (decision O10, ``docs/ofp-1.md`` §8, left it to us). The
device stores the block; the host reads it at connect (GET_CALIBRATION) and stores it with every
recording. Conversion (docs/ofp-1.md §5)::

    F = C · (counts − offset − tare)

with C an m × k float32 matrix (m = k diagonal gains in N/count for single-axis load cells; m = 6 rows
Fx, Fy, Fz in N and Mx, My, Mz in N·m for a six-component plate, O11).

Six-component centre of pressure (O11 units: N, N·m, az in m, COP in mm). OFP-1 reports the ground
reaction force on the subject in the plate frame of DESIGN.md §2 (x right, y forward, z up; Fz > 0 when
loaded) and its moments about the sensor centre, which lies ``az`` metres below the top surface. For a
force F acting at (COPx, COPy, az) the moment is r × F, hence::

    Mx' = Mx + Fy·az,   My' = My − Fx·az,   COPx = −My'/Fz,   COPy = Mx'/Fz

undefined (NaN) where ``Fz < fz_min_n`` (10 N default). The Tec Gihan SDK (``tecgihan/forceplate-python``
README; docs/sources.md [tecgihan-sdk]) writes ``Mx − Fy·az`` and ``My + Fx·az``: the same physics in a
z-down frame (Kistler's convention, az0 < 0); ``docs/ofp-1.md`` §5.3 says why OFP-1 keeps z up. This
lives here rather than in ``analysis/`` because az comes from the calibration block; the load-cell COP
stays in :mod:`analysis.cop`.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

__all__ = [
    "CALIBRATION_MAGIC",
    "Calibration",
    "Layout",
    "SixComponentCop",
    "cop_six_component",
    "counts_to_force",
    "decode_calibration",
    "encode_calibration",
]

CALIBRATION_MAGIC = b"OFPC"
CALIBRATION_VERSION = 1
_FIXED = struct.Struct("<4sHHBBBBfIffI16s")
_FIXED_SIZE = _FIXED.size  # 48
_CERT_LEN = 16


class Layout(IntEnum):
    """Channel layout code (calibration block offset 10 and GET_INFO offset 8)."""

    LOAD_CELLS = 0
    SIX_COMPONENT = 1


@dataclass(frozen=True, eq=False)
class Calibration:
    """A plate's calibration.

    Attributes
    ----------
    offsets : ndarray, int32, shape (k,)
        Factory zero of each channel, counts.
    matrix : ndarray, float32, shape (m, k)
        C: N per count (rows Fx..Mz in N and N·m per count for six-component plates).
    layout : Layout
    reference_temperature_c : float
        Temperature at calibration, °C.
    date_yyyymmdd : int
        Calibration date as the decimal number YYYYMMDD (e.g. 20261125), 0 if unknown.
    load_range_n : float
        Largest calibrated load, N.
    az_m : float
        Six-component plates: depth of the sensor centre below the top surface, m (0 for load cells).
    serial_number : int
        u32 identifying the calibration run (the certificate's number).
    certificate : str
        Certificate id, ASCII, at most 16 characters.
    """

    offsets: np.ndarray
    matrix: np.ndarray
    layout: Layout = Layout.LOAD_CELLS
    reference_temperature_c: float = 20.0
    date_yyyymmdd: int = 0
    load_range_n: float = 0.0
    az_m: float = 0.0
    serial_number: int = 0
    certificate: str = ""

    def __post_init__(self) -> None:
        offsets = np.asarray(self.offsets)
        matrix = np.asarray(self.matrix, dtype=np.float64)
        if offsets.ndim != 1 or not 1 <= offsets.size <= 255:
            raise ValueError(f"offsets must be a vector of 1-255 channels, got shape {offsets.shape}")
        if not np.all(offsets == np.round(offsets)) or offsets.min() < -(1 << 31) or offsets.max() >= (1 << 31):
            raise ValueError("offsets must be int32 counts")
        k = offsets.size
        if matrix.ndim != 2 or matrix.shape[1] != k or not 1 <= matrix.shape[0] <= 255:
            raise ValueError(f"matrix must have shape (m, {k}) for {k} channels, got {matrix.shape}")
        if not np.all(np.isfinite(matrix)):
            raise ValueError("the calibration matrix has non-finite coefficients")
        layout = Layout(self.layout)
        if layout == Layout.SIX_COMPONENT and matrix.shape[0] != 6:
            raise ValueError(f"a six-component calibration has 6 rows (Fx..Mz), got {matrix.shape[0]}")
        cert = self.certificate.encode("ascii")  # raises UnicodeEncodeError (a ValueError) when not ASCII
        if len(cert) > _CERT_LEN:
            raise ValueError(f"certificate id is at most {_CERT_LEN} ASCII characters, got {len(cert)}")
        f32 = matrix.astype(np.float32)
        object.__setattr__(self, "offsets", offsets.astype(np.int32))
        object.__setattr__(self, "matrix", f32)
        object.__setattr__(self, "layout", layout)

    @property
    def n_channels(self) -> int:
        return int(self.offsets.size)

    @property
    def n_outputs(self) -> int:
        return int(self.matrix.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Calibration):
            return NotImplemented
        return encode_calibration(self) == encode_calibration(other)

    __hash__ = None  # type: ignore[assignment]


def encode_calibration(cal: Calibration) -> bytes:
    """The calibration block: fixed part, offsets, C row-major, CRC-32 (``docs/ofp-1.md`` §5)."""
    k, m = cal.n_channels, cal.n_outputs
    total = _FIXED_SIZE + 4 * k + 4 * m * k + 4
    fixed = _FIXED.pack(
        CALIBRATION_MAGIC, CALIBRATION_VERSION, total, k, m, int(cal.layout), 0,
        cal.reference_temperature_c, int(cal.date_yyyymmdd), cal.load_range_n, cal.az_m, int(cal.serial_number),
        cal.certificate.encode("ascii").ljust(_CERT_LEN, b"\0"),
    )
    body = fixed + cal.offsets.astype("<i4").tobytes() + cal.matrix.astype("<f4").tobytes()
    return body + struct.pack("<I", zlib.crc32(body))


def decode_calibration(data: bytes | bytearray | memoryview) -> Calibration:
    """Parse a calibration block; ``ValueError`` naming the problem when it is not valid."""
    data = bytes(data)
    if len(data) < _FIXED_SIZE + 4:
        raise ValueError(f"a calibration block has at least {_FIXED_SIZE + 4} bytes, got {len(data)}")
    (magic, version, total, k, m, layout, _res, temp, date, load_range, az, serial, cert) = _FIXED.unpack_from(data)
    if magic != CALIBRATION_MAGIC:
        raise ValueError(f"not an OFP-1 calibration block (magic {magic!r}, expected {CALIBRATION_MAGIC!r})")
    if version != CALIBRATION_VERSION:
        raise ValueError(f"unknown calibration block version {version}")
    expected = _FIXED_SIZE + 4 * k + 4 * m * k + 4
    if total != expected or len(data) < total:
        raise ValueError(f"calibration block length: header says {total}, k={k} m={m} need {expected}, "
                         f"got {len(data)} bytes")
    stored = struct.unpack_from("<I", data, total - 4)[0]
    computed = zlib.crc32(data[: total - 4])
    if stored != computed:
        raise ValueError(f"calibration block CRC mismatch: stored 0x{stored:08X}, computed 0x{computed:08X}")
    if layout not in (0, 1):
        raise ValueError(f"unknown channel layout code {layout}")
    offsets = np.frombuffer(data, "<i4", k, _FIXED_SIZE)
    matrix = np.frombuffer(data, "<f4", m * k, _FIXED_SIZE + 4 * k).reshape(m, k)
    return Calibration(
        offsets=offsets, matrix=matrix, layout=Layout(layout), reference_temperature_c=float(temp),
        date_yyyymmdd=int(date), load_range_n=float(load_range), az_m=float(az), serial_number=int(serial),
        certificate=cert.rstrip(b"\0").decode("ascii"),
    )


def counts_to_force(raw: np.ndarray, cal: Calibration, tare: np.ndarray | None = None) -> np.ndarray:
    """``F = C · (counts − offset − tare)`` for every sample.

    Parameters
    ----------
    raw : array_like of int, shape (n, k)
        Raw counts.
    cal : Calibration
    tare : array_like of int, shape (k,), optional
        Tare offsets in counts (from GET_STATUS), default zero.

    Returns
    -------
    ndarray, float64, shape (n, m)
        N (and N·m for the moment rows of a six-component plate).
    """
    counts = np.asarray(raw)
    if counts.ndim != 2 or counts.shape[1] != cal.n_channels:
        raise ValueError(f"raw counts must have shape (n, {cal.n_channels}), got {counts.shape}")
    zero = cal.offsets.astype(np.int64)
    if tare is not None:
        tare_arr = np.asarray(tare, dtype=np.int64)
        if tare_arr.shape != (cal.n_channels,):
            raise ValueError(f"tare must have {cal.n_channels} values, got shape {tare_arr.shape}")
        zero = zero + tare_arr
    # int64 subtraction is exact; the product in float64 keeps 24-bit codes exact too.
    net = counts.astype(np.int64) - zero
    return net.astype(np.float64) @ cal.matrix.astype(np.float64).T


@dataclass(frozen=True)
class SixComponentCop:
    """Centre of pressure of a six-component plate, mm (NaN where Fz < the limit)."""

    cop_x_mm: np.ndarray
    cop_y_mm: np.ndarray
    loaded: np.ndarray
    fz_min_n: float


def cop_six_component(forces: np.ndarray, az_m: float, *, fz_min_n: float = 10.0) -> SixComponentCop:
    """COP from Fx, Fy, Fz (N) and Mx, My, Mz (N·m) about the sensor centre, in mm.

    ``COPx = −(My − Fx·az)/Fz``, ``COPy = (Mx + Fy·az)/Fz`` (m, returned in mm); az is the depth of the
    sensor centre below the contact surface, m (>= 0). Samples with ``Fz < fz_min_n`` have no COP
    (NaN, ``loaded = False``). See the module docstring for the frame and the Tec Gihan sign convention.
    """
    f = np.asarray(forces, dtype=np.float64)
    if f.ndim != 2 or f.shape[1] != 6:
        raise ValueError(f"forces must have shape (n, 6) Fx Fy Fz Mx My Mz, got {f.shape}")
    if not (np.isfinite(az_m) and az_m >= 0):
        raise ValueError(f"az_m must be a finite depth >= 0 m, got {az_m}")
    if not fz_min_n > 0:
        raise ValueError(f"fz_min_n must be > 0 N, got {fz_min_n}")
    fx, fy, fz, mx, my = f[:, 0], f[:, 1], f[:, 2], f[:, 3], f[:, 4]
    loaded = fz >= fz_min_n
    safe_fz = np.where(loaded, fz, 1.0)
    cop_x = np.where(loaded, -(my - fx * az_m) / safe_fz * 1000.0, np.nan)
    cop_y = np.where(loaded, (mx + fy * az_m) / safe_fz * 1000.0, np.nan)
    return SixComponentCop(cop_x, cop_y, loaded, float(fz_min_n))
