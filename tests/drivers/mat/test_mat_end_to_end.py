"""Mat frames through the data model, the HDF5 recording and the `station` command."""

import json
import subprocess
import sys

import h5py
import numpy as np
import pytest

import recordings
from drivers.mat.device import SimulatedPressureMat
from drivers.model import DeviceInfo, SampleBlock, concatenate_blocks
from recordings import RecordingWriter, Subject


def test_sample_block_frames_are_optional_validated_and_concatenated():
    plain = SampleBlock(t_s=[0.0], seq=[0], forces_n=[[1.0]], host_rx_s=0.0)
    assert plain.frames is None
    frames = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    block = SampleBlock(t_s=[0.0, 0.1], seq=[0, 1], forces_n=np.zeros((2, 12)), host_rx_s=0.1, frames=frames)
    assert not block.frames.flags.writeable
    with pytest.raises(ValueError, match=r"frames must have shape \(2, rows, cols\)"):
        SampleBlock(t_s=[0.0, 0.1], seq=[0, 1], forces_n=np.zeros((2, 12)), host_rx_s=0.1, frames=frames[:1])
    with pytest.raises(ValueError, match="unsigned"):
        SampleBlock(t_s=[0.0, 0.1], seq=[0, 1], forces_n=np.zeros((2, 12)), host_rx_s=0.1, frames=frames * 1.0)
    later = SampleBlock(t_s=[0.2], seq=[3], forces_n=np.zeros((1, 12)), host_rx_s=0.2, frames=frames[:1])
    joined = concatenate_blocks([block, later])
    assert joined.frames.shape == (3, 3, 4)
    np.testing.assert_array_equal(joined.frames[2], frames[0])
    plain2 = SampleBlock(t_s=[0.1], seq=[1], forces_n=[[1.0]], host_rx_s=0.1)
    assert concatenate_blocks([plain, plain2]).frames is None


def test_device_info_mat_geometry_is_both_or_none():
    base = {"driver": "x", "model": "m", "serial": "", "nominal_rate_hz": 20.0, "channel_names": ("a",),
            "channel_units": ("N",), "sensor_positions_mm": ((0.0, 0.0),)}
    assert DeviceInfo(**base).frame_shape is None
    with pytest.raises(ValueError, match="both frame_shape"):
        DeviceInfo(**base, frame_shape=(4, 4))
    with pytest.raises(ValueError, match="cell_pitch_mm"):
        DeviceInfo(**base, frame_shape=(4, 4), cell_pitch_mm=-1.0)


def test_recording_stores_frames_chunked_and_compressed_with_the_geometry(tmp_path):
    device = SimulatedPressureMat(speed=5.0, seed=2)
    blocks = []
    with device:
        device.start()
        while sum(b.n_samples for b in blocks) < 30:
            block = device.read(0.5)
            if block is not None:
                blocks.append(block)
    path = tmp_path / "mat.h5"
    with RecordingWriter(path, device.info, Subject(id="M1", affected_side="left"), protocol="standing") as writer:
        for block in blocks:
            writer.append(block)
    sent = np.concatenate([b.frames for b in blocks])
    with h5py.File(path, "r") as f:  # a researcher with h5py alone
        frames = f["acquisition/frames"]
        assert frames.shape == (sent.shape[0], 48, 64) and frames.compression == "gzip" and frames.shuffle
        assert frames.chunks[1:] == (48, 64)
        np.testing.assert_array_equal(frames[()], sent)
        assert tuple(f["device"].attrs["frame_shape"]) == (48, 64) and f["device"].attrs["cell_pitch_mm"] == 7.99
    rec = recordings.open(path)
    np.testing.assert_array_equal(rec.frames, sent)
    assert rec.device.frame_shape == (48, 64) and rec.device.cell_pitch_mm == 7.99
    np.testing.assert_array_equal(rec.forces_n, np.concatenate([b.forces_n for b in blocks]))


def station(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "station.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_station_assess_standing_on_the_simulated_mat_reports_per_foot_loading(tmp_path):
    out = tmp_path / "mat.h5"
    r = station(
        "assess", "standing", "--device", "sim-mat", "--seconds", "10", "--json", "--affected", "right",
        "--mass", "76", "--out", str(out), "--device-option", "speed=2", "--device-option", "affected_share_pct=40",
        "--device-option", "stance_width_mm=100", "--device-option", "seed=11",
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    # The existing keys are all there and mean what they mean for the board.
    assert report["device"]["driver"] == "sim-mat" and report["device"]["simulated"]
    assert report["duration_s"] == pytest.approx(10.0, abs=0.1)
    assert report["body_mass_kg"] == pytest.approx(76.0, abs=0.5)
    assert report["affected_load_pct_bw"] == pytest.approx(40.0, abs=2.0)
    feet = report["per_foot"]
    # Feet touching (100 mm stance): one contact region per frame, split at the profile valley.
    assert feet["frames_feet_touching"] == feet["frames"] == report["n_samples"]
    assert feet["frames_missing_a_foot"] == 0
    assert feet["affected_load_pct_bw"] == pytest.approx(40.0, abs=2.0)
    assert feet["affected_load_pct_bw"] + feet["unaffected_load_pct_bw"] == pytest.approx(100.0)
    assert feet["right_load_n"] == pytest.approx(feet["affected_load_n"])
    assert feet["left_load_n"] + feet["right_load_n"] == pytest.approx(report["body_weight_n"], rel=0.01)
    assert feet["left_cop_x_mm"] == pytest.approx(-50.0, abs=2.0) and feet["right_cop_x_mm"] == pytest.approx(50.0,
                                                                                                               abs=2.0)
    assert 80 * 100 < feet["left_contact_area_mm2"] < 200 * 100
    with h5py.File(out, "r") as f:
        assert f["acquisition/frames"].shape == (report["n_samples"], 48, 64)
    again = station("analyze", str(out), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == report
    text = station("analyze", str(out))
    assert "Per-foot loading from the pressure image" in text.stdout


def test_board_reports_keep_their_keys_and_have_no_per_foot(tmp_path):
    r = station("assess", "standing", "--seconds", "5", "--json", "--out", str(tmp_path / "b.h5"))
    assert r.returncode == 0, r.stderr
    assert "per_foot" not in json.loads(r.stdout)
