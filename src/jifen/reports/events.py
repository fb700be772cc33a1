"""The events behind a period's numbers (the Excel detail sheet)."""

from __future__ import annotations

from jifen.core import engine
from jifen.core.model import IN_ORDER
from jifen.core.periods import Period
from jifen.reports.base import (
    Column,
    Report,
)


def events_report(standings: engine.Standings, period: Period) -> Report:
    """Every score, declaration, veto and evaluation dated in ``period``, with what it counted."""
    scheme = standings.scheme
    counted = {(b.event.id, s): b.value for s, entries in standings.booked.items() for b in entries}
    effective = standings.resolution.standing_for
    rows = []
    for event in sorted(standings.events, key=IN_ORDER):
        if event.kind not in ("score", "declare", "veto", "eval") or not period.contains(event.date):
            continue
        rule = scheme.rule(event.rule or "") if event.rule else None
        rows.append(
            {
                "id": event.id,
                "date": event.date.isoformat(),
                "member_id": event.subject,
                "member": standings.members[event.subject].name if event.subject in standings.members else event.subject,
                "kind": event.kind,
                "rule": event.rule,
                "rule_name": rule.name if rule else None,
                "points": counted.get((event.id, event.subject)),
                "note": event.note or event.reason,
                "by": event.by,
                "counted": event.id in effective,
            }
        )
    columns = (
        Column("id", "label.id"), Column("date", "label.date"), Column("member_id", "label.member_id"),
        Column("member", "label.member"), Column("kind", "label.kind", words="kind."), Column("rule", "label.rule"),
        Column("rule_name", "label.name"), Column("points", "label.points"), Column("note", "label.note"),
        Column("by", "label.by"), Column("counted", "label.counted"),
    )
    printed = (  # on paper: the record's number and the member's are told apart, and the rule by its name
        Column("id", "label.record-id"), Column("date", "label.date"), Column("member_id", "label.member_id"),
        Column("member", "label.member"), Column("kind", "label.kind", words="kind."),
        Column("rule_name", "label.rule"), Column("points", "label.points"), Column("note", "label.note"),
        Column("by", "label.by"), Column("counted", "label.counted"),
    )
    return Report(("title.events", {"period": str(period)}), columns, tuple(rows), rows, printed=printed)
