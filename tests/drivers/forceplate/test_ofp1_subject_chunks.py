"""The simulated plate samples its subject in read-sized pieces: the result must not depend on them.

Regression: StandingSubject used to drop its fine grid when one call crossed a 2 s chunk boundary,
so a call spanning the boundary (or > 2 s) returned a flat stretch.
"""

from __future__ import annotations

import numpy as np

from drivers.sim.subject import StandingSubject


def test_subject_is_independent_of_how_its_times_are_split() -> None:
    t = np.arange(0.0, 7.0, 0.0005)
    whole = StandingSubject(seed=11).sample(t)
    pieces = StandingSubject(seed=11)
    parts = [pieces.sample(t[i : i + 97]) for i in range(0, t.size, 97)]
    np.testing.assert_array_equal(whole.fz_n, np.concatenate([p.fz_n for p in parts]))
    np.testing.assert_array_equal(whole.cop_x_mm, np.concatenate([p.cop_x_mm for p in parts]))
    assert np.all(np.diff(whole.fz_n[:4000]) != 0)  # no flat stretch at the start
