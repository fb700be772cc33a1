"""Who belonged to the branch when: membership replayed from join and leave events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from operator import attrgetter

from jifen.core.kinds import ROSTER_KINDS
from jifen.core.model import Event, Member, Spine
from jifen.core.periods import day

__all__ = ["Member", "build", "from_rows", "of", "resolve", "to_rows"]


def build(events: Iterable[Event]) -> dict[str, Member]:
    """Members by id, from join and leave events replayed in date order.

    A join of someone already in, or a leave of someone not in, is ignored here
    (``jifen.core.validate`` reports it).
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


def to_rows(members: Mapping[str, Member]) -> list[tuple]:
    """A roster as rows of plain values (id, name, spells as day numbers, 0: still there, role),
    which ``from_rows`` makes a roster of again: for the cache."""
    return [(m.id, m.name, tuple((start.toordinal(), end.toordinal() if end else 0) for start, end in m.spells),
             m.role) for m in members.values()]


def from_rows(rows: list[tuple]) -> Mapping[str, Member]:
    """The roster ``to_rows`` kept, each member made (exactly as ``build`` makes it) when first
    looked up: adding a score looks up one of them."""
    return _KeptRoster(rows)


class _KeptRoster(Mapping[str, Member]):
    """See ``from_rows``."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = {row[0]: row for row in rows}
        self._made: dict[str, Member] = {}

    def __getitem__(self, id: str) -> Member:
        member = self._made.get(id)
        if member is None:
            _, name, spells, role = self._rows[id]
            made = tuple((day(start), day(end) if end else None) for start, end in spells)
            member = self._made[id] = Member.of(id, name, made, role)
        return member

    def __contains__(self, id: object) -> bool:
        return id in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)
