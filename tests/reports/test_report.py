"""Clinical reports from a store built of simulated sessions: pages, figures, numbers, real change, PDF."""

from __future__ import annotations

import base64
import csv
import io
import math
import re
from pathlib import Path

import numpy as np
import pypdf
import pytest
from matplotlib import image as mpimg

from recordings.reader import open_recording
from station.reports.metrics import metric_value
from station.reports.model import ReportSettings, model_from_files, model_from_store
from station.reports.render import render_html, write_report
from station.store.register import analysis_result
from tests.reports._build import CONDITION, add_standing_session, build_two_patients

SPAN = re.compile(r'<span class="n" data-key="([^"]+)" data-value="([^"]+)">([^<]*)</span>')
IMG = re.compile(r'<img class="[^"]*figure[^"]*" alt="([^"]+)" src="data:image/png;base64,([^"]+)">')
HEADLINE_KEY = f"standing:{CONDITION}:affected_load_pct_bw"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("store")
    store, improving, stable = build_two_patients(tmp)
    yield store, improving, stable, tmp
    store.close()


def _session_values(store, patient_id, key):
    return [[metric_value(t.result, key) for t in store.trials(s.id)] for s in store.sessions(patient_id)]


def _hand_threshold(groups):
    """Pooled within-session SD written out by hand, then 1.96·SD·√(1/3 + 1/3)."""
    ss = sum(sum((v - sum(g) / len(g)) ** 2 for v in g) for g in groups)
    dof = sum(len(g) - 1 for g in groups)
    return 1.96 * math.sqrt(ss / dof) * math.sqrt(1 / 3 + 1 / 3)


def test_real_change_flagged_for_the_improving_patient_only(built):
    store, improving, stable, _ = built
    for pid, expect_real in ((improving, True), (stable, False)):
        model = model_from_store(store, pid)
        measure = next(m for m in model.progress if m.key == HEADLINE_KEY)
        groups = _session_values(store, pid, "affected_load_pct_bw")
        limit = _hand_threshold(groups)
        last = measure.points[-1]
        assert last.verdict.patient_limit == pytest.approx(limit, rel=1e-12)
        assert last.verdict.mdc is None and "no published MDC" in last.verdict.rule
        assert last.verdict.delta == pytest.approx(np.mean(groups[-1]) - np.mean(groups[0]), rel=1e-12)
        assert last.verdict.real is expect_real
        if expect_real:  # 40 -> 48 %BW: the change is far beyond the patient's own variation
            assert 7.0 < last.verdict.delta < 9.0 and last.verdict.rule.startswith("real change")
        else:
            assert not any(p.verdict.real for p in measure.points if p.verdict is not None)
    # the TUG score: published MDC 1.10 s, single rating per session
    tug = next(m for m in model_from_store(store, improving).scores if m.key == "tug_s")
    assert [p.verdict.real for p in tug.points[1:]] == [False, False, True, True, True]  # Δ 0.5, 1.0, 1.5, ...
    assert tug.points[3].verdict.rule == ("real change: beats published MDC 1.1 s; single rating, no "
                                          "trial-to-trial variation")


def _check_png(b64: str) -> None:
    png = base64.b64decode(b64)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = mpimg.imread(io.BytesIO(png), format="png")
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert float(pixels[..., :3].std()) > 0.02  # something is drawn, not a blank canvas


def test_html_pages_figures_and_every_number(built):
    store, improving, _, _ = built
    model = model_from_store(store, improving)
    html = render_html(model)
    assert html.count('<section class="page assessment"') == 6
    assert html.count('<section class="page progress"') == 1
    figs = IMG.findall(html)
    assert [alt for alt, _ in figs].count("stabilogram") == 6 and len(figs) == 6 * 3 + 1
    for _, b64 in figs:
        _check_png(b64)
    spans = SPAN.findall(html)
    assert len(spans) > 6 * 3 * 14
    trials = {str(t.id): t for s in store.sessions(improving) for t in store.trials(s.id)}
    checked = 0
    for key, value, text in spans:
        parts = key.split(":")
        if parts[0] in trials:  # one trial's number: exactly the stored analysis result
            stored = metric_value(trials[parts[0]].result, parts[1])
            assert float(value) == stored, key
            checked += 1
        assert text.lstrip("+") == f"{float(value):.{len(text.split('.')[1]) if '.' in text else 0}f}".lstrip("+")
    assert checked == sum(len(a.trials) * len(a.rows) for a in model.assessments)
    # and the stored results are what the analysis of each HDF5 file gives (first session, re-analysed now)
    for trial in store.trials(store.sessions(improving)[0].id):
        fresh = analysis_result(open_recording(trial.path))
        for row in model.assessments[0].rows:
            assert metric_value(fresh, row.spec.key) == metric_value(trial.result, row.spec.key), row.spec.key
    # session means and SDs from the stored trial values, computed here independently
    values = dict((k, float(v)) for k, v, _ in spans)
    for no, group in enumerate(_session_values(store, improving, "affected_load_pct_bw"), start=1):
        key = f"S{no}:standing:{CONDITION}:affected_load_pct_bw"
        assert values[key + ":mean"] == pytest.approx(sum(group) / 3, rel=1e-12)
        assert values[key + ":sd"] == pytest.approx(np.std(group, ddof=1), rel=1e-12)
        assert values[f"progress:{HEADLINE_KEY}:S{no}:mean"] == pytest.approx(sum(group) / 3, rel=1e-12)
    area = next(r for r in model.assessments[0].rows if r.spec.key == "sway.ellipse95_area_mm2")
    assert values[f"S1:standing:{CONDITION}:sway.ellipse95_area_mm2:mean_in_reference_unit"] == pytest.approx(
        area.mean / 100, rel=1e-12)  # mm² -> cm², the HBEDB table's unit
    assert "2.91 ± 3.35 cm² (n 76)" in html  # born 1958: the ≥ 60 y group, eyes open, firm
    assert html.count('data-verdict="True"') == sum(p.verdict.real for m in model.progress + model.scores
                                                     for p in m.points if p.verdict)


def test_tidy_csv_holds_the_stored_results(built, tmp_path):
    store, improving, _, _ = built
    rendered = write_report(model_from_store(store, improving), tmp_path / "r.html")
    rows = list(csv.reader(rendered.csv_path.read_text().splitlines()))
    assert rows[0] == ["subject", "session", "trial", "metric", "value", "unit"]
    n = 0
    for subject, session, trial, metric, value, unit in rows[1:]:
        assert subject == improving and re.fullmatch(r"S[1-6]", session)
        if metric.startswith("score."):
            assert unit == "s" and trial == ""
            continue
        assert float(value) == metric_value(store.trial(int(trial)).result, metric)
        n += 1
    assert n == 18 * 15  # 18 trials, 15 measures each
    link = re.search(r'<a download="r.csv" href="data:text/csv;base64,([^"]+)">', rendered.path.read_text())
    assert base64.b64decode(link.group(1)).decode() == rendered.csv_path.read_text()


def test_pdf_pages_figures_and_attached_csv(built, tmp_path):
    store, improving, _, _ = built
    rendered = write_report(model_from_store(store, improving), tmp_path / "r.pdf")
    reader = pypdf.PdfReader(rendered.path)
    assert rendered.pages == len(reader.pages) == 7  # six assessments and the progress page, one A4 each
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595.3, abs=0.5)  # A4: 210 x 297 mm
        assert float(page.mediabox.height) == pytest.approx(841.9, abs=0.5)
    drawn = []  # images each page draws (WeasyPrint shares one resource dictionary between pages)
    for page in reader.pages:
        names = re.findall(rb"/([\w.+-]+) Do", page.get_contents().get_data())
        xobjects = page["/Resources"]["/XObject"]
        sizes = [len(xobjects["/" + n.decode()].get_object().get_data()) for n in names]
        assert all(size > 1000 for size in sizes)
        drawn.append(len(names))
    assert drawn == [3] * 6 + [1]
    assert "Affected limb (left) takes" in reader.pages[0].extract_text()
    assert reader.attachments["r.csv"][0].decode() == rendered.csv_path.read_text()


def test_deidentified_report_keeps_only_years_and_no_serials(built):
    store, improving, _, _ = built
    html = render_html(model_from_store(store, improving, ReportSettings(deidentify=True)))
    assert not re.search(r"20\d\d-\d\d-\d\d", html)
    assert "SIM-" not in html and ", serial" not in html
    assert ", serial SIM-" in render_html(model_from_store(store, improving))  # what the option removes
    assert "year 2026" in html and improving in html


def test_home_sessions_apart_and_few_trials_said(tmp_path, built):
    store = built[0]
    pid = store.add_patient(affected_side="left", mass_kg=65.0).id
    add_standing_session(store, pid, tmp_path, "2026-03-01", 44.0, trials=2)
    add_standing_session(store, pid, tmp_path, "2026-03-08", 45.0, trials=2, place="home")
    model = model_from_store(store, pid)
    html = render_html(model)
    assert html.count("fewer than 3 trials recorded") == 2
    clinic, home = html.split("<h2>Home sessions</h2>")
    assert "<h2>Clinic sessions</h2>" in clinic and "(baseline)" in clinic and "(baseline)" not in home
    assert f'data-key="progress:{HEADLINE_KEY}:S2"' in home
    assert "age" not in model.assessments[0].device  # no birth year: no age group, no HBEDB reference
    assert "healthy reference (age unknown)" in html


def test_report_of_recordings_with_a_walking_page(tmp_path, built):
    from drivers.sim.gait_plates import SimulatedGaitPlates
    from recordings.metadata import Subject
    from station.protocols.walking import run_walking

    store, improving, _, _ = built
    standing = [t.path for t in store.trials(store.sessions(improving)[0].id)]
    walk = tmp_path / "walk.h5"
    run_walking(SimulatedGaitPlates(mass_kg=72, seed=3, affected_side="left"), walk,
                Subject(improving, 72.0, "left"), seconds=20.0)
    model = model_from_files([*standing, walk])
    assert [a.protocol for a in model.assessments] == ["standing", "walking"]
    html = render_html(model)
    assert "Progress over sessions" not in html
    alts = [alt for alt, b64 in IMG.findall(html) if not _check_png(b64)]
    assert alts == ["stabilogram", "COP time series", "load per limb", "per-step peaks", "stance curves"]
    walking = model.assessments[1]
    peak = next(r for r in walking.rows if r.spec.key == "steps.affected.peak1_pct_bw")
    assert peak.values == [walking.trials[0].result["steps"]["affected"]["peak1_pct_bw"]]
    assert "fewer than 3 trials recorded" in html  # one walking trial


def test_a_moved_or_changed_recording_is_not_drawn_but_its_numbers_stay(tmp_path, built):
    store = built[0]
    pid = store.add_patient(affected_side="left", mass_kg=70.0).id
    sid = add_standing_session(store, pid, tmp_path, "2026-05-01", 43.0, trials=3)
    first, second, _ = store.trials(sid)
    Path(first.path).unlink()
    with open(second.path, "ab") as f:  # changed bytes: no longer the registered recording
        f.write(b"\0")
    model = model_from_store(store, pid)
    html = render_html(model)
    spans = {k: float(v) for k, v, _ in SPAN.findall(html)}
    assert spans[f"{first.id}:affected_load_pct_bw"] == first.result["affected_load_pct_bw"]
    for _, b64 in IMG.findall(html):
        _check_png(b64)
    from station.reports.traces import cop_trace

    assert cop_trace(first.path, first.settings, first.sha256) is None
    assert cop_trace(second.path, second.settings, second.sha256) is None
    third = store.trials(sid)[2]
    assert cop_trace(third.path, third.settings, third.sha256) is not None
