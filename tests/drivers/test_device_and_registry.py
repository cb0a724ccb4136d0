import pytest

from drivers import registry
from drivers.device import DeviceState
from drivers.errors import DeviceStateError, UnknownDriverError
from drivers.wii.sim_device import SimulatedWiiBalanceBoard


def test_state_machine_rejects_calls_out_of_order():
    device = SimulatedWiiBalanceBoard()
    with pytest.raises(DeviceStateError, match="call start\\(\\) first"):
        device.read(0.1)
    with pytest.raises(DeviceStateError, match="start\\(\\) needs an open device"):
        device.start()
    device.open()
    with pytest.raises(DeviceStateError, match="already open"):
        device.open()
    device.start()
    assert device.state is DeviceState.STREAMING
    with pytest.raises(ValueError, match="timeout_s must be >= 0"):
        device.read(-1)
    device.close()
    device.close()  # twice is fine
    assert device.state is DeviceState.CLOSED


def test_context_manager_closes_a_streaming_device():
    with SimulatedWiiBalanceBoard() as device:
        device.start()
        assert device.read(0.1) is not None
    assert device.state is DeviceState.CLOSED


def test_registry_creates_the_simulator_with_converted_options():
    device = registry.create("sim", {"mass_kg": "81.5", "affected_side": "right", "dropout": "0.1", "empty": "no"})
    assert isinstance(device, SimulatedWiiBalanceBoard)
    assert device.subject.mass_kg == 81.5 and device.subject.affected_side == "right" and device.board.dropout == 0.1


def test_create_for_gives_a_simulator_the_subject_and_leaves_real_hardware_alone():
    sim = registry.create_for("sim", mass_kg=64.0, affected_side="right", realtime=False,
                              extras={"mode": "stepping", "exercise": "mini-squat"})  # no exercise option: skipped
    assert sim.subject.mass_kg == 64.0 and sim.subject.affected_side == "right" and sim.realtime is False
    assert type(sim.subject).__name__ == "SteppingSubject"
    # the user's --device-option values win over the subject's, and are converted from text
    mine = registry.create_for("sim", mass_kg=64.0, options={"mass_kg": "90", "seed": "3"})
    assert mine.subject.mass_kg == 90.0
    # a driver without subject options (a real board) gets none of them, and no error
    real = registry.create_for("wbb", mass_kg=64.0, affected_side="left", realtime=True, speed=10.0)
    assert type(real).__name__ == "WiiBalanceBoard"
    # sim-home takes the speed and the exercise
    home = registry.create_for("sim-home", mass_kg=58.0, speed=10.0, extras={"exercise": "mini-squat"})
    assert home.home_subject.exercise == "mini-squat" and home.home_subject.mass_kg == 58.0
    with pytest.raises(ValueError, match=r"has no option 'colour' \(options: .*mass_kg"):
        registry.create_for("sim", mass_kg=64.0, options={"colour": "red"})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"colour": "red"}, "has no option 'colour'"),
        ({"mass_kg": "heavy"}, "option mass_kg='heavy'"),
        ({"affected_side": "up"}, "expected left or right"),
        ({"empty": "maybe"}, "expected true/false"),
        ({"dropout": "1.5"}, "dropout and bad_report_rate must be within"),
    ],
)
def test_registry_rejects_bad_options_by_name(options, message):
    with pytest.raises(ValueError, match=message):
        registry.create("sim", options)


def test_unknown_driver_names_the_known_ones():
    with pytest.raises(UnknownDriverError, match=r"unknown device 'nope'; known devices: .*sim"):
        registry.create("nope")
    with pytest.raises(UnknownDriverError, match="empty device name"):
        registry.create(":addr")


def test_find_devices_lists_the_simulator_with_a_spec_to_open_it():
    found = {d.spec: d for d in registry.find_devices()}
    assert "sim" in found
    assert "simulated" in found["sim"].description
    assert isinstance(registry.create(found["sim"].spec), SimulatedWiiBalanceBoard)


def test_parse_spec_splits_name_and_address():
    assert registry.parse_spec("wbb:/dev/hidraw3") == ("wbb", "/dev/hidraw3")
    assert registry.parse_spec(" sim ") == ("sim", "")
