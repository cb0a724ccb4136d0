"""Build a store from simulated sessions: real recordings from the simulated board, analysed and registered."""

from __future__ import annotations

from pathlib import Path

from drivers import registry
from recordings.metadata import Subject
from station.protocols.standing import run_standing
from station.reports.standing import standing_report
from station.store import Store
from station.store.register import register_recording

CONDITION = "eyes open, firm surface"
TRIAL_S = 20.0


def add_standing_session(store: Store, patient_id: str, tmp: Path, date: str, share_pct: float, *, trials: int = 3,
                         place: str = "clinic", seed0: int = 0, seconds: float = TRIAL_S) -> int:
    """Record ``trials`` standing trials of a simulated subject putting ``share_pct`` %BW on the affected limb."""
    patient = store.patient(patient_id)
    session = store.add_session(patient_id, date, place=place)
    for k in range(trials):
        device = registry.create("sim", {"affected_side": patient.affected_side, "affected_share_pct": share_pct,
                                         "mass_kg": patient.mass_kg, "seed": seed0 + 10 * session.id + k})
        path = tmp / f"{patient_id}-s{session.id}-t{k}.h5"
        outcome = run_standing(device, path, Subject(patient_id, patient.mass_kg, patient.affected_side),
                               seconds=seconds, condition=CONDITION)
        register_recording(store, patient_id, path, session_id=session.id,
                           result=standing_report(outcome.result, outcome.recording))
    return session.id


def build_two_patients(tmp: Path) -> tuple[Store, str, str]:
    """Patient A improves from 40 % to 48 % over six sessions; patient B stays at 42 %."""
    store = Store(tmp / "store.sqlite3")
    a = store.add_patient(affected_side="left", mass_kg=72.0, birth_year=1958, sex="female").id
    b = store.add_patient(affected_side="right", mass_kg=80.0, birth_year=1990, sex="male").id
    for i in range(6):
        date = f"2026-0{i + 1}-15"
        sa = add_standing_session(store, a, tmp, date, 40.0 + 1.6 * i)
        sb = add_standing_session(store, b, tmp, date, 42.0, seed0=1000)
        store.add_score(sa, "tug_s", 14.0 - 0.5 * i)
        store.add_score(sb, "tug_s", 12.0)
    return store, a, b
