"""The roster as a table."""

from __future__ import annotations

from jifen.core.model import Ledger
from jifen.core.roster import Member
from jifen.reports.base import (
    Column,
    Report,
    subject_label,
)


def members_report(ledger: Ledger, members: dict[str, Member]) -> Report:
    """The roster: every subject, when they joined and left."""
    rows = []
    for member in members.values():
        rows.append(
            {
                "member_id": member.id,
                "member": member.name,
                "joined": member.spells[0][0].isoformat(),
                "left": member.spells[-1][1].isoformat() if member.spells[-1][1] else None,
                "active": member.active,
            }
        )
    columns = (
        Column("member_id", "label.member_id"),
        Column("member", subject_label(ledger)),
        Column("joined", "label.joined"),
        Column("left", "label.left"),
        Column("active", "label.status"),
    )
    return Report(("title.members", {"branch": ledger.name}), columns, tuple(rows), {"branch": ledger.name, "rows": rows})
