"""Reports as markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jifen.render.cells import block, parts

if TYPE_CHECKING:
    from jifen.reports import Report


def render(report: Report, lang: str) -> str:
    """``report`` as a GitHub markdown table under a heading, its notes after it."""
    from tabulate import tabulate

    headers, rows, title, notes = parts(report, lang)
    body = tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)
    return "\n\n".join([f"## {title}", body, *block(notes)]) + "\n"
