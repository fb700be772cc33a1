"""Calendar periods: months, quarters, halves (半年: H1, H2) and years, and the arithmetic between them.

>>> p = Period.parse("2023Q1")
>>> (str(p), p.start.isoformat(), p.end.isoformat())
('2023Q1', '2023-01-01', '2023-03-31')
>>> [str(m) for m in p.parts("month")]
['2023-01', '2023-02', '2023-03']
>>> str(Period.of(p.start, "year"))
'2023'
>>> h = Period.parse("2023H1")
>>> (str(h), h.end.isoformat(), [str(q) for q in h.parts("quarter")], str(Period.of(p.start, "half")))
('2023H1', '2023-06-30', ['2023Q1', '2023Q2'], '2023H1')
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

KINDS = ("month", "quarter", "half", "year")
_SIZE = {"month": 1, "quarter": 3, "half": 6, "year": 12}  # in months
_PATTERNS = (
    ("month", r"^(\d{4})-(\d{1,2})$"),
    ("quarter", r"^(\d{4})[Qq]([1-4])$"),
    ("half", r"^(\d{4})[Hh]([12])$"),
    ("year", r"^(\d{4})$"),
)


@functools.cache
def _compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``_PATTERNS`` compiled, once, when a period is first parsed: a ``jifen add`` parses none."""
    return tuple((kind, re.compile(pattern)) for kind, pattern in _PATTERNS)


_OF: dict[tuple[dt.date, str], Period] = {}  # (day, kind) → the period of that kind holding that day (``Period.of``)
_PARTS: dict[tuple[Period, str], tuple[Period, ...]] = {}  # (period, kind) → its parts of that kind (``parts``)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (index 1–12), quarter (1–4), half (1–2) or year (index 1) of ``year``."""

    year: int
    kind: str
    index: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """``YYYY-MM``, ``YYYYQn``, ``YYYYHn`` or ``YYYY`` (year 1 to 9999); ValueError otherwise."""
        for kind, pattern in _compiled():
            match = pattern.match(text.strip())
            if match:
                year = int(match.group(1))
                index = int(match.group(2)) if kind != "year" else 1
                if year < 1 or kind == "month" and not 1 <= index <= 12:
                    break
                return cls(year, kind, index)
        raise ValueError(f"not a period: {text!r}")

    @classmethod
    def of(cls, day: dt.date, kind: str) -> Period:
        """The period of ``kind`` that contains ``day``, each made once: a replay asks for the
        periods of every event's day, and a log has a few thousand days."""
        found = _OF.get((day, kind))
        if found is None:
            months = _SIZE[kind]
            found = _OF[(day, kind)] = cls(day.year, kind, (day.month - 1) // months + 1)
        return found

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _SIZE[self.kind] + 1

    @functools.cached_property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @functools.cached_property
    def end(self) -> dt.date:
        month = self.first_month + _SIZE[self.kind] - 1
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def parts(self, kind: str) -> list[Period]:
        """The periods of ``kind`` inside this one, in order (itself if ``kind`` is its own); each
        made once, so that its ``start`` and ``end`` are worked out once (grading asks every subject)."""
        found = _PARTS.get((self, kind))
        if found is None:
            if _SIZE[kind] > _SIZE[self.kind]:
                raise ValueError(f"a {self.kind} has no {kind}s")
            per = _SIZE[kind]
            first = (self.first_month - 1) // per + 1
            found = _PARTS[(self, kind)] = tuple(Period(self.year, kind, first + i) for i in range(_SIZE[self.kind] // per))
        return list(found)

    def is_within(self, kind: str) -> bool:
        """Whether this period is no longer than a period of ``kind``."""
        return _SIZE[self.kind] <= _SIZE[kind]

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.index}"
        if self.kind == "half":
            return f"{self.year}H{self.index}"
        return f"{self.year}"


day = functools.cache(dt.date.fromordinal)
"""The date of a day number (``date.toordinal``), each made once: restoring kept events and rosters
makes the same few hundred dates again and again."""
