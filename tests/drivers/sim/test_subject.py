import numpy as np
import pytest

from drivers.sim.subject import StandingSubject
from physical import STANDARD_GRAVITY_M_S2


def long_sample(subject, seconds=600.0, rate=100.0, pieces=7):
    t = np.arange(int(seconds * rate)) / rate
    parts = [subject.sample(chunk) for chunk in np.array_split(t, pieces)]
    return {name: np.concatenate([getattr(p, name) for p in parts]) for name in
            ("t_s", "fz_n", "cop_x_mm", "cop_y_mm", "left_n", "right_n")}


def test_long_run_statistics_match_the_configuration():
    subject = StandingSubject(mass_kg=80, affected_side="right", affected_share_pct=40,
                              sway_rms_ml_mm=3.0, sway_rms_ap_mm=5.0, seed=4)
    s = long_sample(subject)
    right_share = s["right_n"].sum() / s["fz_n"].sum()
    assert right_share == pytest.approx(0.40, abs=0.002)
    assert s["fz_n"].mean() == pytest.approx(80 * STANDARD_GRAVITY_M_S2, rel=1e-3)
    # 600 s with a 0.35 Hz corner: the RMS estimate is within ~10 % of the process RMS.
    assert s["cop_x_mm"].std() == pytest.approx(3.0, rel=0.12)
    assert s["cop_y_mm"].std() == pytest.approx(5.0, rel=0.12)
    # Net COP follows the feet: x = stance·(right share − ½).
    np.testing.assert_allclose(s["cop_x_mm"], 433.0 * (s["right_n"] / s["fz_n"] - 0.5), atol=1e-9)
    # Mean speed is in the healthy-to-patient range (docs/formulas.md §7).
    speed = np.hypot(np.diff(s["cop_x_mm"]), np.diff(s["cop_y_mm"])).sum() / 600.0
    assert 5.0 < speed < 20.0


def test_same_seed_same_person_different_seed_different_person():
    a = StandingSubject(seed=1).sample(np.linspace(0, 10, 500))
    b = StandingSubject(seed=1).sample(np.linspace(0, 10, 500))
    c = StandingSubject(seed=2).sample(np.linspace(0, 10, 500))
    np.testing.assert_array_equal(a.cop_x_mm, b.cop_x_mm)
    assert not np.allclose(a.cop_x_mm, c.cop_x_mm)


def test_chunked_sampling_equals_one_call():
    t = np.sort(np.random.default_rng(0).uniform(0, 8, 700))
    whole = StandingSubject(seed=3).sample(t)
    chunked = StandingSubject(seed=3)
    parts = [chunked.sample(piece) for piece in np.array_split(t, 9)]
    np.testing.assert_allclose(np.concatenate([p.cop_y_mm for p in parts]), whole.cop_y_mm, rtol=0, atol=1e-12)


def test_time_must_increase():
    subject = StandingSubject()
    subject.sample(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="increasing times"):
        subject.sample(np.array([0.5]))


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"mass_kg": 0}, "mass_kg must be > 0"),
        ({"affected_side": "middle"}, "affected_side must be"),
        ({"affected_share_pct": 120}, "within 0-100"),
        ({"stance_width_mm": -1}, "stance_width_mm must be > 0"),
        ({"sway_corner_hz": 0}, "sway_corner_hz"),
    ],
)
def test_bad_parameters_are_rejected(kw, message):
    with pytest.raises(ValueError, match=message):
        StandingSubject(**kw)
