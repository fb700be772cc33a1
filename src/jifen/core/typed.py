"""Numbers, dates and periods as people type them, in Chinese or not.

A recorder types on a Chinese input method: full-width digits (``２０２３``),
full-width or typographic minus signs (``－`` ``−`` ``‒`` ``–``), the Chinese full
stop for a decimal point (``0。5``), and dates and periods in words
(``2023年5月2日``, ``2023年第一季度``). Every front end reads its input through
these functions, so the command line and a web form take the same things.

Decided: a comma, ASCII or Chinese (``0，5``, ``1,5``), is refused, not read as a
decimal point: it may as well be a thousands separator or a slip, and a record in
an append-only log is better refused than guessed. The hint says to write ``0.5``.

Dates without a year (``5月2日``) and periods without one (``一季度``, ``3月``) are in
the year of ``today``, which the caller gives: nothing here reads the clock.

Refusals are ``InvalidInput`` with a catalogue code (``typed.*``) that says what
is wrong (``typed.no-such-day``: 2月没有30日).

>>> number("－０.５"), number("−1"), number("0。5"), number("+2")
(Decimal('-0.5'), Decimal('-1'), Decimal('0.5'), Decimal('2'))
>>> whole("３")
3
>>> today = dt.date(2024, 6, 1)
>>> [str(date(t, today)) for t in ("2023-5-2", "2023/5/2", "2023.5.2", "2023年5月2日", "5月2日", "20230502")]
['2023-05-02', '2023-05-02', '2023-05-02', '2023-05-02', '2024-05-02', '2023-05-02']
>>> [str(period(t, today)) for t in ("2023年第一季度", "2023年3月", "一季度", "2023Q1", "2023-03", "2023年")]
['2023Q1', '2023-03', '2024Q1', '2023Q1', '2023-03', '2023']
>>> [str(period(t, today)) for t in ("2023H1", "2023年上半年", "下半年", "２０２３ｈ２")]
['2023H1', '2023H1', '2024H2', '2023H2']
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from jifen.core.periods import Period
from jifen.errors import InvalidInput

_MINUS = dict.fromkeys(map(ord, "－−‒–—﹣"), "-")
_POINT = dict.fromkeys(map(ord, "。．｡"), ".")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10, "十一": 11, "十二": 12}


def plain(text: str) -> str:
    """``text`` with full-width forms made ASCII (NFKC), every minus sign ``-``, and the
    Chinese full stop a decimal point; spaces at either end dropped.

    >>> plain(" ２０２３－０５－０２ ")
    '2023-05-02'
    """
    return unicodedata.normalize("NFKC", text.translate(_MINUS).translate(_POINT)).translate(_MINUS).strip()


def number(text: str) -> Decimal:
    """A decimal number as typed (``-0.5``, ``－０.５``, ``−1``, ``0。5``); InvalidInput otherwise."""
    typed = plain(text)
    if "," in typed:
        raise InvalidInput("typed.comma", text=text)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", typed):
        raise InvalidInput("cli.bad-number", text=text)
    whole_part, _, fraction = typed.lstrip("+-").partition(".")
    if len(whole_part.lstrip("0")) > DIGITS or len(fraction) > DIGITS:  # what a ledger can hold
        raise InvalidInput("typed.too-many-digits", text=text, limit=DIGITS)
    try:
        return Decimal(typed)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        raise InvalidInput("cli.bad-number", text=text) from None


DIGITS = 18  # the most digits a number in a ledger may have, each side of the point (as the reader holds)


def whole(text: str, least: int = 1, field: str = "count") -> int:
    """A whole number of at least ``least`` as typed (``3``, ``３``); InvalidInput otherwise."""
    typed = plain(text)
    if re.fullmatch(rf"\+?\d{{{DIGITS + 1},}}", typed):
        raise InvalidInput("typed.too-many-digits", text=text, limit=DIGITS)
    if not re.fullmatch(r"\+?\d+", typed):
        raise InvalidInput("typed.bad-whole", text=text, least=least)
    value = int(typed)
    if value < least:
        raise InvalidInput("typed.bad-whole", text=text, least=least)
    return value


# The patterns below are compiled when first matched (``re`` keeps them in its cache), not on import:
# compiling them all took 3.5 ms of every command, and ``jifen add --date 2023-12-31`` needs only the first.
_DATE_FORMS = (
    r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})",
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
    r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?",
)


def date(text: str, today: dt.date) -> dt.date:
    """A date as typed: ``2023-5-2``, ``2023/5/2``, ``2023.5.2``, ``2023年5月2日``, ``20230502``,
    or ``5月2日`` (in the year of ``today``). InvalidInput saying what is wrong otherwise.

    >>> date("2023-02-30", dt.date(2023, 1, 1))
    Traceback (most recent call last):
    ...
    jifen.errors.InvalidInput: typed.no-such-day
    """
    typed = plain(text)
    for form in _DATE_FORMS:
        match = re.fullmatch(form, typed)
        if match:
            year = int(match["y"]) if match["y"] else today.year
            return _real_date(text, year, int(match["m"]), int(match["d"]))
    raise InvalidInput("cli.bad-date", text=text)


def _real_date(text: str, year: int, month: int, day: int) -> dt.date:
    if not 1 <= year <= 9999:
        raise InvalidInput("cli.bad-year", text=year)
    if not 1 <= month <= 12:
        raise InvalidInput("typed.no-such-month", text=text, month=month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InvalidInput("typed.no-such-day", text=text, year=year, month=month, day=day, last=last)
    return dt.date(year, month, day)


_ORDINAL = r"(?:第)?(?P<q>[1-4一二三四])季度?"
_PERIOD_FORMS = (
    ("quarter", r"(?P<y>\d{4})[-\s]?[Qq](?P<q>[1-4])"),
    ("quarter", r"(?:(?P<y>\d{4})年)?" + _ORDINAL),
    ("quarter", r"(?:(?P<y>\d{4})年)?[Qq](?P<q>[1-4])"),
    ("month", r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})"),
    ("month", r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:份)?"),
    ("half", r"(?P<y>\d{4})[-\s]?[Hh](?P<h>[12])"),
    ("half", r"(?:(?P<y>\d{4})年(?:度)?)?(?P<h>[上下])半年"),
    ("year", r"(?P<y>\d{4})(?:年|年度)?"),
)


def period(text: str, today: dt.date) -> Period:
    """A period as typed: ``2023Q1``, ``2023年第一季度``, ``一季度`` (the year of ``today``),
    ``2023-03``, ``2023年3月``, ``3月``, ``2023H1``, ``2023年上半年``, ``下半年``, ``2023``, ``2023年``.
    InvalidInput otherwise."""
    typed = plain(text)
    for kind, form in _PERIOD_FORMS:
        match = re.fullmatch(form, typed)
        if not match:
            continue
        year = int(match["y"]) if match["y"] else today.year
        if not 1 <= year <= 9999:
            raise InvalidInput("cli.bad-year", text=year)
        if kind == "quarter":
            return Period(year, kind, _index(match["q"]))
        if kind == "half":
            return Period(year, kind, {"上": 1, "下": 2}.get(match["h"]) or int(match["h"]))
        if kind == "month":
            month = _index(match["m"])
            if not 1 <= month <= 12:
                raise InvalidInput("typed.no-such-month", text=text, month=month)
            return Period(year, kind, month)
        return Period(year, kind, 1)
    raise InvalidInput("cli.bad-period", text=text)


def _index(text: str) -> int:
    return int(text) if text.isdigit() else _DIGITS[text]


# one aspect of an evaluation form as typed: a name, an optional = : ：, a number, an optional 分
_ASPECT = r"\s*([^\d\s=:,;、+-]+?)\s*[=:]?\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:\s*分(?:\s*[,;、])?\s*|\s*[,;、]\s*|\s+|$)"


def aspects(text: str) -> dict[str, Decimal]:
    """The aspects of an evaluation form as typed, name → score, in the order given: ``理想信念=9``,
    ``理想信念:9``, ``理想信念：９分``, ``理想信念9分``, several separated by commas, ``、``, spaces or
    (after ``分``) nothing.
    InvalidInput if it is not that, or names an aspect twice.

    >>> aspects("理想信念=9 宗旨意识：１０分，爱岗敬业14.5")
    {'理想信念': Decimal('9'), '宗旨意识': Decimal('10'), '爱岗敬业': Decimal('14.5')}
    """
    typed, found, at = plain(text), {}, 0
    form = re.compile(_ASPECT)
    while at < len(typed):
        match = form.match(typed, at)
        if match is None or match.end() == at:
            raise InvalidInput("typed.bad-aspects", text=text)
        name, value = match[1], Decimal(match[2])
        if name in found:
            raise InvalidInput("typed.aspect-twice", text=text, aspect=name)
        found[name], at = value, match.end()
    if not found:
        raise InvalidInput("typed.bad-aspects", text=text)
    return found


def aspects_text(given: dict[str, Decimal]) -> str:
    """The canonical text of an evaluation form's aspects, as a ledger keeps it (``aspects`` reads it back).

    >>> aspects_text({"理想信念": Decimal("9"), "宗旨意识": Decimal("10.0")})
    '理想信念=9 宗旨意识=10.0'
    """
    return " ".join(f"{name}={format(value, 'f')}" for name, value in given.items())
