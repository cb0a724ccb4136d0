"""The recording file format, version 2: names shared by the writer and the reader.

The full description, with units and a loader example, is ``docs/hdf5-schema.md``. One HDF5 file per trial::

    /                           attrs: format="balance-station", schema_version=2, software_version,
                                       created_utc (ISO-8601 UTC, ms: the start of the recording), status,
                                       protocol, condition, session, trial
                                       [recovered files: recovered_from, recovered_utc]
    /device                     attrs: driver, model, serial, firmware, nominal_rate_hz, layout, clock,
                                       raw_counts, simulated, channel_names[k], channel_units[k],
                                       sensor_positions_mm (k, 2) [load cells], origin_offset_mm (3,)
    /device/calibration         attrs: the device's calibration, one attribute each (version 2)
    /device/calibration/units   attrs: the unit of each calibration value (version 2)
    /subject                    attrs: id, mass_kg, height_m, affected_side (absent when unknown)
    /settings                   attrs: every setting at the start, one attribute each
    /settings/units             attrs: the unit of each setting ("" for unitless)
    /acquisition/t_s            (n,)   float64  sample time on the device clock, s        attr units="s"
    /acquisition/seq            (n,)   uint64   sample counter; a jump = lost samples
    /acquisition/forces_n       (n, k) float32  force per channel                        attr units, channel_names
    /acquisition/raw            (n, k) int32    raw counts (only if /device raw_counts)
    /acquisition/frames         (n, rows, cols) uint16  raw pressure-mat cell values (only for mats:
                                       /device frame_shape, cell_pitch_mm; row 0 = the mat's front edge)
    /acquisition/block_first_sample (m,) uint64 index of each received block's first sample
    /acquisition/block_host_rx_s    (m,) float64 host monotonic time the block arrived, s
    /events                     (e,)  compound (t_s f8, seq u8, code S32, label S256)

Sample datasets are chunked (version 1: about 1 s per chunk; version 2: 0.5 s by default), resizable and
compressed with gzip + shuffle; version 2 adds fletcher32 checksums, the calibration group, the
session/trial attributes, and is written in SWMR mode (``libver="latest"``), so it needs HDF5 >= 1.10 to
read. Version 1 files (same layout without those) are still read.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

__all__ = [
    "ACQUISITION",
    "BLOCK_FIRST_SAMPLE",
    "BLOCK_HOST_RX",
    "CALIBRATION",
    "CALIBRATION_UNITS",
    "DEVICE",
    "EVENTS",
    "EVENT_DTYPE",
    "FORCES",
    "FORMAT_NAME",
    "FRAMES",
    "RAW",
    "SAMPLE_DATASETS",
    "SCHEMA_VERSION",
    "SEQ",
    "SETTINGS",
    "SUBJECT",
    "TIME",
    "UNITS",
    "RecordingStatus",
]

FORMAT_NAME = "balance-station"
SCHEMA_VERSION = 2

DEVICE = "device"
CALIBRATION = "device/calibration"
CALIBRATION_UNITS = "device/calibration/units"
SUBJECT = "subject"
SETTINGS = "settings"
UNITS = "settings/units"
ACQUISITION = "acquisition"
TIME = "acquisition/t_s"
SEQ = "acquisition/seq"
FORCES = "acquisition/forces_n"
RAW = "acquisition/raw"
FRAMES = "acquisition/frames"
BLOCK_FIRST_SAMPLE = "acquisition/block_first_sample"
BLOCK_HOST_RX = "acquisition/block_host_rx_s"
EVENTS = "events"

#: Datasets with one row per sample (``RAW`` only when the device has raw counts): always equally long.
SAMPLE_DATASETS = (TIME, SEQ, FORCES, RAW, FRAMES)

EVENT_DTYPE = np.dtype([("t_s", "<f8"), ("seq", "<u8"), ("code", "S32"), ("label", "S256")])


class RecordingStatus(StrEnum):
    RECORDING = "recording"  # being written, or the writer died
    COMPLETE = "complete"  # closed normally
    INTERRUPTED = "interrupted"  # closed after a device fault; every received sample is in it
    RECOVERED = "recovered"  # copied by `station recover` from a file left in "recording"
