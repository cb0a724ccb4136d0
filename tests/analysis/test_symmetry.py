"""Symmetry indices, affected vs unaffected: the formula sheet's check values and cross-checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.symmetry import robinson_symmetry_index, symmetry, symmetry_angle, symmetry_ratio


def test_check_values_from_the_formula_sheet():
    # docs/formulas.md §5: X_a = 42, X_u = 58 -> SI = −32.0 %, SA = −10.1 %
    s = symmetry(42.0, 58.0)
    assert s.symmetry_index_pct == pytest.approx(-32.0, abs=0.05)
    assert s.symmetry_angle_pct == pytest.approx(-10.1, abs=0.05)
    assert s.symmetry_ratio == pytest.approx(42 / 58, rel=1e-12)


def test_symmetric_and_sign_conventions():
    assert symmetry_angle(50.0, 50.0) == pytest.approx(0.0, abs=1e-12)
    assert robinson_symmetry_index(60.0, 40.0) == pytest.approx(40.0)
    assert symmetry_angle(60.0, 40.0) > 0 and symmetry_angle(40.0, 60.0) < 0


def test_symmetry_angle_matches_an_atan2_formulation():
    a = np.array([1.0, 3.0, 42.0, 100.0, 0.5])
    u = np.array([2.0, 1.0, 58.0, 1.0, 9.0])
    independent = (45.0 - np.degrees(np.arctan2(u, a))) / 90.0 * 100.0
    assert symmetry_angle(a, u) == pytest.approx(independent, rel=1e-12)


def test_symmetry_angle_correction_branch():
    # a = −1, u = 2: 45° − arctan(−2) = 108.43° > 90° -> (108.43° − 180°)/90° = −79.5 %
    expected = (45.0 - np.degrees(np.arctan(-2.0)) - 180.0) / 90.0 * 100.0
    assert symmetry_angle(-1.0, 2.0) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(-79.52, abs=0.01)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 1000.0), st.floats(0.01, 1000.0))
def test_indices_agree_in_sign_and_small_asymmetry_limit(a, u):
    si = robinson_symmetry_index(a, u)
    sa = symmetry_angle(a, u)
    assert np.sign(si) == np.sign(sa) or abs(si) < 1e-9
    assert -100.0 < sa < 100.0 and -200.0 < si < 200.0
    assert (symmetry_ratio(a, u) > 1) == (si > 0) or abs(si) < 1e-9


def test_small_asymmetry_angle_is_si_over_pi():
    # a = 1 + e, u = 1 − e: SI = 200 e %, SA ≈ (180/π)·e/90·100 % = SI/π to first order
    e = 1e-4
    assert symmetry_angle(1 + e, 1 - e) == pytest.approx(robinson_symmetry_index(1 + e, 1 - e) / np.pi, rel=1e-6)


def test_undefined_cases_raise():
    with pytest.raises(ValueError, match="unaffected value is 0"):
        symmetry_ratio(1.0, 0.0)
    with pytest.raises(ValueError, match="affected value is 0"):
        symmetry_angle(0.0, 1.0)
    with pytest.raises(ValueError, match="affected \\+ unaffected = 0"):
        robinson_symmetry_index(1.0, -1.0)
    with pytest.raises(ValueError, match="NaN"):
        symmetry_ratio(np.nan, 1.0)
