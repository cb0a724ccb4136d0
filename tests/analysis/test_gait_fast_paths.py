"""The chunked stance detection against the whole-signal comparisons it replaces."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import stance as stance_module
from analysis.stance import _run_starts, _threshold_run_starts, detect_contacts, hysteresis_state


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 1000, 262_144])
def test_chunked_threshold_runs_equal_the_whole_signal_ones(monkeypatch, chunk):
    rng = np.random.default_rng(9)
    # runs of every length, crossing chunk edges, starting and ending above/below the thresholds
    fz = np.repeat(rng.choice([0.0, 15.0, 30.0], size=400), rng.integers(1, 9, size=400))
    fz = np.concatenate([[30.0], fz, [0.0, 30.0]])
    monkeypatch.setattr(stance_module, "_CHUNK", chunk)
    above, below = _threshold_run_starts(fz, 20.0, 10.0)
    assert np.array_equal(above, _run_starts(fz > 20.0))
    assert np.array_equal(below, _run_starts(fz < 10.0))
    # and the contacts equal the per-sample hysteresis state's edges
    contacts = detect_contacts(fz)
    state = hysteresis_state(fz, 20.0, 10.0)
    edges = np.flatnonzero(np.diff(np.concatenate([[False], state, [False]]).astype(np.int8)))
    assert np.array_equal(contacts.on_index, edges[0::2]) and np.array_equal(contacts.off_index, edges[1::2])


def test_empty_and_constant_signals(monkeypatch):
    monkeypatch.setattr(stance_module, "_CHUNK", 3)
    for fz in (np.empty(0), np.full(10, 50.0), np.zeros(10), np.full(10, 15.0)):
        above, below = _threshold_run_starts(fz, 20.0, 10.0)
        assert np.array_equal(above, _run_starts(fz > 20.0)) and np.array_equal(below, _run_starts(fz < 10.0))
