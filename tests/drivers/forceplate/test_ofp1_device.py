"""ForcePlate over pyusb's usb.core and the simulated plate: forces, tare, faults, reconnect, find()."""

from __future__ import annotations

import numpy as np
import pytest

from drivers import registry
from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound, DeviceStateError
from drivers.forceplate import device as device_module
from drivers.forceplate.calibration import Layout, cop_six_component
from drivers.forceplate.device import ForcePlate
from drivers.forceplate.sim_plate import SimulatedForcePlate
from drivers.forceplate.usb_faults import FaultPlan
from drivers.forceplate.usb_sim import SimulatedPlateBackend
from drivers.model import ChannelLayout, concatenate_blocks
from drivers.sim.subject import StandingSubject


def _plate(backend: SimulatedPlateBackend, **kwargs) -> ForcePlate:
    return ForcePlate(backend=backend, clock=backend.clock, **kwargs)


def _record(plate: ForcePlate, until_s: float):
    blocks = []
    while not blocks or blocks[-1].t_s[-1] < until_s:
        block = plate.read(0.5)
        if block is not None:
            blocks.append(block)
    return concatenate_blocks(blocks)


def _subject(seed: int = 4) -> StandingSubject:
    return StandingSubject(mass_kg=75.0, stance_width_mm=400.0, seed=seed)


def test_open_reads_identity_calibration_and_geometry() -> None:
    backend = SimulatedPlateBackend(serial="P-7")
    with _plate(backend) as plate:
        info = plate.info
        assert info.driver == "plate" and info.serial == "P-7" and info.nominal_rate_hz == 1000.0
        assert info.raw_counts and info.layout == ChannelLayout.LOAD_CELLS and info.firmware == "1.3"
        assert info.sensor_positions_mm == ((200.0, 150.0), (200.0, -150.0), (-200.0, 150.0), (-200.0, -150.0))
        assert plate.calibration == backend.model.calibration


def test_forces_follow_the_subject_and_raw_counts_are_kept() -> None:
    backend = SimulatedPlateBackend(subject=_subject())
    twin = _subject()
    with _plate(backend) as plate:
        plate.start()
        block = _record(plate, 3.0)
        plate.stop()
    truth = twin.sample(block.t_s)
    drift_n = (137 - 88 + 45 - 31) / 64  # the simulated zero drift the factory offsets do not know
    fz = block.forces_n.astype(np.float64).sum(axis=1)
    assert abs(np.mean(fz - truth.fz_n) - drift_n) < 0.01
    assert np.std(fz - truth.fz_n) < 0.1
    cal = plate.calibration
    np.testing.assert_allclose(block.forces_n, (block.raw.astype(np.int64) - cal.offsets) / 64.0, atol=1e-3)
    assert np.all(np.diff(block.seq.astype(np.int64)) == 1)
    np.testing.assert_allclose(np.diff(block.t_s), 1e-3, atol=1e-9)


def test_tare_zeroes_the_forces_but_not_the_raw_counts() -> None:
    backend = SimulatedPlateBackend(empty=True)
    with _plate(backend) as plate:
        plate.start()
        before = _record(plate, 1.0)
        plate.stop()
        tare = plate.tare(1000)
        plate.start()
        after = _record(plate, 2.5)
    np.testing.assert_allclose(before.forces_n.mean(axis=0), np.array([137, -88, 45, -31]) / 64, atol=0.01)
    np.testing.assert_array_equal(tare, [137, -88, 45, -31])
    np.testing.assert_allclose(after.forces_n.mean(axis=0), 0.0, atol=0.01)
    raw_net = after.raw.astype(np.int64) - plate.calibration.offsets
    np.testing.assert_allclose(raw_net.mean(axis=0), [137, -88, 45, -31], atol=1.0)  # raw counts untouched


def test_tare_while_streaming_is_refused() -> None:
    backend = SimulatedPlateBackend()
    with _plate(backend) as plate:
        plate.start()
        with pytest.raises(DeviceStateError, match="tare"):
            plate.tare(10)


def test_2khz_timing_is_exactly_the_device_clock() -> None:
    backend = SimulatedPlateBackend(rate_hz=2000)
    with _plate(backend) as plate:
        plate.start()
        block = _record(plate, 2.0)
    assert plate.info.nominal_rate_hz == 2000.0
    np.testing.assert_allclose(np.diff(block.t_s), 5e-4, atol=1e-9)


def test_rate_option_sets_the_plate_rate() -> None:
    backend = SimulatedPlateBackend(rate_hz=1000)
    with _plate(backend, rate_hz=2000) as plate:
        assert plate.info.nominal_rate_hz == 2000.0 and backend.model.rate_hz == 2000
    with pytest.raises(DeviceError, match="supports"):
        _plate(SimulatedPlateBackend(), rate_hz=3000).open()


def test_stalls_are_cleared_without_losing_samples() -> None:
    backend = SimulatedPlateBackend(faults=FaultPlan(stalls_at_s=[0.7, 1.9]))
    with _plate(backend) as plate:
        plate.start()
        block = _record(plate, 3.0)
    assert plate.stalls_cleared == backend.ledger.stalls == 2
    assert np.all(np.diff(block.seq.astype(np.int64)) == 1)
    assert sum(e.code == "stall" for e in block.events) == 2


def test_reconnects_after_unplug_and_accounts_for_the_absence() -> None:
    backend = SimulatedPlateBackend(faults=FaultPlan(unplug_at_s=1.0, replug_after_s=0.5))
    with _plate(backend, reconnect_s=5.0) as plate:
        plate.start()
        block = _record(plate, 3.0)
    assert plate.reconnects == 1
    (event,) = [e for e in block.events if e.code == "reconnected"]
    i = int(np.searchsorted(block.seq, np.uint64(event.seq)))
    gap_s = block.t_s[i] - block.t_s[i - 1]
    assert 0.5 < gap_s < 0.7  # away 0.5 s, plus the frames lost in the cable pull
    assert int(block.seq[i] - block.seq[i - 1]) == round(gap_s * 1000)  # seq jump = the time away
    assert np.all(np.diff(block.seq.astype(np.int64)) >= 1) and np.all(np.diff(block.t_s) > 0)


def test_unplug_without_replug_ends_with_device_disconnected() -> None:
    backend = SimulatedPlateBackend(faults=FaultPlan(unplug_at_s=0.5))
    with _plate(backend, reconnect_s=1.0) as plate:
        plate.start()
        with pytest.raises(DeviceDisconnected, match="did not come back"):
            _record(plate, 5.0)
    backend2 = SimulatedPlateBackend(faults=FaultPlan(unplug_at_s=0.5))
    with _plate(backend2, reconnect_s=0.0) as plate:
        plate.start()
        with pytest.raises(DeviceDisconnected, match="unplugged"):
            _record(plate, 5.0)


def test_wrong_serial_is_not_found() -> None:
    with pytest.raises(DeviceNotFound, match="serial NOPE"):
        ForcePlate("NOPE", backend=SimulatedPlateBackend()).open()


def test_six_component_plate_gives_forces_moments_and_cop() -> None:
    backend = SimulatedPlateBackend(Layout.SIX_COMPONENT, subject=_subject(9))
    twin = _subject(9)
    with _plate(backend) as plate:
        assert plate.info.layout == ChannelLayout.SIX_COMPONENT
        assert plate.info.channel_names == ("Fx", "Fy", "Fz", "Mx", "My", "Mz")
        plate.start()
        block = _record(plate, 2.0)
    truth = twin.sample(block.t_s)
    cal = plate.calibration
    drift = cal.matrix.astype(np.float64) @ np.array([137, -88, 45, -31, 12, -7])  # untared zero drift, N and N·m
    f = block.forces_n.astype(np.float64) - drift
    np.testing.assert_allclose(f[:, 0].mean(), 3.0, atol=0.05)  # the simulated shear
    np.testing.assert_allclose(f[:, 1].mean(), -4.0, atol=0.05)
    np.testing.assert_allclose(f[:, 2], truth.fz_n, atol=1.0)
    cop = cop_six_component(f, cal.az_m)
    np.testing.assert_allclose(cop.cop_x_mm, truth.cop_x_mm, atol=1.5)
    np.testing.assert_allclose(cop.cop_y_mm, truth.cop_y_mm, atol=1.5)


def test_registry_names_and_options() -> None:
    sim = registry.create("sim-plate", {"seed": "3", "rate_hz": "2000"})
    assert isinstance(sim, SimulatedForcePlate)
    with sim:
        assert sim.info.simulated and sim.info.driver == "sim-plate" and sim.info.nominal_rate_hz == 2000.0
    real = registry.create("plate:ABC123", {"vid": "1209", "pid": "0x0001", "read_timeout_ms": "200"})
    assert isinstance(real, ForcePlate) and real.serial == "ABC123" and real.read_timeout_ms == 200
    with pytest.raises(ValueError, match="read_timeout_ms"):
        ForcePlate(read_timeout_ms=5000)


def test_find_returns_nothing_without_a_plate_or_without_libusb(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ForcePlate.find() == []  # libusb-package is installed; no plate is attached here

    def no_backend():
        raise DeviceError("no libusb-1.0 found")

    monkeypatch.setattr(device_module, "real_backend", no_backend)
    assert ForcePlate.find() == []
    with pytest.raises(DeviceError, match="libusb"):
        ForcePlate().open()


def test_missing_pyusb_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("usb"):
            raise ImportError("No module named 'usb'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(DeviceError, match="pyusb"):
        ForcePlate().open()
    assert ForcePlate.find() == []


def test_write_calibration_round_trips_through_the_plate_and_changes_the_forces() -> None:
    from drivers.forceplate.calibration import Calibration

    backend = SimulatedPlateBackend(empty=True)
    new = Calibration(offsets=[81234 + 137, -40211 - 88, 15000 + 45, 2201 - 31], matrix=np.diag([1 / 32] * 4),
                      date_yyyymmdd=20261126, certificate="RECAL-2")
    with _plate(backend) as plate:
        plate.write_calibration(new)
        assert backend.model.calibration == new and plate.calibration == new
        plate.start()
        block = _record(plate, 1.0)
        with pytest.raises(DeviceStateError, match="write_calibration"):
            plate.write_calibration(new)
    np.testing.assert_allclose(block.forces_n.mean(axis=0), 0.0, atol=0.02)  # the new offsets include the drift
    with _plate(SimulatedPlateBackend()) as plate, pytest.raises(ValueError, match="channels"):
        plate.write_calibration(Calibration(offsets=[0], matrix=[[1.0]]))
