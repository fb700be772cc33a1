"""Who belonged to the branch when: membership replayed from join and leave events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from operator import attrgetter

from jifen.kinds import ROSTER_KINDS
from jifen.model import Event, Member, Spine

__all__ = ["Member", "build", "of", "resolve"]


def build(events: Iterable[Event]) -> dict[str, Member]:
    """Members by id, from join and leave events replayed in date order.

    A join of someone already in, or a leave of someone not in, is ignored here
    (``jifen.validate`` reports it).
    """
    names: dict[str, str] = {}
    roles: dict[str, str | None] = {}
    spells: dict[str, list[list]] = {}
    for event in sorted((e for e in events if e.kind in ROSTER_KINDS), key=_ORDER):
        subject = event.subject or ""
        own = spells.setdefault(subject, [])
        if event.kind == "join":
            names[subject] = event.name or subject
            roles[subject] = event.role
            if not own or own[-1][1] is not None:
                own.append([event.date, None])
        elif own and own[-1][1] is None and own[-1][0] <= event.date:
            own[-1][1] = event.date
    return {
        subject: Member.of(subject, names.get(subject, subject), tuple(map(tuple, spells[subject])), roles.get(subject))
        for subject in sorted(spells)
        if spells[subject]
    }


_ORDER = attrgetter("date", "id")  # Event.order, without a property call per event


def of(spine: Spine, appended: Event | None = None) -> Mapping[str, Member]:
    """Members by id in the log ``spine`` outlines, with ``appended`` after it if given: the roster
    the cache kept where it can serve, else one built from the spine's join and leave events."""
    if appended is not None and appended.kind in ROSTER_KINDS:
        return build((*spine.joins(), appended))
    return spine.members if spine.members is not None else build(spine.joins())


def resolve(members: Mapping[str, Member], text: str) -> tuple[str | None, list[str]]:
    """The id ``text`` names (an id, or a unique name), else None and the candidates.

    No candidates means nobody is called that; several mean the name is ambiguous.
    """
    if text in members:
        return text, []
    named = [m.id for m in members.values() if m.name == text]
    if len(named) == 1:
        return named[0], []
    return None, named
