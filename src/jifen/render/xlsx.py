"""Excel output (openpyxl): the forms branches send up, as an office would send them.

``register`` (附件2 月度登记表), ``summary`` (附件3 年度汇总表) and ``card`` (党员积分登记卡) share one
layout: a merged title in 黑体 (2023年3月份党员量化积分登记表), the unit under it, a bordered
table in 宋体 with a bold header repeated on every printed page, dates stored as dates and numbers
as numbers, column widths that fit Chinese text, A4 (landscape when wide, one page wide), the
branch and the page number in the footer, signature lines; blank periods say why (未入党, 已转出,
免于考核). A second sheet lists every record behind the numbers. Sheet names are unique.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from jifen import messages
from jifen.render.cells import blank_reason, period_words, visible, words
from jifen.reports import Report

WIDE = 9  # columns beyond which the page is printed landscape
BODY_FONT = "宋体"  # SimSun: the body face of Chinese government forms
TITLE_FONT = "黑体"  # SimHei: their titles
DATE_KEYS = ("date", "joined", "left")
TEXT_KEYS = ("member", "note", "rule_name", "rule", "flags", "name", "description")  # read left to right
_SHEETS = {"register": "form.main-sheet", "summary": "form.summary-sheet", "card": "form.card-sheet"}


def render(report: Report, lang: str) -> bytes:
    """The workbook of ``report`` as bytes."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = messages.text(_SHEETS.get(report.form, "form.main-sheet"), lang)
    branch = visible(str(report.data.get("branch", ""))) if isinstance(report.data, dict) else ""
    _table(sheet, _title(report, lang), report, lang, branch, signatures=report.form in ("register", "summary"),
           portrait=report.form == "card")
    if report.detail is not None:
        detail = book.create_sheet(messages.text("form.detail-sheet", lang))
        title = messages.text(report.detail.title[0], lang, **report.detail.title[1])
        _table(detail, title, report.detail, lang, branch)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(report: Report, lang: str) -> str:
    """The form's title: 2023年3月份党员量化积分登记表, 2023年度党员量化积分情况汇总表, or the card's."""
    data = report.data if isinstance(report.data, dict) else {}
    suffix = ".branches" if data.get("subjects") == "branches" else ""
    if report.form == "register":
        return messages.text("form.register-title" + suffix, lang,
                             period=period_words(str(data.get("period", "")), lang, form=True))
    if report.form == "summary":
        return messages.text("form.summary-title" + suffix, lang, period=period_words(str(data.get("year", "")), lang))
    if report.form == "card":
        return messages.text("form.card" + suffix, lang, **words(report.title[1]))
    return messages.text(report.title[0], lang, **report.title[1])


def _table(sheet, title: str, report: Report, lang: str, branch: str, signatures: bool = False,
           portrait: bool = False) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    columns = report.printed or report.columns
    branches = isinstance(report.data, dict) and report.data.get("subjects") == "branches"
    headers = [messages.text("label.seq", lang)] + [_label(c, lang) for c in columns]
    width = len(headers)
    body, bold = Font(name=BODY_FONT, size=11), Font(name=BODY_FONT, size=11, bold=True)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).font = Font(name=TITLE_FONT, size=16)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.append([messages.text("form.unit", lang, body=branch) if branch else ""])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.cell(2, 1).font = body
    sheet.append(headers)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, row in enumerate(report.rows, start=1):
        sheet.append([index] + [_value(row, c, lang, branches) for c in columns])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula (openpyxl takes any text starting "=" for one)
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    left = {index for index, c in enumerate(columns, start=2) if c.key in TEXT_KEYS}
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row, max_col=width):
        for cell in row:
            cell.border = border
            cell.font = body
            cell.alignment = Alignment(horizontal="left" if cell.column in left else "center", vertical="center",
                                       wrap_text=not isinstance(cell.value, (dt.date, int, float)))
    for cell in sheet[3]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column in range(1, width + 1):
        longest = max(_display_width(sheet.cell(r, column).value) for r in range(3, sheet.max_row + 1))
        sheet.column_dimensions[get_column_letter(column)].width = min(max(6, longest + 2), 40)
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if width > WIDE and not portrait else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    footer = messages.text("form.footer", lang)
    for side in (sheet.oddFooter, sheet.evenFooter):
        side.left.text, side.left.font, side.left.size = branch.replace("&", "&&"), BODY_FONT, 9
        side.right.text, side.right.font, side.right.size = footer, BODY_FONT, 9
    last = sheet.max_row
    for offset, (code, args) in enumerate(report.notes, start=2):
        if "period" in args:
            args = {**args, "period": period_words(str(args["period"]), lang)}
        sheet.cell(last + offset, 1, messages.text(code, lang, **words(args))).font = body
    if signatures:
        sheet.cell(sheet.max_row + 2, 1, messages.text("form.signatures", lang)).font = body


def _label(column, lang: str) -> str:
    if column.key.startswith("periods."):
        return period_words(column.key.split(".", 1)[1], lang)
    return column.label if column.literal else messages.text(column.label, lang)


def _value(row: dict[str, Any], column, lang: str, branches: bool) -> Any:
    """A cell: a date as a date, a number as a number; a blank period says why it is blank."""
    value = row.get(column.key)
    if value is None:
        return blank_reason(row, column.key, lang, branches)
    if column.key in DATE_KEYS and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return visible(value)
    return _plain(value, column.words, lang)


def _plain(value: Any, words: str, lang: str) -> Any:
    if isinstance(value, bool):
        return messages.text("label.yes", lang) if value else ""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return "、".join(str(_plain(v, words, lang)) for v in value)
    if words and messages.known(words + str(value)):
        return messages.text(words + str(value), lang)
    return visible(value) if isinstance(value, str) else value


def _display_width(value: Any) -> int:
    """Columns ``value`` takes in a cell: CJK characters count two; a date, ten."""
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(value))
