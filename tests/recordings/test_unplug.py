"""A device unplugged mid-recording leaves a whole file marked ``interrupted`` with every received sample."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

import recordings
from drivers.errors import DeviceDisconnected
from drivers.model import SampleBlock, concatenate_blocks
from drivers.wii.sim_device import SimulatedWiiBalanceBoard
from recordings.metadata import Subject
from station.protocols.standing import run_standing


class UnpluggedBoard(SimulatedWiiBalanceBoard):
    """A simulated board whose cable is pulled after ``reads_before_unplug`` reads."""

    def __init__(self, reads_before_unplug: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.reads_left = reads_before_unplug
        self.delivered: list[SampleBlock] = []

    def _read(self, timeout_s: float) -> SampleBlock | None:
        if self.reads_left == 0:
            raise DeviceDisconnected("the board went away (test unplug)")
        self.reads_left -= 1
        block = super()._read(timeout_s)
        if block is not None:
            self.delivered.append(block)
        return block


@pytest.mark.parametrize("reads", [1, 37, 200])
def test_unplug_LeavesInterruptedFileWithEveryReceivedSample(tmp_path: Path, reads: int) -> None:
    device = UnpluggedBoard(reads, seed=reads, bad_report_rate=0.01)  # corrupted reports: gaps in the host counter
    path = tmp_path / "unplugged.h5"
    with pytest.raises(DeviceDisconnected, match="test unplug"):
        run_standing(device, path, Subject(id="P7", mass_kg=70.0, affected_side="right"), seconds=60.0)
    received = concatenate_blocks(device.delivered)

    with h5py.File(path, "r") as f:  # whole: a plain open works, no recovery needed
        assert f.attrs["status"] == "interrupted"
    rec = recordings.open(path)
    assert rec.status == "interrupted" and not rec.opened_swmr
    assert rec.n_samples == received.n_samples > 0
    np.testing.assert_array_equal(rec.t_s, received.t_s)
    np.testing.assert_array_equal(rec.seq, received.seq)
    np.testing.assert_array_equal(rec.forces_n, received.forces_n)
    np.testing.assert_array_equal(rec.raw, received.raw)
    np.testing.assert_array_equal(rec.block_host_rx_s, [b.host_rx_s for b in device.delivered])
    # every gap in the counter the board's decoder left (a corrupted report dropped) is counted as lost
    assert rec.lost_samples == int(np.sum(np.diff(received.seq.astype(np.int64)) - 1))
    assert device.bad_reports >= rec.lost_samples
