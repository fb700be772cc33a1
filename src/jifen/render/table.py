"""Reports as a table: for a terminal, or plain aligned text for a pipe or a file."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from jifen import messages
from jifen.render.cells import block, parts, width

if TYPE_CHECKING:
    from jifen.reports import Report


def render(report: Report, lang: str, terminal: bool = False, width: int | None = None, color: bool = True) -> str:
    """``report`` as a table: drawn with rich for a terminal (colours unless ``color`` is False,
    CJK-aligned, numbers to the right, fitted to ``width`` columns, see ``fit``), plain aligned text otherwise."""
    headers, rows, title, notes = parts(report, lang)
    if report.form == "list":  # a to-do list (jifen status): one numbered sentence a row, most urgent first
        lines = [f"{n}. {note}" for n, note in enumerate(notes, start=1)] if report.rows else notes
        return "\n".join([title, "", *lines]) + "\n"
    if terminal:
        footer = _grade_counts(report, lang)
        return _rich_table(report, lang, title, headers, rows, notes + ([footer] if footer else []),
                           width or WIDE, color)
    return "\n\n".join([title, plain(headers, rows), *block(notes)]) + "\n"


WIDE = 120  # the width of a terminal that does not say its own


def plain(headers: list[str], rows: list[list[str]]) -> str:
    """The table as text aligned by display width (``cells.width``: a CJK character takes two columns):
    byte for byte what ``tabulate(rows, headers, tablefmt="simple", disable_numparse=True)`` writes, in a
    tenth of its time (``tests/test_table.py`` holds the two equal). A cell with a control character, a
    row not as wide as the headers, or a table without columns is left to tabulate itself.

    >>> print(plain(["姓名", "得分"], [["张三", "98"], [" 李四四 ", ""]]))
    姓名    得分
    ------  ------
    张三    98
    李四四
    """
    columns = list(zip(*rows)) or [() for _ in headers]
    distinct = [set(column) for column in columns]  # a column repeats its texts: each is measured once
    if (not headers or any(len(row) != len(headers) for row in rows)
            or _CONTROL.search("".join([*headers, *(text for texts in distinct for text in texts)]))):
        from tabulate import tabulate

        return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    head, rule, padded = [], [], []
    for header, column, texts in zip(headers, columns, distinct):
        stripped = {text: text.strip() for text in texts}  # tabulate strips cells, not headers
        widths = {text: width(text) for text in {header, *stripped.values()}}
        size = max([widths[header] + 2, *map(widths.__getitem__, stripped.values())])
        pad = {text: shown.ljust(size + len(shown) - widths[shown]) for text, shown in stripped.items()}
        head.append(header.ljust(size + len(header) - widths[header]))
        rule.append("-" * size)
        padded.append(map(pad.__getitem__, column))
    lines = ["  ".join(head), "  ".join(rule), *map("  ".join, zip(*padded))]
    return "\n".join(map(str.rstrip, lines))


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # C0 and C1: tabulate measures and splits such text its own way


def _grade_counts(report: Report, lang: str) -> str:
    """A footer line counting the rows of each grade, in the order they first appear."""
    counts: dict[str, int] = {}
    for row in report.rows:
        if row.get("grade"):
            counts[row["grade"]] = counts.get(row["grade"], 0) + 1
    return "  ".join(f"{name} {count}" for name, count in counts.items())


NARROWEST = 8  # cells a column cut short keeps: 2023年初… , study.n…
KEPT = ("rank", "member", "score", "grade", "id", "date", "kind", "points", "revoked")  # columns never cut short, however narrow the terminal
NAMES_CUT = tuple(key for key in KEPT if key != "member")  # a terminal too narrow for a long name and the numbers beside it
_GRADE_STYLES = ("bold green", "green", "yellow", "red")


def _rich_table(report: Report, lang: str, title: str, headers: list[str], rows: list[list[str]], notes: list[str],
                width: int, color: bool) -> str:
    """The table drawn with rich for a terminal ``width`` columns wide: CJK-aligned, numbers to the
    right, grades coloured best to worst (plain if not ``color``); no row is ever wider than ``width``."""
    from rich.console import Console
    from rich.text import Text

    numeric = [_numeric(report, c.key) for c in report.columns]
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, highlight=False,
                      color_system="standard" if color else None)
    legend: list[str] = []
    sizes = None
    layouts = _layouts(report, lang, headers, rows)
    tries = [(tight, layout, KEPT) for tight in (False, True) for layout in layouts]
    if any(c.short or c.spare for c in report.columns):  # grade, report, show: last, a name too long is cut short
        tries.append((True, layouts[-1], NAMES_CUT))
    for tight, layout, kept in tries:
        shown_headers, shown_rows, shown_numeric, shown_keys, legend = layout(numeric)
        sizes = _sizes(shown_headers, shown_rows, shown_keys, width, tight, kept)
        if sizes is not None:
            break
    table = _draw(title, shown_headers, shown_rows, shown_numeric, shown_keys, color, sizes, tight, kept)
    table.expand = False
    console.print(table)
    for line in _packed(legend, width):
        console.print(Text(line), overflow="fold")
    for note in notes:
        console.print(Text(note))
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def _numeric(report: Report, key: str) -> bool:
    """Whether every filled cell of column ``key`` is a number (right-aligned)."""
    values = [row.get(key) for row in report.rows if row.get(key) not in (None, "")]
    return bool(values) and all(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in values)


def _layouts(report: Report, lang: str, headers: list[str], rows: list[list[str]]):
    """The ways to lay the table out, widest first: the full headers; foldable columns headed by
    their short names; by the shortest unique start of those, with a legend; folded into one
    compact column listing only the cells that differ from the column's full marks; then that
    last one without the spare columns (``Column.spare``), one more left out each time; then, for a
    report with such columns, only the ``KEPT`` ones (a terminal of 40 columns still shows a statement's
    points and marks, a grade's rank, names, totals and grades)."""
    folding = [i for i, c in enumerate(report.columns) if c.short]
    keys = [c.key for c in report.columns]

    def full(numeric):
        return headers, rows, numeric, keys, []

    def short(numeric):
        return [c.short if c.short else h for c, h in zip(report.columns, headers)], rows, numeric, keys, []

    def abbreviated(numeric):
        starts = _starts([report.columns[i].short for i in folding])
        named = dict(zip(folding, starts))
        legend = [f"{named[i]}={headers[i]}" for i in folding if named[i] != headers[i]]
        return [named.get(i, h) for i, h in enumerate(headers)], rows, numeric, keys, legend

    def compact(numeric):
        if not folding:
            return full(numeric)
        at = folding[0]
        keep = [i for i in range(len(headers)) if i not in folding]
        before, after = [i for i in keep if i < at], [i for i in keep if i > at]
        starts = dict(zip(folding, _starts([report.columns[i].short for i in folding])))
        folded_rows = []
        for source, row in zip(report.rows, rows):
            lost = [f"{starts[i]}{row[i]}" for i in folding
                    if row[i] and (report.columns[i].full is None or source.get(report.columns[i].key) != report.columns[i].full)]
            folded_rows.append([row[i] for i in before] + [" ".join(lost)] + [row[i] for i in after])
        shown_headers = [headers[i] for i in before] + [messages.text("label.folded", lang)] + [headers[i] for i in after]
        shown_numeric = [numeric[i] for i in before] + [False] + [numeric[i] for i in after]
        shown_keys = [keys[i] for i in before] + ["folded"] + [keys[i] for i in after]
        legend = [f"{starts[i]}={headers[i]}" for i in folding]
        return shown_headers, folded_rows, shown_numeric, shown_keys, legend

    layouts = (full, short, abbreviated, compact) if folding else (full,)
    spare = [c.key for c in sorted((c for c in report.columns if c.spare), key=lambda c: c.spare)]
    cut = (_without(layouts[-1], set(spare[:n])) for n in range(1, len(spare) + 1))
    # a report that folds or spares columns (grade, report, show) keeps its KEPT ones before all; others stay whole
    return (*layouts, *cut, _kept_only(layouts[-1])) if folding or spare else (*layouts, *cut)


def _kept_only(layout):
    """``layout`` with only its ``KEPT`` columns: the rule, the note, the folded marks go last."""
    def made(numeric):
        keys = layout(numeric)[3]
        return _without(layout, {key for key in keys if key not in KEPT})(numeric)
    return made


def _without(layout, left_out: set[str]):
    """``layout`` without the columns keyed ``left_out`` (see ``Column.spare``)."""
    def made(numeric):
        headers, rows, numeric, keys, legend = layout(numeric)
        kept = [i for i, key in enumerate(keys) if key not in left_out]
        return ([headers[i] for i in kept], [[row[i] for i in kept] for row in rows], [numeric[i] for i in kept],
                [keys[i] for i in kept], legend)
    return made


def _starts(names: list[str]) -> list[str]:
    """The shortest start of each name, at least two cells wide, that no other name starts with.

    >>> _starts(["理论学习", "优质服务", "党员义务", "党员先锋"])
    ['理', '优', '党员义', '党员先']
    """
    from rich.cells import cell_len

    found = []
    for name in names:
        size = 1
        while size < len(name) and (cell_len(name[:size]) < 2 or any(
                other != name and other.startswith(name[:size]) for other in names)):
            size += 1
        found.append(name[:size])
    return found


def _sizes(headers: list[str], rows: list[list[str]], keys: list[str], width: int,
           tight: bool = False, kept: tuple[str, ...] = KEPT) -> list[int] | None:
    """The width of each column in a table ``width`` cells wide (``tight``: drawn without its outer
    padding and edge, see ``_draw``): each as wide as its widest cell if they
    all fit; else the ``kept`` ones so, and the others cut short, each keeping at least its header and
    ``NARROWEST`` cells (less only if its cells are narrower), sharing what is left in proportion to
    what they lack; None if even that does not fit."""
    from rich.cells import cell_len

    natural = [max([cell_len(header), *(cell_len(row[at]) for row in rows)]) for at, header in enumerate(headers)]
    # each column's padding and rule, as rich's SIMPLE_HEAD box draws them; tight, none outside the first and last
    room = width - 3 * len(headers) + (3 if tight else -1)
    if sum(natural) <= room:
        return natural
    least = [size if key in kept else min(size, max(cell_len(header), NARROWEST))
             for size, header, key in zip(natural, headers, keys)]
    spare = room - sum(least)
    if spare < 0:
        return None
    lacking = [size - low for size, low in zip(natural, least)]
    share = [spare * lack // sum(lacking) for lack in lacking]
    return [low + given for low, given in zip(least, share)]


def _draw(title: str, headers: list[str], rows: list[list[str]], numeric: list[bool], keys: list[str],
          color: bool, sizes: list[int] | None = None, tight: bool = False, kept: tuple[str, ...] = KEPT):
    """The rich table of these columns (``keys`` names them: a ``grade`` column is coloured), each as
    wide as ``sizes`` says (``_sizes``; if None, rich fits them, the ``KEPT`` ones whole); ``tight``:
    without the padding and edge outside the first and last column (four cells for a narrow terminal)."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    grade_column = keys.index("grade") if "grade" in keys else None
    table = Table(title=Text(title), box=box.SIMPLE_HEAD, title_justify="left",  # Text: never read as markup
                  header_style="bold" if color else "", pad_edge=not tight, show_edge=not tight)
    for at, (header, right) in enumerate(zip(headers, numeric)):
        whole = max([cell_len(header), *(cell_len(row[at]) for row in rows)]) if keys[at] in kept else None
        table.add_column(Text(header), justify="right" if right else "left", no_wrap=True, overflow="ellipsis",
                         min_width=whole, width=sizes[at] if sizes else None)
    order: list[str] = []
    for row in rows:
        if grade_column is not None and row[grade_column] and row[grade_column] not in order:
            order.append(row[grade_column])
    for row in rows:
        cells: list = [Text(cell) for cell in row]
        if grade_column is not None and row[grade_column] and color:
            rank = order.index(row[grade_column])
            style = _GRADE_STYLES[min(rank, len(_GRADE_STYLES) - 1)] if rank < len(order) - 1 or len(order) == 1 else "red"
            cells[grade_column] = Text(row[grade_column], style=style)
        table.add_row(*cells)
    return table


def _packed(entries: list[str], width: int) -> list[str]:
    """``entries`` on as few lines of ``width`` columns as they fit, two spaces apart."""
    from rich.cells import cell_len

    lines: list[str] = []
    for entry in entries:
        if lines and cell_len(lines[-1]) + 2 + cell_len(entry) <= width:
            lines[-1] += "  " + entry
        else:
            lines.append(entry)
    return lines
