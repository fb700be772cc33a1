"""Points exchange (积分兑换): each member's spendable points earned, spent and left, on a day."""

from __future__ import annotations

import datetime as dt

from jifen.core import engine, exchange
from jifen.core.model import Ledger
from jifen.messages import Word
from jifen.reports.base import Column, Report, subject_label


def balance_report(ledger: Ledger, standings: engine.Standings, day: dt.date, subject: str | None = None) -> Report:
    """Every member's balance (or ``subject``'s) counting the events dated up to ``day``; the next
    window of the exchange in a note."""
    scheme = standings.scheme
    assert scheme.exchange is not None
    rows = []
    every = exchange.balances(standings, day)
    for member in standings.members.values():
        if (subject is not None and member.id != subject) or (subject is None and not member.in_span(day, day)
                                                             and not standings.entries(member.id)):
            continue
        found = every[member.id]
        rows.append({"member_id": member.id, "member": member.name, "earned": found.earned, "spent": found.spent,
                     "left": found.left})
    columns = (
        Column("member_id", "label.member_id"),
        Column("member", subject_label(ledger)),
        Column("earned", "label.earned"),
        Column("spent", "label.spent"),
        Column("left", "label.balance-left"),
    )
    start, end = exchange.next_window(scheme.exchange, day)
    window = {"every": scheme.exchange.every, "days": scheme.exchange.days, "start": start.isoformat(),
              "end": end.isoformat()}
    data = {"branch": ledger.name, "date": day.isoformat(), "rows": rows, "next_window": window}
    notes = (("note.exchange-window", {**window, "every": Word(f"word.{scheme.exchange.every}")}),)
    return Report(("title.balance", {"branch": ledger.name, "date": day.isoformat()}), columns, tuple(rows), data, notes)
