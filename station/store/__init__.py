"""The local store: patients, sessions, trials and clinical scores in one sqlite3 file (WAL).

Pseudonymous ids only: a patient's id is random (:func:`new_patient_id`), never derived from the person.
"""

from station.store.location import ENV_VAR, default_store_path, resolve_store_path
from station.store.scores import INSTRUMENTS, Instrument
from station.store.store import Patient, Score, Session, Store, StoreError, Trial, new_patient_id

__all__ = [
    "ENV_VAR",
    "INSTRUMENTS",
    "Instrument",
    "Patient",
    "Score",
    "Session",
    "Store",
    "StoreError",
    "Trial",
    "default_store_path",
    "new_patient_id",
    "resolve_store_path",
]
