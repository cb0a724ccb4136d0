"""The report's figures, drawn with matplotlib's Agg backend into PNG bytes (no display needed).

Colour-blind-safe pairs (Okabe-Ito) and shape as well as colour for in/out of band.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence

import matplotlib
from PIL import Image  # Pillow: a required dependency of matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch

from station.reports.model import Assessment, ProgressMeasure
from station.reports.references import Band
from station.reports.traces import CopTrace

__all__ = ["FigureSet", "progress_layout", "progress_png", "walking_curves_png", "walking_peaks_png"]

AFFECTED = "#D55E00"
UNAFFECTED = "#0072B2"
TRIAL_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
DPI = 110
PNG_COMPRESS_LEVEL = 3  # zlib level: files within 2.5 % of level 6 (the default), 25 % faster to write


def _png(fig: Figure) -> bytes:
    fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return _encode(canvas)


def _encode(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as an RGB PNG (the figures are opaque: no alpha channel for the PDF to split off)."""
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=PNG_COMPRESS_LEVEL)
    return buf.getvalue()


def _no_data(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=9, color="#555555")


class _Reused:
    """A figure whose fixed parts are drawn once; every page draws only its data on top (blitting).

    Creating a matplotlib Figure, its axes and tick objects, and rasterising their text costs far more than
    drawing a few hundred points. The pages of one report share their axes (one scale for every session), so
    the frame, ticks, labels, title and bands are drawn once into a background; :meth:`png` restores it, draws
    whatever artists were added since (in matplotlib's own z-order), encodes the PNG and removes them again.
    """

    def __init__(self, fig: Figure, axes: Sequence, overlay: Sequence = ()) -> None:
        self.fig = fig
        self.axes = tuple(axes)
        # drawn again on every page, after the data as in a full draw: the frame and the reference lines
        self._overlay = [*overlay, *(spine for ax in self.axes for spine in ax.spines.values())]
        for ax in self.axes:
            ax.set_autoscale_on(False)  # fixed axes: the background stays valid for every page
        self.canvas = FigureCanvasAgg(fig)
        for artist in self._overlay:
            artist.set_visible(False)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(fig.bbox)
        for artist in self._overlay:
            artist.set_visible(True)
        self._static = {id(child) for ax in self.axes for child in ax.get_children()}

    def _added(self, ax) -> list:
        return [child for child in ax.get_children() if id(child) not in self._static]

    def png(self) -> bytes:
        self.canvas.restore_region(self._background)
        for ax in self.axes:
            page = self._added(ax) + [a for a in self._overlay if a.axes is ax]
            for artist in sorted(page, key=lambda a: a.get_zorder()):  # stable sort, like Axes.draw
                ax.draw_artist(artist)
        png = _encode(self.canvas)
        for ax in self.axes:
            for container in list(ax.containers):
                container.remove()
            for artist in self._added(ax):
                artist.remove()
        return png


def _stabilogram_figure(half_range_mm: float) -> _Reused:
    fig = Figure(figsize=(3.2, 3.2), dpi=DPI)
    fig.subplots_adjust(left=0.19, right=0.97, bottom=0.14, top=0.92)
    ax = fig.add_subplot()
    ax.set_xlim(-half_range_mm, half_range_mm)
    ax.set_ylim(-half_range_mm, half_range_mm)
    ax.set_aspect("equal")
    axes_lines = [ax.axhline(0, color="#999999", lw=0.4), ax.axvline(0, color="#999999", lw=0.4)]
    ax.set_xlabel("ML, mm (+ right)", fontsize=8)
    ax.set_ylabel("AP, mm (+ forward)", fontsize=8)
    ax.set_title("Stabilogram, 95 % prediction ellipse (F)", fontsize=8)
    ax.tick_params(labelsize=7)
    return _Reused(fig, [ax], overlay=axes_lines)


def _draw_stabilogram(fig: _Reused, traces: Sequence[CopTrace | None],
                      ellipses: Sequence[tuple[float, float, float] | None]) -> bytes:
    ax = fig.axes[0]
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
    if ellipses and any(e is not None for e in ellipses):
        ax.legend(fontsize=6, loc="upper right")
    return fig.png()


def _cop_series_figure(half_range_mm: float, duration_s: float) -> _Reused:
    """ML and AP axes of ±``half_range_mm``, time 0 to ``duration_s`` (and 5 % margins)."""
    fig = Figure(figsize=(4.2, 3.2), dpi=DPI)
    fig.subplots_adjust(left=0.13, right=0.98, bottom=0.13, top=0.92, hspace=0.12)
    axes = fig.subplots(2, 1, sharex=True)
    axes[0].set_xlim(-0.05 * duration_s, 1.05 * duration_s)  # the 5 % margins autoscale would give
    for ax in axes:
        ax.set_ylim(-half_range_mm, half_range_mm)
    axes[0].set_ylabel("ML, mm", fontsize=8)
    axes[1].set_ylabel("AP, mm", fontsize=8)
    axes[1].set_xlabel("time, s", fontsize=8)
    axes[0].set_title("COP time series (about the mean)", fontsize=8)
    for ax in axes:
        ax.tick_params(labelsize=7)
    return _Reused(fig, axes)


def _draw_cop_series(fig: _Reused, traces: Sequence[CopTrace | None]) -> bytes:
    axes = fig.axes
    for i, trace in enumerate(traces):
        if trace is None:
            continue
        colour = TRIAL_COLOURS[i % len(TRIAL_COLOURS)]
        axes[0].plot(trace.t_s, trace.ml_mm, lw=0.6, color=colour)
        axes[1].plot(trace.t_s, trace.ap_mm, lw=0.6, color=colour, label=f"trial {i + 1}")
    if any(t is None for t in traces):
        _no_data(axes[0], "recording(s) moved or changed since registration")
    return fig.png()


def _load_bars_figure(side: str, target: Band, normal: Band) -> _Reused:
    fig = Figure(figsize=(4.2, 2.4), dpi=DPI)
    fig.subplots_adjust(left=0.13, right=0.98, bottom=0.13, top=0.9)
    ax = fig.add_subplot()
    ax.axhspan(normal.low_pct, normal.high_pct, color="#bbbbbb", alpha=0.5, label="normal band")
    ax.axhspan(target.low_pct, target.high_pct, facecolor="none", edgecolor="#009E73", hatch="//", lw=0.8,
               label="target band")
    equal = ax.axhline(50, color="black", lw=0.6, ls="--")
    other = "right" if side == "left" else "left"
    ax.set_xlim(-0.325, 1.325)  # where autoscale puts two bars of width 0.5 at 0 and 1 (5 % margins)
    ax.set_xticks([0, 1], [f"affected ({side})", f"unaffected ({other})"])
    ax.set_ylim(0, 80)
    ax.set_ylabel("% body weight", fontsize=8)
    ax.set_title("Load per limb (mean ± SD over trials)", fontsize=8)
    ax.tick_params(labelsize=7)
    return _Reused(fig, [ax], overlay=[equal])


def _draw_load_bars(fig: _Reused, affected: tuple[float, float | None],
                    unaffected: tuple[float, float | None]) -> bytes:
    ax = fig.axes[0]
    means = [affected[0], unaffected[0]]
    sds = [affected[1] or 0.0, unaffected[1] or 0.0]
    bars = ax.bar([0, 1], means, yerr=sds, color=[AFFECTED, UNAFFECTED], width=0.5, capsize=4)
    for bar, value in zip(bars, means, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 1.5, f"{value:.1f} %", ha="center", fontsize=8)
    ax.legend(fontsize=6, loc="upper right")
    return fig.png()


class FigureSet:
    """The figures of one report, drawn on one reused Figure per kind (see :class:`_Reused`).

    Not thread-safe: make one per report (matplotlib figures are not to be shared between threads).

    Parameters
    ----------
    half_range_mm
        Half-width of every stabilogram's axes, mm (one scale for the whole report).
    duration_s
        Time axis of the COP time series, s (the longest trial of the report).
    side, target, normal
        The affected side and the bands of the load-bar figure (one per report).
    """

    def __init__(self, half_range_mm: float, duration_s: float, side: str, target: Band, normal: Band) -> None:
        self.half_range_mm = half_range_mm
        self.duration_s = duration_s
        self._bands = (side, target, normal)
        self._figs: dict[str, _Reused] = {}

    def _get(self, kind: str, make) -> _Reused:
        if kind not in self._figs:
            self._figs[kind] = make()
        return self._figs[kind]

    def stabilogram(self, traces: Sequence[CopTrace | None],
                    ellipses: Sequence[tuple[float, float, float] | None]) -> bytes:
        """COP ML vs AP of each trial with its 95 % prediction ellipse (semi-axes mm, angle deg), fixed axes."""
        return _draw_stabilogram(self._get("stabilogram", lambda: _stabilogram_figure(self.half_range_mm)),
                                 traces, ellipses)

    def cop_series(self, traces: Sequence[CopTrace | None]) -> bytes:
        """COP ML and AP over time, every trial, about the trial's mean.

        Both COP axes span ± the page's largest excursion rounded up to 5 mm (at least 5 mm), so a quiet session
        keeps its detail; one background is drawn per distinct span.
        """
        extent = max((float(max(abs(t.ml_mm).max(), abs(t.ap_mm).max())) for t in traces if t is not None),
                     default=self.half_range_mm)
        half = max(5.0, 5.0 * math.ceil(extent / 5.0))
        fig = self._get(f"cop {half:g}", lambda: _cop_series_figure(half, self.duration_s))
        return _draw_cop_series(fig, traces)

    def load_bars(self, affected: tuple[float, float | None], unaffected: tuple[float, float | None]) -> bytes:
        """Per-limb load, %BW (mean ± SD over trials) with the target and normal bands of the affected limb."""
        return _draw_load_bars(self._get("bars", lambda: _load_bars_figure(*self._bands)), affected, unaffected)


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


PROGRESS_WIDTH_IN = 7.2
#: The progress figure's height is capped so that the figure, both tables and the notes fit one A4 page.
PROGRESS_MAX_HEIGHT_IN = 3.5


def progress_layout(n_measures: int) -> tuple[int, int, float]:
    """(columns, rows, panel height in inches) of the progress figure for ``n_measures`` panels."""
    n = max(n_measures, 1)
    cols = n if n <= 2 else 2 if n <= 4 else 3 if n <= 9 else 4 if n <= 12 else 5
    rows = math.ceil(n / cols)
    return cols, rows, min(1.3, (PROGRESS_MAX_HEIGHT_IN - 0.53) / rows)


def progress_png(measures: Sequence[ProgressMeasure]) -> bytes:
    """Each measure over sessions: baseline line, no-change band, clinic ● vs home □, real change ★.

    Every panel has the same session axis; one legend for the figure (above the panels).
    """
    cols, rows, panel_h = progress_layout(len(measures))
    height = rows * panel_h + 0.53
    fig = Figure(figsize=(PROGRESS_WIDTH_IN, height), dpi=DPI)
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.3 / height, top=1 - 0.46 / height,
                        hspace=0.42 / (panel_h - 0.42), wspace=0.3 if cols > 2 else 0.18)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    sessions = sorted({p.session_no for m in measures for p in m.points})
    first, last = (sessions[0], sessions[-1]) if sessions else (1, 1)
    step = max(1, math.ceil((last - first + 1) / max(4, int(PROGRESS_WIDTH_IN / cols / 0.17))))
    chars = {1: 110, 2: 62, 3: 40, 4: 30, 5: 24}[cols]
    any_home = any(p.place == "home" for m in measures for p in m.points)
    for ax, m in zip(axes, measures, strict=False):
        base = m.reference
        band = m.band
        if band is not None:
            ax.axhspan(base - band, base + band, color="#bbbbbb", alpha=0.5, lw=0)
        ax.axhline(base, color="black", lw=0.8, ls="--")
        for place, marker, face in (("clinic", "o", UNAFFECTED), ("home", "s", "white")):
            pts = [p for p in m.points if p.place == place]
            if pts:
                ax.plot([p.session_no for p in pts], [p.mean for p in pts], marker=marker,
                        ls="-" if place == "clinic" else ":", color=UNAFFECTED, mfc=face, ms=4, lw=0.8)
        real = [p for p in m.points if p.verdict is not None and p.verdict.real]
        if real:
            ax.plot([p.session_no for p in real], [p.mean for p in real], "*", color=AFFECTED, ms=9)
        ax.set_xlim(first - 0.5, last + 0.5)
        ax.set_xticks(range(first, last + 1, step))
        lines = textwrap.wrap(m.label, chars)
        title = "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")
        ax.set_title(title, fontsize=6.5, pad=2)
        ax.set_ylabel(m.unit, fontsize=6.5, labelpad=1)
        ax.tick_params(labelsize=6, pad=1.5)
    for i, ax in enumerate(axes):
        if i >= len(measures):
            ax.set_axis_off()
        elif i + cols >= len(measures):  # the lowest panel of its column
            ax.set_xlabel("session", fontsize=6.5, labelpad=1)
    handles = [Line2D([], [], color=UNAFFECTED, marker="o", ms=4, lw=0.8, label="clinic session")]
    if any_home:
        handles.append(Line2D([], [], color=UNAFFECTED, marker="s", mfc="white", ms=4, lw=0.8, ls=":",
                              label="home session"))
    handles += [Line2D([], [], color=AFFECTED, marker="*", ms=9, lw=0, label="real change"),
                Line2D([], [], color="black", lw=0.8, ls="--", label="baseline"),
                Patch(color="#bbbbbb", alpha=0.5, lw=0, label="no-change band (largest threshold)")]
    fig.legend(handles=handles, loc="upper center", ncols=len(handles), fontsize=6.5, frameon=False,
               bbox_to_anchor=(0.5, 1.0), borderaxespad=0.2)
    return _png(fig)
