import numpy as np
import pytest

from analysis.filters import butterworth_lowpass_zero_lag
from analysis.resample import swarii


def swarii_reference(time, sig, window, fs):
    """The authors' Local_SWARII.resample loop (Audiffren & Contal 2016), transcribed for testing."""
    current = time[0]
    out_t, out = [], []
    while current < time[-1]:
        rel = [i for i in range(len(time)) if abs(time[i] - current) < window * 0.5]
        if len(rel) == 1:
            out_t.append(current)
            out.append(sig[rel[0]])
        elif len(rel) > 1:
            value = weight = 0.0
            for j, i in enumerate(rel):
                left = max(time[0], current - window * 0.5) if (j == 0 or i == 0) else 0.5 * (time[i] + time[i - 1])
                right = min(time[-1], current + window * 0.5) if j == len(rel) - 1 else 0.5 * (time[i + 1] + time[i])
                value += sig[i] * (right - left)
                weight += right - left
            out_t.append(current)
            out.append(value / weight)
        current += 1.0 / fs
    return np.array(out_t), np.array(out)


def test_swarii_equals_the_published_loop_on_jittered_data():
    rng = np.random.default_rng(11)
    t = np.cumsum(rng.uniform(0.001, 0.03, 600))
    x = np.cumsum(rng.normal(size=600))
    ref_t, ref = swarii_reference(t, x, 0.08, 25.0)
    r = swarii(t, x, fs_hz=25.0, window_s=0.08)
    assert r.n_empty_windows == 0
    assert r.t_s.size == ref_t.size
    np.testing.assert_allclose(r.t_s, ref_t, atol=1e-9)
    np.testing.assert_allclose(r.values, ref, rtol=0, atol=1e-10)


def test_swarii_two_columns_equal_two_single_columns():
    rng = np.random.default_rng(2)
    t = np.cumsum(rng.uniform(0.002, 0.02, 400))
    xy = rng.normal(size=(400, 2))
    both = swarii(t, xy).values
    np.testing.assert_allclose(both[:, 0], swarii(t, xy[:, 0]).values, atol=1e-12)
    np.testing.assert_allclose(both[:, 1], swarii(t, xy[:, 1]).values, atol=1e-12)


def test_swarii_fills_and_counts_empty_windows():
    # A 0.3 s hole in a 100 Hz stream: windows of 0.08 s centred inside the hole are empty.
    t = np.r_[np.arange(0, 1.0, 0.01), np.arange(1.3, 2.0, 0.01)]
    x = np.where(t < 1.15, 1.0, 3.0)
    r = swarii(t, x, fs_hz=25.0, window_s=0.08)
    empty_grid = (r.t_s > 0.99 + 0.04) & (r.t_s < 1.3 - 0.04)
    assert r.n_empty_windows == int(empty_grid.sum()) > 0
    inside = r.values[empty_grid]
    assert np.all(np.diff(inside) > 0) and inside.min() > 1.0 and inside.max() < 3.0  # linear ramp


def test_swarii_keeps_constants_and_has_the_right_grid():
    t = np.array([0.0, 0.013, 0.021, 0.05, 0.09, 0.1])
    r = swarii(t, np.full(6, 7.0), fs_hz=25)
    np.testing.assert_allclose(r.t_s, [0.0, 0.04, 0.08])
    np.testing.assert_allclose(r.values, 7.0)


@pytest.mark.parametrize(
    ("t", "x", "message"),
    [
        (np.array([0.0, 0.1, 0.1, 0.2]), np.zeros(4), "strictly increasing"),
        (np.array([0.0]), np.zeros(1), "at least 2 samples"),
        (np.array([0.0, 0.01]), np.zeros(2), "fewer than 2 samples at 25"),
        (np.array([0.0, 0.1, 0.2]), np.zeros(2), "values has 2 samples but t_s has 3"),
    ],
)
def test_swarii_bad_input(t, x, message):
    with pytest.raises(ValueError, match=message):
        swarii(t, x)


def test_lowpass_keeps_slow_and_removes_fast_without_lag():
    fs = 100.0
    t = np.arange(3000) / fs
    slow = np.sin(2 * np.pi * 0.5 * t)
    fast = np.sin(2 * np.pi * 30.0 * t)
    y = butterworth_lowpass_zero_lag(slow + fast, fs_hz=fs, cutoff_hz=10.0)
    core = slice(300, -300)
    np.testing.assert_allclose(y[core], slow[core], atol=2e-3)  # zero phase: no lag at 0.5 Hz


def test_lowpass_minus_6_db_at_the_cutoff():
    fs = 100.0
    t = np.arange(20000) / fs
    y = butterworth_lowpass_zero_lag(np.sin(2 * np.pi * 10.0 * t), fs_hz=fs, cutoff_hz=10.0)
    gain = np.sqrt(2) * np.std(y[2000:-2000])
    assert gain == pytest.approx(0.5, abs=0.01)  # |H|² of one pass = 1/2, run twice


def test_lowpass_rejects_a_cutoff_at_or_above_nyquist():
    with pytest.raises(ValueError, match=r"fs/2=12\.5 Hz"):
        butterworth_lowpass_zero_lag(np.zeros(100), fs_hz=25.0, cutoff_hz=12.5)
    with pytest.raises(ValueError, match="need more than"):
        butterworth_lowpass_zero_lag(np.zeros(10), fs_hz=25.0, cutoff_hz=5.0)
