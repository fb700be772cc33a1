"""Sheets a branch already keeps, read as rows of text; jifen's import template, written.

A workbook (``.xlsx``, through openpyxl) gives one ``Sheet`` per worksheet; a CSV
file gives one sheet without a name. A CSV saved by Excel on a Chinese Windows is
GB18030 (GBK), not UTF-8: a file that is not UTF-8 is read as GB18030. Every cell
becomes text as a person reads it: a date ``2023-05-02``, a whole number ``3`` (not
``3.0``), a decimal as written (``-0.5``), empty cells ``""``. What the text means is
decided above (``jifen.book.imports``); nothing here knows a rule or a member.

>>> cell_text(3.0), cell_text(-0.5), cell_text(dt.datetime(2023, 5, 2)), cell_text(None), cell_text(" 张三 ")
('3', '-0.5', '2023-05-02', '', '张三')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jifen.errors import InvalidInput

FORMATS = (".xlsx", ".csv")
MAX_ROWS = 100_000  # rows read from one sheet: more is not a sheet a branch keeps


@dataclass(frozen=True)
class Sheet:
    """One worksheet (``name`` empty for a CSV file): its rows of cell texts, row 1 first."""

    name: str
    rows: tuple[tuple[str, ...], ...]


def read(path: Path) -> list[Sheet]:
    """The sheets of the workbook or CSV file at ``path``; InvalidInput ``import.*`` if it is neither."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput("import.unknown-format", path=str(path), formats=", ".join(FORMATS))
    data = path.read_bytes()
    return _csv(data) if suffix == ".csv" else _xlsx(data, path)


def _xlsx(data: bytes, path: Path) -> list[Sheet]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput("import.unreadable", path=str(path)) from None
    sheets = []
    for sheet in book.worksheets:
        rows = []
        for index, row in enumerate(sheet.iter_rows(values_only=True)):
            if index >= MAX_ROWS:
                raise InvalidInput("import.too-many-rows", path=str(path), limit=MAX_ROWS)
            rows.append(tuple(cell_text(v) for v in row))
        sheets.append(Sheet(sheet.title, _trimmed(rows)))
    book.close()
    _refuse_uncomputed(data, path, sheets)
    return sheets


def _refuse_uncomputed(data: bytes, path: Path, sheets: list[Sheet]) -> None:
    """InvalidInput if a formula cell has no value kept with it (a workbook written by a program, never
    opened and saved in Excel): read as empty, it would import a wrong number (=1+1 as nothing)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for sheet, read in zip(book.worksheets, sheets):
            for r, row in enumerate(sheet.iter_rows(values_only=True, max_row=len(read.rows))):
                for c, value in enumerate(row):
                    if isinstance(value, str) and value.startswith("=") and (c >= len(read.rows[r]) or not read.rows[r][c]):
                        raise InvalidInput("import.formula-without-value", path=str(path), sheet=sheet.title,
                                           row=r + 1, column=column_letter(c + 1), formula=value)
    finally:
        book.close()


def _csv(data: bytes) -> list[Sheet]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    rows = []
    for index, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
        if index >= MAX_ROWS:
            raise InvalidInput("import.too-many-rows", path="", limit=MAX_ROWS)
        rows.append(tuple(cell_text(v) for v in row))
    return [Sheet("", _trimmed(rows))]


def _trimmed(rows: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """``rows`` without the empty rows at the end (a formatted sheet has many)."""
    while rows and not any(rows[-1]):
        rows.pop()
    return tuple(rows)


def cell_text(value: Any) -> str:
    """A cell's value as the text a person reads in it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    return str(value).strip()


def write_template(path: Path, headers: list[str], example: list[Any], sheet: str) -> None:
    """The import template at ``path`` (``.xlsx`` or ``.csv``): a header row and one example row.

    A CSV gets a byte-order mark: Excel opens a UTF-8 CSV as Chinese text only with one."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput("import.unknown-format", path=str(path), formats=", ".join(FORMATS))
    if suffix == ".csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([headers, ["" if v is None else str(v) for v in example]])
        path.write_bytes(out.getvalue().encode("utf-8-sig"))
        return
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    page = book.active
    page.title = sheet
    page.append(headers)
    page.append(example)
    for cell in page[1]:
        cell.font = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        page.column_dimensions[get_column_letter(column)].width = max(10, 2 * len(header) + 4)
        if isinstance(example[column - 1], dt.date):
            page.cell(2, column).number_format = "yyyy-mm-dd"
    page.freeze_panes = "A2"
    book.save(path)


def column_letter(index: int) -> str:
    """The spreadsheet letter of column ``index`` (1-based): 1 → A, 27 → AA.

    >>> column_letter(1), column_letter(26), column_letter(27)
    ('A', 'Z', 'AA')
    """
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
