"""The device-to-LSL time map on synthetic clocks whose truth is known: drift, latency, restarts.

Model: a sample taken at true host time h carries device time t = (h − h0)·(1 + drift); the block reaches
the outlet at its newest sample's h plus a latency ≥ the minimum latency. The map should stamp each
sample near h + minimum latency (the offset is estimated from the fastest arrivals), track drift, and
never step.
"""

import numpy as np
import pytest

from station.stream.clock_map import DeviceClockMap
from station.stream.markers import SeqGap, seq_gaps

RATE_HZ = 1000.0
BLOCK = 10  # samples per block
MIN_LATENCY_S = 0.2e-3
H0 = 5000.0  # host clock at the device's t = 0, s


def _run(clock_map, drift, seconds, seed=0):
    """Feed ``seconds`` of 1 kHz blocks; (true host times, stamps)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE_HZ)
    h = H0 + np.arange(n) / RATE_HZ
    t = (h - H0) * (1.0 + drift)
    stamps = np.empty(n)
    for start in range(0, n, BLOCK):
        sl = slice(start, start + BLOCK)
        arrival = h[sl][-1] + MIN_LATENCY_S + rng.exponential(2e-3)  # USB/queueing jitter, mean 2 ms
        stamps[sl] = clock_map.map_block(t[sl], arrival)
    return h, t, stamps


@pytest.mark.parametrize("drift", [100e-6, -100e-6])
def test_the_map_tracks_a_drifting_device_clock_to_the_fastest_arrival(drift):
    h, _, stamps = _run(DeviceClockMap(), drift, 120.0)
    error = stamps - (h + MIN_LATENCY_S)
    settled = h > H0 + 30.0
    # Offset from the fastest arrivals: after settling, within 0.5 ms of the truth; early by no more than
    # window_s × drift (a slow device clock: the window's minimum is its oldest observation).
    assert np.min(error[settled]) >= -DeviceClockMap().window_s * abs(drift) - 1e-6
    assert np.max(error[settled]) < 0.5e-3
    assert np.all(np.diff(stamps) > 0)


def test_without_slew_the_offset_stays_and_the_drift_accumulates():
    h, t, stamps = _run(DeviceClockMap(max_slew=0.0), 100e-6, 120.0)
    offset = stamps - t
    assert np.ptp(offset) < 1e-9  # pure device timing
    # ... so a device clock 100 ppm fast puts the last sample 12 ms after its true host time in 120 s.
    assert stamps[-1] - h[-1] == pytest.approx(offset[0] - (h[0] - t[0]) + 100e-6 * (h[-1] - h[0]), abs=1e-6)
    assert abs(stamps[-1] - h[-1]) > 10e-3


def test_the_offset_never_changes_faster_than_max_slew():
    clock_map = DeviceClockMap(max_slew=500e-6)
    first = clock_map.map_block(np.array([0.0, 0.001]), 100.050)  # a slow first arrival: 50 ms late
    later = clock_map.map_block(np.array([1.0, 1.001]), 100.0 + 1.001)  # on time
    assert first[-1] == pytest.approx(100.050)
    # The target is 50 ms lower, but one device second allows at most 0.5 ms of change.
    assert later[-1] - 1.001 == pytest.approx(first[-1] - 0.001 - 500e-6 * 1.0, abs=1e-12)
    assert clock_map.target_s == pytest.approx(100.0)


def test_markers_at_a_sample_time_get_the_sample_stamp_and_a_restart_needs_a_reset():
    clock_map = DeviceClockMap()
    stamps = clock_map.map_block(np.array([2.0, 2.5, 3.0]), 10.0)
    assert clock_map.lsl_time(3.0) == stamps[-1] == pytest.approx(10.0)
    assert clock_map.lsl_time(2.0) == pytest.approx(stamps[0])
    with pytest.raises(ValueError, match="went back"):
        clock_map.map_block(np.array([0.0, 0.5]), 11.0)
    clock_map.reset()
    assert clock_map.map_block(np.array([0.0, 0.5]), 11.0)[-1] == pytest.approx(11.0)


def test_bad_settings_and_times_are_refused():
    for kwargs in ({"max_slew": -1e-6}, {"max_slew": 0.5}, {"window_s": 0.0}, {"window_s": float("nan")}):
        with pytest.raises(ValueError):
            DeviceClockMap(**kwargs)
    clock_map = DeviceClockMap()
    with pytest.raises(ValueError, match="no block"):
        clock_map.lsl_time(1.0)
    with pytest.raises(ValueError):
        clock_map.map_block(np.array([]), 1.0)
    with pytest.raises(ValueError):
        clock_map.map_block(np.array([np.nan]), 1.0)


def test_seq_gaps_names_every_jump_with_its_size_and_first_missing_value():
    seq = np.array([10, 11, 15, 16, 20], dtype=np.uint64)
    # 12..14 and 17..19 missing; and 8..9 before the block after a previous block ending at 7.
    assert seq_gaps(seq, previous_seq=7) == [SeqGap(0, 2, 8), SeqGap(2, 3, 12), SeqGap(4, 3, 17)]
    assert seq_gaps(seq, previous_seq=None) == [SeqGap(2, 3, 12), SeqGap(4, 3, 17)]
    assert seq_gaps(np.array([4, 5, 6]), previous_seq=3) == []
