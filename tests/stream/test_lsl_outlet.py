"""The LSL outlet end to end: a simulated plate published, an inlet in this process receiving every sample.

Discovery stays on this machine (``conftest.py``: ResolveScope = machine, IPv6 off, set through LSLAPICFG
before liblsl loads). Expectations are independent of the outlet: values and order from the blocks the
simulator produced, time stamps bounded by host clock readings taken around each push, lost samples from the
sample counter, metadata from the device's own DeviceInfo.
"""

import numpy as np
import pytest

from station.stream import LslOutlet
from tests.stream.lsl_helpers import connect, device_blocks, own_inet_sockets, pull, unique_name

DROPPY_PLATE = {"drop_prob": "0.05", "seed": "3"}


def _publish(pylsl, outlet, info, blocks, *, marker_inlet=False):
    """Open, connect inlets, push every block with host clock readings around each push."""
    outlet.open(info)
    inlet = connect(pylsl, outlet.name, outlet)
    markers = connect(pylsl, outlet.marker_name) if marker_inlet else None
    before, after = [], []
    for block in blocks:
        before.append(pylsl.local_clock())
        outlet.push_block(block)
        after.append(pylsl.local_clock())
    return inlet, markers, np.array(before), np.array(after)


def test_every_sample_arrives_in_order_with_its_device_time_mapped_to_lsl_time(lsl_loopback):
    pylsl = lsl_loopback[0]
    info, blocks = device_blocks("sim-plate", DROPPY_PLATE, 3000)
    t = np.concatenate([b.t_s for b in blocks])
    forces = np.concatenate([b.forces_n for b in blocks])
    block_of = np.repeat(np.arange(len(blocks)), [b.n_samples for b in blocks])
    with LslOutlet(name=unique_name("plate")) as outlet:
        inlet, _, before, after = _publish(pylsl, outlet, info, blocks)
        values, stamps = pull(inlet, t.size)
        inlet.close_stream()

    assert stamps.size == t.size  # every sample, none twice
    assert values.dtype == np.float32 and np.array_equal(values, forces)  # exact float32 values, in order
    assert np.all(np.diff(stamps) > 0)  # the simulator's device times strictly increase; so must the stamps
    offset = stamps - t
    # The first block's newest sample is stamped with its arrival: between the clock readings around its push.
    t_last = np.array([b.t_s[-1] for b in blocks])
    first = offset[block_of == 0]
    assert np.ptp(first) < 1e-9
    assert before[0] - t_last[0] - 1e-9 <= first[0] <= after[0] - t_last[0] + 1e-9
    # Afterwards the offset moves at most max_slew per device second, never below the smallest
    # (arrival - device time) seen so far (arrival is no earlier than the reading before the push).
    slew = outlet.clock.max_slew
    assert np.all(np.abs(offset - first[0]) <= slew * (t - t[0]) + 1e-9)
    lowest_seen = np.minimum.accumulate(before - t_last)[block_of]
    assert np.all(offset >= lowest_seen - 1e-9)


def test_a_fixed_offset_keeps_the_device_spacing_exactly(lsl_loopback):
    pylsl = lsl_loopback[0]
    info, blocks = device_blocks("sim-plate", {"seed": "5"}, 2000)
    t = np.concatenate([b.t_s for b in blocks])
    with LslOutlet(name=unique_name("fixed"), max_slew=0.0) as outlet:
        inlet, _, before, after = _publish(pylsl, outlet, info, blocks)
        _, stamps = pull(inlet, t.size)
    assert stamps.size == t.size
    offset = stamps - t
    assert np.ptp(offset) < 1e-6
    assert before[0] - blocks[0].t_s[-1] - 1e-9 <= offset[0] <= after[0] - blocks[0].t_s[-1] + 1e-9
    np.testing.assert_allclose(np.diff(stamps), np.diff(t), atol=1e-6)  # the device's 1 ms spacing


def _desc_channels(desc):
    channels, ch = [], desc.child("channels").child("channel")
    while not ch.empty():
        loc = ch.child("location")
        channels.append((ch.child_value("label"), ch.child_value("unit"), ch.child_value("type"),
                         float(loc.child_value("X")), float(loc.child_value("Y")), float(loc.child_value("Z"))))
        ch = ch.next_sibling()
    return channels


@pytest.mark.parametrize("keep", [False, True])
def test_channel_metadata_reads_back_from_the_inlet_and_the_serial_only_when_kept(lsl_loopback, keep):
    pylsl = lsl_loopback[0]
    info, _ = device_blocks("sim-plate", {"seed": "1"}, 10)
    with LslOutlet(name=unique_name("meta")) as outlet:
        outlet.open(info, keep_identifiers=keep)
        inlet = connect(pylsl, outlet.name, outlet)
        full = inlet.info(20.0)
    assert full.type() == "ForcePlate" and full.channel_count() == 4
    assert full.nominal_srate() == 1000.0 and full.channel_format() == pylsl.cf_float32
    desc = full.desc()
    # The OFP-1 simulator's four cells (docs/ofp-1.md): C1..C4 at (±200, ±150) mm, forces in N.
    assert _desc_channels(desc) == [
        ("C1", "N", "Force", 200.0, 150.0, 0.0), ("C2", "N", "Force", 200.0, -150.0, 0.0),
        ("C3", "N", "Force", -200.0, 150.0, 0.0), ("C4", "N", "Force", -200.0, -150.0, 0.0),
    ]
    acquisition = desc.child("acquisition")
    assert acquisition.child_value("model") == info.model
    assert float(acquisition.child_value("nominal_rate_hz")) == 1000.0
    assert desc.child("synchronization").child_value("can_drop_samples") == "true"
    assert desc.child_value("markers_stream") == outlet.marker_name
    serial = "OFP1-SIM-0001"
    xml = full.as_xml()
    assert (serial in xml) is keep
    assert (acquisition.child_value("serial_number") == serial) is keep
    assert full.source_id() == (f"sim-plate:{serial}" if keep else f"balance-station:sim-plate:{outlet.name}")


def test_a_host_stamped_board_declares_an_irregular_rate(lsl_loopback):
    pylsl = lsl_loopback[0]
    info, _ = device_blocks("sim-wbb", {}, 1)
    assert info.clock == "host_arrival"
    with LslOutlet(name=unique_name("wbb")) as outlet:
        outlet.open(info)
        inlet = connect(pylsl, outlet.name, outlet)
        full = inlet.info(20.0)
    assert full.nominal_srate() == pylsl.IRREGULAR_RATE == 0.0
    assert float(full.desc().child("acquisition").child_value("nominal_rate_hz")) == info.nominal_rate_hz > 0


def test_markers_carry_protocol_events_device_events_and_every_gap(lsl_loopback):
    pylsl = lsl_loopback[0]
    info, blocks = device_blocks("sim-plate", DROPPY_PLATE, 2000)
    t = np.concatenate([b.t_s for b in blocks])
    seq = np.concatenate([b.seq for b in blocks]).astype(np.int64)
    device_events = [e for b in blocks for e in b.events]
    with LslOutlet(name=unique_name("marks")) as outlet:
        inlet, markers, _, _ = _publish(pylsl, outlet, info, [], marker_inlet=True)
        assert outlet.push_marker("trial_start", float(t[0])) is None  # waits for the first block
        stamps = np.concatenate([outlet.push_block(b) for b in blocks])
        outlet.push_marker("trial_end", float(t[-1]))
        _, received = pull(inlet, t.size)
        n_gaps = int(np.sum(np.diff(seq) > 1))
        labels, marker_stamps = pull(markers, 2 + n_gaps + len(device_events), strings=True)

    np.testing.assert_array_equal(received, stamps)  # the stamps push_block returned are the ones sent
    assert labels[0] == "trial_start" and labels[-1] == "trial_end"
    # A marker at a sample's device time carries that sample's stamp.
    assert marker_stamps[0] == pytest.approx(received[0], abs=1e-9)
    assert marker_stamps[-1] == pytest.approx(received[-1], abs=1e-9)
    # Every jump of the counter, with its size, at the first sample after it (truth: the counter itself).
    gaps = [(lab, s) for lab, s in zip(labels, marker_stamps, strict=True) if lab.startswith("samples_lost")]
    jump = np.flatnonzero(np.diff(seq) > 1) + 1
    assert n_gaps > 0 and len(gaps) == n_gaps
    assert [lab for lab, _ in gaps] == [f"samples_lost n={seq[i] - seq[i - 1] - 1} first_seq={seq[i - 1] + 1}"
                                        for i in jump]
    np.testing.assert_allclose([s for _, s in gaps], received[jump], atol=1e-9)
    assert sum(seq[i] - seq[i - 1] - 1 for i in jump) == (seq[-1] - seq[0] + 1) - seq.size == outlet.n_lost
    # The device's own events (the plate reports each gap and FIFO overrun) pass through at their times.
    passed = [lab for lab in labels if lab.startswith("device ")]
    assert passed == [f"device {e.code} {e.label}" if e.label else f"device {e.code}" for e in device_events]


def test_discovery_and_data_stay_on_the_loopback(lsl_loopback):
    pylsl, config, log = lsl_loopback
    info, blocks = device_blocks("sim-plate", {"seed": "2"}, 200)
    with LslOutlet(name=unique_name("loop")) as outlet:
        inlet, _, _, _ = _publish(pylsl, outlet, info, blocks)
        _, stamps = pull(inlet, sum(b.n_samples for b in blocks))
        sockets = own_inet_sockets()
    assert stamps.size == sum(b.n_samples for b in blocks)
    # liblsl says which configuration it loaded: ours, not a default or a file elsewhere.
    assert f"Configuration loaded from {config}" in log.read_text()
    assert sockets, "the outlet and inlet hold sockets"
    # IPv6 off: no IPv6 socket at all. Machine scope: the discovery responder listens on loopback only.
    assert not [s for s in sockets if s[0].endswith("6")]
    assert ("udp", "127.0.0.1:16571", "0.0.0.0:0") in sockets
    # Every connected socket (the inlet's data connection) talks to this machine.
    peers = {remote.rsplit(":", 1)[0] for _, _, remote in sockets} - {"0.0.0.0"}
    assert peers and all(p.startswith("127.") for p in peers)
