"""What every format writes the same way: cells, message words, form titles, and text that
cannot drive a terminal or become a spreadsheet formula."""

from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jifen import messages
from jifen.core.numbers import plain
from jifen.core.periods import Period

if TYPE_CHECKING:
    from jifen.reports import Report


def visible(text: str) -> str:
    """``text`` with each control character shown as a visible sign (``\\x1b`` → ``␛``, C1 as
    ``\\u009b``): text from a hand-edited ledger cannot drive a terminal or break a row.

    >>> visible("张三\\x1b[2J\\r")
    '张三␛[2J␍'
    """
    return text if text.isprintable() else text.translate(_VISIBLE)


_VISIBLE = {**{c: chr(0x2400 + c) for c in range(0x20)}, 0x7F: "\u2421",
            **{c: f"\\u{c:04x}" for c in range(0x80, 0xA0)}}


def width(text: str) -> int:
    """The terminal columns ``text`` takes: what ``wcwidth.wcswidth`` says (tabulate's measure: a CJK
    character takes two, a combining mark none; -1 for text with a control character). Text whose every
    character is in ``SURE`` (ASCII, Chinese characters, their punctuation, full-width forms: what
    reports hold) is counted here without importing wcwidth (24 ms); ``tests/test_cells.py`` holds every
    code point of those ranges, and texts made of them, equal to wcwidth's count.

    >>> width("党员04730"), width("（张三）·王"), width("e\u0301"), width("😀")
    (9, 11, 1, 2)
    """
    if text.isascii() and text.isprintable():
        return len(text)
    counted = sum(map(_COLUMNS.__getitem__, text))
    if counted >= 0:
        return counted
    from wcwidth import wcswidth

    return wcswidth(text)


SURE = (  # (first, last, columns), in order: code points whose width is certain, whatever stands beside them
    (0x0020, 0x007E, 1),  # ASCII
    (0x00B7, 0x00B7, 1),  # · in names (买买提·艾力)
    (0x2014, 0x2014, 1), (0x2018, 0x2019, 1), (0x201C, 0x201D, 1), (0x2026, 0x2026, 1),  # — ‘ ’ “ ” …
    (0x3000, 0x3029, 2), (0x3030, 0x303E, 2),  # CJK symbols and punctuation: 、。《》「」【】〔〕 (not the marks 〪–〯)
    (0x3400, 0x4DBF, 2), (0x4E00, 0x9FFF, 2),  # CJK Unified Ideographs and Extension A
    (0xFF01, 0xFF60, 2), (0xFFE0, 0xFFE6, 2),  # full-width forms: （），：；！？Ａ１ ￥
)
UNSURE = -(1 << 40)  # a character not in SURE: a text holding one sums below zero and is measured by wcwidth


class _Columns(dict):
    """Each character's columns if ``SURE`` holds it, else ``UNSURE``; found once per character."""

    def __missing__(self, char: str) -> int:
        point = ord(char)
        at = bisect.bisect_right(_FIRSTS, point) - 1
        found = SURE[at][2] if at >= 0 and point <= SURE[at][1] else UNSURE
        self[char] = found
        return found


_COLUMNS = _Columns()
_FIRSTS = [first for first, _, _ in SURE]


def printable(args: dict[str, Any]) -> dict[str, Any]:
    """Message arguments with control characters in their text made visible (see ``visible``);
    a tuple of lines stays lines."""
    return {k: visible(v) if isinstance(v, str) else tuple(map(visible, v)) if isinstance(v, tuple) else v
            for k, v in args.items()}


def words(args: dict[str, Any]) -> dict[str, Any]:
    """Message arguments with decimals written as the tables write them."""
    return {k: plain(v) if isinstance(v, Decimal) else v for k, v in printable(args).items()}


def cell_text(value: Any, lang: str, catalogue: str = "") -> str:
    """A table cell as text: numbers without trailing zeros, booleans as 是, catalogue words translated."""
    return cell(value, lang, catalogue)


def cell(value: Any, lang: str, words: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(cell(v, lang, words) for v in value)
    if words:
        code = words + str(value)
        return messages.text(code, lang) if messages.known(code) else visible(str(value))
    if isinstance(value, bool):
        return messages.text("label.yes", lang) if value else ""
    if isinstance(value, Decimal):
        return plain(value)
    return visible(str(value))


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def period_words(period: str, lang: str, form: bool = False) -> str:
    """A period (``2023-03``, ``2023Q1``, ``2023``) in words; ``form``: as a form's title says a month.

    >>> period_words("2023Q1", "zh"), period_words("2023-03", "zh", form=True), period_words("2023", "zh")
    ('2023年第一季度', '2023年3月份', '2023年度')
    >>> period_words("2023Q1", "en"), period_words("2023-03", "en")
    ('Q1 2023', 'March 2023')
    """
    try:
        parsed = Period.parse(period)
    except ValueError:
        return visible(period)
    args = {"year": parsed.year, "month": parsed.index, "month_name": _MONTHS[parsed.index - 1]}
    if parsed.kind == "month":
        return messages.text("period.month-form" if form else "period.month", lang, **args)
    if parsed.kind in ("quarter", "half"):
        return messages.text(f"period.{parsed.kind}-{parsed.index}", lang, **args)
    return messages.text("period.year", lang, **args)


def date_words(day: dt.date, lang: str) -> str:
    """A date as a notice writes it: 2023年4月3日, 3 April 2023."""
    return messages.text("period.date", lang, year=day.year, month=day.month, day=day.day,
                         month_name=_MONTHS[day.month - 1])


def signed(value: Decimal) -> str:
    """Points with their sign, a true minus for deductions: +5, −1, 0."""
    text = plain(value)
    return "+" + text if value > 0 else text.replace("-", "\u2212") if value < 0 else text


def blank_reason(row: dict[str, Any], key: str, lang: str, branches: bool = False) -> str | None:
    """Why a flat row of the annual table has no value under ``key``: 免于考核 for an exempt subject,
    未评 for one a panel has not evaluated yet,
    未入党 / 已转出 (未建立 / 已撤销 for branches) for a period before it joined or after it left."""
    if row.get("exempt") and (key == "score" or key.startswith("periods.")):
        return messages.text("label.exempt", lang)
    if row.get("missing") and key in ("score", "rank"):
        return messages.text("label.missing", lang)
    if key.startswith("periods."):
        why = row.get("absent." + key.split(".", 1)[1])  # rows are flat: ``absent`` spread per period
        if why:
            return messages.text(f"absent.{why}" + (".branches" if branches else ""), lang)
    return None


def inert(text: str, value: Any) -> str:
    """A CSV cell a spreadsheet cannot take for a formula: text (not a number) that starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``."""
    return "'" + text if text[:1] in FORMULA and not isinstance(value, (Decimal, int)) else text


FORMULA = ("=", "+", "-", "@", "\t", "\r")


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


def parts(report: Report, lang: str) -> tuple[list[str], list[list[str]], str, list[str]]:
    """What every text format of a table writes: the headers, the rows as cell text (``cell`` of each
    value; 未评 for the score of a subject waiting for an evaluation), the title, the notes."""
    headers = [c.label if c.literal else messages.text(c.label, lang) for c in report.columns]
    columns = [column_texts([row.get(c.key) for row in report.rows], lang, c.words) for c in report.columns]
    for c, texts in zip(report.columns, columns):
        if c.key == "score":
            for at, row in enumerate(report.rows):
                if row.get("score") is None and row.get("missing"):
                    texts[at] = messages.text("label.missing", lang)
    rows = [list(row) for row in zip(*columns)] if columns else [[] for _ in report.rows]
    title = messages.text(report.title[0], lang, **printable(report.title[1]))
    notes = [messages.text(code, lang, **words(args)) for code, args in report.notes]
    return headers, rows, title, notes


def column_texts(values: list[Any], lang: str, words: str = "") -> list[str]:
    """``cell`` of each of a column's values, each distinct value put in words once (a column repeats
    its grades, 是 and numbers: a grade of 5,000 members has a few dozen distinct scores).

    >>> column_texts([Decimal("98.50"), Decimal("98.5"), True, 1, None, Decimal("-0"), Decimal("0")], "zh")
    ['98.5', '98.5', '是', '1', '', '-0', '0']
    """
    memo: dict[tuple[type, Any], str] = {}
    texts = []
    for value in values:
        kind = value.__class__
        if kind is str and not words:  # a name, an id: most are seen once, and ``cell`` would only check them
            texts.append(value if value.isprintable() else visible(value))
            continue
        if kind not in _ALIKE:  # a list, a date …: put in words each time
            texts.append(cell(value, lang, words))
            continue
        # a decimal by its digits: -0 equals 0 and 1.0 equals 1, but a catalogue word or a sign tells them apart
        key = (kind, str(value) if kind is Decimal else value)
        text = memo.get(key)
        if text is None:
            text = memo[key] = cell(value, lang, words)
        texts.append(text)
    return texts


_ALIKE = frozenset({str, int, bool, type(None), Decimal})  # values of these classes with one key are written alike


def block(notes: list[str]) -> list[str]:
    """The notes as one block of lines after a table (none if there are none)."""
    return ["\n".join(notes)] if notes else []
