"""The LSL stream descriptions of a device: channels, units, sensor positions, rate, and what is identifying.

The data stream carries the device's own force channels, in the column order of ``SampleBlock.forces_n``:
per-cell vertical forces in N for load-cell devices, ``Fx Fy Fz`` in N and ``Mx My Mz`` in N·m for a
six-component plate. Nothing is derived on the way (no Fz sum, no COP): the recording keeps raw channels too,
COP is undefined below a force threshold that is an analysis choice, and the sensor positions in the
metadata let a reader compute both (``docs/lsl.md``).

The XML ``desc`` follows the XDF meta-data conventions (sccn/xdf wiki, "EEG Meta-Data" and
"Synchronization"; the EEG page is the one that defines channel metadata)::

    channels/channel/{label, unit, type, location/{X, Y, Z}}   positions in mm, x right, y forward, z up
    acquisition/{model, driver, firmware, serial_number, simulated, layout, clock, nominal_rate_hz}
    setup/{coordinate_system, surface_size_mm/{X, Y}, origin_offset_mm/{X, Y, Z}}
    synchronization/{can_drop_samples}
    timing/{device_to_lsl, max_slew_ppm, window_s}
    software/{name, version}
    markers_stream

``serial_number`` appears only when identifiers are kept; the stream's ``source_id`` is then built from it,
and otherwise from the driver and stream name (stable across restarts, so an LSL recorder still reconnects).
Rate: a device with its own sample clock declares its nominal rate; a device stamped on host arrival
(``ClockSource.HOST_ARRIVAL``: the Wii board, ~100 Hz jittered) declares ``IRREGULAR_RATE`` (0), as the LSL
API asks of sources that are not regular, and gives its nominal mean rate in ``acquisition/nominal_rate_hz``.
A declared rate would make XDF readers "dejitter" the stamps onto a regular grid (pyxdf does by default),
which would erase the real timing of an irregular device.
"""

from __future__ import annotations

from typing import Any

from drivers.model import ChannelLayout, ClockSource, DeviceInfo

__all__ = [
    "DATA_STREAM_TYPE",
    "MARKER_STREAM_TYPE",
    "Node",
    "data_metadata",
    "fill_desc",
    "nominal_srate",
    "source_id",
]

#: LSL content type of the data stream (no XDF content type exists for force plates; this one says what it is).
DATA_STREAM_TYPE = "ForcePlate"
#: XDF content type of event streams.
MARKER_STREAM_TYPE = "Markers"
COORDINATE_SYSTEM = (
    "x medio-lateral, + to the subject's right; y antero-posterior, + forward; z up; "
    "origin at the centre of the sensing surface; mm"
)

#: A metadata tree: (tag, text) for a leaf, (tag, [children]) for an element.
Node = tuple[str, "str | list[Node]"]


def nominal_srate(info: DeviceInfo) -> float:
    """The rate to declare, Hz: the nominal rate for a device clock, 0 (LSL's IRREGULAR_RATE) otherwise."""
    return float(info.nominal_rate_hz) if info.clock == ClockSource.DEVICE else 0.0


def source_id(info: DeviceInfo, stream_name: str, *, keep_identifiers: bool) -> str:
    """The stream's LSL ``source_id``: the serial only when identifiers are kept."""
    if keep_identifiers and info.serial:
        return f"{info.driver}:{info.serial}"
    return f"balance-station:{info.driver}:{stream_name}"


def _number(value: float) -> str:
    return repr(float(value))


def _xyz(tag: str, values: tuple[float, ...]) -> Node:
    return tag, [(axis, _number(v)) for axis, v in zip("XYZ", values, strict=False)]


def _channel_type(unit: str) -> str:
    return "Moment" if unit.startswith("N·m") or unit.startswith("N*m") else "Force"


def data_metadata(
    info: DeviceInfo, *, keep_identifiers: bool, markers_stream: str, timing: dict[str, str], version: str
) -> list[Node]:
    """The ``desc`` tree of the data stream (see the module docstring for its layout)."""
    positions = info.sensor_positions_mm if info.layout == ChannelLayout.LOAD_CELLS else None
    channels: list[Node] = []
    for i, (label, unit) in enumerate(zip(info.channel_names, info.channel_units, strict=True)):
        channel: list[Node] = [("label", label), ("unit", unit), ("type", _channel_type(unit))]
        if positions is not None:
            x, y = positions[i]
            channel.append(_xyz("location", (x, y, 0.0)))
        channels.append(("channel", channel))
    acquisition: list[Node] = [("model", info.model), ("driver", info.driver)]
    if info.firmware:
        acquisition.append(("firmware", info.firmware))
    if keep_identifiers and info.serial:
        acquisition.append(("serial_number", info.serial))
    acquisition += [
        ("simulated", str(info.simulated).lower()),
        ("layout", str(info.layout)),
        ("clock", str(info.clock)),
        ("nominal_rate_hz", _number(info.nominal_rate_hz)),
    ]
    if info.frame_shape is not None:
        acquisition.append(("pressure_frames", "not published (forces only)"))
    setup: list[Node] = [("coordinate_system", COORDINATE_SYSTEM)]
    if info.surface_size_mm is not None:
        setup.append(_xyz("surface_size_mm", tuple(info.surface_size_mm)))
    if info.layout == ChannelLayout.SIX_COMPONENT:
        setup.append(_xyz("origin_offset_mm", tuple(info.origin_offset_mm)))
    return [
        ("channels", channels),
        ("acquisition", acquisition),
        ("setup", setup),
        ("synchronization", [("can_drop_samples", "true")]),
        ("timing", [(k, v) for k, v in timing.items()]),
        ("software", [("name", "balance-station"), ("version", version)]),
        ("markers_stream", markers_stream),
    ]


def fill_desc(element: Any, nodes: list[Node]) -> None:
    """Write a metadata tree into a pylsl ``XMLElement`` (``StreamInfo.desc()``)."""
    for tag, value in nodes:
        if isinstance(value, str):
            element.append_child_value(tag, value)
        else:
            fill_desc(element.append_child(tag), value)
