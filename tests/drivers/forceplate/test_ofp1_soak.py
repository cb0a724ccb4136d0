"""Soak: 60 s of device time at 2 kHz through pyusb's usb.core and the simulated plate.

Runs on the simulated clock, as fast as the machine allows. Without faults nothing is lost; with
faults every injected drop, corruption, duplicate, stall and timeout is accounted for exactly.
"""

from __future__ import annotations

import numpy as np

from drivers.forceplate.device import ForcePlate
from drivers.forceplate.usb_faults import FaultPlan
from drivers.forceplate.usb_sim import SimulatedPlateBackend
from drivers.model import concatenate_blocks
from station.engine.acquisition import Acquisition

SOAK_S = 60.0
RATE_HZ = 2000


def test_soak_2khz_60s_without_faults_loses_nothing() -> None:
    backend = SimulatedPlateBackend(rate_hz=RATE_HZ, seed=5)
    blocks = []
    with ForcePlate(backend=backend, clock=backend.clock) as plate:
        acquisition = Acquisition(plate, blocks.append, duration_s=SOAK_S)
        stats = acquisition.run(poll_s=0.01)
    assert acquisition.device_fault is None
    data = concatenate_blocks(blocks)
    assert stats.lost_samples == 0
    assert data.n_samples == int(SOAK_S * RATE_HZ) + 1  # t - t_first <= 60 s
    np.testing.assert_array_equal(data.seq, np.arange(data.n_samples, dtype=np.uint64))
    np.testing.assert_allclose(np.diff(data.t_s), 1.0 / RATE_HZ, atol=1e-9)
    assert plate.timeouts == 0 and backend.ledger.timeouts == 0
    assert not any(e.code in ("gap", "duplicate") for e in data.events)


def test_soak_2khz_60s_accounts_for_every_injected_fault() -> None:
    faults = FaultPlan(
        drop_prob=0.01, corrupt_prob=0.01, duplicate_prob=0.005, seed=8,
        stalls_at_s=[5.05, 17.3, 33.3], silences=[(12.0, 0.45), (40.0, 1.0)],
        active_from_s=0.5, active_until_s=SOAK_S - 1.0,  # losses at the very ends are undetectable
    )
    backend = SimulatedPlateBackend(rate_hz=RATE_HZ, seed=6, faults=faults)
    blocks = []
    with ForcePlate(backend=backend, clock=backend.clock) as plate:
        plate.start()
        while not blocks or blocks[-1].t_s[-1] < SOAK_S:
            block = plate.read(0.5)
            if block is not None:
                blocks.append(block)
        parser_stats = plate._parser.stats
    data = concatenate_blocks(blocks)
    led = backend.ledger
    assert led.dropped_frames > 30 and led.corrupted_frames > 30 and led.duplicated_frames > 10  # faults happened
    # Losses by the sample index: exactly the samples of dropped and corrupted frames.
    assert parser_stats.lost_samples == led.dropped_samples + led.corrupted_samples
    # Losses by the frame counter: every dropped or corrupted frame, status frames included.
    assert parser_stats.lost_frames == led.dropped_frames + led.corrupted_frames + led.corrupted_status_frames
    assert parser_stats.duplicates == led.duplicated_frames
    assert plate.stalls_cleared == led.stalls == 3
    assert plate.timeouts == led.timeouts >= 2 + 6  # 0.45 s and 1.0 s silences, 150 ms reads
    # What arrived plus what was counted lost covers the whole index range, with no sample twice.
    seq = data.seq.astype(np.int64)
    assert np.all(np.diff(seq) >= 1)
    assert data.n_samples + parser_stats.lost_samples == seq[-1] - seq[0] + 1
    gaps = [e for e in data.events if e.code == "gap"]
    assert sum(int(e.label.split()[0]) for e in gaps) == parser_stats.lost_samples
    assert sum(e.code == "overrun" for e in data.events) >= 1  # dropped frames are flagged by the plate
