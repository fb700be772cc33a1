"""Corrections resolved once: what every event of a log has come to.

A log never changes; later events change what earlier ones do. ``resolve``
reads a whole log once and decides, for every event, its ``Status`` (counts;
revoked, rejected, replaced or cancelled by #N; pending; an appeal open,
upheld or dismissed …) and the events the replay counts, in replay order.
The engine, the workflow state, the reports and the checks all read this one
answer. Pure, like the engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from jifen.core.kinds import COUNTED, SCORED_FIELDS
from jifen.core.model import IN_ORDER, Event, Lookup


@dataclass(frozen=True)
class Status:
    """What an event has come to. ``by``: the id of the event that decided it, where one did.

    ``state`` is one of: ``counts``; ``revoked``, ``rejected``, ``replaced`` (by an
    amendment or a ruling with new values), ``cancelled`` (by an upheld ruling) —
    an event that would count but no longer does; ``pending`` (a declaration
    not yet decided); ``open``, ``upheld``, ``dismissed`` (an appeal); ``recorded``
    (anything else: the roster, the notice, the corrections themselves).
    """

    state: str
    by: int | None = None

    @property
    def counts(self) -> bool:
        return self.state == "counts"

    @property
    def removed(self) -> bool:
        """Whether it would count, but something later took it out."""
        return self.state in REMOVED


REMOVED = ("revoked", "rejected", "replaced", "cancelled")
COUNTS, PENDING, RECORDED, OPEN = Status("counts"), Status("pending"), Status("recorded"), Status("open")
_REMOVAL = {"revoke": "revoked", "reject": "rejected", "amend": "replaced"}


@dataclass(frozen=True)
class Resolution:
    """The answer of ``resolve`` for one log."""

    counted: tuple[Event, ...]  # what the replay books, in replay order: declarations and replacements as scores
    removed: Mapping[int, Event]  # id of an event taken out → the first event that took it out
    approved: frozenset[int]  # ids of approved declarations
    decided: frozenset[int]  # ids of declarations approved, rejected or revoked
    rulings: Mapping[int, Event]  # id of an appeal → its first ruling
    replacing: frozenset[int]  # ids of amendments and rulings whose replacement counts

    @cached_property
    def standing_for(self) -> dict[int, Event]:
        """Id of a counted event → the event the replay books for it (a score, for a declaration or an amendment)."""
        return {e.id: e for e in self.counted}

    def status(self, event: Event) -> Status:
        """What ``event`` has come to."""
        by = self.removed.get(event.id)
        if by is not None:
            if by.kind == "ruling":
                return Status("replaced" if by.id in self.replacing else "cancelled", by.id)
            return Status(_REMOVAL[by.kind], by.id)
        kind = event.kind
        if kind in COUNTED:
            return COUNTS
        if kind == "declare":
            return COUNTS if event.id in self.approved else PENDING
        if kind in ("amend", "ruling") and event.id in self.replacing:
            return COUNTS
        if kind == "appeal":
            ruling = self.rulings.get(event.id)
            if ruling is None:
                return OPEN
            return Status("upheld" if ruling.decision == "upheld" else "dismissed", ruling.id)
        return RECORDED


def resolve(events: Iterable[Event]) -> Resolution:
    """What every event of a log (``events``, in file order) has come to.

    Revoked events do not count; a declaration counts once approved (and not
    rejected); an amendment, or an upheld appeal's ruling with new values,
    replaces its target by a score with the target's subject and date; an
    upheld ruling without new values cancels the appealed event. A revoked
    amendment or ruling changes nothing.
    """
    events = tuple(events)
    removed: dict[int, Event] = {}

    def remove(target: int, by: Event) -> None:  # the earliest event that took it out is the one named
        if target not in removed or by.id < removed[target].id:
            removed[target] = by

    approved: set[int] = set()
    decided: set[int] = set()
    rulings: dict[int, Event] = {}
    changes: list[Event] = []  # the amendments and rulings, read again once every removal is known
    for event in events:
        kind = event.kind
        if kind in ("revoke", "reject") and event.target is not None:
            remove(event.target, event)
            decided.add(event.target)
        elif kind == "approve" and event.target is not None:
            approved.add(event.target)
            decided.add(event.target)
        elif kind == "ruling" and event.target is not None:
            rulings.setdefault(event.target, event)
        if kind in ("amend", "ruling"):
            changes.append(event)
    # by id, only for a log that amends or rules (most logs do neither: 100,000 entries made for nothing)
    by_id = {e.id: e for e in events} if changes else {}
    replaced: dict[int, Event] = {}  # id of an amend or ruling → the score it stands for
    for event in changes:
        if event.id in removed:
            continue
        target = by_id.get(event.target or -1)
        if target is None:
            continue
        if event.kind == "amend":
            remove(target.id, event)
            replaced[event.id] = replacement(replaced.get(target.id, target), event)
        elif event.decision == "upheld":
            appealed = by_id.get(target.target or -1)
            if appealed is not None:
                remove(appealed.id, event)
                if any(getattr(event, f) is not None for f in SCORED_FIELDS):
                    replaced[event.id] = replacement(replaced.get(appealed.id, appealed), event)
    counted = [
        e if e.kind != "declare" else dataclasses.replace(e, kind="score")
        for e in events
        if e.id not in removed and (e.kind in COUNTED or (e.kind == "declare" and e.id in approved))
    ]
    replacing = frozenset(i for i in replaced if i not in removed)
    counted += [replaced[i] for i in replacing]
    counted.sort(key=IN_ORDER)
    return Resolution(tuple(counted), removed, frozenset(approved), frozenset(decided), rulings, replacing)


def replacement(target: Event, change: Event) -> Event:
    """``target`` (a score) with the values ``change`` gives, recorded as ``change``."""
    values = {f: getattr(change, f) if getattr(change, f) is not None else getattr(target, f) for f in SCORED_FIELDS}
    if change.rule is not None and change.rule != target.rule:
        values.update({f: getattr(change, f) for f in SCORED_FIELDS if f != "rule"} | {"rule": change.rule})
    return dataclasses.replace(
        change, kind="score", subject=target.subject, date=target.date, target=None, decision=None, **values
    )


def stands_for(event: Event, events: Lookup) -> Event:
    """An amendment as the score it stands for, following its targets through ``events``; any other
    event as itself. What a new correction of it is checked against."""
    if event.kind != "amend":
        return event
    target = events.get(event.target or 0)
    return event if target is None else replacement(stands_for(target, events), event)

