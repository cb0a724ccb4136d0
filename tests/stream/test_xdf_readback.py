"""docs/lsl.md's pyxdf snippet, run on an XDF file made from what inlets received from our outlet.

The file is written by tests/stream/xdf_writer.py (the XDF 1.0 layout, as LabRecorder lays out a stream:
the inlet's full stream info as header, the samples with their stamps, a measured clock offset, a footer).
The expectations come from the simulator's blocks and DeviceInfo, not from the outlet.
"""

import re
from pathlib import Path

import numpy as np
import pyxdf

from station.stream import LslOutlet
from tests.stream.lsl_helpers import connect, device_blocks, pull, unique_name
from tests.stream.xdf_writer import XdfStream, write_xdf

DOC = Path(__file__).resolve().parents[2] / "docs" / "lsl.md"


def _snippet() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- snippet: pyxdf[^>]*-->\s*```python\n(.*?)```", text, re.S)
    assert match, "docs/lsl.md lost its pyxdf snippet"
    return match.group(1)


def test_the_documented_pyxdf_snippet_reads_our_streams_back(lsl_loopback, tmp_path, monkeypatch):
    pylsl = lsl_loopback[0]
    info, blocks = device_blocks("sim-plate", {"drop_prob": "0.05", "seed": "8"}, 1500)
    with LslOutlet(name=unique_name("xdf")) as outlet:
        outlet.open(info)
        data_inlet = connect(pylsl, outlet.name, outlet)
        marker_inlet = connect(pylsl, outlet.marker_name)
        pushed = np.concatenate([outlet.push_block(b) for b in blocks])
        outlet.push_marker("trial_end", float(blocks[-1].t_s[-1]))
        values, stamps = pull(data_inlet, pushed.size)
        labels, label_stamps = pull(marker_inlet, 1 + sum(len(b.events) for b in blocks) + outlet_gaps(blocks),
                                    strings=True)
        offset = data_inlet.time_correction(20.0)  # what LabRecorder stores: the outlet clock vs ours (~0 here)
        streams = [XdfStream(data_inlet.info(20.0).as_xml(), stamps, values, [(pylsl.local_clock(), offset)]),
                   XdfStream(marker_inlet.info(20.0).as_xml(), label_stamps, labels, [(pylsl.local_clock(), offset)])]
    write_xdf(tmp_path / "recording.xdf", streams)

    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(_snippet(), str(DOC), "exec"), scope)

    forces = np.concatenate([b.forces_n for b in blocks])
    seq = np.concatenate([b.seq for b in blocks]).astype(np.int64)
    assert scope["labels"] == list(info.channel_names) and scope["units"] == ["N"] * 4
    np.testing.assert_array_equal(scope["cells_mm"], info.sensor_positions())
    np.testing.assert_array_equal(scope["forces_n"], forces)
    np.testing.assert_allclose(scope["t_s"], pushed + offset, rtol=0, atol=1e-6)
    np.testing.assert_allclose(scope["fz_n"], forces.astype(np.float64).sum(axis=1), rtol=1e-6)
    # The simulated person stands on the plate: the COP lies inside the rectangle of the cells (±200, ±150 mm).
    assert np.all(np.abs(scope["cop_mm"]) < [200.0, 150.0])
    assert scope["lost"] == (seq[-1] - seq[0] + 1) - seq.size > 0
    assert scope["events"][-1][1] == "trial_end"
    # pyxdf's default load would dejitter a stream with a rate; ours declares can_drop_samples, so it does not.
    plate = next(s for s in pyxdf.load_xdf(str(tmp_path / "recording.xdf"))[0] if s["info"]["type"][0] == "ForcePlate")
    np.testing.assert_allclose(plate["time_stamps"], pushed + offset, rtol=0, atol=1e-6)


def outlet_gaps(blocks) -> int:
    seq = np.concatenate([b.seq for b in blocks]).astype(np.int64)
    return int(np.sum(np.diff(seq) > 1))
