"""Benchmark the analysis core against straightforward per-sample Python loops, in the same run.

Run: python benchmarks/bench_analysis.py [--hours 1.0]

1. The sway set (all time-domain measures of :func:`analysis.sway.sway_measures` + the Welch frequency
   measures of RD, ML and AP) on 60 s of COP at 1 kHz. Baseline: one Python loop per measure over the
   samples (lists, not NumPy element access), a pure-Python monotone-chain hull for the resultant range,
   and Welch with per-sample Python detrending/windowing around one NumPy FFT per segment.
2. Stance segmentation + per-step measures of both feet on an hour of simulated antalgic walking at
   1 kHz. Baseline: a per-sample Python state machine (hysteresis) that measures each step with Python
   loops over its samples.

Targets from the issue: sway set <= 5 ms, 1 h of walking <= 1 s, each >= 20x faster than its loop.
No time is asserted: the script prints times and ratios; the outputs of both routes are compared.

Timing: the routes run in interleaved rounds (a busy machine slows them alike); each line gives the median
of all runs (wall clock and process CPU time) and, last, the best run. The baselines are the loops above,
unchanged since the first version of this script.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np
from scipy import signal

from analysis.gait import analyze_gait
from analysis.stance import StanceSettings
from analysis.sway import sway_measures
from analysis.sway_frequency import sway_frequency
from analysis.welch import WelchSettings
from drivers.sim.gait import GaitSubject

FS_SWAY = 1000.0
FS_GAIT = 1000.0


class Timer:
    """Every wall-clock and CPU (process) time of a route; the median and the best of them.

    CPU time is steadier on a shared machine (it excludes waiting for a core); the median is what a user
    typically gets, the best what the code costs undisturbed.
    """

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def run(self, fn, repeats=1):
        for _ in range(repeats):
            w0, c0 = time.perf_counter(), time.process_time()
            result = fn()
            w1, c1 = time.perf_counter(), time.process_time()
            self.walls.append(w1 - w0)
            self.cpus.append(c1 - c0)
        return result

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def best_wall(self) -> float:
        return min(self.walls)


# ----------------------------------------------------------------------------------------------- sway
def _hull_loop(points):
    points = sorted(points)

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _moments_loop(f, g, low, high):
    df = f[1] - f[0]
    mu0 = mu1 = mu2 = 0.0
    powers = []
    for fm, gm in zip(f, g, strict=True):
        if low <= fm <= high:
            p = gm * df
            mu0 += p
            mu1 += fm * p
            mu2 += fm * fm * p
            powers.append((fm, p))
    c, f50, f95 = 0.0, None, None
    for fm, p in powers:
        c += p
        if f50 is None and c >= 0.5 * mu0:
            f50 = fm
        if f95 is None and c >= 0.95 * mu0:
            f95 = fm
    return mu0, f50, f95, mu1 / mu0, math.sqrt(mu2 / mu0), math.sqrt(max(1 - mu1 * mu1 / (mu0 * mu2), 0.0))


def sway_set_loop(ml_in, ap_in, fs, settings):
    ml0, ap0 = ml_in.tolist(), ap_in.tolist()
    n = len(ml0)
    mx = sum(ml0) / n
    my = sum(ap0) / n
    ml = [v - mx for v in ml0]
    ap = [v - my for v in ap0]
    path = path_ml = path_ap = area = 0.0
    for i in range(1, n):
        dx, dy = ml[i] - ml[i - 1], ap[i] - ap[i - 1]
        path += math.sqrt(dx * dx + dy * dy)
        path_ml += abs(dx)
        path_ap += abs(dy)
        area += abs(ap[i] * ml[i - 1] - ap[i - 1] * ml[i])
    sxx = syy = sxy = md = mdx = mdy = 0.0
    for x, y in zip(ml, ap, strict=True):
        sxx += x * x
        syy += y * y
        sxy += x * y
        md += math.sqrt(x * x + y * y)
        mdx += abs(x)
        mdy += abs(y)
    hull = _hull_loop(list(zip(ml, ap, strict=True)))
    diameter = 0.0
    for i in range(len(hull)):
        for j in range(i + 1, len(hull)):
            dx, dy = hull[i][0] - hull[j][0], hull[i][1] - hull[j][1]
            diameter = max(diameter, dx * dx + dy * dy)
    time_domain = {
        "path_length_mm": path,
        "path_length_ml_mm": path_ml,
        "sway_area_mm2_s": area / (2 * n / fs),
        "mean_distance_mm": md / n,
        "rms_ml_mm": math.sqrt(sxx / n),
        "range_resultant_mm": math.sqrt(diameter),
        "range_ml_mm": max(ml) - min(ml),
        "cov": (sxx, syy, sxy),
    }
    # Welch: per-sample Python detrend + window per segment, one NumPy FFT per segment
    nperseg = round(settings.segment_s * fs)
    step = nperseg - round(settings.overlap * nperseg)
    window = signal.get_window(settings.window, nperseg).tolist()
    wsum = sum(w * w for w in window)
    nfft = n if settings.nfft == "signal" else nperseg
    rd = [math.sqrt(x * x + y * y) for x, y in zip(ml, ap, strict=True)]
    tc = [k - (nperseg - 1) / 2 for k in range(nperseg)]
    tt = sum(v * v for v in tc)
    spectra = {}
    for name, sig in (("rd", rd), ("ml", ml), ("ap", ap)):
        acc = None
        n_seg = 0
        for start in range(0, n - nperseg + 1, step):
            seg = sig[start : start + nperseg]
            mean = sum(seg) / nperseg
            slope = sum((v - mean) * t for v, t in zip(seg, tc, strict=True)) / tt
            prepared = [(v - mean - slope * t) * w for v, t, w in zip(seg, tc, window, strict=True)]
            spec = np.abs(np.fft.rfft(prepared, n=nfft)) ** 2
            acc = spec if acc is None else acc + spec
            n_seg += 1
        psd = (acc / n_seg / (fs * wsum)).tolist()
        for k in range(1, len(psd) - (1 if nfft % 2 == 0 else 0)):
            psd[k] *= 2
        f = [k * fs / nfft for k in range(len(psd))]
        spectra[name] = _moments_loop(f, psd, *settings.band_hz)
    return time_domain, spectra


def bench_sway():
    rng = np.random.default_rng(0)
    n = int(60 * FS_SWAY)
    b, a = signal.butter(2, 0.35, fs=FS_SWAY)
    ml = signal.lfilter(b, a, rng.normal(size=n)) * 40.0
    ap = signal.lfilter(b, a, rng.normal(size=n)) * 60.0
    print(f"\n1. Sway set, 60 s @ {FS_SWAY:g} Hz ({n} samples)")
    for settings in (WelchSettings(nfft="segment"), WelchSettings()):
        label = "10 s Hann segments, nfft = segment" if settings.nfft == "segment" else "Quijoux 2021, nfft = signal"

        def ours(settings=settings):
            return sway_measures(ml, ap, fs_hz=FS_SWAY), sway_frequency(ml, ap, fs_hz=FS_SWAY, settings=settings)

        t_ours, t_time, t_loop = Timer(), Timer(), Timer()
        for _ in range(5):  # interleaved rounds: a busy machine slows every route alike
            t_ours.run(ours, 20)
            t_time.run(lambda: sway_measures(ml, ap, fs_hz=FS_SWAY), 20)
            td, spectra = t_loop.run(lambda settings=settings: sway_set_loop(ml, ap, FS_SWAY, settings))
        s, fq = ours()
        same = (
            math.isclose(td["path_length_mm"], s.path_length_mm, rel_tol=1e-9)
            and math.isclose(td["sway_area_mm2_s"], s.sway_area_mm2_s, rel_tol=1e-9)
            and math.isclose(td["range_resultant_mm"], s.range_resultant_mm, rel_tol=1e-9)
            and math.isclose(td["mean_distance_mm"], s.mean_distance_mm, rel_tol=1e-9)
            and math.isclose(spectra["rd"][0], fq.rd.total_power_mm2, rel_tol=1e-6)
            and math.isclose(spectra["ml"][1], fq.ml.power_frequency_50_hz, rel_tol=1e-9)
            and math.isclose(spectra["ap"][4], fq.ap.centroidal_frequency_hz, rel_tol=1e-6)
        )
        print(
            f"   Welch {label}:\n"
            f"     wall: vectorised {t_ours.wall * 1e3:6.2f} ms (time domain alone {t_time.wall * 1e3:.2f} ms)   "
            f"loop {t_loop.wall * 1e3:7.1f} ms   ratio {t_loop.wall / t_ours.wall:4.0f}x   same values: {same}\n"
            f"     cpu:  vectorised {t_ours.cpu * 1e3:6.2f} ms (time domain alone {t_time.cpu * 1e3:.2f} ms)   "
            f"loop {t_loop.cpu * 1e3:7.1f} ms   ratio {t_loop.cpu / t_ours.cpu:4.0f}x\n"
            f"     best wall: vectorised {t_ours.best_wall * 1e3:6.2f} ms   loop {t_loop.best_wall * 1e3:7.1f} ms   "
            f"ratio {t_loop.best_wall / t_ours.best_wall:4.0f}x"
        )


# ----------------------------------------------------------------------------------------------- gait
def steps_loop(fz_in, fs, bw, on_thr, off_thr, min_s, max_s, min_peak):
    """Per-sample hysteresis state machine; each finished contact is measured with Python loops."""
    fz = fz_in.tolist()
    n = len(fz)
    seen_unloaded = False
    state = False
    start = 0
    steps = []
    for i in range(n):
        f = fz[i]
        if not state and f > on_thr:
            state, start, complete = True, i, seen_unloaded
        elif state and f < off_thr:
            state = False
            length = i - start
            if complete and min_s <= length / fs <= max_s:
                w = fz[start:i]
                half = length // 2
                i1 = max(range(half), key=w.__getitem__)
                i2 = max(range(half, length), key=w.__getitem__)
                f1, f2 = w[i1], w[i2]
                if max(f1, f2) * 100 / bw >= min_peak:
                    valley = min(w[i1 : i2 + 1])
                    times = []
                    for frac in (0.2, 0.8):
                        thr = frac * f1
                        j = 0
                        while w[j] < thr:
                            j += 1
                        before = fz[start + j - 1]
                        times.append((j - 1 + (thr - before) / (w[j] - before)) / fs)
                    impulse = 0.0
                    for k in range(1, length):
                        impulse += 0.5 * (w[k] + w[k - 1]) / fs
                    steps.append(
                        (length / fs, f1 * 100 / bw, f2 * 100 / bw, valley * 100 / bw,
                         60 * f1 / bw / (times[1] - times[0]), impulse * 100 / bw)
                    )  # fmt: skip
        if f < off_thr:
            seen_unloaded = True
    return steps


def bench_gait(hours):
    subject = GaitSubject(mass_kg=75, affected_side="left", seed=2)
    n = int(hours * 3600 * FS_GAIT)
    t0 = time.perf_counter()
    left, right = subject.sample(np.arange(n) / FS_GAIT)
    print(f"\n2. Walking, {hours:g} h @ {FS_GAIT:g} Hz, two feet ({n} samples each; simulated in "
          f"{time.perf_counter() - t0:.1f} s)")  # fmt: skip
    bw = subject.weight_n
    st = StanceSettings()

    def ours():
        return analyze_gait(left, right, fs_hz=FS_GAIT, body_weight_n=bw, affected_side="left", settings=st)

    args = (FS_GAIT, bw, st.on_threshold_n, st.off_threshold_n, st.min_stance_s, st.max_stance_s, st.min_peak_pct_bw)
    t_ours, t_loop = Timer(), Timer()
    for _ in range(3):  # interleaved rounds
        t_ours.run(ours, 5)
        loop_left, loop_right = t_loop.run(lambda: (steps_loop(left, *args), steps_loop(right, *args)))
    result = ours()
    table = result.affected_steps
    mine = np.column_stack([table.stance_time_s, table.peak1_pct_bw, table.peak2_pct_bw, table.valley_pct_bw,
                            table.loading_rate_pct_bw_s, table.impulse_pct_bw_s])  # fmt: skip
    same = (
        len(loop_left) == table.n_steps
        and len(loop_right) == result.unaffected_steps.n_steps
        and np.allclose(np.array(loop_left), mine, rtol=1e-9, atol=0)
    )
    print(
        f"   segmentation + per-step measures + summaries, both feet:\n"
        f"     wall: vectorised {t_ours.wall * 1e3:6.1f} ms   loop {t_loop.wall:5.2f} s   "
        f"ratio {t_loop.wall / t_ours.wall:4.0f}x   same steps and values: {same}\n"
        f"     cpu:  vectorised {t_ours.cpu * 1e3:6.1f} ms   loop {t_loop.cpu:5.2f} s   "
        f"ratio {t_loop.cpu / t_ours.cpu:4.0f}x\n"
        f"     best wall: vectorised {t_ours.best_wall * 1e3:6.1f} ms   loop {t_loop.best_wall:5.2f} s   "
        f"ratio {t_loop.best_wall / t_ours.best_wall:4.0f}x\n"
        f"   steps: {table.n_steps} affected, {result.unaffected_steps.n_steps} unaffected, "
        f"{len(result.rejected)} rejected"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0, help="hours of simulated walking (default 1)")
    args = parser.parse_args()
    print("balance-station analysis benchmark (median of interleaved repeated runs, wall clock and process CPU time;"
          " ratios of medians, and of the best runs)")
    bench_sway()
    bench_gait(args.hours)


if __name__ == "__main__":
    main()
