"""The versions of a branch's scheme: the one its log was opened under, then each one adopted
by an ``adopt`` event, each governing whole years from its effective date on.

A version cannot change the past: it takes effect on the first day of a year (a scoring
year never straddles two versions), later than the version before it, and never for a
period already closed. Pure: the files are found and read by ``jifen.book``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from jifen.core.model import Event, Problem, Scheme
from jifen.core.periods import Period


class Version(NamedTuple):
    """One version of the scheme: its rules, the event that named it (``open`` or ``adopt``),
    and the years it governs, ``first`` to ``last`` (None: without end on that side)."""

    scheme: Scheme
    event: Event
    first: int | None = None
    last: int | None = None

    def governs(self, year: int) -> bool:
        return (self.first is None or self.first <= year) and (self.last is None or year <= self.last)

    @property
    def years(self) -> tuple[int | None, int | None]:
        return self.first, self.last


def spans(opened: tuple[Scheme, Event], adopted: Sequence[tuple[Scheme, Event]]) -> tuple[Version, ...]:
    """The versions the ``open`` event's scheme and the adopted ones make, each with its years;
    ``adopted`` holds only the adoptions without problems (``problems``), in file order.

    >>> import datetime as dt
    >>> from jifen.core.model import Source
    >>> def ev(n, day=None): return Event(n, dt.date(2023, 12, 20), "adopt", Source("l", n, 1), effective=day)
    >>> [v.years for v in spans(("v1", ev(1)), [("v2", ev(5, dt.date(2024, 1, 1))), ("v3", ev(9, dt.date(2026, 1, 1)))])]
    [(None, 2023), (2024, 2025), (2026, None)]
    """
    found = [Version(opened[0], opened[1])]
    for scheme, event in adopted:
        assert event.effective is not None
        year = event.effective.year
        found[-1] = found[-1]._replace(last=year - 1)
        found.append(Version(scheme, event, year))
    return tuple(found)


def in_force(versions: Sequence[Version], year: int) -> Version:
    """The version that governs ``year``."""
    return next((v for v in versions if v.governs(year)), versions[-1])


def counting_year(event: Event, lookup: Callable[[int], Event | None] | None = None) -> int:
    """The year whose scores ``event`` counts in: an evaluation's or an exemption's ``period``, else its
    date; with ``lookup`` (an event by id), a correction's is that of the event it corrects (an
    amendment recorded in 2024 of a 2023 score is checked under 2023's version)."""
    for _ in range(3):  # a ruling → its appeal → the score
        if lookup is None or event.target is None:
            break
        target = lookup(event.target)
        if target is None or target.id >= event.id:
            break
        event = target
    if event.period and event.kind in ("eval", "exempt"):
        return Period.parse(event.period).year
    return event.date.year


def problems(events: Iterable[Event]) -> list[Problem]:
    """The problems of each ``adopt`` event of a log (its files are checked by ``jifen.book``):
    an effective date that is not the first day of a year, that is not later than the version
    before it, or that would rescore a quarter already closed (``close``)."""
    found: list[Problem] = []
    latest: int | None = None
    closed: list[Event] = []
    for event in [e for e in events if e.kind in ADOPTING]:  # a few among many: filtered first
        if event.kind == "open":  # the first version is in force from the year the log was opened
            latest = event.date.year
        if event.kind == "close" and event.period:
            closed.append(event)
        if event.kind != "adopt" or event.effective is None:
            continue
        found += adopt_problems(event, latest, closed)
        if not any(p.source == event.at("effective") for p in found):
            latest = event.effective.year
    return found


def adopt_problems(event: Event, latest: int | None, closed: Sequence[Event]) -> list[Problem]:
    """The problems of one ``adopt`` event, after a version effective from the year ``latest`` (the
    year the log was opened, for the first version; None: not known) and the ``close`` events before it."""
    day = event.effective
    assert day is not None
    where = event.at("effective")
    if (day.month, day.day) != (1, 1):
        return [Problem(where, "adopt.not-year-start", {"date": day.isoformat(), "year": day.year + 1})]
    if latest is not None and day.year <= latest:
        return [Problem(where, "adopt.not-later", {"date": day.isoformat(), "year": latest})]
    shut = sorted(e.period or "" for e in closed if Period.parse(e.period or "").start >= day)
    if shut:
        return [Problem(where, "adopt.closed", {"date": day.isoformat(), "periods": ", ".join(shut)})]
    return []


def valid(events: Iterable[Event]) -> list[Event]:
    """The ``adopt`` events of a log that have no problem of their own, in file order."""
    few = [e for e in events if e.kind in ADOPTING]
    if not any(e.kind == "adopt" for e in few):
        return []
    wrong = {p.source for p in problems(few)}
    return [e for e in few if e.kind == "adopt" and e.effective is not None and e.at("effective") not in wrong]


ADOPTING = frozenset(("open", "adopt", "close"))  # the kinds whose order decides whether an adoption may stand
