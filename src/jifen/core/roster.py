"""Who belonged to the branch when, holding which roles, in which groups, of which status: the roster
replayed from join, leave, role, unrole, group, ungroup and status events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import attrgetter
from typing import Any

from jifen.core.kinds import ROSTER_KINDS
from jifen.core.model import Event, Member, Spine
from jifen.core.periods import day

__all__ = ["Member", "build", "from_rows", "groups", "holders", "in_group", "of", "resolve", "roles_of", "to_rows"]


def build(events: Iterable[Event]) -> dict[str, Member]:
    """Members by id, from the roster's events (join, leave, role, unrole, group, ungroup, status)
    replayed in date order.

    A join of someone already in, or a leave of someone not in, is ignored here
    (``jifen.core.validate`` reports it). A join's ``role`` is a post held from the join; a leave
    ends every post and group the day after it; an unrole or ungroup ends one on its own date.
    """
    names: dict[str, str] = {}
    roles: dict[str, str | None] = {}
    spells: dict[str, list[list]] = {}
    posts: dict[str, list[list]] = {}
    groups: dict[str, list[list]] = {}
    statuses: dict[str, list[tuple]] = {}
    for event in sorted((e for e in events if e.kind in ROSTER_KINDS), key=_ORDER):
        subject = event.subject or ""
        kind = event.kind
        if kind == "join":
            own = spells.setdefault(subject, [])
            names[subject] = event.name or subject
            roles[subject] = event.role
            if not own or own[-1][1] is not None:
                own.append([event.date, None])
            if event.role:
                _start(posts.setdefault(subject, []), event.role, event.date)
        elif kind == "leave":
            own = spells.get(subject, [])
            if own and own[-1][1] is None and own[-1][0] <= event.date:
                own[-1][1] = event.date
                after = event.date + dt.timedelta(days=1)
                for held in (*posts.get(subject, ()), *groups.get(subject, ())):
                    if held[2] is None:
                        held[2] = after
        elif kind in ("role", "group"):
            _start((posts if kind == "role" else groups).setdefault(subject, []), _what(event), event.date)
        elif kind in ("unrole", "ungroup"):
            for held in (posts if kind == "unrole" else groups).get(subject, ()):
                if held[0] == _what(event) and held[2] is None and held[1] <= event.date:
                    held[2] = event.date
        elif kind == "status" and event.status:
            statuses.setdefault(subject, []).append((event.status, event.date))
    return {
        subject: Member.of(subject, names.get(subject, subject), tuple(map(tuple, spells[subject])),
                           roles.get(subject), tuple(map(tuple, posts.get(subject, ()))),
                           tuple(map(tuple, groups.get(subject, ()))), tuple(statuses.get(subject, ())))
        for subject in sorted(spells)
        if spells[subject]
    }


def _what(event: Event) -> str:
    return (event.role if event.kind in ("role", "unrole") else event.group) or ""


def _start(held: list[list], what: str, day: dt.date) -> None:
    """Hold ``what`` from ``day`` on, unless it is held already."""
    if not any(h[0] == what and h[2] is None for h in held):
        held.append([what, day, None])


def holders(members: Mapping[str, Member], role: str, day: dt.date) -> list[str]:
    """The ids of the members who hold ``role`` on ``day``, by id: who the web front end lets act
    as the secretary, and who the 顺三七 share goes to.

    >>> d = dt.date
    >>> old = Member.of("m01", "张三", ((d(2023, 1, 1), None),), "secretary", (("secretary", d(2023, 1, 1), d(2024, 1, 1)),))
    >>> new = Member.of("m02", "李四", ((d(2023, 1, 1), None),), None, (("secretary", d(2024, 1, 1), None),))
    >>> holders({"m01": old, "m02": new}, "secretary", d(2023, 12, 31)), holders({"m01": old, "m02": new}, "secretary", d(2024, 1, 1))
    (['m01'], ['m02'])
    """
    return sorted(m.id for m in members.values() if role in m.roles_on(day))


def roles_of(members: Mapping[str, Member], subject: str, day: dt.date) -> tuple[str, ...]:
    """The roles ``subject`` holds on ``day`` (none for someone not on the roll)."""
    member = members.get(subject)
    return member.roles_on(day) if member is not None else ()


def in_group(members: Mapping[str, Member], group: str, day: dt.date) -> list[str]:
    """The ids of the members in ``group`` on ``day``, by id."""
    return sorted(m.id for m in members.values() if group in m.groups_on(day))


def groups(members: Mapping[str, Member]) -> list[str]:
    """Every group any member has been in, by name."""
    return sorted({g for m in members.values() for g, _, _ in m.groups})


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
    """A roster as rows of plain values (id, name, spells as day numbers, 0: still there, role,
    posts, groups, statuses likewise), which ``from_rows`` makes a roster of again: for the cache."""
    return [(m.id, m.name, tuple((start.toordinal(), end.toordinal() if end else 0) for start, end in m.spells),
             m.role, _held_rows(m.posts), _held_rows(m.groups),
             tuple((status, start.toordinal()) for status, start in m.statuses)) for m in members.values()]


def _held_rows(held: tuple) -> tuple:
    return tuple((what, start.toordinal(), until.toordinal() if until else 0) for what, start, until in held)


def _held_from(rows: tuple) -> tuple:
    return tuple((what, day(start), day(until) if until else None) for what, start, until in rows)


def from_rows(rows: list[tuple] | Mapping[str, Any], decode: Callable[[Any], tuple] | None = None) -> Mapping[str, Member]:
    """The roster ``to_rows`` kept (its rows, or them by id, each as ``decode`` makes it a row: the
    cache keeps each as ``marshal`` bytes, and the spine's roster of 5,000 members took ~10 ms to
    decode whole), each member made (exactly as ``build`` makes it) when first looked up: adding a
    score looks up one of them."""
    return _KeptRoster(rows if isinstance(rows, Mapping) else {row[0]: row for row in rows}, decode)


class _KeptRoster(Mapping[str, Member]):
    """See ``from_rows``."""

    def __init__(self, rows: Mapping[str, Any], decode: Callable[[Any], tuple] | None) -> None:
        self._rows, self._decode = rows, decode
        self._made: dict[str, Member] = {}

    def __getitem__(self, id: str) -> Member:
        member = self._made.get(id)
        if member is None:
            row = self._rows[id]
            _, name, spells, role, posts, groups, statuses = row if self._decode is None else self._decode(row)
            made = tuple((day(start), day(end) if end else None) for start, end in spells)
            member = self._made[id] = Member.of(id, name, made, role, _held_from(posts), _held_from(groups),
                                                tuple((status, day(start)) for status, start in statuses))
        return member

    def __contains__(self, id: object) -> bool:
        return id in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)
