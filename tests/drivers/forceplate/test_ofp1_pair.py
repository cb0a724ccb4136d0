"""Two plates, one per foot, aligned on their own (drifting) clocks: per-limb load on one time base."""

from __future__ import annotations

import numpy as np
import pytest

from drivers import registry
from drivers.errors import DeviceError
from drivers.forceplate.device import ForcePlate
from drivers.forceplate.pair import ClockFit, PlatePair
from drivers.forceplate.sim_plate import SimulatedPlatePair
from drivers.forceplate.usb_sim import SimulatedPlateBackend
from drivers.model import concatenate_blocks

PPM = 50.0
DRIFT_N = (137 - 88 + 45 - 31) / 64  # each simulated plate's untared zero drift, N


def _run(pair: PlatePair, seconds: float):
    blocks = []
    with pair:
        pair.start()
        while not blocks or blocks[-1].t_s[-1] < seconds:
            block = pair.read(0.5)
            if block is not None:
                blocks.append(block)
    return concatenate_blocks(blocks)


def test_pair_time_base_follows_the_host_clock_despite_crystal_drift() -> None:
    pair = SimulatedPlatePair(ppm=PPM, seed=3, rate_hz=1000)
    data = _run(pair, 60.0)
    left_model = pair.backends[0].model
    speed = 1.0 + left_model.clock_ppm * 1e-6
    true_t = left_model.stream_t0_s + data.seq.astype(np.float64) / (1000.0 * speed)
    error = np.abs(data.t_s - true_t)
    # Until a second clock measurement the drift is unknown: at most ppm x resync interval (2 s) = 100 µs.
    assert np.max(error) <= PPM * 1e-6 * pair.resync_s + 5e-6
    assert np.max(error[data.t_s > 5.0]) < 20e-6  # then within 20 µs, to the end of the minute
    # Without the drift fit, one offset at connect would be off by PPM·60 s = 3 ms at the end.
    assert PPM * 1e-6 * 60.0 > 100 * 20e-6
    _, b_left = pair.fits["left"].coefficients()
    _, b_right = pair.fits["right"].coefficients()
    assert b_left == pytest.approx(PPM * 1e-6, abs=2e-7) and b_right == pytest.approx(-PPM * 1e-6, abs=2e-7)
    np.testing.assert_array_equal(np.diff(data.seq.astype(np.int64)), 1)  # nothing lost


def test_pair_gives_each_limb_its_plate_load() -> None:
    pair = SimulatedPlatePair(ppm=PPM, seed=4, affected_side="right", affected_share_pct=38.0)
    data = _run(pair, 20.0)
    truth = pair.subject_twin().sample(data.t_s)
    f = data.forces_n.astype(np.float64)
    left, right = f[:, :4].sum(axis=1), f[:, 4:].sum(axis=1)
    assert abs(np.mean(left - truth.left_n) - DRIFT_N) < 0.02 and np.std(left - truth.left_n) < 0.1
    assert abs(np.mean(right - truth.right_n) - DRIFT_N) < 0.02 and np.std(right - truth.right_n) < 0.1
    assert 100 * np.mean(right / (left + right)) == pytest.approx(38.0, abs=1.0)
    info = pair.info
    assert info.n_channels == 8 and not info.raw_counts
    assert all(x < 0 for x, _ in info.sensor_positions_mm[:4]) and all(x > 0 for x, _ in info.sensor_positions_mm[4:])


def test_clock_fit_recovers_offset_and_drift() -> None:
    fit = ClockFit()
    t = np.linspace(0.0, 30.0, 16)
    for ti in t:
        fit.add(float(ti), 5.0 - 30e-6 * float(ti))
    a, b = fit.coefficients()
    assert a == pytest.approx(5.0, abs=1e-9) and b == pytest.approx(-30e-6, abs=1e-12)
    np.testing.assert_allclose(fit.to_host(np.array([10.0])), [10.0 + 5.0 - 30e-6 * 10.0], atol=1e-9)
    with pytest.raises(ValueError, match="no clock"):
        ClockFit().coefficients()


def test_pair_rejects_plates_at_different_rates_and_overlapping_geometry() -> None:
    def plate(rate: int, serial: str) -> ForcePlate:
        backend = SimulatedPlateBackend(rate_hz=rate, serial=serial)
        return ForcePlate(serial, backend=backend, clock=backend.clock)

    with pytest.raises(DeviceError, match="Hz"):
        PlatePair(plate(1000, "A"), plate(2000, "B")).open()
    with pytest.raises(DeviceError, match="too small"):
        PlatePair(plate(1000, "A"), plate(1000, "B"), separation_mm=300.0).open()
    with pytest.raises(ValueError, match="separation"):
        PlatePair(plate(1000, "A"), plate(1000, "B"), separation_mm=0.0)


def test_pair_is_in_the_registry() -> None:
    pair = registry.create("sim-plate-pair", {"ppm": "20", "seed": "1"})
    assert isinstance(pair, SimulatedPlatePair)
    with pair:
        assert pair.info.driver == "sim-plate-pair" and pair.info.simulated
