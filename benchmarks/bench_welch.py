"""Is ``analysis.welch`` worth keeping? Its Welch PSD against ``scipy.signal.welch`` on identical input.

Run: python benchmarks/bench_welch.py [--repeats 30]

For the signal sizes the product analyses (a COP resampled to 25 Hz for 30 s and 60 s; 100 Hz recordings of
60 s and 120 s as the HBEDB and Prieto presets read them), with the default settings (10 s Hann segments,
50 % overlap, linear detrend, FFT over the whole signal: Quijoux et al. 2021), it times

* ``welch_psd`` on the two COP axes against ``scipy.signal.welch(..., axis=0)``, every bin;
* the route :func:`analysis.sway_frequency.sway_frequency` takes (RD, ML and AP, only the bins of the
  0.15-5 Hz band) against ``scipy.signal.welch`` of the same three signals, sliced to the same bins;

and prints each pair's best-of-N time, the ratio scipy / ours measured in the same run, and the largest
difference of the PSDs relative to their largest value (equal to rounding when about 1e-12 or less).
No time is asserted anywhere: machines are noisy, ratios are what travel.
"""

from __future__ import annotations

import argparse

import numpy as np
from bench_standing import best_of  # shortest of N timed calls, s (benchmarks/ is on the path of a script run)
from scipy import signal

from analysis.sway_frequency import _band_bins_of_grid
from analysis.welch import WelchSettings, resultant_segments_of, segments_of, welch_parameters, welch_psd, welch_rows

SIZES = ((25.0, 30.0), (25.0, 60.0), (100.0, 60.0), (100.0, 120.0))  # (Hz, s)


def sway_like(n: int, fs: float, seed: int) -> np.ndarray:
    """Two COP axes (n, 2), mm: white noise through a 0.35 Hz 2nd-order low-pass, 3 and 4.5 mm RMS."""
    rng = np.random.default_rng(seed)
    sos = signal.butter(2, 0.35, fs=fs, output="sos")
    x = signal.sosfilt(sos, rng.standard_normal((n + 2000, 2)), axis=0)[2000:]
    return x / x.std(axis=0) * np.array([3.0, 4.5]) + np.array([10.0, -5.0])


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed calls per measurement (best kept)")
    args = parser.parse_args()
    settings = WelchSettings()
    print(f"Welch PSD, {settings.segment_s:g} s {settings.window} segments, {settings.overlap:.0%} overlap, "
          f"{settings.detrend} detrend, nfft = {settings.nfft}; best of {args.repeats}")
    print(f"{'signal':>16} {'what':>22} {'scipy ms':>9} {'ours ms':>8} {'scipy/ours':>10} {'max rel diff':>12}")
    for fs, seconds in SIZES:
        n = int(fs * seconds)
        cop = sway_like(n, fs, seed=int(fs + seconds))
        nperseg, noverlap, nfft = welch_parameters(n, fs, settings)
        kwargs = dict(fs=fs, window=settings.window, nperseg=nperseg, noverlap=noverlap, nfft=nfft,
                      detrend=settings.detrend)

        # 1. the PSD of both axes, every bin
        def scipy_psd(x: np.ndarray = cop, kw: dict = kwargs) -> tuple[np.ndarray, np.ndarray]:
            return signal.welch(x, axis=0, **kw)

        def ours_psd(x: np.ndarray = cop, f: float = fs) -> tuple[np.ndarray, np.ndarray]:
            return welch_psd(x, fs_hz=f, settings=settings)

        f_ref, p_ref = scipy_psd()
        f_ours, p_ours = ours_psd()
        assert np.array_equal(f_ref, f_ours)
        t_ref, t_ours = best_of(scipy_psd, args.repeats), best_of(ours_psd, args.repeats)
        label = f"{n} @ {fs:g} Hz"
        print(f"{label:>16} {'PSD of ML, AP':>22} {t_ref * 1e3:9.3f} {t_ours * 1e3:8.3f} {t_ref / t_ours:10.2f} "
              f"{relative_difference(p_ours, p_ref):12.1e}")

        # 2. what sway_frequency computes: RD, ML, AP about their means, the band's bins only
        ml, ap = cop[:, 0], cop[:, 1]
        mx, my = float(ml.mean()), float(ap.mean())
        step = nperseg - noverlap
        lo, hi = _band_bins_of_grid(fs / nfft, nfft // 2 + 1, settings.band_hz)

        def scipy_band(kw: dict = kwargs, ml: np.ndarray = ml, ap: np.ndarray = ap, mx: float = mx, my: float = my,
                       lo: int = lo, hi: int = hi) -> np.ndarray:
            rows = np.vstack([np.hypot(ml - mx, ap - my), ml - mx, ap - my])
            return signal.welch(rows, axis=-1, **kw)[1][:, lo:hi]

        def ours_band(ml: np.ndarray = ml, ap: np.ndarray = ap, mx: float = mx, my: float = my, n: int = n,
                      f: float = fs, lo: int = lo, hi: int = hi, nperseg: int = nperseg, noverlap: int = noverlap,
                      nfft: int = nfft, step: int = step) -> np.ndarray:
            sources = [resultant_segments_of(ml, ap, mx, my, nperseg, step), segments_of(ml, mx, nperseg, step),
                       segments_of(ap, my, nperseg, step)]
            return welch_rows(sources, n, f, nperseg, noverlap, nfft, settings, (lo, hi))[1]

        b_ref, b_ours = scipy_band(), ours_band()
        t_ref, t_ours = best_of(scipy_band, args.repeats), best_of(ours_band, args.repeats)
        print(f"{'':>16} {'RD, ML, AP in the band':>22} {t_ref * 1e3:9.3f} {t_ours * 1e3:8.3f} "
              f"{t_ref / t_ours:10.2f} {relative_difference(b_ours, b_ref):12.1e}")


if __name__ == "__main__":
    main()
