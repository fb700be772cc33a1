"""The workflow state of a period, from the log: its notice, open appeals, pending
declarations and late corrections. Pure, like the engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jifen.core.kinds import TOUCHING
from jifen.core.model import Event, Lookup
from jifen.core.periods import Period

if TYPE_CHECKING:  # not imported by jifen add, which never asks for a whole log's resolution
    from jifen.core.corrections import Resolution


def touched(event: Event, by_id: Lookup) -> set[str]:
    """The quarters whose scores ``event`` changes (through its target, for corrections)."""
    if event.kind in TOUCHING:
        if event.kind == "eval" and event.period:
            period = Period.parse(event.period)
            if period.kind == "year":
                return {str(q) for q in period.parts("quarter")}
            return {str(Period.of(period.start, "quarter"))}
        return {str(Period.of(event.date, "quarter"))}
    target = by_id.get(event.target or -1)
    if target is None or target.id >= event.id:
        return set()
    return touched(target, by_id)


def notice_end(notice: Event) -> dt.date:
    """The last day of a notice period."""
    return notice.date + dt.timedelta(days=(notice.days or 7) - 1)


@dataclass(frozen=True)
class State:
    notices: tuple[Event, ...]  # notices of the period's quarters
    appeals: tuple[Event, ...]  # appeals touching the period, not yet ruled on
    pending: tuple[Event, ...]  # declarations dated in the period, neither approved, rejected nor revoked
    late: tuple[Event, ...]  # late corrections touching the period
    closed: tuple[Event, ...]  # close events of the period's quarters


def state(events: tuple[Event, ...], resolution: Resolution, period: Period) -> State:
    """What the notice board says beside the scores of ``period`` (``resolution``: what ``events`` came to)."""
    by_id = {e.id: e for e in events}
    quarters = {str(q) for q in period.parts("quarter")} if period.kind == "year" else {
        str(Period.of(period.start, "quarter"))
    }
    decided, ruled = resolution.decided, resolution.rulings

    def in_period(event: Event) -> bool:
        if period.kind == "month":
            return period.contains(event.date) if event.kind in TOUCHING else any(
                period.contains(t.date) for t in [by_id.get(event.target or -1)] if t is not None
            )
        return bool(touched(event, by_id) & quarters)

    return State(
        notices=tuple(e for e in events if e.kind == "notice" and e.period in quarters),
        appeals=tuple(e for e in events if e.kind == "appeal" and e.id not in ruled and in_period(e)),
        pending=tuple(e for e in events if e.kind == "declare" and e.id not in decided and in_period(e)),
        late=tuple(e for e in events if e.late and in_period(e)),
        closed=tuple(e for e in events if e.kind == "close" and e.period in quarters),
    )
