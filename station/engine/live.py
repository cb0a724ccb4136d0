"""Live measures for biofeedback, computed with :mod:`analysis` once per block as it arrives.

The display, the training modes and the live repetition count need, per sample: total vertical force,
centre of pressure and the load under each limb. The session (:mod:`station.engine.session`) derives them
once per block with a :class:`LiveDeriver` and hands them to every subscriber with the block; the ring
buffer keeps them beside the forces, so the display never converts a sample again.

The sums come from :class:`analysis.cop.CellGeometry` (the definitions of :func:`analysis.cop.cop_from_cells`
and :func:`analysis.weight_bearing.limb_loads_from_cell_pairs`, with the cell positions checked once); this
module adds no formula of its own except the per-sample share ``100·affected/(left + right)`` — the
"measured total" normalisation used for standing weight distribution (docs/methods.md §2.1;
:func:`analysis.weight_bearing.weight_bearing`).

Samples with less than ``min_fz_n`` on the device (nobody standing) are *unloaded*: their COP and
share are NaN and ``loaded`` is False. The training modes treat them as outside every target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from analysis.cop import DEFAULT_MIN_FZ_N, CellGeometry
from drivers.model import ChannelLayout, DeviceInfo, SampleBlock

__all__ = ["LIVE_FIELDS", "LiveDeriver", "LiveSamples", "concatenate_live", "live_samples", "recent_affected_pct"]

Side = Literal["left", "right"]


@dataclass(frozen=True)
class LiveSamples:
    """Per-sample live measures (all arrays shape (n,)).

    Attributes
    ----------
    t_s : device time, s
    fz_n : total vertical force, N
    cop_x_mm, cop_y_mm : centre of pressure in the device frame, mm (NaN where unloaded)
    affected_n, unaffected_n : load under each limb (cell pairs), N
    affected_pct : affected limb's share of the measured total, % (NaN where unloaded)
    loaded : True where ``fz_n >= min_fz_n``
    """

    t_s: np.ndarray
    fz_n: np.ndarray
    cop_x_mm: np.ndarray
    cop_y_mm: np.ndarray
    affected_n: np.ndarray
    unaffected_n: np.ndarray
    affected_pct: np.ndarray
    loaded: np.ndarray

    @property
    def n_samples(self) -> int:
        return int(self.t_s.shape[0])

    def since(self, t_s: float) -> LiveSamples:
        """The samples with time >= ``t_s``."""
        i = int(np.searchsorted(self.t_s, t_s, side="left"))
        return LiveSamples(*(getattr(self, name)[i:] for name in self.__dataclass_fields__))


def concatenate_live(parts: list[LiveSamples]) -> LiveSamples:
    """Consecutive live samples as one (in the order given)."""
    if len(parts) == 1:
        return parts[0]
    names = LiveSamples.__dataclass_fields__
    return LiveSamples(*(np.concatenate([getattr(p, name) for p in parts]) for name in names))


def live_samples(
    t_s: np.ndarray,
    forces_n: np.ndarray,
    positions_mm: np.ndarray,
    affected_side: Side,
    *,
    min_fz_n: float = DEFAULT_MIN_FZ_N,
) -> LiveSamples:
    """Fz, COP and the affected limb's share for each sample of a four-cell (or k-cell) board.

    Parameters
    ----------
    t_s : array_like, shape (n,)
        Sample times, s.
    forces_n : array_like, shape (n, k)
        Cell forces, N.
    positions_mm : array_like, shape (k, 2)
        Cell positions, mm (cells with x < 0 are under the left foot).
    affected_side : {"left", "right"}
    min_fz_n : float
        Below this total force (N) a sample is unloaded.
    """
    return LiveDeriver(positions_mm, affected_side, min_fz_n=min_fz_n).samples(t_s, forces_n)


def recent_affected_pct(s: LiveSamples, seconds: float) -> float:
    """Mean affected share over the loaded samples of the last ``seconds`` (s), %; NaN if none was loaded.

    The mean of per-sample shares, as :func:`analysis.weight_bearing.weight_bearing` computes
    ``affected_load_pct_bw`` with the measured-total normalisation.
    """
    if not seconds > 0:
        raise ValueError(f"the averaging window must be > 0 s, got {seconds}")
    if s.n_samples == 0:
        return float("nan")
    recent = s.since(float(s.t_s[-1]) - seconds)
    shares = recent.affected_pct[recent.loaded]
    return float(shares.mean()) if shares.size else float("nan")


#: The per-sample fields of :class:`LiveSamples` after ``t_s`` (what the ring buffer keeps beside the forces).
LIVE_FIELDS = ("fz_n", "cop_x_mm", "cop_y_mm", "affected_n", "unaffected_n", "affected_pct", "loaded")


class LiveDeriver:
    """Turns each block of a load-cell device into :class:`LiveSamples`, once (:func:`live_samples`).

    Parameters
    ----------
    positions_mm : array_like, shape (k, 2)
        The device's cell positions, mm.
    affected_side : {"left", "right"}
    min_fz_n : float
        Below this total force (N) a sample is unloaded.
    """

    def __init__(self, positions_mm: np.ndarray, affected_side: Side, *, min_fz_n: float = DEFAULT_MIN_FZ_N) -> None:
        if affected_side not in ("left", "right"):
            raise ValueError(f"affected_side must be 'left' or 'right', got {affected_side!r}")
        self.geometry = CellGeometry(positions_mm, min_fz_n=min_fz_n)
        self.affected_side: Side = affected_side

    @classmethod
    def for_device(cls, info: DeviceInfo, affected_side: str | None) -> LiveDeriver | None:
        """A deriver for a load-cell device with sensor positions and a known affected side; None otherwise."""
        if info.layout != ChannelLayout.LOAD_CELLS or info.sensor_positions_mm is None:
            return None
        if affected_side not in ("left", "right"):
            return None
        return cls(info.sensor_positions(), affected_side)  # type: ignore[arg-type]

    def samples(self, t_s: np.ndarray, forces_n: np.ndarray) -> LiveSamples:
        """The live measures of samples at ``t_s`` (s) with cell forces ``forces_n`` (N)."""
        t = np.asarray(t_s, dtype=np.float64)
        forces = np.asarray(forces_n)
        if forces.ndim != 2 or forces.shape[0] != t.shape[0]:
            raise ValueError(f"forces_n must have shape ({t.shape[0]}, k), got {forces.shape}")
        if t.shape[0] == 0:
            empty = np.zeros(0)
            return LiveSamples(empty, empty, empty, empty, empty, empty, empty, np.zeros(0, dtype=bool))
        c = self.geometry.loads(forces)
        affected, unaffected = (c.left_n, c.right_n) if self.affected_side == "left" else (c.right_n, c.left_n)
        total = affected + unaffected
        ok = c.loaded & (total > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(ok, 100.0 * affected / total, np.nan)
        return LiveSamples(t, c.fz_n, c.cop_x_mm, c.cop_y_mm, affected, unaffected, share, ok)

    def __call__(self, block: SampleBlock) -> LiveSamples:
        return self.samples(block.t_s, block.forces_n)
