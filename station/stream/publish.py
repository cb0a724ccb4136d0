"""Publish a device over LSL without recording (``station stream``): the engine runs it, the outlet listens.

The acquisition engine reads the device on its reader thread and hands every block, in order, to one sink
on its writer thread; here the sink is :meth:`LslOutlet.push_block` instead of the HDF5 writer. Nothing is
written to disk.
"""

from __future__ import annotations

from collections.abc import Callable

from drivers.device import Device
from station.engine.acquisition import Acquisition, AcquisitionStats
from station.stream.lsl_outlet import LslOutlet

__all__ = ["publish"]


def publish(
    device: Device,
    outlet: LslOutlet,
    *,
    seconds: float | None = None,
    keep_identifiers: bool = False,
    on_open: Callable[[LslOutlet], None] | None = None,
    progress: Callable[[AcquisitionStats], None] | None = None,
) -> AcquisitionStats:
    """Open ``device``, publish it on ``outlet`` until ``seconds`` of device time (or Ctrl-C), close both.

    ``on_open`` is called once the streams exist and before the device streams (e.g. to say their names).
    A device fault ends the stream and is raised after both are closed; Ctrl-C (``KeyboardInterrupt``) too.
    """
    with device, outlet:
        outlet.open(device.info, keep_identifiers=keep_identifiers)
        if on_open is not None:
            on_open(outlet)
        acquisition = Acquisition(device, outlet.push_block, duration_s=seconds)
        stats = acquisition.run(progress)
        if acquisition.sink_fault is not None:
            raise acquisition.sink_fault
        if acquisition.device_fault is not None:
            raise acquisition.device_fault
    return stats
