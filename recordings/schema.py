"""The recording file format, version 1: names shared by the writer and the reader.

One HDF5 file per trial::

    /                           attrs: format="balance-station", schema_version=1, software_version,
                                       created_utc (ISO-8601 UTC, ms), status, protocol, condition
    /device                     attrs: driver, model, serial, firmware, nominal_rate_hz, layout, clock,
                                       raw_counts, simulated, channel_names[k], channel_units[k],
                                       sensor_positions_mm (k, 2) [load cells], origin_offset_mm (3,)
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

Sample datasets are chunked (about 1 s per chunk), resizable and compressed with gzip + shuffle.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

__all__ = [
    "ACQUISITION",
    "BLOCK_FIRST_SAMPLE",
    "BLOCK_HOST_RX",
    "DEVICE",
    "EVENTS",
    "EVENT_DTYPE",
    "FORCES",
    "FORMAT_NAME",
    "FRAMES",
    "RAW",
    "SCHEMA_VERSION",
    "SEQ",
    "SETTINGS",
    "SUBJECT",
    "TIME",
    "UNITS",
    "RecordingStatus",
]

FORMAT_NAME = "balance-station"
SCHEMA_VERSION = 1

DEVICE = "device"
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

EVENT_DTYPE = np.dtype([("t_s", "<f8"), ("seq", "<u8"), ("code", "S32"), ("label", "S256")])


class RecordingStatus(StrEnum):
    RECORDING = "recording"  # being written, or the writer died
    COMPLETE = "complete"  # closed normally
    INTERRUPTED = "interrupted"  # closed after a device fault; every received sample is in it
