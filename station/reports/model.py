"""What a clinical report shows, gathered from the store (or from recordings) before anything is drawn.

Every number comes from a stored analysis result (:mod:`station.store`); the only arithmetic here is the
mean and SD over the trials of one condition and the change rules of :mod:`station.reports.real_change`.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from station.protocols.table import PROTOCOLS, protocol_spec
from station.reports.home_block import home_program_block
from station.reports.metrics import MetricSpec, metric_value
from station.reports.real_change import (
    BASELINE_SESSIONS,
    Verdict,
    between_session_threshold,
    judge_change,
    patient_threshold,
    pooled_within_sd,
)
from station.reports.references import HBEDB_MEASURES, NEUROCOM_WBS_BAND, Band, Reference, hbedb_reference
from station.store.scores import INSTRUMENTS, berg_mdc95
from station.store.store import Store

__all__ = [
    "RECOMMENDED_TRIALS",
    "Assessment",
    "MetricRow",
    "ProgressMeasure",
    "ReportModel",
    "ReportSettings",
    "model_from_files",
    "model_from_store",
]

RECOMMENDED_TRIALS = 3
DEFAULT_TARGET_BAND = Band(45.0, 55.0, "clinician's target")
_MAC = re.compile(r"(?i)\b[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}\b")

#: Published MDC95 of the sensor headline measures for this device class and protocol. The sources read
#: (docs/home-evidence.md §1.4) give none in a usable form (Clark 2010: values not read; Midot and
#: Eng & Chu: ICCs only), so the patient's own variation decides alone and the page says so.
SENSOR_MDC: dict[str, tuple[float, str]] = {}


@dataclass(frozen=True)
class ReportSettings:
    """Bands and options of a report (all shown on the page)."""

    target_band: Band = DEFAULT_TARGET_BAND
    normal_band: Band = NEUROCOM_WBS_BAND
    deidentify: bool = False


@dataclass
class TrialData:
    """A trial on a page: its stored result, and the recording (with the SHA-256 it was registered under)."""

    trial_id: str
    result: dict[str, Any]
    path: str | None
    sha256: str | None = None


@dataclass
class MetricRow:
    spec: MetricSpec
    values: list[float | None]
    mean: float | None
    sd: float | None
    n: int
    reference: Reference | None = None
    reference_factor: float = 1.0


@dataclass
class Assessment:
    """One page: the trials of one protocol and condition in one session."""

    subject_id: str
    session_no: int
    date: str
    place: str
    protocol: str
    condition: str
    trials: list[TrialData]
    rows: list[MetricRow]
    device: str
    settings: dict[str, Any]
    software_version: str
    age_years: int | None

    @property
    def key(self) -> str:
        return f"S{self.session_no}:{self.protocol}:{self.condition}"

    @property
    def page(self) -> str:
        """The kind of page the protocol has (``"sway"``, ``"steps"``; :mod:`station.protocols.table`)."""
        return protocol_spec(self.protocol).page

    @property
    def affected_side(self) -> str:
        """The painful side the analysis used (stored in each result)."""
        return str(self.trials[0].result.get("affected_side", ""))

    @property
    def few_trials(self) -> bool:
        return len(self.trials) < RECOMMENDED_TRIALS


@dataclass
class SessionPoint:
    session_no: int
    date: str
    place: str
    values: list[float]
    mean: float
    verdict: Verdict | None  # None for the baseline


@dataclass
class ProgressMeasure:
    """One headline measure (or clinical score) over sessions against the baseline."""

    key: str
    label: str
    unit: str
    digits: int
    points: list[SessionPoint]
    baseline: SessionPoint
    sd_within: float | None
    dof: int
    mdc: float | None
    mdc_source: str
    is_score: bool = False
    name: str = ""  # the measure's own name (``label`` adds the protocol and condition)
    group: str = ""  # what the measures of one table block share: "standing, eyes open" or "clinical scores"
    #: the name of the patient's-variation rule: "own variation" (trial-to-trial), "own set-to-set variation"
    #: or "own between-session variation" (home measures, real_change.py)
    own_rule: str = "own variation"
    #: the between-session rule: SD_b of the baseline sessions' values and their number (None / 1 otherwise)
    sd_between: float | None = None
    baseline_sessions: int = 1
    #: the mean the changes are taken from (the baseline session's, or the baseline sessions')
    baseline_mean: float | None = None

    @property
    def reference(self) -> float:
        """The value changes are measured from (the dashed line of the figure)."""
        return self.baseline.mean if self.baseline_mean is None else self.baseline_mean

    @property
    def band(self) -> float | None:
        bands = [p.verdict.band for p in self.points if p.verdict is not None and p.verdict.band is not None]
        return max(bands) if bands else self.mdc


@dataclass
class ReportModel:
    subject_id: str
    affected_side: str
    birth_year: int | None
    settings: ReportSettings
    assessments: list[Assessment]
    progress: list[ProgressMeasure] = field(default_factory=list)
    scores: list[ProgressMeasure] = field(default_factory=list)
    has_progress_page: bool = False
    #: The home exercise program's adherence and progression suggestion (station.home), or None.
    home_program: dict[str, Any] | None = None

    def csv_rows(self) -> list[tuple[str, str, str, str, float, str]]:
        """Tidy rows (subject, session, trial, metric, value, unit): every number the pages print per trial."""
        rows = []
        for a in self.assessments:
            for i, trial in enumerate(a.trials):
                for row in a.rows:
                    value = row.values[i]
                    if value is not None:
                        rows.append((a.subject_id, f"S{a.session_no}", trial.trial_id, row.spec.key, value,
                                     row.spec.unit))
        for m in self.scores:
            for p in m.points:
                rows.append((self.subject_id, f"S{p.session_no}", "", f"score.{m.key}", p.mean, m.unit))
        return rows


def _stats(values: Sequence[float | None]) -> tuple[float | None, float | None, int]:
    finite = np.array([v for v in values if v is not None], dtype=np.float64)
    if finite.size == 0:
        return None, None, 0
    sd = float(np.std(finite, ddof=1)) if finite.size >= 2 else None
    return float(finite.mean()), sd, int(finite.size)


def _device_text(result: dict[str, Any], deidentify: bool) -> str:
    dev = result.get("device", {})
    text = str(dev.get("model") or dev.get("driver") or "unknown device")
    if dev.get("simulated"):
        text += " [SIMULATED]"
    if not deidentify and dev.get("serial"):
        text += f", serial {dev['serial']}"
    return _MAC.sub("[address removed]", text) if deidentify else text


def _assessment(subject_id: str, session_no: int, date: str, place: str, protocol: str, condition: str,
                trials: list[TrialData], age: int | None, settings: ReportSettings) -> Assessment:
    rows = []
    page = protocol_spec(protocol).page
    for spec in protocol_spec(protocol).metrics:
        values = [metric_value(t.result, spec.key) for t in trials]
        if all(v is None for v in values):
            continue
        mean, sd, n = _stats(values)
        ref = hbedb_reference(spec.key, age, condition) if page == "sway" else None
        factor = HBEDB_MEASURES[spec.key][1] if ref is not None else 1.0
        rows.append(MetricRow(spec, values, mean, sd, n, ref, factor))
    first = trials[0].result
    return Assessment(
        subject_id=subject_id,
        session_no=session_no,
        date=date[:4] if settings.deidentify else date,
        place=place,
        protocol=protocol,
        condition=condition,
        trials=trials,
        rows=rows,
        device=_device_text(first, settings.deidentify),
        settings=dict(first.get("settings", {})),
        software_version=str(first.get("software_version", "")),
        age_years=age,
    )


def _progress(key: str, label: str, unit: str, digits: int, sessions: list[tuple[int, str, str, list[float]]],
              mdc_for_baseline, mdc_source: str, deidentify: bool, is_score: bool = False, name: str = "",
              group: str = "", home: bool = False) -> ProgressMeasure | None:
    """Judge every session against the baseline (the first clinic session, else the first session).

    ``home``: a home exercise measure (one value per set): with several sets in a session the patient's own
    variation is the set-to-set one; with one set per session and more than ``BASELINE_SESSIONS`` sessions, the
    between-session rule of :mod:`station.reports.real_change` applies.
    """
    if not sessions:
        return None
    sd_w, dof = pooled_within_sd([v for *_, v in sessions])
    if home and sd_w is None and len(sessions) > BASELINE_SESSIONS:
        between = _progress_between_sessions(key, label, unit, digits, sessions, mdc_for_baseline, mdc_source,
                                             deidentify, name, group)
        if between is not None:
            return between
    points = []
    base_index = next((i for i, s in enumerate(sessions) if s[2] == "clinic"), 0)
    b_values = sessions[base_index][3]
    base_mean = float(np.mean(b_values))
    mdc = mdc_for_baseline(base_mean)
    baseline = None
    for i, (no, date, place, values) in enumerate(sessions):
        mean = float(np.mean(values))
        verdict = None
        if i != base_index:
            limit = patient_threshold(sd_w, len(b_values), len(values)) if sd_w is not None else None
            verdict = judge_change(mean - base_mean, mdc=mdc, patient_limit=limit, unit=unit,
                                   own="own set-to-set variation" if home else "own variation")
        point = SessionPoint(no, date[:4] if deidentify else date, place, list(values), mean, verdict)
        points.append(point)
        if i == base_index:
            baseline = point
    assert baseline is not None
    return ProgressMeasure(key, label, unit, digits, points, baseline, sd_w, dof, mdc, mdc_source, is_score,
                           name=name or label, group=group,
                           own_rule="own set-to-set variation" if home else "own variation")


def _progress_between_sessions(key: str, label: str, unit: str, digits: int,
                               sessions: list[tuple[int, str, str, list[float]]], mdc_for_baseline, mdc_source: str,
                               deidentify: bool, name: str, group: str) -> ProgressMeasure | None:
    """The between-session rule (one value per session): the first BASELINE_SESSIONS sessions are the baseline.

    None when the baseline sessions are all equal (SD_b = 0: no variation to judge by, e.g. 100 % on target
    three times; a zero limit would call every change real).
    """
    k = BASELINE_SESSIONS
    base_values = [float(np.mean(v)) for *_, v in sessions[:k]]
    base_mean = float(np.mean(base_values))
    limit, sd_b = between_session_threshold(base_values)
    if sd_b == 0.0:
        return None
    mdc = mdc_for_baseline(base_mean)
    own = "own between-session variation"
    points = []
    for i, (no, date, place, values) in enumerate(sessions):
        mean = float(np.mean(values))
        if i == 0:
            verdict = None
        elif i < k:
            verdict = Verdict(mean - base_mean, None, None, False,
                              f"baseline period: sessions 1-{k} of this measure set the patient's own "
                              "between-session variation")
        else:
            verdict = judge_change(mean - base_mean, mdc=mdc, patient_limit=limit, unit=unit, own=own)
        points.append(SessionPoint(no, date[:4] if deidentify else date, place, list(values), mean, verdict))
    return ProgressMeasure(key, label, unit, digits, points, points[0], None, k - 1, mdc, mdc_source,
                           name=name or label, group=group, own_rule=own, sd_between=sd_b, baseline_sessions=k,
                           baseline_mean=base_mean)


def model_from_store(store: Store, patient_id: str, settings: ReportSettings | None = None) -> ReportModel:
    """The report of one patient: a page per assessment of every session, and the progress page."""
    settings = settings or ReportSettings()
    patient = store.patient(patient_id)
    sessions = store.sessions(patient_id)
    assessments: list[Assessment] = []
    series: dict[tuple[str, str, str], list[tuple[int, str, str, list[float]]]] = defaultdict(list)
    score_series: dict[str, list[tuple[int, str, str, list[float]]]] = defaultdict(list)
    for no, session in enumerate(sessions, start=1):
        age = int(session.date[:4]) - patient.birth_year if patient.birth_year else None
        groups: dict[tuple[str, str], list[TrialData]] = defaultdict(list)
        for trial in store.trials(session.id):
            groups[(trial.protocol, trial.condition)].append(TrialData(str(trial.id), trial.result, trial.path,
                                                                             trial.sha256))
        for (protocol, condition), trials in groups.items():
            row = PROTOCOLS.get(protocol)
            if row is not None and row.page:  # home sets: progress page only (metrics.HOME_METRICS)
                assessments.append(_assessment(patient.id, no, session.date, session.place, protocol,
                                               condition, trials, age, settings))
            for spec in row.headline if row is not None else ():
                values = [v for t in trials if (v := metric_value(t.result, spec.key)) is not None]
                if values:
                    series[(protocol, condition, spec.key)].append((no, session.date, session.place, values))
        for score in store.scores(session.id):
            score_series[score.instrument].append((no, session.date, session.place, [score.value]))
    progress = []
    for (protocol, condition, key), points in series.items():
        spec = next(s for s in PROTOCOLS[protocol].headline if s.key == key)
        mdc, source = SENSOR_MDC.get(key, (None, "no published MDC for this measure and device in our sources"))
        m = _progress(f"{protocol}:{condition}:{key}", f"{spec.label} — {protocol}, {condition}", spec.unit,
                      spec.digits, points, lambda _b, mdc=mdc: mdc, source, settings.deidentify, name=spec.label,
                      group=f"{protocol}, {condition}", home=protocol == "home")
        if m is not None:
            progress.append(m)
    scores = []
    for name, points in score_series.items():
        inst = INSTRUMENTS[name]
        mdc_fn = berg_mdc95 if name == "berg" else (lambda _b, mdc=inst.mdc: mdc)
        source = inst.mdc_source or "no published MDC in our sources: raw change only"
        m = _progress(name, inst.label, inst.unit, 1, points, mdc_fn, source, settings.deidentify, is_score=True,
                      group="clinical scores")
        if m is not None:
            scores.append(m)
    return ReportModel(patient.id, patient.affected_side, patient.birth_year, settings, assessments, progress,
                       scores, has_progress_page=bool(sessions),
                       home_program=home_program_block(store, patient.id, settings.deidentify))


def model_from_files(paths: Sequence[str | Path], settings: ReportSettings | None = None) -> ReportModel:
    """A report of recordings not (necessarily) in the store: analysed now, one session, no progress page."""
    from recordings.reader import open_recording
    from station.store.register import analysis_result

    settings = settings or ReportSettings()
    if not paths:
        raise ValueError("give at least one recording")
    groups: dict[tuple[str, str, str], list[TrialData]] = defaultdict(list)
    sides: dict[str, str] = {}
    dates: dict[tuple[str, str, str], str] = {}
    for i, path in enumerate(paths, start=1):
        rec = open_recording(path)
        result = analysis_result(rec)
        key = (rec.subject.id, rec.protocol, rec.condition)
        groups[key].append(TrialData(f"T{i}", result, str(path)))
        sides[rec.subject.id] = str(rec.subject.affected_side)
        dates.setdefault(key, (rec.created_utc or "")[:10])
    assessments = [
        _assessment(subject, 1, dates[(subject, protocol, condition)], "clinic", protocol, condition, trials, None,
                    settings)
        for (subject, protocol, condition), trials in groups.items()
    ]
    subjects = sorted(sides)
    return ReportModel(", ".join(subjects), sides[subjects[0]], None, settings, assessments)


def finite_or_none(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
