"""Charts (matplotlib): the branch's score distribution per period and each member's trend.

Chinese text needs a CJK font: the first of ``FONTS`` that matplotlib finds is
used (Debian's fonts-noto-cjk gives Noto Sans CJK SC); without one, a clear
error rather than boxes (tofu) in place of characters.
"""

from __future__ import annotations

import io
from typing import Any

from jifen import messages
from jifen.errors import InvalidInput
from jifen.render.cells import period_words

FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei",
         "Microsoft YaHei", "PingFang SC", "Noto Sans CJK JP")


def cjk_font() -> str:
    """The name of a CJK font matplotlib can use; InvalidInput if there is none."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in FONTS:
        if name in names:
            return name
    raise InvalidInput("chart.no-cjk-font")


def render(data: dict[str, Any], fmt: str, lang: str) -> bytes:
    """The chart of ``data`` (from ``reports.chart_data``) as PNG or SVG bytes.

    Each member has a colour of their own (and, past twenty, a marker of their own too); a score a
    veto zeroed is drawn as a marker under the others, not as a point that stretches the axis; the
    scheme's grade lines are drawn across; a member's chart is titled with their name, on an axis
    that starts at 0 so a drop looks as large as it is.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.figure import Figure

    font = cjk_font()
    matplotlib.rcParams["font.family"] = [font]
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["svg.hashsalt"] = "jifen"  # the same chart, the same bytes
    periods = [period_words(p, lang) for p in data["periods"]]
    series = {name: [None if v is None else float(v) for v in values] for name, values in data["series"].items()}
    vetoed = data.get("vetoed") or {name: [False] * len(periods) for name in series}
    single = data.get("member") is not None
    figure = Figure(figsize=(11, 5) if not single else (7, 4.5), dpi=110)
    if single:
        axes = figure.subplots()
        _trend(axes, periods, series, vetoed, data, lang, legend=False, from_zero=True)
        name = next(iter(data.get("names", {}).values()), "")
        axes.set_title(messages.text("chart.member-trend", lang))
        figure.suptitle(messages.text("chart.member-title", lang, member=name, year=data["year"]))
    else:
        left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
        columns = [[v[i] for n, v in series.items() if v[i] is not None and not vetoed[n][i]]
                   for i in range(len(periods))]
        shown = [(p, c) for p, c in zip(periods, columns) if c]
        if shown:
            left.boxplot([c for _, c in shown], tick_labels=[p for p, _ in shown])
        left.set_title(messages.text("chart.distribution", lang))
        left.tick_params(axis="x", labelrotation=45 if len(periods) > 6 else 20 if len(periods) > 2 else 0)
        left.set_ylabel(messages.text("label.score", lang))
        _trend(right, periods, series, vetoed, data, lang, legend=len(series) <= 24)
        _grade_lines(left, data)
        low, high = right.get_ylim()
        left.set_ylim(low, high)
        figure.suptitle(messages.text("chart.title", lang, branch=data["branch"], year=data["year"]))
    out = io.BytesIO()
    figure.tight_layout()
    figure.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    pyplot.close("all")
    return out.getvalue()


MARKERS = ("o", "s", "^", "D", "v", "P")


def _trend(axes, periods: list[str], series: dict[str, list], vetoed: dict[str, list], data: dict[str, Any],
           lang: str, legend: bool, from_zero: bool = False) -> None:
    from matplotlib import colormaps

    palette = colormaps["tab20"].colors
    scores = [v for name, values in series.items() for v, z in zip(values, vetoed[name]) if v is not None and not z]
    for index, (name, values) in enumerate(series.items()):
        colour = palette[(index * 2) % 20 + (index // 10) % 2]  # the strong shades first, then the light ones
        kept = [v if v is not None and not z else float("nan") for v, z in zip(values, vetoed[name])]
        axes.plot(periods, kept, marker=MARKERS[(index // 20) % len(MARKERS)], markersize=4, linewidth=1.2,
                  color=colour, label=name)
    _grade_lines(axes, data)
    lines = [float(g["min"]) for g in data.get("grades", ())]
    low = min(scores + lines or [0])
    high = max(scores + lines or [100])  # every grade line inside the axes, named
    pad = max((high - low) * 0.08, 1)
    if from_zero:  # one member: a drop of 15 points looks like 15 of 100, not a cliff; a zero is at 0
        high = max(high, float(data.get("total") or 0))
        axes.set_ylim(0, high * 1.08 or 1)
        floor = 0.0
    else:
        axes.set_ylim(low - 3 * pad, high + pad)
        floor = low - 2 * pad  # the row where zeroed scores are marked, under everything else
    hits = [(i, name) for name, flags in vetoed.items() for i, z in enumerate(flags) if z]
    for i, _name in hits:
        axes.plot([periods[i]], [floor], marker="X", markersize=9, color="#c00000", linestyle="none")
    if hits:
        axes.annotate(messages.text("chart.vetoed", lang, count=len(hits)), (periods[hits[0][0]], floor),
                      textcoords="offset points", xytext=(-8, 6), ha="right", fontsize=8, color="#c00000")
    axes.set_title(messages.text("chart.trend", lang))
    axes.set_ylabel(messages.text("label.score", lang))
    axes.tick_params(axis="x", labelrotation=45 if len(periods) > 6 else 20 if len(periods) > 2 else 0)
    if legend:
        axes.legend(fontsize=7, ncol=2 if len(series) <= 12 else 3, loc="lower left")


def _grade_lines(axes, data: dict[str, Any]) -> None:
    """A dashed line at the lower bound of each grade of the scheme, named at the right end."""
    for grade in data.get("grades", ()):
        value = float(grade["min"])
        axes.axhline(value, color="#888888", linewidth=0.8, linestyle="--", zorder=0)
        axes.annotate(grade["name"], (1, value), xycoords=("axes fraction", "data"), xytext=(-2, 2),
                      textcoords="offset points", ha="right", fontsize=7, color="#555555")
