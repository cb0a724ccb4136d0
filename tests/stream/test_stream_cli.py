"""``station stream`` as a user runs it: a real-time simulated plate published, an inlet here receiving it."""

import sys
import threading

import numpy as np

from station.cli import main
from tests.stream.lsl_helpers import WAIT_S, connect, pull, unique_name


def test_station_stream_publishes_a_device_until_its_seconds_are_up(lsl_loopback, capsys):
    pylsl = lsl_loopback[0]
    name = unique_name("cli")
    result = {}
    command = threading.Thread(target=lambda: result.setdefault("rc", main(
        ["stream", "--device", "sim-plate", "--seconds", "2", "--name", name, "--device-option", "seed=4"])))
    command.start()
    inlet = connect(pylsl, name)
    # The stream is live: what went out before we connected is not ours. Pull until the command has ended.
    values, stamps = pull(inlet, 2001, ended=lambda: not command.is_alive())
    command.join(WAIT_S)
    assert not command.is_alive() and result["rc"] == 0
    err = capsys.readouterr().err
    assert f"streaming {name!r} and '{name}-markers' over LSL" in err
    summary = err.split("station: ")[-1]
    published = int(summary.split(" samples published")[0])
    lost = int(summary.split(", ")[-1].split(" lost")[0])
    # 0 to 2 s of device time inclusive at 1 kHz: every sample published or counted lost (a loaded machine can
    # make the real-time simulator drop frames; they are counted, never hidden)
    assert published + lost == 2001
    assert 0 < stamps.size <= published and values.shape == (stamps.size, 4)
    # Device times a whole number of 1 ms periods apart, mapped with a slew of at most 500 ppm.
    periods = np.diff(stamps) / 1e-3
    assert np.all(np.abs(periods - np.round(periods)) <= np.round(periods) * 500e-6 + 1e-6)
    assert np.all(np.round(periods) >= 1)
    # A person stands on the simulated plate: every cell carries load.
    assert np.all(values > 0)


def test_station_stream_errors_are_one_line(lsl_loopback, capsys, monkeypatch):
    assert main(["stream", "--device", "no-such-device", "--seconds", "1"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("station: error: unknown device 'no-such-device'") and "\n" not in err

    monkeypatch.setitem(sys.modules, "pylsl", None)  # as if pylsl were not installed: `import pylsl` fails
    assert main(["stream", "--device", "sim-plate", "--seconds", "1"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("station: error: LSL streams need pylsl (the 'lsl' extra): pip install pylsl")
    assert "\n" not in err
