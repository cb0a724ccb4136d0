"""``station batch``: every recording under some paths through one sway preset, into one tidy CSV.

The work is a list of independent tasks, one per file, submitted to any
:class:`concurrent.futures.Executor`: a local :class:`~concurrent.futures.ProcessPoolExecutor` by default,
or Dask distributed (the ``batch`` extra) through :func:`dask_executor`. The task function
:func:`analyze_file` is a module-level, importable function that returns plain data, so any executor can
ship it to another process or machine. Results are written in the order of the (sorted) file list, never in
completion order, so the CSV is byte-identical whichever executor ran the tasks.

A file that fails (not a recording, truncated, nobody on the board, too short) becomes one row of the
errors CSV (``file, error``) and never stops the batch.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, TextIO

from recordings.export_metrics import unit_of
from recordings.reader import open_recording
from recordings.writer import software_version
from station.protocols.presets import preset_recording_report

__all__ = [
    "COLUMNS",
    "ERROR_COLUMNS",
    "BatchSummary",
    "analyze_file",
    "dask_executor",
    "find_recordings",
    "metric_rows",
    "process_pool",
    "run_batch",
]

COLUMNS = ("subject", "session", "trial", "condition", "preset", "metric", "value", "unit", "software_version")
ERROR_COLUMNS = ("file", "error")
_METRIC_GROUPS = ("sway", "mean_power_frequency", "sway_frequency")
_COUNT_FIELDS = ("input_samples", "output_samples", "nperseg", "noverlap", "nfft")
_TOP_LEVEL_METRICS = ("fs_hz", "input_samples", "output_samples", "empty_resample_windows")


@dataclasses.dataclass(frozen=True)
class BatchSummary:
    """What a batch did: files analysed, files failed, and the two CSVs written."""

    n_files: int
    n_ok: int
    n_failed: int
    metrics_csv: Path
    errors_csv: Path


def find_recordings(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every ``.h5`` file given or under the directories given, sorted, without duplicates."""
    found: set[Path] = set()
    for item in paths:
        p = Path(item)
        if p.is_dir():
            found.update(q for q in p.rglob("*.h5") if q.is_file())
        elif p.exists():
            found.add(p)
        else:
            raise FileNotFoundError(f"{p} does not exist")
    return sorted(found)


def _flatten(prefix: str, value: Any, out: list[tuple[str, Any]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, item, out)
    elif value is None or isinstance(value, bool | int | float | str):
        out.append((prefix, value))


def metric_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Tidy rows of a preset report: one per number, unit from the field name's suffix."""
    flat: list[tuple[str, Any]] = [(name, report[name]) for name in _TOP_LEVEL_METRICS]
    for group in _METRIC_GROUPS:
        _flatten(group, report[group], flat)
    rec_path = Path(report["file"])
    base = {
        "subject": report["subject_id"],
        "session": report["session"] or report["created_utc"][:10],
        "trial": report["trial"] or rec_path.stem,
        "condition": report["condition"],
        "preset": report["preset"],
        "software_version": software_version(),
    }
    rows = []
    for name, value in flat:
        leaf = name.rsplit(".", 1)[-1]
        unit = "" if isinstance(value, str) else ("count" if leaf in _COUNT_FIELDS else unit_of(leaf))
        rows.append({**base, "metric": name, "value": value, "unit": unit})
    return rows


def analyze_file(path: str, preset: str) -> tuple[str, list[dict[str, Any]] | None, str]:
    """One batch task: ``(path, rows, "")`` on success, ``(path, None, message)`` on failure.

    Never raises for a bad file: the message names the error type and text.
    """
    try:
        rec = open_recording(path)
        return path, metric_rows(preset_recording_report(rec, preset)), ""
    except Exception as exc:  # a batch reports every per-file failure and carries on
        return path, None, f"{type(exc).__name__}: {exc}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


class _Progress:
    """A one-line text progress bar on a stream (stderr by default)."""

    def __init__(self, total: int, stream: TextIO | None, width: int = 30) -> None:
        self.total, self.stream, self.width, self.done, self.failed = total, stream, width, 0, 0

    def step(self, ok: bool) -> None:
        self.done += 1
        self.failed += not ok
        if self.stream is None:
            return
        filled = self.width * self.done // max(self.total, 1)
        self.stream.write(f"\r[{'#' * filled}{' ' * (self.width - filled)}] {self.done}/{self.total} files, "
                          f"{self.failed} failed")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def run_batch(
    paths: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    preset: str = "default",
    executor: Executor | None = None,
    errors_out: str | os.PathLike[str] | None = None,
    progress: TextIO | None = None,
    task: Callable[[str, str], tuple[str, list[dict[str, Any]] | None, str]] = analyze_file,
) -> BatchSummary:
    """Analyse every recording under ``paths`` with ``preset`` and write the tidy CSV and the errors CSV.

    Parameters
    ----------
    paths : sequence of paths
        Files and directories (searched recursively for ``*.h5``).
    out : path
        Metrics CSV (columns :data:`COLUMNS`); never overwritten.
    preset : str
        A name from :data:`analysis.presets.PRESETS`.
    executor : concurrent.futures.Executor, optional
        Where the tasks run; default :func:`process_pool` with the machine's CPU count.
    errors_out : path, optional
        Errors CSV (``file, error``); default ``out`` with ``.errors.csv``. Always written.
    progress : text stream, optional
        Where the progress bar goes (None: no bar).
    """
    out_path = Path(out)
    errors_path = Path(errors_out) if errors_out is not None else out_path.with_suffix(".errors.csv")
    for p in (out_path, errors_path):
        if p.exists():
            raise FileExistsError(f"{p} exists; batch results never overwrite a file")
    files = find_recordings(paths)
    if not files:
        raise ValueError(f"no recordings (*.h5) under {', '.join(str(p) for p in paths)}")
    results: dict[str, tuple[list[dict[str, Any]] | None, str]] = {}
    bar = _Progress(len(files), progress)
    own = executor is None
    pool = executor if executor is not None else process_pool()
    try:
        futures = [pool.submit(task, str(f), preset) for f in files]
        for future in as_completed(futures):
            path, rows, error = future.result()
            results[path] = (rows, error)
            bar.step(rows is not None)
    finally:
        if own:
            pool.shutdown()
    with out_path.open("x", encoding="utf-8", newline="") as fh, errors_path.open("x", encoding="utf-8",
                                                                                   newline="") as eh:
        metrics, errors = csv.writer(fh, lineterminator="\n"), csv.writer(eh, lineterminator="\n")
        metrics.writerow(COLUMNS)
        errors.writerow(ERROR_COLUMNS)
        for f in files:
            rows, error = results[str(f)]
            if rows is None:
                errors.writerow([str(f), error])
                continue
            for row in rows:
                metrics.writerow([_text(row[c]) for c in COLUMNS])
    n_failed = sum(rows is None for rows, _ in results.values())
    return BatchSummary(len(files), len(files) - n_failed, n_failed, out_path, errors_path)


def process_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A local process pool whose workers are started with ``spawn`` (no fork of a threaded parent)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


@contextlib.contextmanager
def dask_executor(scheduler: str, *, workers: int | None = None) -> Iterator[Executor]:
    """A :class:`concurrent.futures.Executor` on Dask distributed (the ``batch`` extra).

    ``scheduler="local"`` starts a ``LocalCluster`` of ``workers`` single-threaded worker processes bound to
    127.0.0.1 with the dashboard off (docs/sources.md [dask-futures]) and stops it afterwards; any other value
    is the address of an existing scheduler (``tcp://host:8786``) to join. The workers must be able to import
    this package.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - the dev install has the extra
        raise ValueError("--scheduler needs Dask distributed: pip install 'balance-station[batch]'") from exc
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            cluster = stack.enter_context(LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                                                       host="127.0.0.1", dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(Client(scheduler))
        yield client.get_executor()

