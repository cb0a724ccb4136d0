"""The progress page fits one A4 sheet: exact page counts of rendered PDFs and the text of the progress page."""

from __future__ import annotations

import re

import pypdf
import pytest

from station.protocols.table import PROTOCOLS
from station.reports.model import ProgressMeasure, SessionPoint, model_from_store
from station.reports.progress_view import mdc_sources, progress_tables, rule_text, verdict_mark
from station.reports.real_change import judge_change
from station.reports.render import render_html, write_report
from station.store import Store
from station.store.scores import INSTRUMENTS
from tests.reports._build import add_standing_session

TRIAL_S = 10.0  # short trials: only the page layout is under test here


def _scores(i: int) -> dict[str, float]:
    """Every clinical score the store knows, changing a little per session."""
    return {"tug_s": 14.0 - 0.3 * i, "chair_stand_30s": 8 + i // 2, "berg": 40 + i // 2, "hoos_pain": 50 + 2 * i,
            "hoos_symptoms": 55 + i, "hoos_adl": 60 + i, "hoos_sport": 30 + 2 * i, "hoos_qol": 40 + i,
            "harris_hip": 60 + 2 * i, "pain_nrs": max(7 - i // 2, 1)}


@pytest.fixture(scope="module")
def store_of_two(tmp_path_factory):
    """Patient A: ten clinic sessions with TUG and pain. Patient B: twelve sessions (two at home) with every score."""
    tmp = tmp_path_factory.mktemp("progress")
    store = Store(tmp / "store.sqlite3")
    a = store.add_patient(affected_side="left", mass_kg=72.0, birth_year=1956).id
    b = store.add_patient(affected_side="right", mass_kg=80.0, birth_year=1962).id
    for i in range(10):
        sid = add_standing_session(store, a, tmp, f"2026-01-{i + 1:02d}", 40.0 + 0.8 * i, seconds=TRIAL_S)
        store.add_score(sid, "tug_s", 14.0 - 0.3 * i)
        store.add_score(sid, "pain_nrs", max(6 - i, 1))
    for i in range(12):
        place = "home" if i in (6, 9) else "clinic"
        sid = add_standing_session(store, b, tmp, f"2026-02-{i + 1:02d}", 41.0 + 0.6 * i, place=place,
                                   seconds=TRIAL_S, seed0=500)
        if place == "clinic":
            for name, value in _scores(i).items():
                store.add_score(sid, name, value)
    yield store, a, b
    store.close()


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def _check_pages(store, patient_id, out, sessions: int) -> tuple[list[str], object]:
    model = model_from_store(store, patient_id)
    assert len(model.assessments) == sessions  # one condition per session: one assessment page each
    rendered = write_report(model, out)
    reader = pypdf.PdfReader(rendered.path)
    # the structure the HTML states (one section per sheet) and the sheets the PDF has agree exactly
    sections = render_html(model).count('<section class="page')
    assert sections == len(model.assessments) + 1
    assert rendered.pages == len(reader.pages) == sections == sessions + 1
    texts = [_text(page) for page in reader.pages]
    for no, text in enumerate(texts[:-1], start=1):
        assert text.startswith("Standing — eyes open, firm surface"), no
        assert f"session {no} " in text and "Progress over sessions" not in text
    assert texts[-1].startswith("Progress over sessions")
    assert "Numbers as tidy CSV" in texts[-1]  # the page's last line: nothing spilled onto another sheet
    return texts, model


def test_ten_session_report_has_one_sheet_per_assessment_and_one_progress_sheet(store_of_two, tmp_path):
    store, a, _ = store_of_two
    texts, model = _check_pages(store, a, tmp_path / "ten.pdf", 10)
    progress = texts[-1]
    for spec in PROTOCOLS["standing"].headline:
        assert spec.label in progress, spec.label
    for m in model.progress:
        assert m.name in progress and m.unit in progress
    for name in ("tug_s", "pain_nrs"):
        assert INSTRUMENTS[name].label in progress
    assert "Clinic sessions measure, unit" in progress and "Home sessions measure, unit" not in progress
    assert all(f"S{no}" in progress for no in range(1, 11))


def test_twelve_sessions_with_every_score_and_home_sessions_fit_one_progress_sheet(store_of_two, tmp_path):
    store, _, b = store_of_two
    texts, model = _check_pages(store, b, tmp_path / "twelve.pdf", 12)
    progress = texts[-1]
    assert len(model.progress) == 3 and len(model.scores) == len(INSTRUMENTS)
    for spec in PROTOCOLS["standing"].headline:
        assert spec.label in progress, spec.label
    for inst in INSTRUMENTS.values():
        assert inst.label in progress, inst.label
    clinic, home = progress.split("Home sessions measure, unit")
    assert "Clinic sessions measure, unit" in clinic and "S7" in home and "S10" in home and "S8" not in home


def _measure(points: list[tuple[int, str, list[float]]], mdc: float | None, limit: float | None,
             is_score: bool = False) -> ProgressMeasure:
    base = points[0]
    sps = []
    for no, place, values in points:
        mean = sum(values) / len(values)
        verdict = None if no == base[0] else judge_change(mean - sum(base[2]) / len(base[2]), mdc=mdc,
                                                          patient_limit=limit, unit="s")
        sps.append(SessionPoint(no, f"2026-01-{no:02d}", place, values, mean, verdict))
    return ProgressMeasure("k", "Measure — standing", "s", 1, sps, sps[0], None, 0, mdc, "source X", is_score,
                           name="Measure", group="g")


def test_verdict_marks_and_rule_text_name_the_rule_and_threshold():
    # |Δ| = 2 s against MDC 1 s and own limit 3 s: only the MDC is beaten
    assert verdict_mark(judge_change(2.0, mdc=1.0, patient_limit=3.0)) == "(MDC)"
    assert verdict_mark(judge_change(-2.0, mdc=3.0, patient_limit=1.0)) == "(own)"
    assert verdict_mark(judge_change(4.0, mdc=3.0, patient_limit=1.0)) == "★"
    assert verdict_mark(judge_change(0.5, mdc=3.0, patient_limit=1.0)) == ""
    assert verdict_mark(judge_change(9.0, mdc=None, patient_limit=None)) == ""  # nothing to judge by
    assert verdict_mark(None) == ""  # the baseline
    m = _measure([(1, "clinic", [10.0]), (2, "clinic", [12.0]), (3, "home", [9.0])], mdc=1.1, limit=None)
    assert rule_text(m) == "★ when |Δ| > published MDC 1.1 s (single rating)"
    m = _measure([(1, "clinic", [10.0]), (2, "clinic", [12.0])], mdc=None, limit=None, is_score=True)
    assert rule_text(m) == "raw change only (no published MDC, single rating)"


def test_progress_tables_keep_home_sessions_apart_and_align_cells():
    with_home = _measure([(1, "clinic", [10.0]), (2, "home", [11.0]), (3, "clinic", [12.0])], 1.0, None, True)
    clinic_only = _measure([(1, "clinic", [5.0]), (3, "clinic", [6.0])], None, None)
    tables = progress_tables([with_home, clinic_only])
    assert [t.place for t in tables] == ["clinic", "home"]
    clinic, home = tables
    assert [no for no, _ in clinic.sessions] == [1, 3] and [no for no, _ in home.sessions] == [2]
    assert [c.mean for c in clinic.rows[0].cells] == [10.0, 12.0]
    assert [c.mean for c in clinic.rows[1].cells] == [5.0, 6.0]
    assert len(home.rows) == 1 and home.rows[0].measure is with_home  # no home point: no home row
    assert mdc_sources([with_home, clinic_only]) == [("sensor measures, Measure", "source X")]  # sensors first


def test_pdf_route_prints_the_same_text_as_the_annotated_html(store_of_two):
    """The PDF route leaves out the data-* spans; apart from them the document is the same, byte for byte."""
    store, a, _ = store_of_two
    model = model_from_store(store, a)
    annotated = render_html(model)
    plain = render_html(model, _annotate=False)
    spans = re.compile(r'<span class="n(?: na)?" data-key="[^"]*"(?: data-value="[^"]*")?>([^<]*)</span>')
    assert len(spans.findall(annotated)) > 10 * 15 * 3 and not spans.findall(plain)
    assert spans.sub(r"\1", annotated) == plain
