"""Points exchange (积分兑换): what a member earned of the points that may be spent, spent, and has left.

A scheme's ``exchange`` (``model.Exchange``) names the categories whose points
may be spent (service points earned, not the score that grades) and a
catalogue of prizes. A ``redeem`` event spends a prize's price; it never
changes a score. The balance is over the member's whole time in the branch:
points do not lapse at a year's end (the source does not say they do).

Pure, like the engine: the balance is read from ``Standings`` (what each
earning counted, after caps and corrections) and the log's redeem events
(those revoked do not count).

>>> import datetime as dt
>>> from jifen.core.model import Exchange, Source
>>> quarterly = Exchange(("service",), "quarter", 10, (), Source("s.yaml", 1))
>>> [opens(quarterly, dt.date(2023, 3, d)) for d in (21, 22, 31)], opens(quarterly, dt.date(2023, 4, 1))
([False, True, True], False)
>>> str(next_window(quarterly, dt.date(2023, 4, 1))[0])
'2023-06-21'
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from jifen.core.model import Event, Exchange
from jifen.core.periods import Period

if TYPE_CHECKING:
    from jifen.core.engine import Standings

ZERO = Decimal(0)


class Balance(NamedTuple):
    """Spendable points: ``earned`` in the exchange's categories, ``spent`` on prizes, ``left``."""

    earned: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.earned - self.spent


def window(exchange: Exchange, day: dt.date) -> tuple[dt.date, dt.date]:
    """The exchange's window in the period (of its ``every``) holding ``day``: its last ``days`` days."""
    period = Period.of(day, exchange.every)
    start = max(period.start, period.end - dt.timedelta(days=exchange.days - 1))
    return start, period.end


def opens(exchange: Exchange, day: dt.date) -> bool:
    """Whether the exchange is open on ``day``."""
    start, end = window(exchange, day)
    return start <= day <= end


def next_window(exchange: Exchange, day: dt.date) -> tuple[dt.date, dt.date]:
    """The window open on ``day``, else the next one after it."""
    start, end = window(exchange, day)
    return (start, end) if day <= end else window(exchange, end + dt.timedelta(days=1))


def balances(standings: Standings, day: dt.date) -> dict[str, Balance]:
    """Every subject's balance counting the events dated up to ``day``, in one pass over the log (what
    ``balance(standings, s, day=day)`` gives each; a test holds them equal)."""
    exchange = standings.scheme.exchange
    found = {s: Balance(ZERO, ZERO) for s in standings.members}
    if exchange is None:
        return found
    earned = {s: sum((b.value for b in standings.entries(s) if b.category in exchange.spends and b.event.date <= day),
                     ZERO) for s in standings.members}
    spent: dict[str, Decimal] = {}
    removed = standings.resolution.removed
    for e in standings.events:
        if e.kind == "redeem" and e.id not in removed and e.date <= day:
            spent[e.subject or ""] = spent.get(e.subject or "", ZERO) + (e.points or ZERO)
    return {s: Balance(earned[s], spent.get(s, ZERO)) for s in standings.members}


def balance(standings: Standings, subject: str, until: Event | None = None, day: dt.date | None = None) -> Balance:
    """``subject``'s spendable points, counting the events before ``until`` (in replay order), or those
    dated up to ``day``, if given; none if the scheme has no exchange."""
    exchange = standings.scheme.exchange
    if exchange is None:
        return Balance(ZERO, ZERO)
    last = until.order if until is not None else (day, math.inf) if day is not None else None
    earned = sum((b.value for b in standings.entries(subject)
                  if b.category in exchange.spends and (last is None or b.event.order <= last)), ZERO)
    removed = standings.resolution.removed
    spent = sum((e.points or ZERO for e in standings.events
                 if e.kind == "redeem" and e.subject == subject and e.id not in removed
                 and (last is None or e.order <= last) and (until is None or e.id != until.id)), ZERO)
    return Balance(earned, spent)
