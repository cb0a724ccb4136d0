"""Stance detection and per-step measures: a hand-built force profile (analytic), loops (cross-check)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from analysis.stance import StanceSettings, detect_contacts, effective_thresholds, hysteresis_state
from analysis.steps import limb_steps

FS = 1000.0
BW = 700.0


def profile():
    """One stance, piecewise linear through (0 s, 0 N) (0.1, 800) (0.3, 560) (0.5, 760) (0.6, 0) at 1 kHz."""
    t = np.arange(601) / FS
    return np.interp(t, [0.0, 0.1, 0.3, 0.5, 0.6], [0.0, 800.0, 560.0, 760.0, 0.0])


def trial(*stances, gap=0.5):
    pad = np.zeros(int(gap * FS))
    return np.concatenate([pad] + [np.concatenate([s, pad]) for s in stances])


def test_hand_built_stance_has_known_measures():
    fz = trial(profile(), profile())
    table = limb_steps(fz, fs_hz=FS, body_weight_n=BW, side="left")
    assert table.n_steps == 2 and table.rejected == ()
    # contact from the first sample > 20 N (24 N at 3 ms) to the first < 10 N (760 − 7.6·99 = 7.6 N at 599 ms)
    assert table.stance_time_s == pytest.approx([0.596, 0.596], abs=1e-12)
    assert table.on_s[0] == pytest.approx(0.5 + 0.003, abs=1e-12)
    assert table.peak1_pct_bw == pytest.approx(100 * 800 / BW, rel=1e-12)
    assert table.peak2_pct_bw == pytest.approx(100 * 760 / BW, rel=1e-12)
    assert table.valley_pct_bw == pytest.approx(100 * 560 / BW, rel=1e-12)
    assert table.time_to_peak1_s == pytest.approx(0.097, abs=1e-12)
    assert table.time_to_peak2_s == pytest.approx(0.497, abs=1e-12)
    # the rise is linear at 8000 N/s: the 20-80 % slope is exactly that
    assert table.loading_rate_pct_bw_s == pytest.approx(100 * 8000 / BW, rel=1e-9)
    # polygon area 346 N·s less the parts outside the contact samples (3 ms … 598 ms):
    # ½·24 N·3 ms = 0.036 N·s at the start, ½·15.2 N·2 ms = 0.0152 N·s at the end
    assert table.impulse_n_s == pytest.approx(346.0 - 0.036 - 0.0152, abs=1e-9)
    assert table.impulse_pct_bw_s == pytest.approx(table.impulse_n_s * 100 / BW, rel=1e-12)
    assert table.curves_pct_bw.shape == (2, 101)
    assert table.curves_pct_bw[0, 0] == pytest.approx(100 * 24 / BW) and table.curves_pct_bw[0, 100] == pytest.approx(
        100 * 15.2 / BW
    )


def test_measures_vs_straightforward_loops_on_random_stances():
    rng = np.random.default_rng(1)
    stances = []
    for _ in range(12):
        d = rng.uniform(0.4, 0.9)
        t = np.arange(int(d * FS)) / FS / d
        shape = np.sin(np.pi * t) + rng.uniform(0.15, 0.3) * np.sin(3 * np.pi * t)
        stances.append(rng.uniform(600, 900) * shape + rng.normal(0, 2, t.size))
    fz = trial(*stances)
    table = limb_steps(fz, fs_hz=FS, body_weight_n=BW, side="right")
    assert table.n_steps == 12
    on = np.round((table.on_s) * FS).astype(int)
    off = np.round((table.off_s) * FS).astype(int)
    for k in range(12):  # independent per-step computation, one step at a time
        w = fz[on[k] : off[k]]
        half = w.size // 2
        i1, i2 = int(np.argmax(w[:half])), half + int(np.argmax(w[half:]))
        assert table.peak1_pct_bw[k] == pytest.approx(100 * w[i1] / BW, rel=1e-12)
        assert table.peak2_pct_bw[k] == pytest.approx(100 * w[i2] / BW, rel=1e-12)
        assert table.valley_pct_bw[k] == pytest.approx(100 * w[i1 : i2 + 1].min() / BW, rel=1e-12)
        assert table.impulse_n_s[k] == pytest.approx(integrate.trapezoid(w, dx=1 / FS), rel=1e-12)
        x = np.linspace(0, w.size - 1, 101)
        assert table.curves_pct_bw[k] == pytest.approx(100 * np.interp(x, np.arange(w.size), w) / BW, rel=1e-9)
        # 20-80 % crossings by a plain scan with linear interpolation
        times = []
        for frac in (0.2, 0.8):
            j = next(j for j in range(i1 + 1) if w[j] >= frac * w[i1])
            before = fz[on[k] + j - 1]
            times.append((j - 1 + (frac * w[i1] - before) / (w[j] - before)) / FS)
        assert table.loading_rate_pct_bw_s[k] == pytest.approx(60 * w[i1] / BW / (times[1] - times[0]), rel=1e-9)


def hysteresis_loop(fz, on, off):
    state, out = False, np.zeros(fz.size, dtype=bool)
    for i, f in enumerate(fz):
        if f > on:
            state = True
        elif f < off:
            state = False
        out[i] = state
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(5.0, 30.0), st.floats(0.0, 1.0))
def test_hysteresis_matches_a_per_sample_loop(seed, on, off_fraction):
    fz = np.random.default_rng(seed).normal(15.0, 10.0, 400)
    off = on * off_fraction
    assert np.array_equal(hysteresis_state(fz, on, off), hysteresis_loop(fz, on, off))


def test_noise_between_the_thresholds_does_not_split_a_stance():
    fz = trial(profile())
    mid = 800
    fz[mid : mid + 100] = 15.0 + 4.0 * np.sin(np.arange(100))  # 11-19 N: between off (10) and on (20)
    contacts = detect_contacts(fz)
    assert contacts.on_index.size == 1


def test_thresholds_in_pct_bw():
    s = StanceSettings(on_threshold_pct_bw=5.0, off_threshold_pct_bw=2.0)
    assert effective_thresholds(s, BW) == pytest.approx((35.0, 14.0))
    assert effective_thresholds(StanceSettings(on_threshold_pct_bw=1.0), BW) == (20.0, 10.0)  # N is larger
    with pytest.raises(ValueError, match="need the body weight"):
        effective_thresholds(s, None)


def test_rejected_contacts_carry_their_reason():
    stance = profile()
    blip = np.full(50, 30.0)  # 50 ms touch
    low = 200.0 * np.sin(np.pi * np.arange(400) / 400)  # 29 %BW
    standing = np.full(4000, 350.0)  # 4 s standing on one foot
    fz = np.concatenate([stance[300:], np.zeros(500), stance, np.zeros(500), blip, np.zeros(500), low,
                         np.zeros(500), standing, np.zeros(500), stance, np.zeros(500), stance[:200]])  # fmt: skip
    table = limb_steps(fz, fs_hz=FS, body_weight_n=BW, side="left")
    assert table.n_steps == 2
    reasons = [r.reason for r in table.rejected]
    assert len(reasons) == 5
    assert reasons[0] == "already in contact at the start of the recording"
    assert reasons[1] == "stance 0.050 s shorter than the minimum 0.2 s"
    assert reasons[2].startswith("peak 28.") and reasons[2].endswith("below the minimum 50 %BW")
    assert reasons[3] == "stance 4.000 s longer than the maximum 2.5 s"
    assert reasons[4] == "still in contact at the end of the recording"
    assert all(r.side == "left" for r in table.rejected)


def test_bad_input_names_the_problem():
    fz = trial(profile(), profile())
    with pytest.raises(ValueError, match="left fz_n has 50 NaN"):
        bad = fz.copy()
        bad[700:750] = np.nan
        limb_steps(bad, fs_hz=FS, body_weight_n=BW, side="left")
    with pytest.raises(ValueError, match="the right foot is never loaded"):
        limb_steps(np.zeros(3000), fs_hz=FS, body_weight_n=BW, side="right")
    with pytest.raises(ValueError, match="too low for per-step measures"):
        limb_steps(fz[::50], fs_hz=20.0, body_weight_n=BW, side="left")
    with pytest.raises(ValueError, match="body_weight_n"):
        limb_steps(fz, fs_hz=FS, body_weight_n=0.0, side="left")
    with pytest.raises(ValueError, match="min_stance_s < max_stance_s"):
        StanceSettings(min_stance_s=3.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(5.0, 30.0), st.floats(0.0, 1.0))
def test_event_based_contacts_equal_the_per_sample_state(seed, on, off_fraction):
    rng = np.random.default_rng(seed)
    fz = np.repeat(rng.normal(15.0, 12.0, 80), rng.integers(1, 8, 80))
    off = on * off_fraction
    state = hysteresis_loop(fz, on, off)
    edges = np.diff(state.astype(np.int8), prepend=0, append=0)
    contacts = detect_contacts(fz, settings=StanceSettings(on_threshold_n=on, off_threshold_n=off))
    assert np.array_equal(contacts.on_index, np.flatnonzero(edges == 1))
    assert np.array_equal(contacts.off_index, np.flatnonzero(edges == -1))
    below = np.flatnonzero(fz < off)
    first_unloaded = below[0] if below.size else fz.size
    assert np.array_equal(contacts.starts_in_contact, contacts.on_index < first_unloaded)
    assert np.array_equal(contacts.ends_in_contact, contacts.off_index == fz.size)


def test_cop_progression_along_the_foot():
    # the foot's AP COP moves from −100 mm (heel) to +100 mm (toe) linearly over each contact; NaN in swing
    fz = trial(profile(), profile())
    cop = np.full(fz.size, np.nan)
    loaded = fz > 0
    edges = np.diff(loaded.astype(np.int8), prepend=0, append=0)
    for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        cop[start:end] = np.linspace(-100.0, 100.0, end - start)
    table = limb_steps(fz, fs_hz=FS, body_weight_n=BW, side="left", cop_ap_mm=cop)
    # loaded (> 0 N) are profile samples 1 … 599, so the COP steps by 200/598 mm per sample; the contact
    # (> 20 N on, < 10 N off) holds samples 3 … 598: 595 steps
    step = 200.0 / 598
    assert table.cop_progression_mm == pytest.approx([595 * step, 595 * step], rel=1e-9)
