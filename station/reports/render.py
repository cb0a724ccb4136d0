"""Render a :class:`~station.reports.model.ReportModel` to HTML (Jinja2) or PDF (WeasyPrint), plus the tidy CSV.

In the HTML every printed number is wrapped in ``<span class="n" data-key=... data-value=...>`` carrying the exact
value it was formatted from, so tests (and curious researchers) can check each one against the stored result. The
PDF is made from the same document without those wrappers (the same text; fewer boxes for WeasyPrint to lay out).
"""

from __future__ import annotations

import base64
import csv
import io
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from station.reports import figures, progress_view
from station.reports.model import RECOMMENDED_TRIALS, Assessment, ReportModel
from station.reports.references import HBEDB_SOURCE
from station.reports.traces import cop_trace

__all__ = ["RenderedReport", "render_html", "tidy_csv", "write_report"]

CSV_HEADER = ("subject", "session", "trial", "metric", "value", "unit")
_MIN_HALF_RANGE_MM = 10.0


@dataclass(frozen=True)
class RenderedReport:
    path: Path
    csv_path: Path
    pages: int | None  # known for PDF


def tidy_csv(model: ReportModel) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in model.csv_rows():
        writer.writerow([*row[:4], repr(row[4]), row[5]])
    return buf.getvalue()


def _num(value: float | None, digits: int, key: str, signed: bool = False) -> Markup:
    if value is None or not math.isfinite(value):
        return Markup('<span class="n na" data-key="{}">–</span>').format(key)
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return Markup('<span class="n" data-key="{}" data-value="{}">{}</span>').format(key, repr(float(value)), text)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class _Images:
    """Figures as ``data:`` URIs (self-contained HTML) or as PNG files in a scratch directory (PDF route).

    WeasyPrint's HTML parser reads megabytes of base64 slowly, so the PDF route points it at files instead.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.count = 0

    def add(self, png: bytes) -> str:
        if self.directory is None:
            return _data_uri(png)
        self.count += 1
        path = self.directory / f"figure{self.count}.png"
        path.write_bytes(png)
        return path.as_uri()


def _standing_figures(a: Assessment, traces: list, drawn: figures.FigureSet, images: _Images) -> dict[str, str]:
    ellipses = []
    for t in a.trials:
        sway = t.result.get("sway", {})
        ellipses.append((sway["ellipse95_semi_major_mm"], sway["ellipse95_semi_minor_mm"], sway["ellipse95_angle_deg"])
                        if "ellipse95_semi_major_mm" in sway else None)
    aff = next(r for r in a.rows if r.spec.key == "affected_load_pct_bw")
    unaff = next(r for r in a.rows if r.spec.key == "unaffected_load_pct_bw")
    return {
        "stabilogram": images.add(drawn.stabilogram(traces, ellipses)),
        "cop": images.add(drawn.cop_series(traces)),
        "bars": images.add(drawn.load_bars((aff.mean, aff.sd), (unaff.mean, unaff.sd))),
    }


def _figures(model: ReportModel, images: _Images) -> tuple[dict[str, dict[str, str]], float, str | None]:
    traces: dict[str, list] = {}
    extent = 0.0
    duration = 0.0
    for a in model.assessments:
        if a.page == "sway":
            traces[a.key] = [cop_trace(t.path, t.result.get("settings", {}), t.sha256) if t.path else None
                            for t in a.trials]
            for tr in traces[a.key]:
                if tr is not None:
                    extent = max(extent, float(abs(tr.ml_mm).max()), float(abs(tr.ap_mm).max()))
                    duration = max(duration, float(tr.t_s[-1]))
    # one scale for every stabilogram of the report, so shapes compare across sessions
    half_range = max(_MIN_HALF_RANGE_MM, 5.0 * math.ceil(extent / 5.0))
    figs: dict[str, dict[str, str]] = {}
    sides = {a.affected_side for a in model.assessments if a.page == "sway"}
    time_axis_s = max(5.0, 5.0 * math.ceil(duration / 5.0))
    drawn: dict[str, figures.FigureSet] = {  # one set of reused figures per affected side (its bar labels)
        side: figures.FigureSet(half_range, time_axis_s, side, model.settings.target_band, model.settings.normal_band)
        for side in sides
    }
    for a in model.assessments:
        if a.page == "sway":
            figs[a.key] = _standing_figures(a, traces[a.key], drawn[a.affected_side], images)
        else:
            figs[a.key] = {"peaks": images.add(figures.walking_peaks_png(a)),
                           "curves": images.add(figures.walking_curves_png(a))}
    measures = model.progress + model.scores
    progress = images.add(figures.progress_png(measures)) if model.has_progress_page and measures else None
    return figs, half_range, progress


def _plain(value: float | None, digits: int, key: str, signed: bool = False) -> str:
    """A number as text only (the PDF route: the data-* attributes are for the HTML and its tests)."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _environment(annotate: bool = True) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("station.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["num"] = _num if annotate else _plain
    env.globals.update(rule_text=progress_view.rule_text, verdict_mark=progress_view.verdict_mark,
                       usual_trials=progress_view.usual_trials,
                       mdc_sources=progress_view.mdc_sources)
    return env


def render_html(model: ReportModel, *, csv_name: str = "report.csv", embed_csv: bool = True,
                _images: _Images | None = None, _annotate: bool = True) -> str:
    """The report as one self-contained HTML document (figures as PNG data URIs; the CSV as a download link).

    Every number is wrapped in a ``<span data-key data-value>`` (see the module docstring) unless ``_annotate``
    is false: the PDF route prints the same text without the spans, which cost WeasyPrint a box each.
    """
    figs, half_range, progress = _figures(model, _images or _Images())
    csv_text = tidy_csv(model)
    href = "data:text/csv;base64," + base64.b64encode(csv_text.encode("utf-8")).decode("ascii") if embed_csv else None
    context: dict[str, Any] = {
        "model": model,
        "figs": figs,
        "half_range": f"{half_range:g}",
        "progress_fig": progress,
        "progress_tables": progress_view.progress_tables(model.progress + model.scores),
        "recommended": RECOMMENDED_TRIALS,
        "hbedb_source": HBEDB_SOURCE,
        "csv_name": csv_name,
        "csv_href": href,
    }
    return _environment(_annotate).get_template("clinical.html.j2").render(context)


def write_report(model: ReportModel, out: str | Path) -> RenderedReport:
    """Write ``out`` (``.html`` or ``.pdf``) and the tidy CSV beside it (``<stem>.csv``)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise ValueError(f"the report is written as .html or .pdf, got {out.name!r}")
    csv_path = out.with_suffix(".csv")
    csv_text = tidy_csv(model)
    out.parent.mkdir(parents=True, exist_ok=True)
    csv_path.write_text(csv_text, encoding="utf-8")
    if suffix != ".pdf":
        out.write_text(render_html(model, csv_name=csv_path.name), encoding="utf-8")
        return RenderedReport(out, csv_path, None)
    try:
        import weasyprint
    except ImportError:
        raise ValueError(
            "PDF reports need WeasyPrint: pip install 'balance-station[reports]' (or write --out report.html)"
        ) from None
    with tempfile.TemporaryDirectory(prefix="station-report-") as scratch:
        html = render_html(model, csv_name=csv_path.name, embed_csv=False, _images=_Images(Path(scratch)),
                           _annotate=False)
        document = weasyprint.HTML(string=html, base_url=scratch).render()
        attachment = weasyprint.Attachment(string=csv_text, name=csv_path.name,
                                           description="tidy CSV of every number")
        document.write_pdf(out, attachments=[attachment])  # reads the figure files: inside the with
    return RenderedReport(out, csv_path, len(document.pages))

