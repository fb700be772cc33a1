"""Turning reports and problems into text or bytes: the only place that knows output formats.

One module per format (``table``, ``markdown``, ``delimited`` for CSV, ``jsondata``, ``html``, ``xlsx``),
what they share in ``cells``, problems in ``problems``. Returns strings and bytes; ``jifen.cli`` prints.
Formats that need heavy libraries are imported only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jifen.render.cells import cell_text, form_title, printable, visible, words
from jifen.render.problems import problems

if TYPE_CHECKING:  # the report types are not needed to import this module (a cached report prints without them)
    from jifen.reports import Report

__all__ = ["BINARY", "FORMATS", "WITH_CHART", "WITH_DETAIL", "cell_text", "form_title", "printable", "problems",
           "render", "render_bytes", "visible", "words"]

FORMATS = ("table", "json", "csv", "markdown", "html", "xlsx")
BINARY = ("xlsx",)
WITH_DETAIL = ("xlsx",)  # formats that show a report's detail (``Report.detail``): ask the report for it
WITH_CHART = ("html",)  # formats that draw a report's chart (``Report.chart``)
WITHOUT_REASONS = ("table", "csv", "markdown")  # formats that show no row's reasons: the report need not find them


def render(report: Report, fmt: str, lang: str, terminal: bool = False, printed=None, ids: bool = False,
           code: str | None = None, width: int | None = None, color: bool = True) -> str:
    """``report`` in format ``fmt`` (one of ``FORMATS`` but the binary ones), words in ``lang``.

    ``table`` is drawn with rich for a terminal (``width`` columns wide, coloured unless ``color``
    is False), and as plain aligned text otherwise; ``printed``
    is the date an HTML page says it was printed; ``ids`` keeps subjects' internal ids on it, and
    ``code`` is the verification code it carries (``jifen.book.verify``).
    """
    if fmt in BINARY:
        raise ValueError(f"{fmt} is binary: use render_bytes")
    if fmt == "html":
        from jifen.render import html

        return html.render(report, lang, printed, ids=ids, code=code)
    if fmt == "json":
        from jifen.render import jsondata

        return jsondata.render(report)
    if fmt == "csv":
        from jifen.render import delimited

        return delimited.render(report, lang)
    if fmt == "markdown":
        from jifen.render import markdown

        return markdown.render(report, lang)
    from jifen.render import table

    return table.render(report, lang, terminal, width, color)


def render_bytes(report: Report, fmt: str, lang: str) -> bytes:
    """``report`` in a binary format (one of ``BINARY``)."""
    from jifen.render import xlsx

    return xlsx.render(report, lang)
