"""Recover a recording whose writer died: copy every flushed sample into a new, whole file.

A writer killed mid-recording (crash, SIGKILL, power cut after the last ``fsync``) leaves its file marked
``status="recording"`` with HDF5's "file is open for writing" flag still set, so a plain
``h5py.File(path)`` (and MATLAB, HDFView ...) refuse it. Because the file was written in SWMR mode it still
opens with ``swmr=True``; :func:`recover` reads it that way and writes a new file that

* holds every sample present in all sample datasets (the last flushed block; a block whose write was cut
  in the middle is dropped as a whole row set, never half-kept),
* keeps every group and attribute of the original, with ``status="recovered"``, ``recovered_from`` (the
  original file name) and ``recovered_utc``,
* is a normal HDF5 file (not SWMR, default ``libver``), readable by any HDF5 >= 1.8 tool.

The original is never modified. The pure-Python copy is the alternative to ``h5clear -s`` (Debian
``hdf5-tools``), which clears the flag in place (docs/sources.md [hdf5-h5clear]).
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

from recordings import schema
from recordings.errors import RecordingError
from recordings.reader import _plain, open_h5, open_recording
from recordings.schema import RecordingStatus
from recordings.writer import utc_now_iso

__all__ = ["find_unfinished", "recover", "recovered_path"]


def recovered_path(path: str | os.PathLike[str]) -> Path:
    """Where :func:`recover` writes by default: ``NAME.recovered.h5`` next to ``NAME.h5``."""
    p = Path(path)
    return p.with_name(f"{p.stem}.recovered{p.suffix or '.h5'}")


def _copy_attrs(src: h5py.AttributeManager, dst: h5py.AttributeManager) -> None:
    for key, value in src.items():
        dst[key] = value


def recover(path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None) -> Path:
    """Copy the flushed content of an unfinished recording into a new file marked ``recovered``.

    Parameters
    ----------
    path : path
        A recording left with ``status="recording"``.
    out : path, optional
        The file to create (default :func:`recovered_path`). Never overwritten.

    Returns
    -------
    Path
        The new file.

    Raises
    ------
    RecordingError
        The file is not ours, or it is already whole (status ``complete``, ``interrupted`` or ``recovered``).
    FileExistsError
        ``out`` exists.
    """
    src_path = Path(path)
    rec = open_recording(src_path)  # validates format, version and the committed length
    if rec.status != RecordingStatus.RECORDING:
        raise RecordingError(f"{src_path} is {rec.status!r}, not left in 'recording': nothing to recover")
    dst_path = Path(out) if out is not None else recovered_path(src_path)
    if dst_path.exists():
        raise FileExistsError(f"{dst_path} exists; recovery never overwrites a file")
    n, m = rec.n_samples, rec.block_first_sample.shape[0]
    src, _ = open_h5(src_path)
    try:
        with src, h5py.File(dst_path, "w-") as dst:
            _copy_attrs(src.attrs, dst.attrs)
            for name in src:
                if name != schema.ACQUISITION:
                    src.copy(src[name], dst, name=name)
            acq_src = src[schema.ACQUISITION]
            acq_dst = dst.create_group(schema.ACQUISITION)
            _copy_attrs(acq_src.attrs, acq_dst.attrs)
            for name, ds in acq_src.items():
                full = f"{schema.ACQUISITION}/{name}"
                rows = n if full in schema.SAMPLE_DATASETS else m
                data = ds[:rows]
                new = acq_dst.create_dataset(
                    name, data=data, maxshape=ds.maxshape, chunks=ds.chunks, compression=ds.compression,
                    compression_opts=ds.compression_opts, shuffle=ds.shuffle, fletcher32=ds.fletcher32,
                )
                _copy_attrs(ds.attrs, new.attrs)
            dst.attrs["status"] = RecordingStatus.RECOVERED.value
            dst.attrs["recovered_from"] = src_path.name
            dst.attrs["recovered_utc"] = utc_now_iso()
            dst.attrs["recovered_samples"] = np.uint64(n)
            dst.flush()
            os.fsync(dst.id.get_vfd_handle())
    except BaseException:
        dst_path.unlink(missing_ok=True)
        raise
    return dst_path


def _status_of(path: Path) -> str | None:
    try:
        f, _ = open_h5(path)
    except (RecordingError, OSError):
        return None
    with f:
        if _plain(f.attrs.get("format")) != schema.FORMAT_NAME:
            return None
        return _plain(f.attrs.get("status", ""))


def find_unfinished(folder: str | os.PathLike[str]) -> list[Path]:
    """Recordings in ``folder`` (not its sub-folders) still marked ``recording``, oldest name first.

    Such a file is either being recorded right now by another process, or was left by a writer that died
    and should be passed to :func:`recover`. Files that are not recordings are ignored. Reads one attribute
    per ``*.h5`` file; a missing folder gives an empty list.
    """
    d = Path(folder)
    if not d.is_dir():
        return []
    return [p for p in sorted(d.glob("*.h5")) if _status_of(p) == RecordingStatus.RECORDING]
