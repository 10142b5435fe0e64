"""The hourly chart of the log report: inline SVG drawn by matplotlib (Agg, no files)."""

from __future__ import annotations

import io
import re

from smtp_explain.logs.tally import CHARTED

COLOURS = {"sent": "#2e7d32", "deferred": "#ef6c00", "bounced": "#c62828"}
MAX_TICKS = 12
_CLIP = re.compile(r' clip-path="url\(#[^)"]{1,64}\)"')


def hourly_svg(hours: list[str], series: dict[str, list[int]], names: dict[str, str],
               axis_label: str) -> str:
    """An <svg> element (no XML prolog, no metadata, no external reference)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 3.2), dpi=96)
    axes = figure.add_subplot()
    positions = list(range(len(hours)))
    for status in CHARTED:
        axes.plot(positions, series[status], label=names[status], color=COLOURS[status],
                  linewidth=1.6, marker="o" if len(hours) < 30 else None, markersize=3)
    step = max(1, -(-len(hours) // MAX_TICKS))
    ticks = positions[::step]
    axes.set_xticks(ticks, [f"{hours[t][5:10]} {hours[t][11:13]}:00" for t in ticks],
                    rotation=30, ha="right", fontsize=8)
    axes.set_xlabel(axis_label, fontsize=9)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Creator": None, "Date": None, "Format": None,
                                                "Type": None})
    svg = out.getvalue()
    # Clip paths are referenced as url(#id): drop them (the data stays inside the axes),
    # so the page holds no url() at all.
    return _CLIP.sub("", svg[svg.index("<svg"):])
