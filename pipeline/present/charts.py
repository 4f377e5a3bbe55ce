"""Diagrams drawn with seaborn, returned as PNG bytes that are identical run after run.

Colours are chosen for colour-blind readers and contrast (≥ 3:1 on white), and every series
also differs by marker, line style or hatching, so no reader depends on colour alone.
"""
import functools
import hashlib
import io
import json
import math

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from pipeline import formatting as fmt  # noqa: E402
from pipeline.present.blocks import SYNTHETIC_LABEL  # noqa: E402

PALETTE = sns.color_palette("colorblind")
MAIN = "#0b4f8a"       # dark blue: 8.6:1 on white
REFERENCE = "#5f5f5f"  # grey: 6.4:1 on white
DPI = 150

sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
plt.rcParams.update({"svg.hashsalt": "report", "axes.titlesize": 11, "axes.labelsize": 10,
                     "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 9})

_percent_axis = FuncFormatter(lambda y, _pos: fmt.number(y * 100, 0) + fmt.NBSP + "%")


class _Unkeyed(TypeError):
    """An argument with no exact text form (a DataFrame, an object): the diagram is drawn, not looked up."""


def _keyed(value):
    """``value`` as plain JSON that says all of it, so that two arguments share a key only when they are equal."""
    if isinstance(value, np.generic):  # a numpy scalar, as pandas hands out
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)  # nan, inf: JSON has no words for them
    if isinstance(value, (list, tuple)):
        return [_keyed(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _keyed(v) for k, v in value.items()}
    raise _Unkeyed(type(value).__name__)


_DRAWN: dict[str, bytes] = {}  # this process's diagrams by key, the oldest dropped first
_DRAWN_MAX = 256
_store = None


def keep_drawings(store) -> None:
    """Keep diagrams beyond this process in ``store`` (``read(key)`` → bytes or None, ``write(key, bytes)``).

    The build passes its cache (``pipeline/build/notebooks.py``), whose keys also cover the code and
    the package lock; without a store, diagrams are kept only while the process lives.
    """
    global _store
    _store = store


def drawn_once(draw):
    """Draw a diagram once for the same arguments: the PNG bytes of an earlier drawing otherwise.

    Every diagram is a pure function of its arguments (the style is set once, above), and drawing
    is most of an administration page's run: about 0.13 s of each page's 0.3 s, two diagrams a page.
    After one district's cell changed, only the diagrams whose numbers changed are drawn again (the
    other profession's panels on every page keep theirs), in ``make report`` through the build's cache
    and in ``make preview``'s warm workers also in memory.
    """
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        try:
            text = json.dumps([draw.__name__, _keyed(list(args)), _keyed(kwargs)], sort_keys=True, ensure_ascii=False)
        except _Unkeyed:
            return draw(*args, **kwargs)
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        png = _DRAWN.get(key)
        if png is None and _store is not None:
            png = _store.read(key)
        if png is None:
            png = draw(*args, **kwargs)
            if _store is not None:
                _store.write(key, png)
        _DRAWN.pop(key, None)
        _DRAWN[key] = png
        while len(_DRAWN) > _DRAWN_MAX:
            del _DRAWN[next(iter(_DRAWN))]
        return png

    return wrapper


def to_png(figure) -> bytes:
    """The figure as an opaque (RGB) PNG on white.

    Matplotlib writes RGBA; a PDF has to carry the alpha channel as a separate mask, which
    WeasyPrint re-encodes for every image of every print. Diagrams on white need none.
    """
    from PIL import Image

    buffer = io.BytesIO()
    # fastest compression for this intermediate PNG (decoded at once below): 0.025 s less per diagram
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None},
                   facecolor="white", pil_kwargs={"compress_level": 1})
    plt.close(figure)
    buffer.seek(0)
    image = Image.open(buffer)
    opaque = io.BytesIO()
    image.convert("RGB").save(opaque, format="PNG", dpi=image.info.get("dpi", (DPI, DPI)))
    return opaque.getvalue()


@drawn_once
def rate_trend(years: list[int], lines: list[dict], ylabel: str = "Personalrörlighet") -> bytes:
    """Lines of turnover rate by year; each line is {label, rates, style: 'main'|'reference'}."""
    figure, axis = plt.subplots(figsize=(7.0, 3.4))
    for line in lines:
        main = line.get("style", "main") == "main"
        axis.plot(years, line["rates"], label=line["label"], color=MAIN if main else REFERENCE,
                  linestyle="-" if main else "--", marker="o" if main else "s", linewidth=2.2 if main else 1.6,
                  markersize=5)
    axis.yaxis.set_major_formatter(_percent_axis)
    axis.set_ylim(bottom=0)
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_ylabel(ylabel)
    axis.set_xlabel("År")
    if len(lines) > 1:
        axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=len(lines), frameon=False)
    return to_png(figure)


@drawn_once
def small_multiples(years: list[int], panels: list[dict], reference_label: str, columns: int = 4) -> bytes:
    """One small panel per administration: its rate (solid) against a reference line (dashed)."""
    rows = -(-len(panels) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(2.1 * columns, 1.65 * rows), sharex=True, sharey=True)
    flat = axes.flatten() if hasattr(axes, "flatten") else [axes]
    top = max(max((r for r in p["rates"] + p["reference"] if r == r), default=0) for p in panels)
    for axis, panel in zip(flat, panels):
        axis.plot(years, panel["reference"], color=REFERENCE, linestyle="--", linewidth=1.1)
        axis.plot(years, panel["rates"], color=MAIN, marker="o", markersize=2.5, linewidth=1.6)
        axis.set_title(panel["label"], fontsize=8.5)
        axis.yaxis.set_major_formatter(_percent_axis)
        axis.set_ylim(0, top * 1.1 if top else 1)
        axis.tick_params(labelsize=7)
        axis.set_xticks([years[0], years[-1]])
    for axis in flat[len(panels):]:
        axis.set_visible(False)
    figure.legend(handles=[plt.Line2D([], [], color=MAIN, marker="o", label="Förvaltningen"),
                           plt.Line2D([], [], color=REFERENCE, linestyle="--", label=reference_label)],
                  loc="lower center", ncol=2, frameon=False, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    return to_png(figure)


@drawn_once
def grouped_bars(categories: list[str], groups: list[dict], ylabel: str) -> bytes:
    """Bars per category, one bar per group ({label, values}), hatched so colour is not needed."""
    figure, axis = plt.subplots(figsize=(7.0, 3.2))
    width = 0.8 / max(len(groups), 1)
    hatches = ["", "//", "..", "xx"]
    for i, group in enumerate(groups):
        positions = [x + (i - (len(groups) - 1) / 2) * width for x in range(len(categories))]
        bars = axis.bar(positions, group["values"], width=width * 0.95, label=group["label"],
                        color=_SERIES_COLOURS[i % len(_SERIES_COLOURS)], hatch=hatches[i % len(hatches)],
                        edgecolor="#222222", linewidth=0.5)
        axis.bar_label(bars, labels=[fmt.number(v) for v in group["values"]], fontsize=8, padding=2)
    axis.set_xticks(range(len(categories)), categories)
    axis.set_ylabel(ylabel)
    axis.legend(frameon=True)
    axis.margins(y=0.15)
    return to_png(figure)


@drawn_once
def ranked_bars(labels: list[str], values: list[int], xlabel: str) -> bytes:
    """Horizontal bars, largest first, for ranked counts."""
    figure, axis = plt.subplots(figsize=(7.0, 0.32 * len(labels) + 0.8))
    positions = list(range(len(labels)))
    bars = axis.barh(positions, values, color=MAIN)
    axis.bar_label(bars, labels=[fmt.number(v) for v in values], fontsize=8, padding=2)
    axis.set_yticks(positions, labels)
    axis.invert_yaxis()
    axis.set_xlabel(xlabel)
    axis.margins(x=0.1)
    return to_png(figure)


@drawn_once
def sparkline(years: list[int], lines: list[dict], top: float | None = None) -> bytes:
    """A small multiple for an index: one line per profession, solid and dashed, on a shared scale.

    The index explains the line styles once, so the panels carry no legend of their own.
    """
    figure, axis = plt.subplots(figsize=(3.2, 1.5))
    for line in lines:
        main = line.get("style", "main") == "main"
        axis.plot(years, line["rates"], color=MAIN if main else PALETTE[3], linestyle="-" if main else "--",
                  marker="o" if main else "s", markersize=2.5, linewidth=1.5, label=line["label"])
    axis.yaxis.set_major_formatter(_percent_axis)
    axis.set_ylim(0, top * 1.05 if top else None)
    axis.set_xticks([years[0], years[-1]])
    axis.tick_params(labelsize=7)
    return to_png(figure)


# ----------------------------------------------------------------------------- survey (shares by occasion)

# Each ≥ 3:1 on white (WCAG 1.4.11); the first three stay apart under simulated protanopia, deuteranopia
# and tritanopia (Okabe–Ito green), and markers and line styles differ as well.
_SERIES_COLOURS = [MAIN, "#b35806", "#009e73", "#cc79a7", REFERENCE, "#8c510a"]
_SERIES_MARKERS = ["o", "s", "^", "D", "v", "P"]
_SERIES_STYLES = ["-", "--", "-.", ":"]


def _majority_line(axis, horizontal: bool = True) -> None:
    """A dotted line at 50 %: the report's findings are about whether a majority is positive."""
    draw = axis.axhline if horizontal else axis.axvline
    draw(0.5, color=REFERENCE, linestyle=":", linewidth=1.0, zorder=0)


def _synthetic_label(figure, synthetic: bool) -> None:
    """The words "Syntetiska demonstrationsdata" drawn into the image itself, so that a copied diagram
    still says it: a banner above the plot, outside the data, and the same words faintly across the
    figure behind every line, bar and grid line, so that cropping the banner away is not enough."""
    if not synthetic:
        return
    from matplotlib.transforms import offset_copy

    top = figure.get_tightbbox(figure.canvas.get_renderer()).y1 / figure.get_figheight()  # above every title
    figure.text(0.5, top, SYNTHETIC_LABEL, transform=offset_copy(figure.transFigure, figure, y=6, units="points"),
                ha="center", va="bottom", fontsize=10.5, fontweight="bold",
                color="#8a1c1c", bbox={"boxstyle": "round,pad=0.35", "facecolor": "#fdeaea", "edgecolor": "#8a1c1c",
                                       "linewidth": 1.0})
    for axis in figure.axes:  # see-through plot areas, so the words behind them show
        axis.patch.set_alpha(0)
    figure.text(0.5, 0.5, SYNTHETIC_LABEL, ha="center", va="center", fontsize=26, fontweight="bold",
                color="#8a1c1c", alpha=0.08, rotation=15, zorder=-10)


@drawn_once
def share_trend(labels: list[str], lines: list[dict], ylabel: str, xlabel: str = "Mättillfälle",
                synthetic: bool = False) -> bytes:
    """Shares (0–1) by survey occasion, one line per series ({label, shares}); occasions evenly spaced.
    ``synthetic`` labels the image "Syntetiska demonstrationsdata" (see ``_synthetic_label``)."""
    figure, axis = plt.subplots(figsize=(7.0, 3.4))
    positions = list(range(len(labels)))
    _majority_line(axis)
    for i, line in enumerate(lines):
        axis.plot(positions, line["shares"], label=line["label"], color=_SERIES_COLOURS[i % len(_SERIES_COLOURS)],
                  marker=_SERIES_MARKERS[i % len(_SERIES_MARKERS)],
                  linestyle=_SERIES_STYLES[i % len(_SERIES_STYLES)], linewidth=2.0, markersize=5)
    axis.set_xticks(positions, labels)
    axis.yaxis.set_major_formatter(_percent_axis)
    axis.set_ylim(0, 1)
    axis.set_ylabel(ylabel)
    axis.set_xlabel(xlabel)
    axis.legend(loc="lower left", frameon=True)
    _synthetic_label(figure, synthetic)
    return to_png(figure)


@drawn_once
def share_multiples(labels: list[str], panels: list[dict], reference_label: str, columns: int = 3,
                    synthetic: bool = False) -> bytes:
    """One small panel per group: its share by occasion (solid) against a reference (dashed)."""
    rows = -(-len(panels) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(2.35 * columns, 1.75 * rows), sharex=True, sharey=True)
    flat = axes.flatten() if hasattr(axes, "flatten") else [axes]
    positions = list(range(len(labels)))
    for axis, panel in zip(flat, panels):
        _majority_line(axis)
        axis.plot(positions, panel["reference"], color=REFERENCE, linestyle="--", linewidth=1.1)
        axis.plot(positions, panel["shares"], color=MAIN, marker="o", markersize=2.5, linewidth=1.6)
        axis.set_title(panel["label"], fontsize=8.5)
        axis.yaxis.set_major_formatter(_percent_axis)
        axis.set_ylim(0, 1)
        axis.tick_params(labelsize=7)
        axis.set_xticks([positions[0], positions[-1]], [labels[0], labels[-1]])
    for axis in flat[len(panels):]:
        axis.set_visible(False)
    figure.legend(handles=[plt.Line2D([], [], color=MAIN, marker="o", label="Verksamhetsområdet"),
                           plt.Line2D([], [], color=REFERENCE, linestyle="--", label=reference_label)],
                  loc="lower center", ncol=2, frameon=False, fontsize=8, bbox_to_anchor=(0.5, -0.02))
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    _synthetic_label(figure, synthetic)
    return to_png(figure)


@drawn_once
def ranked_shares(labels: list[str], shares: list[float], xlabel: str, reference: float | None = None,
                  reference_label: str = "", synthetic: bool = False) -> bytes:
    """Horizontal bars of shares in the given order (first on top), each labelled with its percentage."""
    figure, axis = plt.subplots(figsize=(7.0, 0.3 * len(labels) + 1.0))
    positions = list(range(len(labels)))
    bars = axis.barh(positions, shares, color=MAIN, height=0.7)
    axis.bar_label(bars, labels=[fmt.percent(s) for s in shares], fontsize=8, padding=2)
    if reference is not None:
        axis.axvline(reference, color=REFERENCE, linestyle="--", linewidth=1.2, label=reference_label)
        axis.legend(loc="lower right", frameon=True, fontsize=8)
    axis.set_yticks(positions, labels)
    axis.invert_yaxis()
    axis.xaxis.set_major_formatter(_percent_axis)
    axis.set_xlim(0, 1.08)
    axis.set_xlabel(xlabel)
    _synthetic_label(figure, synthetic)
    return to_png(figure)


# ----------------------------------------------------------------------------- administration pages (panels)

@drawn_once
def rate_panel(years: list[int], lines: list[dict], top: float | None = None,
               ylabel: str = "Personalrörlighet") -> bytes:
    """``rate_trend`` drawn for a panel half the text's width, two to a row on an administration's page.

    Smaller than ``rate_trend`` at the same type sizes, so its text prints at about 7 pt beside its twin;
    ``top`` (the highest rate of both panels) gives the two one scale, so their heights compare.
    """
    figure, axis = plt.subplots(figsize=(4.2, 2.35))
    for line in lines:
        main = line.get("style", "main") == "main"
        axis.plot(years, line["rates"], label=line["label"], color=MAIN if main else REFERENCE,
                  linestyle="-" if main else "--", marker="o" if main else "s", linewidth=2.0 if main else 1.5,
                  markersize=4)
    axis.yaxis.set_major_formatter(_percent_axis)
    axis.set_ylim(0, top * 1.1 if top else None)
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_ylabel(ylabel)
    if len(lines) > 1:
        axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=len(lines), frameon=False)
    return to_png(figure)
