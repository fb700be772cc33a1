"""Who belonged to the branch when: membership replayed from join and leave events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from jifen.model import Event


@dataclass(frozen=True)
class Member:
    """A subject of the branch (a member, or a branch under a committee) and its spells."""

    id: str
    name: str
    spells: tuple[tuple[dt.date, dt.date | None], ...]  # [joined, left] inclusive; None: still there
    role: str | None = None  # from the latest join (e.g. secretary, manager)

    def belongs(self, day: dt.date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.spells)

    def in_span(self, start: dt.date, end: dt.date) -> bool:
        return any(s <= end and (e is None or e >= start) for s, e in self.spells)

    @property
    def active(self) -> bool:
        return bool(self.spells) and self.spells[-1][1] is None


def build(events: Iterable[Event]) -> dict[str, Member]:
    """Members by id, from join and leave events replayed in date order.

    A join of someone already in, or a leave of someone not in, is ignored here
    (``jifen.validate`` reports it).
    """
    names: dict[str, str] = {}
    roles: dict[str, str | None] = {}
    spells: dict[str, list[list]] = {}
    for event in sorted((e for e in events if e.kind in ("join", "leave")), key=_ORDER):
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
        subject: _member(subject, names.get(subject, subject), tuple(map(tuple, spells[subject])), roles.get(subject))
        for subject in sorted(spells)
        if spells[subject]
    }


_ORDER = attrgetter("date", "id")  # Event.order, without a property call per event


def _member(id: str, name: str, spells: tuple, role: str | None) -> Member:
    """``Member(id, name, spells, role)``, made without the frozen dataclass's four ``object.__setattr__``
    calls: a roster is rebuilt on every ``jifen add``, for every member."""
    member = object.__new__(Member)
    member.__dict__.update(id=id, name=name, spells=spells, role=role)
    return member


def resolve(members: dict[str, Member], text: str) -> tuple[str | None, list[str]]:
    """The id ``text`` names (an id, or a unique name), else None and the candidates.

    No candidates means nobody is called that; several mean the name is ambiguous.
    """
    if text in members:
        return text, []
    named = [m.id for m in members.values() if m.name == text]
    if len(named) == 1:
        return named[0], []
    return None, named
