"""The mat driver end to end over a pseudo-terminal: pyserial, termios, the stream parser, timing-based losses."""

import itertools
import os

import numpy as np
import pytest

from drivers import registry
from drivers.errors import DeviceDisconnected, DeviceNotFound
from drivers.mat.device import PressureMat, SimulatedPressureMat, do_p4864_candidate_table
from drivers.mat.footprints import SIM_NEWTON_PER_COUNT
from drivers.mat.protocol import DO_P4864, encode_frame
from drivers.model import ChannelLayout, ClockSource


def read_frames(device, n, timeout_s=10.0):
    blocks = []
    waited = 0.0
    while sum(b.n_samples for b in blocks) < n:
        block = device.read(0.25)
        if block is None:
            waited += 0.25
            assert waited < timeout_s, "the mat went quiet"
            continue
        blocks.append(block)
    return blocks


def test_registry_knows_both_mats_and_the_simulator_is_listed():
    assert registry.driver_class("mat") is PressureMat
    assert registry.driver_class("sim-mat") is SimulatedPressureMat
    assert any(found.spec == "sim-mat" for found in registry.find_devices())


def test_info_declares_the_mat_geometry_and_one_channel_per_cell():
    info = SimulatedPressureMat().info
    assert info.frame_shape == (48, 64) and info.cell_pitch_mm == 7.99
    assert info.layout == ChannelLayout.LOAD_CELLS and info.clock == ClockSource.HOST_ARRIVAL
    assert info.n_channels == 3072 and info.channel_names[64 + 2] == "r01c02"
    x, y = info.sensor_positions()[64 + 2]
    assert x == pytest.approx((2 - 31.5) * 7.99) and y == pytest.approx((23.5 - 1) * 7.99)
    assert info.simulated and info.driver == "sim-mat"


def test_simulated_frames_arrive_byte_exact_with_losses_found_by_timing():
    device = SimulatedPressureMat(speed=1.5, drop=0.06, seed=3, keep_history=True)
    with device:
        device.start()
        blocks = read_frames(device, 120)
        device.stop()
        history = list(device.simulator.history)
    frames = np.concatenate([b.frames for b in blocks])
    seq = np.concatenate([b.seq for b in blocks]).astype(np.int64)
    t = np.concatenate([b.t_s for b in blocks])
    # The first frame received tells which simulated frame seq 0 is (frames before start() were flushed).
    offset = next(h.index for h in history if h.sent and np.array_equal(h.counts, frames[0]))
    matched = [bool(np.array_equal(frames[i], history[offset + s].counts)) for i, s in enumerate(seq)]
    assert all(matched), f"frames {np.flatnonzero(~np.array(matched))} of {seq.size} got the wrong frame number"
    truly_dropped = {h.index - offset for h in history if not h.sent and offset <= h.index <= offset + seq[-1]}
    assert truly_dropped, "the test needs some lost frames"
    gaps = set()
    for a, b in itertools.pairwise(seq):
        gaps.update(range(a + 1, b))
    assert gaps == truly_dropped  # every lost frame, and only those, from arrival timing alone
    assert device.lost_frames == len(truly_dropped)
    assert np.all(np.diff(t) >= 0) and (t[-1] - t[0]) == pytest.approx((seq[-1] - seq[0]) / 20.7, abs=0.1)
    # Forces are the calibrated cells, row-major.
    np.testing.assert_allclose(blocks[0].forces_n[0], frames[0].reshape(-1) * SIM_NEWTON_PER_COUNT, rtol=1e-6)


def test_corrupted_frames_and_junk_bytes_never_reach_the_caller():
    device = SimulatedPressureMat(speed=4.0, corrupt=0.1, noise=0.2, seed=5, keep_history=True)
    with device:
        device.start()
        blocks = read_frames(device, 80)
        device.stop()
        history = list(device.simulator.history)
    good = [h.counts for h in history if h.sent and not h.corrupted]
    frames = np.concatenate([b.frames for b in blocks])
    for frame in frames:
        assert any(np.array_equal(frame, g) for g in good)
    assert device.parser.stats.checksum_rejected >= 1
    assert device.parser.stats.bytes_discarded > 0


def test_a_real_port_path_reads_frames_written_by_hand(tmp_path):
    """The 'mat' driver on a raw pty we drive ourselves: observe mode accepts a bad checksum, flags it."""
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        cells = np.zeros((48, 64), np.uint8)
        cells[10:20, 5:9] = 100
        mat = PressureMat(os.ttyname(slave), calibration="linear", newton_per_count=0.5)
        with mat:
            mat.start()
            frame = bytearray(encode_frame(cells))
            frame[3077] ^= 0xFF  # a real DO-P4864 checksum that does not follow the documented formula
            os.write(master, b"\x00\x13junk" + bytes(frame))
            block = read_frames(mat, 1)[0]
            np.testing.assert_array_equal(block.frames[0], cells)
            assert block.forces_n[0].sum() == pytest.approx(40 * 100 * 0.5)
            assert mat.parser.stats.checksum_mismatches == 1
            os.close(master)
            master = -1
            with pytest.raises(DeviceDisconnected):
                for _ in range(20):
                    mat.read(0.1)
    finally:
        for fd in (master, slave):
            if fd >= 0:
                os.close(fd)


def test_linear_calibration_needs_its_factor():
    with pytest.raises(ValueError, match="newton_per_count"):
        PressureMat("/dev/ttyUSB0", calibration="linear")
    with pytest.raises(ValueError, match="calibration"):
        registry.create("mat:/dev/ttyUSB0", {"calibration": "quadratic"})
    assert "do-p4864-candidate" in PressureMat("/dev/ttyUSB0").info.model


def test_missing_port_is_a_clear_error():
    with pytest.raises(DeviceNotFound, match="no serial port"):
        PressureMat("").open()
    with pytest.raises(DeviceNotFound, match="/dev/does-not-exist"):
        PressureMat("/dev/does-not-exist").open()


def test_candidate_calibration_table_follows_the_published_curve():
    table = do_p4864_candidate_table()
    assert table[0] == 0 and np.all(np.diff(table[:255]) > 0) and table[255] == table[254]
    # Independent evaluation at code 128 (V = 2.0560 V, u = ln(V / (4.096 - V))).
    v = 128 / 255 * 4.096
    u = np.log(v / (4.096 - v))
    expected = np.exp(-0.416054290108397 + np.exp(-2.057009203457983) * min(u, -0.6755514186685658)
                      + np.exp(-0.5532326211611178) * max(u + 0.6755514186685658, 0))
    assert table[128] == pytest.approx(expected, rel=1e-12)
    assert do_p4864_candidate_table(zero_counts=10)[10] == 0
    assert DO_P4864.baudrate == 1_000_000


def test_simulator_rejects_an_address_and_bad_options():
    with pytest.raises(ValueError, match="no address"):
        SimulatedPressureMat("/dev/ttyUSB0")
    with pytest.raises(ValueError, match="drop"):
        registry.create("sim-mat", {"drop": "1.5"}).open()


def test_the_simulated_mat_reopens_as_the_same_person():
    device = SimulatedPressureMat(speed=5.0, seed=8)
    firsts = []
    for _ in range(2):
        with device:
            device.start()
            firsts.append(read_frames(device, 3)[0].frames[0])
    assert firsts[0].max() > 0 and firsts[0].shape == firsts[1].shape == (48, 64)


def test_a_failing_simulator_shows_up_as_a_disconnected_device():
    class Broken:
        def counts(self, t_s):
            raise RuntimeError("scene failed")

    device = SimulatedPressureMat(speed=5.0)
    with device:
        device.simulator.close()  # replace the healthy simulator by one whose scene fails
        from drivers.mat.simulator import MatSimulator

        device.simulator = MatSimulator(Broken(), speed=5.0)
        device._transport.close()
        device.address = device.simulator.port
        device._transport = None
        from drivers.mat.transport import SerialTransport

        device._transport = SerialTransport(device.address, 1_000_000)
        device._transport.open()
        device.simulator.start()
        with pytest.raises(DeviceDisconnected):
            device.start()  # the port may already be gone here, or go away while reading
            for _ in range(40):
                device.read(0.1)
        assert isinstance(device.simulator.error, RuntimeError)


def test_a_burst_after_a_host_stall_keeps_times_strictly_increasing():
    """Frames buffered during a stall arrive together; their back-dated times must not reach past the
    previous frame (they used to be clamped to equal times, which analysis rejects)."""
    from types import SimpleNamespace

    mat = PressureMat("/dev/null-not-opened")
    interval = mat.fmt.frame_interval_s
    cells = np.zeros((mat.fmt.rows, mat.fmt.cols), dtype=np.uint8)
    frame = SimpleNamespace(cells=cells)
    first = mat._block([frame], 10.0, 10.0)
    # Five frames arrive 1.5 intervals later: back-dating them one interval apart would reach 10.0 - 2.5 intervals.
    burst = mat._block([frame] * 5, 10.0 + 1.5 * interval, 10.0 + 1.5 * interval)
    t = np.concatenate([first.t_s, burst.t_s])
    assert np.all(np.diff(t) > 0)
    assert burst.t_s[-1] == pytest.approx(10.0 + 1.5 * interval)
    np.testing.assert_allclose(np.diff(burst.t_s), 1.5 * interval / 5)
