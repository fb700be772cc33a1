"""The roster as a table."""

from __future__ import annotations

from collections.abc import Mapping

from jifen.core.model import Ledger
from jifen.core.roster import Member
from jifen.reports.base import (
    Column,
    Report,
    subject_label,
)


def members_report(ledger: Ledger, members: Mapping[str, Member], roles: Mapping[str, str] | None = None) -> Report:
    """The roster: every subject, when they joined and left; where any were recorded, the roles
    (by the scheme's names, ``roles``), groups and status each holds at the end of the log."""
    roles = roles or {}
    every = list(members.values())
    shown = (any(m.posts for m in every), any(m.groups for m in every), any(m.statuses for m in every))
    rows = []
    for member in every:
        rows.append(
            {
                "member_id": member.id,
                "member": member.name,
                "joined": member.spells[0][0].isoformat(),
                "left": member.spells[-1][1].isoformat() if member.spells[-1][1] else None,
                "active": member.active,
                **_held(member, roles, *shown),
            }
        )
    columns = (
        Column("member_id", "label.member_id"),
        Column("member", subject_label(ledger)),
        Column("joined", "label.joined"),
        Column("left", "label.left"),
        Column("active", "label.active"),  # 在册: on the roll today
        *([Column("roles", "label.roles")] if shown[0] else []),
        *([Column("groups", "label.group")] if shown[1] else []),
        *([Column("standing", "label.standing", words="status.")] if shown[2] else []),
    )
    return Report(("title.members", {"branch": ledger.name}), columns, tuple(rows), {"branch": ledger.name, "rows": rows})


def _held(member: Member, roles: Mapping[str, str], posts: bool, groups: bool, statuses: bool) -> dict[str, object]:
    """What ``member`` holds still (nothing for one who left), where the roster records any of it:
    roles, groups (joined by 、), the last status given (None: a full member, never recorded)."""
    found: dict[str, object] = {}
    if posts:
        found["roles"] = "、".join(roles.get(r, r) for r, _, until in member.posts if until is None)
    if groups:
        found["groups"] = "、".join(g for g, _, until in member.groups if until is None)
    if statuses:
        found["standing"] = member.statuses[-1][0] if member.statuses else None
    return found
