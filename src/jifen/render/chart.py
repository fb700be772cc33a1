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
    """The chart of ``data`` (from ``reports.chart_data``) as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.figure import Figure

    font = cjk_font()
    matplotlib.rcParams["font.family"] = [font]
    matplotlib.rcParams["axes.unicode_minus"] = False
    periods = data["periods"]
    series = {name: [None if v is None else float(v) for v in values] for name, values in data["series"].items()}
    single = data.get("member") is not None
    figure = Figure(figsize=(11, 5) if not single else (7, 4.5), dpi=110)
    if single:
        axes = figure.subplots()
        _trend(axes, periods, series, lang, legend=False)
    else:
        left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
        columns = [[v[i] for v in series.values() if v[i] is not None] for i in range(len(periods))]
        shown = [(p, c) for p, c in zip(periods, columns) if c]
        if shown:
            left.boxplot([c for _, c in shown], tick_labels=[p for p, _ in shown])
        left.set_title(messages.text("chart.distribution", lang))
        left.set_ylabel(messages.text("label.score", lang))
        _trend(right, periods, series, lang, legend=len(series) <= 15)
    figure.suptitle(messages.text("chart.title", lang, branch=data["branch"], year=data["year"]))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format=fmt)
    pyplot.close("all")
    return out.getvalue()


def _trend(axes, periods: list[str], series: dict[str, list], lang: str, legend: bool) -> None:
    for name, values in series.items():
        axes.plot(periods, [v if v is not None else float("nan") for v in values], marker="o", linewidth=1, label=name)
    axes.set_title(messages.text("chart.trend", lang))
    axes.set_ylabel(messages.text("label.score", lang))
    axes.tick_params(axis="x", labelrotation=45 if len(periods) > 6 else 0)
    if legend:
        axes.legend(fontsize=7, ncol=2)

