"""Reports as a table: for a terminal, or plain aligned text for a pipe or a file."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from jifen.render.cells import block, parts

if TYPE_CHECKING:
    from jifen.reports import Report


def render(report: Report, lang: str, terminal: bool = False) -> str:
    """``report`` as a table: drawn with rich for a terminal (colours, CJK-aligned), plain aligned text otherwise."""
    from tabulate import tabulate

    headers, rows, title, notes = parts(report, lang)
    if terminal:
        keys = [c.key for c in report.columns]
        footer = _grade_counts(report, lang)
        return _rich_table(title, headers, rows, notes + ([footer] if footer else []),
                           keys.index("grade") if "grade" in keys else None)
    body = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    return "\n\n".join([title, body, *block(notes)]) + "\n"


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
