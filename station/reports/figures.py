"""The report's figures, drawn with matplotlib's Agg backend into PNG bytes (no display needed).

Colour-blind-safe pairs (Okabe-Ito) and shape as well as colour for in/out of band.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from station.reports.model import Assessment, ProgressMeasure
from station.reports.references import Band
from station.reports.traces import CopTrace

__all__ = ["cop_series_png", "load_bars_png", "progress_png", "stabilogram_png", "walking_curves_png",
           "walking_peaks_png"]

AFFECTED = "#D55E00"
UNAFFECTED = "#0072B2"
TRIAL_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
DPI = 110


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _no_data(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=9, color="#555555")


def stabilogram_png(traces: Sequence[CopTrace | None], ellipses: Sequence[tuple[float, float, float] | None],
                    half_range_mm: float) -> bytes:
    """COP ML vs AP of each trial with its 95 % prediction ellipse (semi-axes mm, angle deg), fixed axes."""
    fig = Figure(figsize=(3.2, 3.2))
    fig.subplots_adjust(left=0.19, right=0.97, bottom=0.14, top=0.92)
    ax = fig.add_subplot()
    drawn = 0
    for i, (trace, ell) in enumerate(zip(traces, ellipses, strict=True)):
        colour = TRIAL_COLOURS[i % len(TRIAL_COLOURS)]
        if trace is not None:
            ax.plot(trace.ml_mm, trace.ap_mm, lw=0.5, color=colour, alpha=0.8)
            drawn += 1
        if ell is not None:
            major, minor, angle = ell
            ax.add_patch(Ellipse((0, 0), 2 * major, 2 * minor, angle=angle, fill=False, color=colour, lw=1.2,
                                 label=f"trial {i + 1}"))
    if drawn < len(traces):
        _no_data(ax, f"{len(traces) - drawn} recording(s) moved or changed:\nellipse only")
    ax.set_xlim(-half_range_mm, half_range_mm)
    ax.set_ylim(-half_range_mm, half_range_mm)
    ax.set_aspect("equal")
    ax.axhline(0, color="#999999", lw=0.4)
    ax.axvline(0, color="#999999", lw=0.4)
    ax.set_xlabel("ML, mm (+ right)", fontsize=8)
    ax.set_ylabel("AP, mm (+ forward)", fontsize=8)
    ax.set_title("Stabilogram, 95 % prediction ellipse (F)", fontsize=8)
    ax.tick_params(labelsize=7)
    if ellipses and any(e is not None for e in ellipses):
        ax.legend(fontsize=6, loc="upper right")
    return _png(fig)


def cop_series_png(traces: Sequence[CopTrace | None]) -> bytes:
    """COP ML and AP over time, every trial, about the trial's mean."""
    fig = Figure(figsize=(4.2, 3.2))
    fig.subplots_adjust(left=0.13, right=0.98, bottom=0.13, top=0.92, hspace=0.12)
    axes = fig.subplots(2, 1, sharex=True)
    for i, trace in enumerate(traces):
        if trace is None:
            continue
        colour = TRIAL_COLOURS[i % len(TRIAL_COLOURS)]
        axes[0].plot(trace.t_s, trace.ml_mm, lw=0.6, color=colour)
        axes[1].plot(trace.t_s, trace.ap_mm, lw=0.6, color=colour, label=f"trial {i + 1}")
    if any(t is None for t in traces):
        _no_data(axes[0], "recording(s) moved or changed since registration")
    axes[0].set_ylabel("ML, mm", fontsize=8)
    axes[1].set_ylabel("AP, mm", fontsize=8)
    axes[1].set_xlabel("time, s", fontsize=8)
    axes[0].set_title("COP time series (about the mean)", fontsize=8)
    for ax in axes:
        ax.tick_params(labelsize=7)
    return _png(fig)


def load_bars_png(affected: tuple[float, float | None], unaffected: tuple[float, float | None], side: str,
                  target: Band, normal: Band) -> bytes:
    """Per-limb load, %BW (mean ± SD over trials) with the target and normal bands of the affected limb."""
    fig = Figure(figsize=(4.2, 2.4))
    fig.subplots_adjust(left=0.13, right=0.98, bottom=0.13, top=0.9)
    ax = fig.add_subplot()
    other = "right" if side == "left" else "left"
    ax.axhspan(normal.low_pct, normal.high_pct, color="#bbbbbb", alpha=0.5, label="normal band")
    ax.axhspan(target.low_pct, target.high_pct, facecolor="none", edgecolor="#009E73", hatch="//", lw=0.8,
               label="target band")
    labels = [f"affected ({side})", f"unaffected ({other})"]
    means = [affected[0], unaffected[0]]
    sds = [affected[1] or 0.0, unaffected[1] or 0.0]
    bars = ax.bar(labels, means, yerr=sds, color=[AFFECTED, UNAFFECTED], width=0.5, capsize=4)
    for bar, value in zip(bars, means, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 1.5, f"{value:.1f} %", ha="center", fontsize=8)
    ax.axhline(50, color="black", lw=0.6, ls="--")
    ax.set_ylim(0, 80)
    ax.set_ylabel("% body weight", fontsize=8)
    ax.set_title("Load per limb (mean ± SD over trials)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, loc="upper right")
    return _png(fig)


def walking_peaks_png(a: Assessment) -> bytes:
    """Affected vs unaffected per-step peaks and valley, %BW: each trial's mean ± SD over its steps."""
    fig = Figure(figsize=(4.2, 2.8))
    fig.subplots_adjust(left=0.13, right=0.98, bottom=0.17, top=0.9)
    ax = fig.add_subplot()
    names = ("peak1_pct_bw", "valley_pct_bw", "peak2_pct_bw")
    n = len(a.trials)
    width = 0.8 / (2 * n)
    for k, limb in enumerate(("affected", "unaffected")):
        for i, trial in enumerate(a.trials):
            steps = trial.result["steps"][limb]
            xs = [j + (k * n + i) * width - 0.4 + width / 2 for j in range(3)]
            ax.bar(xs, [steps[m] for m in names], width, yerr=[steps["sd"][m] for m in names], capsize=2,
                   color=AFFECTED if limb == "affected" else UNAFFECTED, alpha=1.0 - 0.15 * i,
                   label=f"{limb}" if i == 0 else None)
    ax.set_xticks(range(3), ["first peak", "valley", "second peak"], fontsize=7)
    ax.set_ylabel("% body weight", fontsize=8)
    ax.set_title("Per-step loading (mean ± SD of steps, each trial)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6)
    return _png(fig)


def walking_curves_png(a: Assessment) -> bytes:
    """Mean time-normalised stance curves ± SD (pooled over trials: mean of means, root-mean-square SD)."""
    import numpy as np

    fig = Figure(figsize=(4.2, 2.8))
    fig.subplots_adjust(left=0.13, right=0.98, bottom=0.17, top=0.9)
    ax = fig.add_subplot()
    for limb, colour in (("affected", AFFECTED), ("unaffected", UNAFFECTED)):
        means = np.array([t.result["steps"][limb]["mean_curve_pct_bw"] for t in a.trials], dtype=float)
        sds = np.array([t.result["steps"][limb].get("sd_curve_pct_bw", [0.0] * means.shape[1]) for t in a.trials],
                       dtype=float)
        mean = means.mean(axis=0)
        sd = np.sqrt((sds**2).mean(axis=0))
        x = np.linspace(0, 100, mean.size)
        ax.plot(x, mean, color=colour, lw=1.2, label=limb)
        ax.fill_between(x, mean - sd, mean + sd, color=colour, alpha=0.25, lw=0)
    ax.set_xlabel("stance, %", fontsize=8)
    ax.set_ylabel("% body weight", fontsize=8)
    ax.set_title("Stance curves, mean ± SD", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6)
    return _png(fig)


def progress_png(measures: Sequence[ProgressMeasure]) -> bytes:
    """Each measure over sessions: baseline line, no-change band, clinic ● vs home □, real change ★."""
    n = max(len(measures), 1)
    cols = 2 if n > 1 else 1
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(7.2, 1.35 * rows))
    fig.subplots_adjust(left=0.08, right=0.99, bottom=0.3 / rows, top=1 - 0.2 / rows, hspace=0.45, wspace=0.2)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, m in zip(axes, measures, strict=False):
        base = m.baseline.mean
        band = m.band
        nos = [p.session_no for p in m.points]
        if band is not None:
            ax.axhspan(base - band, base + band, color="#bbbbbb", alpha=0.5, lw=0)
        ax.axhline(base, color="black", lw=0.8, ls="--")
        for place, marker, face in (("clinic", "o", UNAFFECTED), ("home", "s", "white")):
            pts = [p for p in m.points if p.place == place]
            if pts:
                ax.plot([p.session_no for p in pts], [p.mean for p in pts], marker=marker, ls="-" if place ==
                        "clinic" else ":", color=UNAFFECTED, mfc=face, ms=5, lw=0.8, label=place)
        real = [p for p in m.points if p.verdict is not None and p.verdict.real]
        if real:
            ax.plot([p.session_no for p in real], [p.mean for p in real], "*", color=AFFECTED, ms=11,
                    label="real change")
        ax.set_xticks(nos)
        ax.set_title(m.label if len(m.label) < 60 else m.label[:57] + "...", fontsize=7)
        ax.set_ylabel(m.unit, fontsize=7)
        ax.tick_params(labelsize=6)
        ax.legend(fontsize=5, loc="best")
    for ax in axes[len(measures):]:
        ax.set_axis_off()
    axes[-1].set_xlabel("session", fontsize=7)
    return _png(fig)
