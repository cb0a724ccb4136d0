"""Live feedback during a set on the console: the repetitions counted so far and the load against the target.

:class:`TappedDevice` wraps any device and keeps a copy of every block the acquisition reads (the recording
path is unchanged: the same blocks go to the HDF5 writer). :class:`LiveSet` turns the blocks so far into a
:class:`LiveStatus` with :func:`analysis.repetitions.detect_repetitions` — the same rule as the analysis after
the set, so the live count and the stored count agree.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.repetitions import detect_repetitions
from analysis.weight_bearing import limb_loads_from_cell_pairs
from drivers.device import Device
from drivers.model import DeviceInfo, SampleBlock
from station.home.exercises import exercise
from station.home.prescription import ExerciseDose

__all__ = ["LiveSet", "LiveStatus", "TappedDevice"]


class TappedDevice(Device):
    """``inner`` as it is, with every block read also kept in :attr:`blocks` (thread-safe snapshot)."""

    def __init__(self, inner: Device) -> None:
        super().__init__()
        self.inner = inner
        self._blocks: list[SampleBlock] = []
        self._blocks_lock = threading.Lock()

    @property
    def info(self) -> DeviceInfo:
        return self.inner.info

    def recording_settings(self) -> dict[str, tuple[Any, str]]:
        return self.inner.recording_settings()

    def blocks(self) -> list[SampleBlock]:
        with self._blocks_lock:
            return list(self._blocks)

    def _open(self) -> None:
        with self._blocks_lock:
            self._blocks.clear()
        self.inner.open()

    def _start(self) -> None:
        self.inner.start()

    def _read(self, timeout_s: float) -> SampleBlock | None:
        block = self.inner.read(timeout_s)
        if block is not None:
            with self._blocks_lock:
                self._blocks.append(block)
        return block

    def _stop(self) -> None:
        self.inner.stop()

    def _close(self) -> None:
        self.inner.close()


@dataclass(frozen=True)
class LiveStatus:
    """The set so far: time (s), repetitions, the affected-limb share now (%), the hold under way (s)."""

    elapsed_s: float
    duration_s: float
    reps_complete: int
    reps_prescribed: int
    reps_on_target: int
    affected_now_pct: float | None
    in_band: bool
    hold_now_s: float
    hold_target_s: float | None
    band: tuple[float | None, float | None]

    def line(self) -> str:
        lo, hi = self.band
        band = (f"{lo:g}-{hi:g}" if lo is not None and hi is not None else
                f">= {lo:g}" if lo is not None else f"<= {hi:g}" if hi is not None else "any")
        now = "  --  " if self.affected_now_pct is None else f"{self.affected_now_pct:4.0f} %"
        mark = "ON TARGET" if self.in_band else "off target"
        hold = f"  hold {self.hold_now_s:4.1f}/{self.hold_target_s:g} s" if self.hold_target_s else ""
        return (f"  {self.elapsed_s:5.1f}/{self.duration_s:.0f} s  reps {self.reps_complete}/{self.reps_prescribed}"
                f" ({self.reps_on_target} on target)  sore leg {now} [target {band}] {mark}{hold}")


class LiveSet:
    """Live status of one set from a :class:`TappedDevice`'s blocks."""

    def __init__(self, device: TappedDevice, dose: ExerciseDose, body_weight_n: float, affected_side: str,
                 duration_s: float) -> None:
        self.device = device
        self.dose = dose
        self.body_weight_n = body_weight_n
        self.affected_side = affected_side
        self.duration_s = duration_s
        self.kind = exercise(dose.exercise).kind.value
        self.holds = exercise(dose.exercise).counts_holds

    def status(self) -> LiveStatus:
        blocks = self.device.blocks()
        t_dose = self.dose.target
        band = (t_dose.affected_min_pct_bw, t_dose.affected_max_pct_bw)
        empty = LiveStatus(0.0, self.duration_s, 0, self.dose.reps, 0, None, False, 0.0,
                           self.dose.hold_s if self.holds else None, band)
        if not blocks:
            return empty
        t = np.concatenate([b.t_s for b in blocks])
        forces = np.concatenate([b.forces_n for b in blocks])
        if t.size < 2:
            return empty
        loads = limb_loads_from_cell_pairs(forces, self.device.info.sensor_positions())
        aff, unaff = (loads.left_n, loads.right_n) if self.affected_side == "left" else (loads.right_n, loads.left_n)
        r = detect_repetitions(self.kind, t, aff, unaff, body_weight_n=self.body_weight_n,
                               target_min_pct_bw=band[0], target_max_pct_bw=band[1],
                               hold_s=self.dose.hold_s if self.holds else None)
        total_n = aff + unaff
        if self.kind in ("sit-to-stand", "step-up", "stepping-in-place"):
            pct = aff / self.body_weight_n * 100.0
        else:
            loaded = total_n > 0.2 * self.body_weight_n
            pct = np.where(loaded, aff / np.where(loaded, total_n, 1.0) * 100.0, np.nan)
        recent = t >= t[-1] - 0.5
        now_values = pct[recent]
        now = None if np.isnan(now_values).any() else float(np.mean(now_values))
        with np.errstate(invalid="ignore"):
            inside = (pct >= (band[0] if band[0] is not None else -np.inf)) & (
                pct <= (band[1] if band[1] is not None else np.inf))
        in_band = bool(inside[-1]) and now is not None
        hold_now = 0.0
        if inside[-1]:
            outside = np.flatnonzero(~inside)
            entered = t[outside[-1] + 1] if outside.size else t[0]
            hold_now = float(t[-1] - entered)
            if self.kind == "symmetric-stance" and self.dose.hold_s > 0:
                hold_now %= self.dose.hold_s  # every hold counts one repetition: the next one under way
        return LiveStatus(float(t[-1] - t[0]), self.duration_s, r.n_complete, self.dose.reps, r.n_on_target, now,
                          in_band, hold_now, self.dose.hold_s if self.holds else None, band)
