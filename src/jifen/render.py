"""Turning reports and problems into text: table, JSON, CSV, markdown.

The only place that knows output formats. Returns strings; ``jifen.cli`` prints.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jifen import messages
from jifen.numbers import plain

if TYPE_CHECKING:  # the report types are not needed to import this module (a cached report prints without them)
    from jifen.model import Problem
    from jifen.reports import Report

FORMATS = ("table", "json", "csv", "markdown", "html", "xlsx")
BINARY = ("xlsx",)
WITH_DETAIL = ("xlsx",)  # formats that show a report's detail (``Report.detail``): ask the report for it
WITH_CHART = ("html",)  # formats that draw a report's chart (``Report.chart``)
BOM = "\ufeff"


def render(report: Report, fmt: str, lang: str, terminal: bool = False, printed=None) -> str:
    """``report`` in format ``fmt`` (one of ``FORMATS``), words in ``lang``.

    ``table`` is drawn with rich for a terminal, and as plain aligned text otherwise.
    """
    if fmt == "xlsx":
        raise ValueError("xlsx is binary: use render_bytes")
    if fmt == "html":
        from jifen import render_html

        return render_html.render(report, lang, printed)
    if fmt == "json":  # JSON escapes C0 itself; DEL and C1 are escaped here (valid JSON either way)
        text = json.dumps(report.data, ensure_ascii=False, indent=2, default=_json_value) + "\n"
        return text if text.isascii() else text.translate(_JSON_ESCAPES)
    headers = [c.label if c.literal else messages.text(c.label, lang) for c in report.columns]
    rows = [[_cell(row.get(c.key), lang, c.words) for c in report.columns] for row in report.rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([[_inert(text, row.get(c.key)) for text, c in zip(cells, report.columns, strict=True)]
                          for cells, row in zip(rows, report.rows, strict=True)])
        return BOM + out.getvalue()  # so that Excel reads the Chinese as UTF-8
    title = messages.text(report.title[0], lang, **printable(report.title[1]))
    notes = [messages.text(code, lang, **words(args)) for code, args in report.notes]
    if fmt == "table" and terminal:
        keys = [c.key for c in report.columns]
        footer = _grade_counts(report, lang)
        return _rich_table(title, headers, rows, notes + ([footer] if footer else []),
                           keys.index("grade") if "grade" in keys else None)
    from tabulate import tabulate

    if fmt == "markdown":
        body = tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)
        return "\n\n".join([f"## {title}", body, *_block(notes)]) + "\n"
    body = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    return "\n\n".join([title, body, *_block(notes)]) + "\n"


def _inert(text: str, value: Any) -> str:
    """A CSV cell a spreadsheet cannot take for a formula: text (not a number) that starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``."""
    return "'" + text if text[:1] in _FORMULA and not isinstance(value, (Decimal, int)) else text


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str) -> str:
    """``text`` with each control character shown as a visible sign (``\\x1b`` → ``␛``, C1 as
    ``\\u009b``): text from a hand-edited ledger cannot drive a terminal or break a row.

    >>> visible("张三\x1b[2J\r")
    '张三␛[2J␍'
    """
    return text if text.isprintable() else text.translate(_VISIBLE)


_VISIBLE = {**{c: chr(0x2400 + c) for c in range(0x20)}, 0x7F: "\u2421",
            **{c: f"\\u{c:04x}" for c in range(0x80, 0xA0)}}


_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def _block(notes: list[str]) -> list[str]:
    return ["\n".join(notes)] if notes else []


def render_bytes(report: Report, fmt: str, lang: str) -> bytes:
    """``report`` in a binary format (one of ``BINARY``)."""
    from jifen import render_xlsx

    return render_xlsx.render(report, lang)


def _grade_counts(report: Report, lang: str) -> str:
    """A footer line counting the rows of each grade, in the order they first appear."""
    counts: dict[str, int] = {}
    for row in report.rows:
        if row.get("grade"):
            counts[row["grade"]] = counts.get(row["grade"], 0) + 1
    return "  ".join(f"{name} {count}" for name, count in counts.items())


_GRADE_STYLES = ("bold green", "green", "yellow", "red")


def _rich_table(title: str, headers: list[str], rows: list[list[str]], notes: list[str],
                grade_column: int | None = None) -> str:
    """The table drawn with rich for a terminal: CJK-aligned, grades coloured best to worst."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title), box=box.SIMPLE_HEAD, title_justify="left")  # Text: never read as markup
    for header in headers:
        table.add_column(Text(header), overflow="fold")
    order: list[str] = []
    for row in rows:
        if grade_column is not None and row[grade_column] and row[grade_column] not in order:
            order.append(row[grade_column])
    for row in rows:
        cells: list = [Text(cell) for cell in row]
        if grade_column is not None and row[grade_column]:
            rank = order.index(row[grade_column])
            style = _GRADE_STYLES[min(rank, len(_GRADE_STYLES) - 1)] if rank < len(order) - 1 or len(order) == 1 else "red"
            cells[grade_column] = Text(row[grade_column], style=style)
        table.add_row(*cells)
    out = io.StringIO()
    console = Console(file=out, width=max(100, 12 * len(headers) + 40), force_terminal=True, highlight=False)
    console.print(table)
    for note in notes:
        console.print(Text(note))
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


_FORM_TITLES = {
    ("register", "form"): "form.register", ("summary", "form"): "form.summary",
    ("register", "notice"): "form.notice", ("summary", "notice"): "form.notice-year",
    ("card", "form"): "form.card", ("card", "notice"): "form.card",
}


def form_title(report: Report, lang: str, paper: str) -> str:
    """The title printed on ``paper`` ("form": the Excel form; "notice": the notice page)."""
    args = report.title[1]
    code = _FORM_TITLES.get((report.form, paper))
    if code is None:
        return messages.text(report.title[0], lang, **args)
    return messages.text(code, lang, **words(args))


def words(args: dict[str, Any]) -> dict[str, Any]:
    """Message arguments with decimals written as the tables write them."""
    return {k: plain(v) if isinstance(v, Decimal) else v for k, v in printable(args).items()}


def printable(args: dict[str, Any]) -> dict[str, Any]:
    """Message arguments with control characters in their text made visible (see ``visible``)."""
    return {k: visible(v) if isinstance(v, str) else v for k, v in args.items()}




def cell_text(value: Any, lang: str, catalogue: str = "") -> str:
    """A table cell as text: numbers without trailing zeros, booleans as 是, catalogue words translated."""
    return _cell(value, lang, catalogue)


def _cell(value: Any, lang: str, words: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(_cell(v, lang, words) for v in value)
    if words:
        code = words + str(value)
        return messages.text(code, lang) if messages.known(code) else visible(str(value))
    if isinstance(value, bool):
        return messages.text("label.yes", lang) if value else ""
    if isinstance(value, Decimal):
        return plain(value)
    return visible(str(value))


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def problems(found: Iterable[Problem], lang: str) -> str:
    """Problems hledger-style: ``FILE:LINE:COL: message``, the line quoted with a ``^``, a hint."""
    from jifen.model import MORE, capped

    blocks = []
    lines_of: dict[str, list] = {}
    for problem in sorted(capped(found), key=lambda p: (p.code == MORE, p.sort_key())):
        where = problem.source
        message = messages.text(problem.code, lang, **words(problem.args))
        hint = messages.hint(problem.code, lang, **words(problem.args))
        if where.line <= 0 and not problem.is_error:
            message = f"{messages.text('label.warning', lang)}: {message}"
        if where.line <= 0:
            blocks.append("\n".join(x for x in (f"jifen: {message}", hint) if x))
            continue
        if not problem.is_error:
            message = f"{messages.text('label.warning', lang)}: {message}"
        block = [f"{where}: {message}"]
        quoted = _line(lines_of, where.path, where.line)
        if quoted is not None:
            gutter = " " * len(str(where.line))
            block += [
                f"{gutter} |",
                f"{where.line} | {visible(quoted)}",
                f"{gutter} | {' ' * (_width(visible(quoted[: where.col - 1])))}^",
            ]
        if hint:
            block.append(hint)
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


QUOTED_BYTES = 64 * 1024 * 1024  # a file larger than this (the ledger limit) is not read to quote its lines


def _line(cache: dict[str, list], path: str, line: int) -> str | None:
    """Line ``line`` of file ``path``, found from where the last call stopped (problems come sorted),
    without splitting the whole file into lines (a log of junk has millions)."""
    if path not in cache:
        try:
            small = Path(path).stat().st_size <= QUOTED_BYTES
            cache[path] = [Path(path).read_text(encoding="utf-8", errors="replace") if small else "", 1, 0]
        except OSError:
            cache[path] = ["", 1, 0]
    entry = cache[path]
    if line < 1:
        return None
    text, at_line, at = entry if line >= entry[1] else (entry[0], 1, 0)
    while at_line < line:
        chunk = text.count("\n", at, at + 65536)
        if chunk and at_line + chunk < line:
            at, at_line = at + 65536, at_line + chunk
            continue
        found = text.find("\n", at)
        if found < 0:
            return None
        at, at_line = found + 1, at_line + 1
    entry[1:] = [at_line, at]
    end = text.find("\n", at)
    quoted = text[at:] if end < 0 else text[at:end]
    return quoted.rstrip("\r") if quoted or end >= 0 else None


def _width(text: str) -> int:
    """Terminal columns ``text`` takes (CJK characters take two)."""
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)
