"""Test helper: record a stretch of samples from any device (simulators on their fast clock)."""

from __future__ import annotations

from drivers.device import Device
from drivers.model import SampleBlock, concatenate_blocks


def read_seconds(device: Device, seconds: float, timeout_s: float = 0.5) -> SampleBlock:
    """Open and start ``device``, read until ``seconds`` of device time after its first sample, close it.

    The Wii board's clock starts before its tare, so the span is counted from the first sample delivered.
    """
    blocks: list[SampleBlock] = []
    with device:
        device.start()
        while not blocks or blocks[-1].t_s[-1] - blocks[0].t_s[0] < seconds:
            block = device.read(timeout_s)
            if block is not None and block.n_samples:
                blocks.append(block)
        device.stop()
    return concatenate_blocks(blocks)
