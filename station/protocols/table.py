"""The protocol table: for each protocol a recording can carry, how it is analysed, reported and labelled.

One row per protocol (:class:`ProtocolSpec`); everything that dispatches on a recording's protocol reads
this table: the store registering a recording (:func:`station.store.register.analysis_result`), ``station
analyze`` (:mod:`station.cli.analyze`), the clinical report's pages (:mod:`station.reports.model`,
:mod:`station.reports.render`). An assessment added later (mCTSIB, limits of stability, rhythmic weight
shift, weight-bearing squat, sit-to-stand) is one more row: its analyser (recording → result, with the
settings stored in the file), its JSON report, its text table, the measures its report page shows and
which of them the progress page follows.

Protocols not in the table (training sessions, ``"training.*"``) have no clinical report. Home sets
(``"home"``) are in it without an analyser: their result is the repetition analysis the home session
stored with them (:func:`station.home.session.finish_session`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from recordings.reader import Recording
from station.protocols.standing import analyze_standing_recording
from station.protocols.walking import analyze_walking_recording
from station.reports.metrics import HOME_METRICS, STANDING_METRICS, WALKING_METRICS, MetricSpec
from station.reports.standing import format_standing_table, standing_report
from station.reports.walking import format_walking_table, walking_report

__all__ = ["PROTOCOLS", "ProtocolSpec", "protocol_spec"]


@dataclass(frozen=True)
class ProtocolSpec:
    """How one protocol's recordings are analysed, reported and labelled.

    Attributes
    ----------
    name : str
        The ``protocol`` attribute of the recording.
    analyse : callable or None
        Recording -> analysis, with the settings stored in the recording (None: the result is stored with
        the recording by the code that made it).
    report : callable or None
        (analysis, recording) -> the JSON report: what ``station analyze --json`` prints and the store keeps.
    format_table : callable or None
        JSON report -> the text ``station analyze`` prints.
    metrics : tuple of MetricSpec
        The rows of the protocol's report page (dotted keys into the stored report, labels, units).
    headline : tuple of MetricSpec
        The measures the progress page follows across sessions.
    page : str
        The kind of report page: ``"sway"`` (stabilogram, COP, load bars), ``"steps"`` (per-step peaks and
        stance curves), or ``""`` (none: progress page only).
    """

    name: str
    analyse: Callable[[Recording], Any] | None
    report: Callable[[Any, Recording], dict[str, Any]] | None
    format_table: Callable[[dict[str, Any]], str] | None
    metrics: tuple[MetricSpec, ...]
    headline: tuple[MetricSpec, ...]
    page: str

    def analysed_report(self, recording: Recording) -> dict[str, Any]:
        """The recording analysed with its stored settings, as the JSON report."""
        if self.analyse is None or self.report is None:
            raise ValueError(f"{recording.path}: a {self.name!r} recording is analysed when it is recorded; "
                             "its result is stored with it")
        return self.report(self.analyse(recording), recording)


def _headline(metrics: tuple[MetricSpec, ...], *keys: str) -> tuple[MetricSpec, ...]:
    by_key = {m.key: m for m in metrics}
    return tuple(by_key[k] for k in keys)


_STANDING = ProtocolSpec(
    "standing", analyze_standing_recording, standing_report, format_standing_table, STANDING_METRICS,
    _headline(STANDING_METRICS, "affected_load_pct_bw", "sway.mean_velocity_mm_s", "sway.ellipse95_area_mm2"),
    "sway",
)
_STEPS_HEADLINE = _headline(WALKING_METRICS, "steps.affected.peak1_pct_bw", "symmetry.peak1_pct_bw")

#: Protocol name -> its row.
PROTOCOLS: dict[str, ProtocolSpec] = {
    spec.name: spec for spec in (
        _STANDING,
        ProtocolSpec("walking", analyze_walking_recording, walking_report, format_walking_table, WALKING_METRICS,
                     _STEPS_HEADLINE, "steps"),
        ProtocolSpec("stepping", analyze_walking_recording, walking_report, format_walking_table, WALKING_METRICS,
                     _STEPS_HEADLINE, "steps"),
        ProtocolSpec("home", None, None, None, (), HOME_METRICS, ""),
    )
}


def protocol_spec(protocol: str) -> ProtocolSpec:
    """The row of ``protocol``; a recording without one (older files) is a standing trial.

    Raises
    ------
    ValueError
        A protocol with no clinical analysis (a training session, say).
    """
    if protocol == "":
        return _STANDING
    spec = PROTOCOLS.get(protocol)
    if spec is None:
        raise ValueError(f"no clinical analysis for protocol {protocol!r} yet (analysed: {', '.join(PROTOCOLS)})")
    return spec
