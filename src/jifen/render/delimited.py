"""Reports as CSV."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from jifen.render.cells import inert, parts

if TYPE_CHECKING:
    from jifen.reports import Report


BOM = "\ufeff"


def render(report: Report, lang: str) -> str:
    """``report`` as CSV with a byte-order mark (so that Excel reads the Chinese as UTF-8); no cell
    can become a formula (``cells.inert``)."""
    headers, rows, _, _ = parts(report, lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([[inert(text, row.get(c.key)) for text, c in zip(cells, report.columns, strict=True)]
                      for cells, row in zip(rows, report.rows, strict=True)])
    return BOM + out.getvalue()
