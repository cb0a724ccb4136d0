import numpy as np
import pytest

from drivers.model import (
    ChannelLayout,
    ClockSource,
    DeviceEvent,
    DeviceInfo,
    SampleBlock,
    concatenate_blocks,
)

POS = ((216.5, 119.0), (216.5, -119.0), (-216.5, 119.0), (-216.5, -119.0))


def make_info(**kw):
    args = dict(
        driver="sim", model="m", serial="s", nominal_rate_hz=100.0,
        channel_names=("TR", "BR", "TL", "BL"), channel_units=("N",) * 4, sensor_positions_mm=POS,
    )
    args.update(kw)
    return DeviceInfo(**args)


def test_device_info_positions_array_has_cells_in_channel_order():
    info = make_info()
    assert info.n_channels == 4
    np.testing.assert_array_equal(info.sensor_positions(), np.array(POS))
    assert info.layout is ChannelLayout.LOAD_CELLS and info.clock is ClockSource.DEVICE


def test_device_info_normalises_enum_strings():
    info = make_info(layout="load_cells", clock="host_arrival")
    assert info.clock is ClockSource.HOST_ARRIVAL


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"nominal_rate_hz": 0.0}, "nominal_rate_hz must be a positive number"),
        ({"channel_units": ("N",) * 3}, "channel_units has 3 entries but channel_names has 4"),
        ({"sensor_positions_mm": POS[:3]}, "needs one \\(x, y\\) position in mm for each of its 4 cells"),
        ({"channel_units": ("kg",) * 4}, "load cells are reported in N"),
        ({"layout": ChannelLayout.SIX_COMPONENT}, "a six-component plate has channels"),
        ({"channel_names": (), "channel_units": ()}, "at least one channel"),
    ],
)
def test_device_info_rejects_inconsistent_descriptions(kw, message):
    with pytest.raises(ValueError, match=message):
        make_info(**kw)


def test_six_component_plate_is_describable_without_positions():
    info = DeviceInfo(
        driver="c3d", model="AMTI", serial="", nominal_rate_hz=1000.0,
        channel_names=("Fx", "Fy", "Fz", "Mx", "My", "Mz"), channel_units=("N", "N", "N", "N·m", "N·m", "N·m"),
        layout=ChannelLayout.SIX_COMPONENT, origin_offset_mm=(0.0, 0.0, -40.0),
    )
    assert info.n_channels == 6
    with pytest.raises(ValueError, match="not a load-cell device"):
        info.sensor_positions()


def block(t, seq, k=4, raw=False, host=1.0):
    n = len(t)
    forces = np.arange(n * k, dtype=np.float64).reshape(n, k)
    return SampleBlock(
        t_s=np.asarray(t, float), seq=np.asarray(seq), forces_n=forces, host_rx_s=host,
        raw=(forces.astype(np.int32) + 10000) if raw else None,
    )


def test_sample_block_coerces_dtypes_and_is_read_only():
    b = block([0.0, 0.01, 0.02], [5, 6, 8], raw=True)
    assert b.t_s.dtype == np.float64 and b.seq.dtype == np.uint64 and b.forces_n.dtype == np.float32
    assert b.raw.dtype == np.int32
    assert (b.n_samples, b.n_channels) == (3, 4)
    with pytest.raises(ValueError, match="read-only"):
        b.forces_n[0, 0] = 1.0


@pytest.mark.parametrize(
    ("t", "seq", "message"),
    [
        ([0.0, 0.01], [1], "seq must have shape \\(2,\\)"),
        ([0.02, 0.01], [1, 2], "non-decreasing"),
        ([0.0, 0.01], [2, 2], "strictly increasing"),
    ],
)
def test_sample_block_rejects_bad_shapes_and_orders(t, seq, message):
    with pytest.raises(ValueError, match=message):
        SampleBlock(t_s=np.asarray(t), seq=np.asarray(seq), forces_n=np.zeros((2, 4)), host_rx_s=0.0)


def test_sample_block_rejects_forces_of_wrong_length_and_raw_of_wrong_shape():
    with pytest.raises(ValueError, match="forces_n must have shape"):
        SampleBlock(t_s=np.zeros(3), seq=np.arange(3), forces_n=np.zeros((2, 4)), host_rx_s=0.0)
    with pytest.raises(ValueError, match="raw must have the shape"):
        SampleBlock(t_s=np.zeros(2), seq=np.arange(2), forces_n=np.zeros((2, 4)), host_rx_s=0.0,
                    raw=np.zeros((2, 3)))


def test_concatenate_keeps_order_raw_events_and_last_host_time():
    a = SampleBlock(t_s=[0.0, 0.01], seq=[0, 1], forces_n=np.ones((2, 4)), host_rx_s=1.0,
                    raw=np.ones((2, 4)), events=(DeviceEvent(0.0, 0, "button", "down"),))
    b = SampleBlock(t_s=[0.02], seq=[3], forces_n=np.full((1, 4), 2.0), host_rx_s=2.0, raw=np.ones((1, 4)))
    c = concatenate_blocks([a, b])
    assert c.seq.tolist() == [0, 1, 3]
    assert c.forces_n[:, 0].tolist() == [1.0, 1.0, 2.0]
    assert c.host_rx_s == 2.0 and c.raw.shape == (3, 4) and [e.code for e in c.events] == ["button"]
    with pytest.raises(ValueError, match="at least one block"):
        concatenate_blocks([])
