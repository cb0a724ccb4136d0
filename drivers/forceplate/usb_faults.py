"""Fault injection for the simulated OFP-1 plate, with an exact ledger of what was injected.

A :class:`FaultPlan` says what to inject: per-frame drops (a device FIFO overrun: the next sample frame
carries the OVERRUN flag), corrupted bytes and duplicated frames, endpoint stalls (EPIPE), silences
that make reads time out (errno 110), an unplug (errno 19) and a replug that reboots the plate. The
:class:`FaultLedger` counts what was actually done: the truth the host's accounting is checked
against. :class:`FaultInjector` applies the per-frame faults to what the firmware finished; the
transfer-level faults (stalls, silences, unplug) are applied by the backend
(:mod:`drivers.forceplate.usb_sim`).

References
----------
``docs/ofp-1.md`` §6 (continuity accounting the faults exercise); docs/ofp-1.md §8 (O9).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from drivers.forceplate.frames import FrameFlags, FrameType
from drivers.forceplate.sim_firmware import PlateModel

__all__ = ["FaultInjector", "FaultLedger", "FaultPlan"]


@dataclass
class FaultPlan:
    """Faults to inject. Probabilities are per frame; times are device-clock seconds since plug-in.

    ``silences`` are (start_s, duration_s) windows where the plate sends nothing (it keeps sampling and
    buffers, so nothing is lost; the host's reads time out). ``stalls_at_s`` halt the bulk IN endpoint
    until the host clears it. ``unplug_at_s`` pulls the cable; ``replug_after_s`` later the plate comes
    back (it rebooted: counters restart at 0).
    """

    drop_prob: float = 0.0
    corrupt_prob: float = 0.0
    duplicate_prob: float = 0.0
    silences: Sequence[tuple[float, float]] = ()
    stalls_at_s: Sequence[float] = ()
    unplug_at_s: float | None = None
    replug_after_s: float | None = None
    seed: int = 0
    #: Per-frame faults (drop, corrupt, duplicate) only between these clock times, s.
    active_from_s: float = 0.0
    active_until_s: float = float("inf")

    def __post_init__(self) -> None:
        for name in ("drop_prob", "corrupt_prob", "duplicate_prob"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must be within [0, 1), got {value}")


@dataclass
class FaultLedger:
    """What was actually injected (the truth the host's accounting is checked against)."""

    dropped_frames: int = 0
    dropped_samples: int = 0
    corrupted_frames: int = 0
    corrupted_samples: int = 0
    corrupted_status_frames: int = 0
    duplicated_frames: int = 0
    stalls: int = 0
    timeouts: int = 0
    unplugs: int = 0
    frames_sent: int = 0
    samples_sent: int = 0  # samples in frames sent intact
    samples_generated: int = 0
    lost_in_unplug_samples: int = 0  # generated but never delivered when the cable was pulled
    corrupted_frame_counters: list[int] = field(default_factory=list)


class FaultInjector:
    """Applies a plan's per-frame faults (drop, corrupt, duplicate) to the frames a plate finishes."""

    def __init__(self, plan: FaultPlan, ledger: FaultLedger) -> None:
        self.plan = plan
        self.ledger = ledger
        self._rng = np.random.default_rng([plan.seed, 11])

    def frames_until(self, model: PlateModel, now: float) -> list[tuple[bytes, int]]:
        """Move the firmware up to ``now``: every frame to send, with the samples it carries (0: not samples)."""
        f, led, rng = self.plan, self.ledger, self._rng
        active = f.active_from_s <= now < f.active_until_s
        out: list[tuple[bytes, int]] = []
        for ftype, n_samples, frame in model.frames_until(now):
            if ftype == FrameType.SAMPLES:
                led.samples_generated += n_samples
            if active and ftype == FrameType.SAMPLES and f.drop_prob and rng.random() < f.drop_prob:
                led.dropped_frames += 1
                led.dropped_samples += n_samples
                model.dropped_total += n_samples
                model.overrun_pending = True
                continue
            if ftype == FrameType.SAMPLES and model.overrun_pending:
                # The FIFO overflowed before this frame: flag it (and fix the CRC, as firmware would).
                head = bytearray(frame[:-4])
                head[6] |= FrameFlags.OVERRUN
                frame = bytes(head) + struct.pack("<I", zlib.crc32(head))
                model.overrun_pending = False
            copies = [frame]
            if active and f.corrupt_prob and rng.random() < f.corrupt_prob:
                bad = bytearray(frame)
                pos = int(rng.integers(0, len(bad)))
                bad[pos] ^= int(rng.integers(1, 256))
                copies = [bytes(bad)]
                if ftype == FrameType.SAMPLES:
                    led.corrupted_frames += 1
                    led.corrupted_samples += n_samples
                else:
                    led.corrupted_status_frames += 1
                led.corrupted_frame_counters.append(int.from_bytes(frame[8:12], "little"))
            elif active and f.duplicate_prob and ftype == FrameType.SAMPLES and rng.random() < f.duplicate_prob:
                copies = [frame, frame]
                led.duplicated_frames += 1
                led.samples_sent += n_samples
            elif ftype == FrameType.SAMPLES:
                led.samples_sent += n_samples
            for c in copies:
                out.append((c, n_samples if ftype == 1 else 0))
                led.frames_sent += 1
        return out
