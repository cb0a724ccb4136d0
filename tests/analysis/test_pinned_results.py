"""Results pinned before the hot paths were optimised: the faster code must give the same numbers.

Provenance: ``data/pinned_main_f026a30.json`` holds the results of main at commit f026a30 (before the
benchmark work of issue 7b), computed on the deterministic inputs below (sums of sines and chirps, no
random generator) with the script that is this module's ``_compute`` run against that commit's
``analysis`` package (NumPy 2.4, SciPy 1.17). Tolerance: 1e-12 relative (1e-12 absolute near zero);
bin frequencies, step counts and rejection reasons exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analysis import steps as steps_module
from analysis.gait import analyze_gait
from analysis.stance import StanceSettings
from analysis.sway import sway_measures
from analysis.sway_frequency import sway_frequency
from analysis.welch import WelchSettings, welch_psd

PINNED = json.loads((Path(__file__).with_name("data") / "pinned_main_f026a30.json").read_text())
REL = 1e-12


def sway_input(n: int, fs: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(n) / fs
    ml = (4.0 * np.sin(2 * np.pi * 0.21 * t) + 1.5 * np.sin(2 * np.pi * 0.83 * t + 0.3)
          + 0.6 * np.sin(2 * np.pi * 2.3 * t + 1.0) + 0.25 * np.sin(0.9 * t * t + 0.2) + 7.0)  # fmt: skip
    ap = (6.0 * np.sin(2 * np.pi * 0.17 * t + 0.5) + 2.0 * np.sin(2 * np.pi * 0.61 * t + 1.1)
          + 0.8 * np.sin(2 * np.pi * 3.7 * t) + 0.3 * np.cos(1.3 * t * t) + 0.1 * np.sin(2 * np.pi * 45.0 * t)
          - 20.0)  # fmt: skip
    return ml, ap


def _stance(fs: float, duration_s: float, peak_n: float, beta: float) -> np.ndarray:
    tau = np.arange(round(duration_s * fs)) / (duration_s * fs)
    g = np.sin(np.pi * tau) + beta * np.sin(3 * np.pi * tau)
    return peak_n * g / g.max()


def gait_input(fs: float = 1000.0, seconds: float = 60.0, bw: float = 750.0) -> tuple[np.ndarray, np.ndarray]:
    """Alternating steps of varying stance and peak (left shorter and lower), plus contacts that must be
    rejected: in contact at the start and at the end, a short touch, a light touch, a long stand."""
    n = round(seconds * fs)
    t = np.arange(n) / fs
    feet = {"left": np.zeros(n), "right": np.zeros(n)}
    feet["left"][: round(0.3 * fs)] = _stance(fs, 0.6, 1.05 * bw, 0.3)[-round(0.3 * fs) :]
    k, t_on = 0, 0.55
    while t_on < seconds - 3.0:
        side = "right" if k % 2 == 0 else "left"
        affected = side == "left"
        stance = (0.58 if affected else 0.65) * (1 + 0.03 * np.sin(1.7 * k))
        peak = (1.0 if affected else 1.1) * bw * (1 + 0.02 * np.cos(2.3 * k))
        if k == 11:
            stance, peak = 0.12, 0.9 * bw
        elif k == 24:
            peak = 0.3 * bw
        elif k == 37:
            stance = 3.0
        i = round(t_on * fs)
        shape = _stance(fs, stance, peak, 0.28 + 0.02 * np.sin(k))
        feet[side][i : i + shape.size] += shape[: n - i]
        t_on += (stance if k == 37 else 0.55) + 0.003 * np.sin(0.7 * k)
        k += 1
    tail = _stance(fs, 0.7, 1.1 * bw, 0.3)
    feet["right"][n - round(0.35 * fs) :] += tail[: round(0.35 * fs)]
    ripple = 1.5 * np.sin(2 * np.pi * 37.0 * t)
    return feet["left"] + ripple, feet["right"] - ripple


def _compute() -> dict:
    out: dict = {}
    for n, fs in ((60000, 1000.0), (12345, 100.0)):
        ml, ap = sway_input(n, fs)
        s = sway_measures(ml, ap, fs_hz=fs)
        out[f"sway_{n}"] = {k: v for k, v in vars(s).items() if isinstance(v, float)}
        for nfft in ("signal", "segment"):
            fq = sway_frequency(ml, ap, fs_hz=fs, settings=WelchSettings(nfft=nfft))
            out[f"freq_{n}_{nfft}"] = {
                f"{sig}.{k}": v for sig in ("rd", "ml", "ap") for k, v in vars(getattr(fq, sig)).items()
            }
        f, p = welch_psd(np.column_stack([ml, ap]), fs_hz=fs, settings=WelchSettings(nfft="segment"))
        out[f"psd_{n}"] = {
            "sum_ml": float(p[:, 0].sum()), "sum_ap": float(p[:, 1].sum()), "bin3_ml": float(p[3, 0]),
            "bin7_ap": float(p[7, 1]), "nbins": float(f.size),
        }  # fmt: skip
    for fs, lp in ((1000.0, None), (1000.0, 30.0)):
        left, right = gait_input(fs)
        r = analyze_gait(left, right, fs_hz=fs, body_weight_n=750.0, affected_side="left",
                         settings=StanceSettings(lowpass_hz=lp))  # fmt: skip
        d: dict[str, float] = {}
        for label, summ in (("affected", r.affected), ("unaffected", r.unaffected)):
            d[f"{label}.n_steps"] = float(summ.n_steps)
            d[f"{label}.n_rejected"] = float(summ.n_rejected)
            d.update({f"{label}.mean.{k}": v for k, v in summ.mean.items()})
            d.update({f"{label}.sd.{k}": v for k, v in summ.sd.items()})
            d[f"{label}.curve_sum"] = float(summ.mean_curve_pct_bw.sum())
            d[f"{label}.curve_50"] = float(summ.mean_curve_pct_bw[50])
        d.update({f"si.{k}": v.symmetry_index_pct for k, v in r.symmetry.items()})
        tab = r.unaffected_steps
        for k in ("on_s", "loading_rate_pct_bw_s", "time_to_peak2_s", "valley_pct_bw"):
            arr = getattr(tab, k)
            d[f"step3.{k}"], d[f"steplast.{k}"] = float(arr[3]), float(arr[-1])
        out[f"gait_lp{lp}"] = d
        out[f"rejected_lp{lp}"] = [[x.side, x.on_s, x.off_s, x.reason] for x in r.rejected]
    return out


def _assert_matches(got: dict, pinned: dict) -> None:
    assert got.keys() == pinned.keys()
    for group, expected in pinned.items():
        if group.startswith("rejected"):
            assert got[group] == expected, group  # times and reasons exactly
            continue
        assert got[group].keys() == expected.keys(), group
        for key, value in expected.items():
            assert got[group][key] == pytest.approx(value, rel=REL, abs=1e-12), f"{group} {key}"


def test_results_equal_those_of_main_before_the_optimisation():
    _assert_matches(_compute(), PINNED)


def test_step_measures_do_not_depend_on_the_chunk_size(monkeypatch):
    # the per-step measures run in chunks of steps; tiny chunks (a few steps each) give the same numbers
    monkeypatch.setattr(steps_module, "_CHUNK_SAMPLES", 2000)
    got = _compute()
    _assert_matches({k: got[k] for k in PINNED if "gait" in k or "rejected" in k},
                    {k: v for k, v in PINNED.items() if "gait" in k or "rejected" in k})  # fmt: skip


def test_the_pins_are_not_trivial():
    # the inputs exercise every rejection reason and both Welch variants differ
    reasons = {r[3].split(" ")[0] for r in PINNED["rejected_lpNone"]}
    assert reasons == {"already", "stance", "peak", "still"}
    assert PINNED["gait_lpNone"]["affected.n_steps"] > 40 and PINNED["gait_lpNone"]["unaffected.n_steps"] > 40
    a, b = PINNED["freq_60000_signal"], PINNED["freq_60000_segment"]
    assert a["rd.total_power_mm2"] != b["rd.total_power_mm2"]
