"""The progress page's tables: one row per measure, one column per session (clinic and home apart).

A one-row-per-measure matrix keeps the page on one A4 sheet for a dozen sessions and every headline measure
and clinical score; each cell prints the session mean, the change from the baseline and the verdict, and the
measure's row names the rule(s) with their thresholds. Nothing is computed here but the grouping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from station.reports.model import ProgressMeasure, SessionPoint
from station.reports.real_change import Verdict

__all__ = ["PLACES", "ProgressRow", "ProgressTable", "mdc_sources", "progress_tables", "rule_text", "usual_trials",
           "verdict_mark"]

#: The two groups the page keeps apart, in order, with their headings.
PLACES = (("clinic", "Clinic sessions"), ("home", "Home sessions"))


@dataclass(frozen=True)
class ProgressRow:
    measure: ProgressMeasure
    cells: tuple[SessionPoint | None, ...]  # aligned with the table's sessions


@dataclass(frozen=True)
class ProgressTable:
    place: str
    title: str
    sessions: tuple[tuple[int, str], ...]  # (session number, date) in order
    rows: tuple[ProgressRow, ...]


def progress_tables(measures: Sequence[ProgressMeasure]) -> list[ProgressTable]:
    """One table per place that has sessions; a measure without a session at that place has no row there."""
    tables = []
    for place, title in PLACES:
        dates = {p.session_no: p.date for m in measures for p in m.points if p.place == place}
        if not dates:
            continue
        order = sorted(dates)
        rows = []
        for m in measures:
            by_no = {p.session_no: p for p in m.points if p.place == place}
            if by_no:
                rows.append(ProgressRow(m, tuple(by_no.get(no) for no in order)))
        tables.append(ProgressTable(place, title, tuple((no, dates[no]) for no in order), tuple(rows)))
    return tables


def _limits(values: Sequence[float]) -> str:
    distinct = sorted({round(v, 10) for v in values})
    if len(distinct) == 1:
        return f"{distinct[0]:.3g}"
    return f"{distinct[0]:.3g}–{distinct[-1]:.3g}"


def rule_text(m: ProgressMeasure) -> str:
    """The rule(s) that judge a measure's changes, with the thresholds used (their range when n differs)."""
    verdicts = [p.verdict for p in m.points if p.verdict is not None]
    unit = f" {m.unit}" if m.unit else ""
    mdcs = [v.mdc for v in verdicts if v.mdc is not None]
    own = [v.patient_limit for v in verdicts if v.patient_limit is not None]
    if not verdicts:
        return "baseline only"
    if not mdcs and not own:
        return "raw change only (no published MDC, single rating)"
    parts = []
    if mdcs:
        parts.append(f"> published MDC {_limits(mdcs)}{unit}")
    if own:
        parts.append(f"> {m.own_rule} {_limits(own)}{unit}")
    return "★ when |Δ| " + " and ".join(parts) + (" (single rating)" if not own else "")


def usual_trials(m: ProgressMeasure) -> int:
    """The number of trials of the baseline session (cells with another number say theirs)."""
    return len(m.baseline.values)


def verdict_mark(v: Verdict | None) -> str:
    """The cell's verdict: ★ real; (MDC) or (own) when that rule alone was beaten; empty otherwise."""
    if v is None or v.real:
        return "★" if v is not None else ""
    if v.beats_mdc and v.beats_own_variation is False:
        return "(MDC)"
    if v.beats_own_variation and v.beats_mdc is False:
        return "(own)"
    return ""


def mdc_sources(measures: Sequence[ProgressMeasure]) -> list[tuple[str, str]]:
    """(names, source) for each distinct MDC source, in order: sensor measures together, then each score with
    a published MDC, then the scores without one together."""
    names: dict[str, list[str]] = {}
    for m in sorted(measures, key=lambda m: (m.is_score, m.mdc is None and m.is_score)):
        name = m.name if m.is_score else "sensor measures"
        listed = names.setdefault(m.mdc_source, [])
        if name not in listed:
            listed.append(name)
    return [(", ".join(n), source) for source, n in names.items()]
