"""Excel output (openpyxl): the forms branches fill in by hand, ready to print.

``register`` (附件2 月度登记表) and ``summary`` (附件3 年度汇总表) and ``card``
(党员积分登记卡) share one layout: a merged title row, a bordered table with a
frozen header, column widths that fit Chinese text, numbers stored as numbers,
A4 print setup (landscape when wide), signature lines; and a second sheet
listing every record behind the numbers.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from jifen import messages
from jifen.render.cells import form_title, visible, words
from jifen.reports import Report

WIDE = 9  # columns beyond which the page is printed landscape


def render(report: Report, lang: str) -> bytes:
    """The workbook of ``report`` as bytes."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = messages.text("form.main-sheet", lang)
    _table(sheet, form_title(report, lang, "form"), report, lang, signatures=report.form in ("register", "summary"))
    if report.detail is not None:
        detail = book.create_sheet(messages.text("form.detail-sheet", lang))
        _table(detail, messages.text(report.detail.title[0], lang, **report.detail.title[1]), report.detail, lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(sheet, title: str, report: Report, lang: str, signatures: bool = False) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    headers = [messages.text("label.seq", lang)] + [
        c.label if c.literal else messages.text(c.label, lang) for c in report.columns
    ]
    width = len(headers)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.append(headers)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, row in enumerate(report.rows, start=1):
        sheet.append([index] + [_value(row.get(c.key), c.words, lang) for c in report.columns])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula (openpyxl takes any text starting "=" for one)
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row, max_col=width):
        for cell in row:
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column in range(1, width + 1):
        longest = max(_display_width(sheet.cell(r, column).value) for r in range(2, sheet.max_row + 1))
        sheet.column_dimensions[get_column_letter(column)].width = min(max(6, longest + 2), 40)
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if width > WIDE else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    last = sheet.max_row
    for offset, (code, args) in enumerate(report.notes, start=2):
        sheet.cell(last + offset, 1, messages.text(code, lang, **words(args)))
    if signatures:
        sheet.cell(sheet.max_row + 2, 1, messages.text("form.signatures", lang))


def _value(value: Any, words: str, lang: str) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return messages.text("label.yes", lang) if value else ""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return "、".join(str(_value(v, words, lang)) for v in value)
    if words and messages.known(words + str(value)):
        return messages.text(words + str(value), lang)
    return visible(value) if isinstance(value, str) else value


def _display_width(value: Any) -> int:
    """Columns ``value`` takes in a cell: CJK characters count two."""
    if value is None:
        return 0
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(value))
