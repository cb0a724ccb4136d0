"""Moving home sessions to the clinic: a de-identified package with a SHA-256 manifest.

Format: a **directory** (easy to inspect), or the same directory as one ``.zip`` file when the output name ends
in ``.zip`` (one file to carry); import takes either::

    PKG/
      manifest.json      format, package_id (random), patient_id (the pseudonym), n_sessions,
                         files: {relative path: SHA-256} for every other file
      manifest.sha256    SHA-256 of manifest.json (so a changed manifest is caught too)
      summary.json       per session: day number, prescription version, pain ratings, measured dose, and
                         per set the file, exercise and stored analysis result
      recordings/dayNNN_sM_<exercise>_setK.h5

De-identification (docs/home-evidence.md §4.1, HIPAA Safe Harbor): no dates — a session is "day N" of its
prescription version (days since that version's start date, which the clinic holds: the home device takes the
clinic's versions as they are, ``station program import``) and each recording's
``created_utc`` becomes "day N"; device serial numbers and anything shaped like a Bluetooth MAC address are
removed from every HDF5 attribute; the only identifier is the random pseudonymous patient id (a permitted
re-identification code, not derived from the person). Body mass and affected side stay (needed for %BW).

Import refuses, before writing anything: a package whose manifest or any file fails its checksum (tampered), a
file missing or cut short (truncated), a patient the store does not know or another patient than the one named,
and a package already imported. Each home session carries a random ``uid``: a later package that repeats
sessions the clinic already has imports only the new ones (and says how many it skipped); one with nothing new
is refused.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py

from station.home.adherence import home_sessions
from station.home.prescription import prescription_history
from station.store.home import add_home_import, add_home_session, home_import_date, known_home_uids
from station.store.register import file_sha256, register_recording
from station.store.store import Store, StoreError

__all__ = ["FORMAT", "ImportResult", "PackageError", "export_package", "import_package"]

FORMAT = "balance-station-home-package/1"
_SESSION_KEYS = ("uid", "day", "prescription_version", "pain_before", "pain_after", "pain_next_day", "dose", "trials")
_MAC = re.compile(r"(?i)\b[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}\b")
_IDENTIFYING_KEYS = ("serial", "mac", "address", "bdaddr", "bluetooth")


class PackageError(StoreError):
    """A package the clinic refuses (nothing was stored)."""


@dataclass(frozen=True)
class ImportResult:
    package_id: str
    patient_id: str
    session_ids: tuple[int, ...]
    n_trials: int
    n_skipped: int = 0  # sessions of the package the clinic already had (from an earlier package)


def _version_starts(store: Store, patient_id: str) -> dict[int, _dt.date]:
    """Start date of every prescription version of the patient (the reference of "day N")."""
    history = prescription_history(store, patient_id)
    if not history:
        raise PackageError(f"patient {patient_id} has no prescription: the program's start date is unknown")
    return {p.version: _dt.date.fromisoformat(p.created) for p in history}


def _deidentify_h5(path: Path, day: int) -> None:
    """Blank identifying attributes, then repack into a fresh file: HDF5 leaves overwritten attribute bytes in
    the file's free space, so editing in place alone would still carry the serial and the MAC."""
    with h5py.File(path, "r+") as f:
        f.attrs["created_utc"] = f"day {day}"

        def clean(_name: str, obj: Any) -> None:
            for key in list(obj.attrs):
                value = obj.attrs[key]
                text = value.decode() if isinstance(value, bytes) else value
                if any(k in key.lower() for k in _IDENTIFYING_KEYS):
                    obj.attrs[key] = ""
                elif isinstance(text, str) and _MAC.search(text):
                    obj.attrs[key] = _MAC.sub("", text)

        clean("/", f)
        f.visititems(clean)
    fresh = path.with_suffix(".repack.h5")
    with h5py.File(path, "r") as src, h5py.File(fresh, "w", libver="latest") as dst:
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        for name in src:
            src.copy(src[name], dst, name=name)
    os.replace(fresh, path)


def export_package(store: Store, patient_id: str, out: str | os.PathLike[str]) -> Path:
    """Write the patient's home sessions as a de-identified package: directory ``out``, or one zip file of that
    directory when ``out`` ends in ``.zip`` (``out`` must not exist)."""
    store.patient(patient_id)
    starts = _version_starts(store, patient_id)
    target = Path(out)
    if target.exists():
        raise PackageError(f"{target} already exists: choose a new package name")
    sessions = home_sessions(store, patient_id)
    if not sessions:
        raise PackageError(f"patient {patient_id} has no home session to export")
    if target.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory() as tmp:
            built = _export_dir(store, sessions, starts, patient_id, Path(tmp) / "pkg")
            partial = target.with_suffix(".zip.partial")
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
                for path in sorted(built.rglob("*")):
                    if path.is_file():
                        z.write(path, path.relative_to(built).as_posix())
            os.replace(partial, target)
        return target
    return _export_dir(store, sessions, starts, patient_id, target)


def _export_dir(store: Store, sessions: list[Any], starts: dict[int, _dt.date], patient_id: str,
                root: Path) -> Path:
    (root / "recordings").mkdir(parents=True)
    summary: list[dict[str, Any]] = []
    for k, s in enumerate(sessions, start=1):
        if s.prescription_version not in starts:
            raise PackageError(f"session of {s.date} names prescription v{s.prescription_version}, "
                               "which this device does not hold")
        day = (_dt.date.fromisoformat(s.date) - starts[s.prescription_version]).days
        trials = []
        for j, trial in enumerate(store.trials(s.session_id), start=1):
            name = f"recordings/day{day:03d}_s{k}_{trial.condition}_{j}.h5"
            shutil.copyfile(trial.path, root / name)
            _deidentify_h5(root / name, day)
            trials.append({"file": name, "protocol": trial.protocol, "condition": trial.condition,
                           "result": trial.result})
        summary.append({"uid": s.uid, "day": day, "prescription_version": s.prescription_version,
                        "pain_before": s.pain_before, "pain_after": s.pain_after, "pain_next_day": s.pain_next_day,
                        "dose": [d.to_dict() for d in s.dose], "trials": trials})
    (root / "summary.json").write_text(json.dumps({"sessions": summary}, indent=1, allow_nan=False))
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    manifest = {"format": FORMAT, "package_id": uuid.uuid4().hex, "patient_id": patient_id,
                "n_sessions": len(summary), "files": {name: file_sha256(root / name) for name in files}}
    text = json.dumps(manifest, indent=1)
    (root / "manifest.json").write_text(text)
    (root / "manifest.sha256").write_text(hashlib.sha256(text.encode()).hexdigest() + "  manifest.json\n")
    return root


def _read_checked(root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    if not root.is_dir():
        raise PackageError(f"{root} is not a home package directory")
    for name in ("manifest.json", "manifest.sha256"):
        if not (root / name).is_file():
            raise PackageError(f"{root} is truncated or not a home package: {name} is missing")
    text = (root / "manifest.json").read_bytes()
    expected = (root / "manifest.sha256").read_text().split()[:1]
    if not expected or hashlib.sha256(text).hexdigest() != expected[0]:
        raise PackageError(f"{root}: manifest.json does not match its checksum (tampered or damaged); not imported")
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(f"{root}: manifest.json is not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise PackageError(f"{root}: unknown package format {manifest.get('format')!r} (expected {FORMAT})")
    files: dict[str, str] = manifest.get("files", {})
    for name, sha in files.items():
        path = root / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise PackageError(f"{root}: unsafe file name {name!r} in the manifest")
        if not path.is_file():
            raise PackageError(f"{root} is truncated: {name} is missing; not imported")
        if file_sha256(path) != sha:
            raise PackageError(f"{root}: {name} does not match its SHA-256 in the manifest (tampered or cut "
                               "short); not imported")
    listed = set(files) | {"manifest.json", "manifest.sha256"}
    extra = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    unlisted = [x for x in extra if x not in listed]
    if unlisted:
        raise PackageError(f"{root}: files not in the manifest: {', '.join(unlisted)}; not imported")
    if "summary.json" not in files:
        raise PackageError(f"{root}: summary.json is not in the manifest")
    try:
        summary = json.loads((root / "summary.json").read_text())
        sessions = summary["sessions"]
        for k, session in enumerate(sessions):
            missing = [key for key in _SESSION_KEYS if key not in session]
            if missing:
                raise PackageError(f"{root}: session {k + 1} in summary.json lacks {', '.join(missing)}")
            for trial in session["trials"]:
                if trial.get("file") not in files or not str(trial["file"]).endswith(".h5"):
                    raise PackageError(f"{root}: session {k + 1} names a recording not in the manifest: "
                                       f"{trial.get('file')!r}")
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise PackageError(f"{root}: summary.json is not a home package summary ({exc!r})") from None
    return manifest, summary


def import_package(store: Store, package: str | os.PathLike[str], *, patient_id: str | None = None,
                   recordings_dir: str | os.PathLike[str] | None = None) -> ImportResult:
    """Check and import a home package (directory or .zip) into the clinic's store (all checks before any write)."""
    path = Path(package)
    if path.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            _unzip(path, Path(tmp))
            return _import_dir(store, Path(tmp), path, patient_id, recordings_dir)
    return _import_dir(store, path, path, patient_id, recordings_dir)


def _unzip(path: Path, into: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                name = Path(info.filename)
                if name.is_absolute() or ".." in name.parts:
                    raise PackageError(f"{path}: unsafe file name {info.filename!r} in the zip; not imported")
            z.extractall(into)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise PackageError(f"{path} is truncated or not a home package zip ({exc}); not imported") from None


def _import_dir(store: Store, root: Path, shown: Path, patient_id: str | None,
                recordings_dir: str | os.PathLike[str] | None) -> ImportResult:
    try:
        return _import_checked(store, root, patient_id, recordings_dir)
    except PackageError as exc:
        if shown != root:  # name the zip the user gave, not the temporary directory
            raise PackageError(str(exc).replace(str(root), str(shown))) from None
        raise


def _import_checked(store: Store, root: Path, patient_id: str | None,
                    recordings_dir: str | os.PathLike[str] | None) -> ImportResult:
    manifest, summary = _read_checked(root)
    pid = str(manifest.get("patient_id", ""))
    if patient_id is not None and pid != patient_id:
        raise PackageError(f"{root} holds sessions of patient {pid}, not {patient_id}; not imported")
    try:
        store.patient(pid)
    except StoreError:
        raise PackageError(f"{root} is for patient {pid!r}, who is not in this store; not imported") from None
    package_id = str(manifest["package_id"])
    imported = home_import_date(store, package_id)
    if imported is not None:
        raise PackageError(f"{root} (package {package_id[:12]}) was already imported on {imported}; nothing changed")
    uids = [str(s.get("uid", "")) for s in summary["sessions"]]
    if any(not u for u in uids) or len(set(uids)) != len(uids):
        raise PackageError(f"{root}: summary.json has sessions without a unique uid; not imported")
    have = known_home_uids(store, uids)
    new_sessions = [s for s in summary["sessions"] if s["uid"] not in have]
    if not new_sessions:
        raise PackageError(f"{root}: all {len(uids)} sessions are already stored (imported from an earlier "
                           "package); nothing changed")
    for s in new_sessions:
        for trial in s["trials"]:
            known = store.trial_by_sha256(manifest["files"].get(trial["file"], ""))
            if known is not None:
                raise PackageError(f"{root}: {trial['file']} is already stored as trial {known.id}; not imported")
    starts = _version_starts(store, pid)
    lacking = sorted({int(s["prescription_version"]) for s in new_sessions} - set(starts))
    if lacking:
        raise PackageError(f"{root} has sessions under prescription version(s) {lacking} that this store does not "
                           f"hold for {pid} (it has {sorted(starts)}); not imported")
    dest = Path(recordings_dir) if recordings_dir else store.path.parent / "home-imports" / package_id
    dest.mkdir(parents=True, exist_ok=True)
    session_ids: list[int] = []
    copied: list[Path] = []
    n_trials = 0
    try:
        with store.transaction():  # all of the package or none of it (the store rolls back on any failure)
            for s in new_sessions:
                start = starts[int(s["prescription_version"])]
                date = (start + _dt.timedelta(days=int(s["day"]))).isoformat()
                session = store.add_session(pid, date, place="home")
                session_ids.append(session.id)
                for trial in s["trials"]:
                    target = dest / Path(trial["file"]).name
                    shutil.copyfile(root / trial["file"], target)
                    copied.append(target)
                    register_recording(store, pid, target, session_id=session.id, result=trial["result"])
                    n_trials += 1
                add_home_session(store, session.id, uid=s["uid"], prescription_version=s["prescription_version"],
                                 pain_before=s["pain_before"], pain_after=s["pain_after"],
                                 pain_next_day=s["pain_next_day"], summary_json=json.dumps(s["dose"]))
            add_home_import(store, package_id, pid, file_sha256(root / "manifest.json"), len(session_ids))
    except BaseException:
        for path in copied:  # a failure half-way leaves no partial import behind
            path.unlink(missing_ok=True)
        raise
    return ImportResult(package_id, pid, tuple(session_ids), n_trials, len(uids) - len(new_sessions))
