"""Biofeedback training logic: targets, hold timers, success counts and scores (no Qt).

Each mode takes blocks of :class:`~station.engine.live.LiveSamples` in time order
(:meth:`TrainingMode.update`) and returns :class:`TrainingEvent` objects — targets shown, targets hit
or missed, holds, repetitions, steps — which the session records in the HDF5 file as events: a
:class:`TrainingFeed` subscribes the mode to a :class:`~station.engine.session.Session`, which feeds it
every block once. The GUI only draws :meth:`TrainingMode.status`.

Modes
-----
* :class:`WeightShiftTraining` — the COP cursor must reach and hold each target in turn (targets
  placed by the clinician, or a rhythmic left-right pattern from :func:`alternating_targets`).
* :class:`SymmetricStanceTraining` — keep the affected limb's share of the load inside a band
  (e.g. 45-55 %); every ``hold_s`` held continuously counts one success.
* :class:`MiniSquatTraining` — paced repetitions (down for half the cycle, up for the other half); a
  repetition succeeds when the affected share is inside the band for at least ``min_fraction`` of its
  loaded samples.
* :class:`SteppingTraining` — stepping in place or step-ups on the board: each stance of each limb
  (load above ``contact_n``) gives its stance time (s) and peak load (%BW, by body weight); the affected
  limb's steps are compared with the unaffected limb's and with a target peak.

Timing is on the device clock. Hold time is measured from the first sample inside a zone to the
current sample; a sample outside (or unloaded) restarts it. All per-sample work is vectorised; Python
loops run over events (successes, repetitions, steps), never over samples.
"""

from __future__ import annotations

from station.protocols.training.base import (
    CopTarget,
    HoldTimer,
    LoadBand,
    TrainingEvent,
    TrainingMode,
    UnderloadCue,
    alternating_targets,
    parse_targets,
)
from station.protocols.training.feed import TrainingFeed, event_at
from station.protocols.training.mini_squat import MiniSquatTraining
from station.protocols.training.stepping import SteppingTraining
from station.protocols.training.symmetric_stance import SymmetricStanceTraining
from station.protocols.training.weight_shift import WeightShiftTraining

__all__ = [
    "MODES",
    "CopTarget",
    "HoldTimer",
    "LoadBand",
    "MiniSquatTraining",
    "SteppingTraining",
    "SymmetricStanceTraining",
    "TrainingEvent",
    "TrainingFeed",
    "TrainingMode",
    "UnderloadCue",
    "WeightShiftTraining",
    "alternating_targets",
    "event_at",
    "make_mode",
    "parse_targets",
]


def make_mode(
    name: str,
    *,
    band: LoadBand,
    hold_s: float,
    targets: list[CopTarget] | None = None,
    body_mass_kg: float | None = None,
    target_peak_pct_bw: float = 90.0,
) -> TrainingMode:
    """Build a training mode from the settings the clinician entered."""
    if name == WeightShiftTraining.name:
        return WeightShiftTraining(targets or alternating_targets(6), hold_s=hold_s)
    if name == SymmetricStanceTraining.name:
        return SymmetricStanceTraining(band, hold_s=hold_s)
    if name == MiniSquatTraining.name:
        return MiniSquatTraining(band)
    if name == SteppingTraining.name:
        if body_mass_kg is None:
            raise ValueError("the stepping mode needs the body mass (kg) to express peaks in %BW")
        return SteppingTraining(body_mass_kg, target_peak_pct_bw=target_peak_pct_bw)
    raise ValueError(f"unknown training mode {name!r}; known: {', '.join(MODES)}")


#: Training modes by name (for the GUI's mode picker and the CLI).
MODES: dict[str, type[TrainingMode]] = {
    cls.name: cls for cls in (WeightShiftTraining, SymmetricStanceTraining, MiniSquatTraining, SteppingTraining)
}
