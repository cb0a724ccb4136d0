"""The Wii Balance Board's tare and the wait for the subject to step on (device side, over received blocks).

The tare is the mean of at least ``tare_s`` (≥ 2 s) of the **unloaded** board, per sensor, in the kg
domain (docs/wii-protocol.md W8); the device subtracts it from every later sample. After a tare
the device waits for someone to step on (total load above ``min_load_kg`` for ``settle_s``, within
``wait_s``), after Nintendo's "step on within 10 s of the zero point" rule.

Both functions pull blocks through ``read_block(timeout_s)`` (the device's decoding of one transport
read, without keeping events) and watch the time with ``now()`` (the transport's clock, s).

References
----------
docs/wii-protocol.md W8 (tare in kg); docs/wii-protocol.md §1.6 (the 2 s zero point and the 10 s rule).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from drivers.errors import DeviceError, DeviceTimeout
from drivers.model import SampleBlock
from drivers.wii.calibration import Calibration
from drivers.wii.conversion import raw_to_kg
from drivers.wii.reports import CHANNELS
from physical import STANDARD_GRAVITY_M_S2

__all__ = ["MIN_TARE_S", "TARE_MAX_LOAD_KG", "TareResult", "measure_tare", "wait_for_subject"]

#: An empty board reads within this of zero (total, kg); more during the tare means someone is on it.
TARE_MAX_LOAD_KG = 20.0
#: Shortest tare, s.
MIN_TARE_S = 2.0

ReadBlock = Callable[[float], SampleBlock | None]


class TareResult:
    """The tare: mean unloaded load per sensor (kg, TR, BR, TL, BL), over ``duration_s`` and ``n_samples``."""

    __slots__ = ("duration_s", "method", "n_samples", "offset_kg")

    def __init__(self, offset_kg: np.ndarray, duration_s: float, n_samples: int) -> None:
        self.offset_kg = np.asarray(offset_kg, dtype=np.float64)
        self.duration_s = float(duration_s)
        self.n_samples = int(n_samples)
        self.method = "kg-domain mean of the unloaded board (docs/wii-protocol.md W8)"

    def label(self) -> str:
        values = " ".join(f"{n}={v:+.3f}" for n, v in zip(CHANNELS, self.offset_kg, strict=True))
        return f"kg {values}; mean of {self.n_samples} samples over {self.duration_s:.2f} s"


def measure_tare(
    read_block: ReadBlock, now: Callable[[], float], tare_s: float, calibration: Calibration | None
) -> TareResult:
    """Mean load per sensor over at least ``tare_s`` of samples (first to last arrival), kg.

    ``calibration`` converts the blocks' raw counts; None (evdev) uses their kernel-calibrated forces.

    Raises
    ------
    DeviceTimeout
        Fewer than ``tare_s`` s or 20 samples arrived within ``tare_s`` + 2 s.
    DeviceError
        The board carries more than :data:`TARE_MAX_LOAD_KG` (someone is on it).
    """
    deadline = now() + tare_s + 2.0
    blocks: list[SampleBlock] = []
    span = 0.0
    while now() < deadline and span < tare_s:
        block = read_block(0.1)
        if block is not None:
            blocks.append(block)
            span = float(block.t_s[-1] - blocks[0].t_s[0])
    n = sum(b.n_samples for b in blocks)
    if span < tare_s or n < 20:
        raise DeviceTimeout(
            f"the tare needs {tare_s:g} s of data from the empty board; it sent {n} samples over {span:.2f} s"
        )
    if calibration is not None:
        kg = raw_to_kg(np.concatenate([b.raw for b in blocks]), calibration)
    else:  # evdev: kernel-calibrated forces
        kg = np.concatenate([b.forces_n for b in blocks]).astype(np.float64) / STANDARD_GRAVITY_M_S2
    t = np.concatenate([b.t_s for b in blocks])
    total = kg.sum(axis=1)
    if abs(float(np.mean(total))) > TARE_MAX_LOAD_KG:
        raise DeviceError(
            f"the board is loaded ({float(np.mean(total)):.1f} kg) during the tare: step off the board and "
            "start again"
        )
    return TareResult(np.nanmean(kg, axis=0), span, t.size)


def wait_for_subject(
    read_block: ReadBlock, now: Callable[[], float], wait_s: float, min_load_kg: float, settle_s: float
) -> None:
    """Return once the total load has stayed >= ``min_load_kg`` for ``settle_s`` s; DeviceTimeout after ``wait_s``."""
    deadline = now() + wait_s
    loaded_since: float | None = None
    while now() < deadline:
        block = read_block(0.1)
        if block is None:
            continue
        total = block.forces_n.astype(np.float64).sum(axis=1) / STANDARD_GRAVITY_M_S2
        for t, w in zip(block.t_s, total, strict=True):
            if w >= min_load_kg:
                loaded_since = t if loaded_since is None else loaded_since
                if t - loaded_since >= settle_s:
                    return
            else:
                loaded_since = None
    raise DeviceTimeout(
        f"nobody stepped on the board within {wait_s:g} s after the tare "
        f"(needs >= {min_load_kg:g} kg for {settle_s:g} s)"
    )
