"""Export a recording as CSV: one row per sample, a time column, a units header.

Layout (``# `` lines are metadata, then two header rows: names, then units)::

    # balance-station recording export (schema 2, status complete)
    # subject_id: P-042
    # ...
    t_s,seq,TR,BR,TL,BL,TR_raw,...,fz_n,cop_x_mm,cop_y_mm
    s,count,N,N,N,N,counts,...,N,mm,mm
    0.0,0,181.2,...

Stored values are written exactly: ``t_s`` with 17 significant digits (float64), forces with 9 (float32),
so parsing the CSV gives back the same numbers bit for bit. For load cells the derived total vertical force
and COP (``analysis.cop``; ``nan`` where Fz < 10 N: nobody on the plate) are appended, with 6 decimals.

Read it with pandas: ``pd.read_csv(path, comment="#", header=[0, 1])`` (columns are (name, unit) pairs),
or NumPy: ``np.genfromtxt(path, delimiter=",", comments="#", skip_header=M + 2)`` with M the number of
``#`` lines.

Exports are de-identified by default: the device serial number and the source file name are left out;
the subject appears only under the pseudonymous id stored in the recording.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from analysis.cop import cop_from_cells
from drivers.model import ChannelLayout
from recordings.reader import Recording

__all__ = ["export_csv", "metadata_lines"]

_ROWS_PER_CHUNK = 100_000


def metadata_lines(rec: Recording, keep_identifiers: bool = False) -> list[str]:
    """``key: value`` lines describing the recording (de-identified unless ``keep_identifiers``)."""
    dev, subj = rec.device, rec.subject
    lines = [
        f"balance-station recording export (schema {rec.schema_version}, status {rec.status})",
        f"created_utc: {rec.created_utc}",
        f"protocol: {rec.protocol}",
        f"condition: {rec.condition}",
        f"subject_id: {subj.id}",
        f"subject_mass_kg: {'' if subj.mass_kg is None else subj.mass_kg}",
        f"subject_height_m: {'' if subj.height_m is None else subj.height_m}",
        f"affected_side: {subj.affected_side or ''}",
        f"device: {dev.model} (driver {dev.driver}, firmware {dev.firmware}, {dev.layout.value}, "
        f"clock {dev.clock.value}{', SIMULATED' if dev.simulated else ''})",
        f"nominal_rate_hz: {dev.nominal_rate_hz}",
        f"lost_samples: {rec.lost_samples}",
    ]
    if dev.sensor_positions_mm is not None:
        pairs = zip(dev.channel_names, dev.sensor_positions_mm, strict=True)
        cells = "; ".join(f"{n}=({x}, {y})" for n, (x, y) in pairs)
        lines.append(f"sensor_positions_mm: {cells}")
    lines += [f"setting {k}: {v} {rec.setting_units.get(k, '')}".rstrip() for k, v in rec.settings.items()]
    if keep_identifiers:
        lines += [f"device_serial: {dev.serial}", f"source_file: {rec.path.name}"]
    return [line.replace("\n", " ") for line in lines]


def export_csv(rec: Recording, out: str | os.PathLike[str], *, keep_identifiers: bool = False) -> Path:
    """Write ``rec`` as CSV to ``out`` (never overwritten); returns the path."""
    path = Path(out)
    if path.exists():
        raise FileExistsError(f"{path} exists; exports never overwrite a file")
    names = ["t_s", "seq", *rec.device.channel_names]
    units = ["s", "count", *rec.device.channel_units]
    columns: list[np.ndarray] = [rec.t_s[:, None], rec.seq[:, None], rec.forces_n]
    fmts = ["%.17g", "%d"] + ["%.9g"] * rec.device.n_channels
    if rec.raw is not None:
        names += [f"{c}_raw" for c in rec.device.channel_names]
        units += ["counts"] * rec.device.n_channels
        columns.append(rec.raw)
        fmts += ["%d"] * rec.device.n_channels
    if rec.device.layout == ChannelLayout.LOAD_CELLS and rec.n_samples:
        cop = cop_from_cells(rec.forces_n, rec.device.sensor_positions())
        names += ["fz_n", "cop_x_mm", "cop_y_mm"]
        units += ["N", "mm", "mm"]
        columns.append(np.column_stack([cop.fz_n, cop.cop_x_mm, cop.cop_y_mm]))
        fmts += ["%.6f"] * 3
    with path.open("x", encoding="utf-8", newline="\n") as fh:
        for line in metadata_lines(rec, keep_identifiers):
            fh.write(f"# {line}\n")
        fh.write(",".join(names) + "\n")
        fh.write(",".join(units) + "\n")
        for start in range(0, rec.n_samples, _ROWS_PER_CHUNK):  # bounded memory: one chunk at a time
            stop = start + _ROWS_PER_CHUNK
            block = np.empty((min(stop, rec.n_samples) - start, len(fmts)), dtype=object)
            col = 0
            for values in columns:
                part = values[start:stop]
                block[:, col : col + part.shape[1]] = part  # object: each column keeps its own precision
                col += part.shape[1]
            np.savetxt(fh, block, fmt=fmts, delimiter=",")
    return path
