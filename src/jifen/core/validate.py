"""Checking events against the scheme and the roster: problems as values.

``ledger_problems`` checks a whole log (``jifen check``); ``event_problems``
checks one event that is about to be appended (``jifen add`` and friends).
Both run the same per-event checks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from jifen.core import corrections, roster, rules, typed, versions
from jifen.core.kinds import CHANGES, KINDS, ROSTER_KINDS, SCORED, STATUSES
from jifen.core.model import Category, Event, Ledger, Lookup, Problem, Scheme, Spine
from jifen.core.numbers import plain
from jifen.core.periods import Period
from jifen.messages import Word

if TYPE_CHECKING:
    from jifen.core.engine import Standings


class Context(NamedTuple):
    scheme: Scheme
    members: Mapping[str, roster.Member]
    events: Lookup
    today: dt.date | None
    # (rule, count, points, level, measure) found to fit its rule (``rules.check``, which reads nothing
    # else of an event) under ``scheme``: a log gives the same few values of a rule again and again
    fits: set[tuple] | None = None


def ledger_problems(ledger: Ledger, scheme: Scheme, today: dt.date | None = None,
                    schemes: Sequence[versions.Version] = ()) -> list[Problem]:
    """Every problem of the events of ``ledger`` under ``scheme``, in file order; with ``schemes``
    (the versions of the scheme, ``jifen.core.versions``), each event under the version that
    governs the year it counts in."""
    fits: dict[int, set[tuple]] = {id(v.scheme): set() for v in schemes}  # what fits one version may not fit another
    context = Context(scheme, roster.build(ledger.events), {e.id: e for e in ledger.events}, today,
                      fits.setdefault(id(scheme), set()))
    problems: list[Problem] = []
    revoked: dict[int, Event] = {}
    adopting: list[Event] = []  # the adopt and close events, checked together after the loop
    for event in ledger.events:
        if event.kind in versions.ADOPTING:
            adopting.append(event)
        if len(schemes) > 1:
            year = versions.counting_year(event, context.events.get)
            governing = versions.in_force(schemes, year).scheme
            if governing is not context.scheme:
                context = context._replace(scheme=governing, fits=fits[id(governing)])
        problems += _problems(event, context)
        if event.kind == "revoke" and event.target is not None:
            if event.target in revoked:
                first = revoked[event.target]
                problems.append(Problem(event.source, "event.revoked-twice", {"target": event.target, "by": first.id}))
            revoked.setdefault(event.target, event)
    problems += versions.problems(adopting)
    problems += _roster_problems(ledger.events)
    problems += _workflow_problems(ledger.events, context)
    for version in schemes or (versions.Version(scheme, ledger.events[0]),) if ledger.events else ():
        if any(rule.kind == "graded" for rule in version.scheme.rules) or version.scheme.review is not None:
            counted = [e for e in corrections.resolve(ledger.events).counted if version.governs(e.date.year)]
            if any(rule.kind == "graded" for rule in version.scheme.rules):  # most schemes have none
                problems += _graded_twice(counted, version.scheme)
            if version.scheme.review is not None:
                problems += reviewed_twice(counted, version.scheme)
    return problems


def event_problems(spine: Spine, scheme: Scheme, event: Event, today: dt.date | None,
                   members: Mapping[str, roster.Member] | None = None) -> list[Problem]:
    """Problems of appending ``event`` to the log ``spine`` outlines (``Spine.of(ledger)`` for a whole one).

    The same checks as ``ledger_problems`` makes of an event at the end of the
    log; they look through the spine's events and fetch others only by id.
    ``members``: the spine's roster, if the caller has it already.
    """
    if members is None or event.kind in ROSTER_KINDS:
        members = roster.of(spine, event)
    context = Context(scheme, members, spine, today)
    problems = _problems(event, context)
    if event.kind == "revoke":
        if any(e.kind == "revoke" and e.target == event.target for e in spine.events):  # named below
            first = next(e for e in spine.events if e.kind == "revoke" and e.target == event.target)
            problems.append(Problem(event.source, "event.revoked-twice", {"target": event.target, "by": first.id}))
    if event.kind == "join":
        problems += [p for p in _roster_problems((*spine.joins(), event)) if p.source == event.source]
    if event.kind == "leave" and not problems:
        problems += _stranded(spine, event, context)
    problems += _workflow_problems((*spine.events, event), context, only=event)
    if event.kind == "adopt" and event.effective is not None:
        adopted = versions.valid(spine.events)
        closed = [e for e in spine.events if e.kind == "close"]
        opened = next((e.date.year for e in spine.events if e.kind == "open"), None)
        problems += versions.adopt_problems(event, adopted[-1].effective.year if adopted else opened, closed)
    if event.kind == "eval" and scheme.review is not None and event.panel == scheme.review.panel and not problems:
        try:  # the member's own reviews, with the corrections that may have taken one out
            earlier = sorted({e.id: e for e in (*spine.events, *spine.about(event.subject or ""))}.values(),
                             key=lambda e: e.id)
        except LookupError:
            earlier = []
        problems += [p for p in reviewed_twice((*corrections.resolve(earlier).counted, event), scheme)
                     if p.source == event.source]
    if event.kind == "redeem" and not problems:
        from jifen.core import engine  # only to check a redeem: the member's own events replayed

        try:
            mine = {e.id: e for e in (*spine.events, *spine.joins(), *spine.about(event.subject or ""), event)}
        except LookupError:  # an event the index names could not be read alone: jifen check still finds it
            mine = {}
        if mine:
            standings = engine.replay(sorted(mine.values(), key=lambda e: e.id), scheme)
            problems += _balance_problems(event, standings)
    if event.kind in ("score", "declare") and _graded(scheme, event.rule):
        try:  # the subject's own scores, with the corrections that may have taken one out
            earlier = sorted({e.id: e for e in (*spine.events, *spine.about(event.subject or ""))}.values(),
                             key=lambda e: e.id)
        except LookupError:  # an event the index names could not be read alone: jifen check still finds it
            earlier = []
        counted = corrections.resolve(earlier).counted
        problems += [p for p in _graded_twice(sorted((*counted, event), key=lambda e: e.id), scheme)
                     if p.source == event.source]
    return problems


def _problems(event: Event, context: Context) -> list[Problem]:
    problems: list[Problem] = []
    kind = KINDS[event.kind]
    if context.today is not None and event.date > context.today:
        problems.append(Problem(event.at("date"), "event.future", {"date": event.date, "today": context.today}))
    if event.kind == "exempt" and not context.scheme.exemption:
        problems.append(Problem(event.source, "event.no-exemption", {"scheme": context.scheme.id}))
    elif kind.member and not kind.targets:
        problems += _subject_problems(event, context)
    if event.kind in ("score", "declare"):  # most of a log: none of the checks below concerns them
        return problems + _rule_problems(event, context)
    if event.kind == "eval":
        problems += _eval_problems(event, context)
    if event.kind in ("join", "role", "unrole") and event.role is not None:
        problems += _role_problems(event, context)
    if event.kind in ("unrole", "ungroup"):
        problems += _ending_problems(event, context)
    if event.kind == "status" and event.status not in STATUSES:
        problems.append(Problem(event.at("status"), "event.unknown-status",
                                {"status": event.status, "statuses": ", ".join(STATUSES)}))
    if event.kind == "redeem":
        problems += _redeem_problems(event, context.scheme)
    if kind.targets:
        problems += _target_problems(event, context)
        if kind.member:  # an appeal: checked after what it names
            problems += _subject_problems(event, context)
    if event.kind in ("notice", "close") and event.period is not None:
        if Period.parse(event.period).kind != "quarter":
            problems.append(Problem(event.at("period"), "event.want-quarter", {"period": event.period}))
    return problems


def _role_problems(event: Event, context: Context) -> list[Problem]:
    """A role the scheme does not have, and a role given to more members at once than the scheme
    allows (换届: the one who held it is relieved on the same date, first)."""
    scheme = context.scheme
    if event.role not in scheme.roles:
        roles = ", ".join(scheme.roles) or "-"
        return [Problem(event.at("role"), "event.unknown-role", {"role": event.role, "roles": roles})]
    member = context.members.get(event.subject or "")
    if event.kind == "role" and member is not None and any(
            role == event.role and since < event.date and (until is None or until > event.date)
            for role, since, until in member.posts):
        return [Problem(event.at("role"), "event.role-held", {
            "name": member.name, "subject": member.id, "role": scheme.roles[event.role or ""], "date": event.date})]
    limit = scheme.holders.get(event.role or "")
    if event.kind == "unrole" or limit is None:
        return []
    for day in _taken_up(event, context.members):
        holding = roster.holders(context.members, event.role or "", day)
        if len(holding) > limit:
            others = [context.members[h] for h in holding if h != event.subject]
            return [Problem(event.at("role"), "event.role-full", {
                "role": scheme.roles[event.role or ""], "holders": limit, "date": day,
                "who": ", ".join(f"{m.name}({m.id})" for m in others), "first": others[0].name if others else ""})]
    return []


def _taken_up(event: Event, members: Mapping[str, roster.Member]) -> list[dt.date]:
    """The days a post given by role event ``event`` could make one holder too many: its first, and
    each later day, while it is held, on which another member takes the same role up (a post dated
    before one recorded earlier overlaps it from that day: the log as a whole finds it there)."""
    member = members.get(event.subject or "")
    until = next((end for role, since, end in member.posts if role == event.role and since == event.date),
                 None) if member is not None else None
    later = {since for m in members.values() for role, since, _ in m.posts
             if role == event.role and since > event.date and (until is None or since < until)}
    return [event.date, *sorted(later)]


def _ending_problems(event: Event, context: Context) -> list[Problem]:
    """An unrole or ungroup of a role or group the subject did not hold on the day before it."""
    member = context.members.get(event.subject or "")
    field, what = ("role", event.role) if event.kind == "unrole" else ("group", event.group)
    held = (member.posts if event.kind == "unrole" else member.groups) if member is not None else ()
    if any(name == what and since <= event.date and until == event.date for name, since, until in held):
        return []
    name = member.name if member is not None else (event.subject or "")
    shown = context.scheme.roles.get(what or "", what) if field == "role" else what  # 支部书记, not its id
    return [Problem(event.at(field), f"event.not-{field}-then", {"name": name, "subject": event.subject,
                                                                 field: shown, "date": event.date})]


def _target_problems(event: Event, context: Context) -> list[Problem]:
    target = context.events.get(event.target or 0)
    if target is None or target.id >= event.id:
        return [Problem(event.at("target"), "event.unknown-target", {"target": event.target})]
    allowed = KINDS[event.kind].targets
    if target.kind not in allowed:
        kinds = ", ".join(allowed)
        return [Problem(event.at("target"), "event.wrong-target",
                        {"target": target.id, "kind": target.kind, "action": event.kind, "kinds": kinds})]
    changes = any(getattr(event, f) is not None for f in CHANGES)
    if event.kind == "ruling" and changes and event.decision != "upheld":
        return [Problem(event.at("decision"), "event.rejected-with-values")]
    if event.kind == "amend" and not changes:
        return [Problem(event.source, "event.amend-nothing")]
    if event.kind in ("amend", "ruling") and changes:
        base = target if event.kind == "amend" else context.events.get(target.target or 0)
        if base is None or base.kind not in SCORED:
            return [Problem(event.source, "event.cannot-change", {"target": target.id})]
        from jifen.core import (
            corrections,  # only to check an amendment or a ruling, not every jifen add
        )

        replaced = corrections.replacement(corrections.stands_for(base, context.events), event)
        return [dataclasses.replace(p, source=event.source) for p in rule_problems(replaced, context.scheme)]
    return []


def _workflow_problems(events: Sequence[Event], context: Context, only: Event | None = None) -> list[Problem]:
    """Problems that need the order of the whole log: decisions taken twice, appeals
    outside a notice, closing with open appeals, events touching a closed period.

    With ``only``, just that event's problems (the others are still replayed for
    the state they leave)."""
    problems: list[Problem] = []
    by_id = context.events
    decided: dict[int, Event] = {}
    ruled: dict[int, Event] = {}
    notices: list[Event] = []
    closed: dict[str, Event] = {}
    for event in events:
        checked = only is None or event is only
        if event.kind in ("approve", "reject") and event.target is not None:
            if checked and event.target in decided:
                problems.append(Problem(event.source, "event.decided-twice", {"target": event.target, "by": decided[event.target].id}))
            decided.setdefault(event.target, event)
        if event.kind == "ruling" and event.target is not None:
            if checked and event.target in ruled:
                problems.append(Problem(event.source, "event.ruled-twice", {"target": event.target, "by": ruled[event.target].id}))
            ruled.setdefault(event.target, event)
        if event.kind == "notice":
            notices.append(event)
        if event.kind == "appeal" and checked:
            problems += _appeal_window(event, by_id, notices)
        if event.kind == "close" and event.period:
            # imported at the first close: a log that closed no period (most that an add checks) never needs it
            from jifen.core.workflow import touched

            if checked:
                problems += _close_problems(event, events, closed, ruled, by_id)
            closed.setdefault(event.period, event)
            continue
        if not checked or not closed:  # nothing closed yet: nothing to touch
            continue
        hit = touched(event, by_id) & closed.keys()
        if hit and event.late is None and event.kind != "notice":
            problems.append(Problem(event.at("date"), "event.closed-period", {"period": ", ".join(sorted(hit))}))
    return problems


def _close_problems(event: Event, events: Sequence[Event], closed: dict[str, Event], ruled: dict[int, Event],
                    by_id: Lookup) -> list[Problem]:
    """A close of a period closed before, or with appeals touching it not yet ruled on."""
    from jifen.core.workflow import touched

    problems = []
    if event.period in closed:
        problems.append(Problem(event.source, "event.closed-twice", {"period": event.period}))
    still_open = [
        a.id for a in events
        if a.kind == "appeal" and a.id < event.id and a.id not in ruled and event.period in touched(a, by_id)
    ]
    if still_open:
        problems.append(Problem(event.source, "event.close-with-appeals",
                                {"period": event.period, "appeals": ", ".join(map(str, still_open))}))
    return problems


def _appeal_window(event: Event, by_id: Lookup, notices: list[Event]) -> list[Problem]:
    from jifen.core.workflow import notice_end, touched

    quarters = touched(event, by_id)
    for notice in notices:
        if notice.period in quarters and notice.date <= event.date <= notice_end(notice):
            return []
    if event.late is not None:
        return []
    return [Problem(event.at("date"), "event.appeal-outside-notice", {"period": ", ".join(sorted(quarters)) or "-"})]


def _subject_problems(event: Event, context: Context) -> list[Problem]:
    member = context.members.get(event.subject or "")
    if member is None:
        close = difflib.get_close_matches(event.subject or "", list(context.members), n=1)
        return [Problem(event.at("subject"), "event.unknown-subject", {"subject": event.subject, "close": close[0] if close else ""})]
    if not member.belongs(event.date):
        return [Problem(event.at("date"), "event.not-member-then", {"subject": member.id, "name": member.name, "date": event.date})]
    return []


def _eval_problems(event: Event, context: Context) -> list[Problem]:
    scheme = context.scheme
    category = next((c for c in scheme.categories if event.panel in c.panels), None)
    if category is None and scheme.review is not None and event.panel == scheme.review.panel:
        return _review_problems(event, context)
    if category is None:
        panels = ", ".join((*scheme.panels, *((scheme.review.panel,) if scheme.review else ()))) or "-"
        return [Problem(event.at("panel"), "event.unknown-panel", {"panel": event.panel, "panels": panels, "scheme": scheme.id})]
    if [event.score, event.rating, event.aspects].count(None) != 2:
        return [Problem(event.source, "event.score-or-rating", {"ratings": ", ".join(category.ratings) or "-"})]
    if event.aspects is not None:
        found = _aspect_problems(event, category)
        return found if any(p.is_error for p in found) else found + _eval_period_problems(event, context)
    if event.rating is not None and event.rating not in category.ratings:
        ratings = ", ".join(category.ratings) or "-"
        return [Problem(event.at("rating"), "event.unknown-rating", {"rating": event.rating, "ratings": ratings})]
    if event.score is not None and not 0 <= event.score <= category.out_of:
        return [Problem(event.at("score"), "event.score-outside", {"score": event.score, "out_of": category.out_of})]
    return _eval_period_problems(event, context)


def _review_problems(event: Event, context: Context) -> list[Problem]:
    """The yearly review (民主评议) gives one of its ratings, for a year the member belonged in."""
    review = context.scheme.review
    assert review is not None
    if event.rating is None or event.score is not None or event.aspects is not None:
        return [Problem(event.source, "event.review-rating", {"ratings": "、".join(review.ratings)})]
    if event.rating not in review.ratings:
        return [Problem(event.at("rating"), "event.unknown-rating", {"rating": event.rating,
                                                                     "ratings": ", ".join(review.ratings)})]
    if event.period is None or Period.parse(event.period).kind != "year":
        return [Problem(event.at("period"), "event.review-year", {"period": event.period or "-"})]
    member = context.members.get(event.subject or "")
    if member is None:
        return _subject_problems(event, context)
    period = Period.parse(event.period)
    if not member.in_span(period.start, period.end):
        return [Problem(event.at("period"), "event.not-member-in-period", {"subject": member.id, "name": member.name, "period": period})]
    return []


def reviewed_twice(events: Iterable[Event], scheme: Scheme) -> list[Problem]:
    """A member's yearly review is given once (``events``: those that count, in file order): each later one
    for the same member and year is a problem naming the first."""
    review = scheme.review
    if review is None:
        return []
    first: dict[tuple[str, str], Event] = {}
    problems = []
    for event in events:
        if event.kind != "eval" or event.panel != review.panel or event.period is None:
            continue
        key = (event.subject or "", event.period)
        if key in first:
            problems.append(Problem(event.source, "event.reviewed-twice", {
                "subject": event.subject, "year": event.period, "first": first[key].id, "rating": first[key].rating}))
        first.setdefault(key, event)
    return problems


def _redeem_problems(event: Event, scheme: Scheme) -> list[Problem]:
    """A redeem spends a prize of the scheme's catalogue, at its price, while the exchange is open."""
    from jifen.core import exchange as exchange_  # only to check a redeem

    found = scheme.exchange
    if found is None:
        return [Problem(event.source, "event.no-exchange", {"scheme": scheme.id})]
    prize = found.prize(event.item or "")
    if prize is None:
        prizes = ", ".join(f"{p.name}({p.id}) {plain(p.price)}" for p in found.prizes)
        return [Problem(event.at("item"), "event.unknown-prize", {"item": event.item, "prizes": prizes})]
    if event.points != prize.price:
        return [Problem(event.at("points"), "event.prize-price", {"item": prize.name, "points": plain(event.points or 0),
                                                                 "price": plain(prize.price)})]
    if not exchange_.opens(found, event.date):
        start, end = exchange_.next_window(found, event.date)
        return [Problem(event.at("date"), "event.exchange-closed", {"date": event.date, "start": start, "end": end,
                                                                    "days": found.days,
                                                                    "every": Word(f"word.{found.every}")})]
    return []


def _balance_problems(event: Event, standings: Standings) -> list[Problem]:
    """A redeem may not spend more than the member has left before it: a balance never goes below 0."""
    from jifen.core import exchange as exchange_

    if event.id in standings.resolution.removed:
        return []
    before = exchange_.balance(standings, event.subject or "", until=event)
    if before.left >= (event.points or 0):
        return []
    member = standings.members.get(event.subject or "")
    exchange = standings.scheme.exchange
    prize = exchange.prize(event.item or "") if exchange else None
    affordable = exchange is not None and any(p.price <= before.left for p in exchange.prizes)
    return [Problem(event.source, "event.balance-short" if affordable else "event.balance-none", {
        "subject": f"{member.name}({member.id})" if member else event.subject, "item": prize.name if prize else event.item,
        "price": plain(event.points or 0), "earned": plain(before.earned), "spent": plain(before.spent),
        "left": plain(before.left)})]


def unreviewed_problems(ledger: Ledger, standings: Standings) -> list[Problem]:
    """A warning for each member graded in a year the yearly review has begun (the log holds a review for
    it) but who has no review yet: their grade waits (待民主评议); placed on their first join."""
    review = standings.scheme.review
    if review is None or not ledger.events:
        return []
    from jifen.core import outcomes  # only for jifen check, under a scheme with a review

    years = sorted({int(e.period) for e in ledger.events
                    if e.kind == "eval" and e.panel == review.panel and e.period and e.period.isdigit()})
    joins, header = _first_joins(ledger), ledger.header or ledger.events[0]
    problems = []
    for year in years:
        given = outcomes.reviews(standings, year)
        for place in standings.ranked(Period(year, "year", 1)):
            if place.subject not in given:
                member = standings.members[place.subject]
                problems.append(Problem(joins.get(place.subject, header).source, "event.unreviewed", {
                    "subject": f"{member.name}({member.id})", "member": member.id, "year": year}, severity="warning"))
    return problems


def exchange_problems(ledger: Ledger, standings: Standings) -> list[Problem]:
    """Each redeem that spent more than its member had left (warnings: a revoked earning can do that
    after the spending was recorded; ``jifen check`` shows them)."""
    if standings.scheme.exchange is None:
        return []
    return [dataclasses.replace(p, severity="warning")
            for e in ledger.events if e.kind == "redeem" for p in _balance_problems(e, standings)]


def _aspect_problems(event: Event, category: Category) -> list[Problem]:
    """An evaluation form given aspect by aspect: each aspect the category's, within its marks; a form
    lacking aspects is a warning (its panel counts as not in, 未评, until it is complete)."""
    where = event.at("aspects")
    if not category.aspects:
        return [Problem(where, "event.aspects-not-here", {"category": category.id})]
    marks = ", ".join(f"{name} {plain(mark)}" for name, mark in category.aspects.items())
    problems = []
    for name, score in typed.aspects(event.aspects or "").items():
        if name not in category.aspects:
            problems.append(Problem(where, "event.unknown-aspect", {"aspect": name, "aspects": marks}))
        elif not 0 <= score <= category.aspects[name]:
            problems.append(Problem(where, "event.aspect-outside", {"aspect": name, "score": plain(score),
                                                                    "max": plain(category.aspects[name])}))
    missing = [name for name in category.aspects if name not in typed.aspects(event.aspects or "")]
    if missing and not problems:
        problems.append(Problem(where, "event.aspects-missing", {"aspects": "、".join(missing), "panel": event.panel,
                                                                 "id": event.id}, severity="warning"))
    return problems


def _eval_period_problems(event: Event, context: Context) -> list[Problem]:
    scheme = context.scheme
    from jifen.core.engine import (
        eval_period,  # the replay engine is imported only to check an evaluation
    )

    period = eval_period(event, scheme)
    if period.kind != scheme.period:
        return [Problem(event.at("period"), "event.period-kind", {"period": period, "kind": scheme.period})]
    member = context.members.get(event.subject or "")
    if member is None:
        return _subject_problems(event, context)
    if not member.in_span(period.start, period.end):
        return [Problem(event.at("period"), "event.not-member-in-period", {"subject": member.id, "name": member.name, "period": period})]
    return []


def _graded(scheme: Scheme, rule_id: str | None) -> bool:
    rule = scheme.rule(rule_id or "")
    return rule is not None and rule.kind == "graded"


def _graded_twice(counted: Iterable[Event], scheme: Scheme) -> list[Problem]:
    """A graded item is judged once per subject and scoring period (一般 or 较好, not both): each
    later judgement of the same item, counted (not revoked or replaced), is a problem."""
    first: dict[tuple, Event] = {}
    problems = []
    for event in sorted(counted, key=lambda e: e.id):
        if event.kind not in ("score", "declare") or not _graded(scheme, event.rule):
            continue
        period = Period.of(event.date, scheme.period)
        key = (event.subject, event.rule, period)
        if key in first:
            problems.append(Problem(event.source, "event.graded-twice", {
                "rule": event.rule, "subject": event.subject, "period": str(period), "first": first[key].id,
                "level": first[key].level or ""}))
        else:
            first[key] = event
    return problems


def _rule_problems(event: Event, context: Context) -> list[Problem]:
    """``rule_problems``, none for the values of a rule already found to fit it (``Context.fits``)."""
    if context.fits is None:
        return rule_problems(event, context.scheme)
    given = (event.rule, event.count, event.points, event.level, event.measure)
    if given in context.fits:
        return []
    found = rule_problems(event, context.scheme)
    if not found:
        context.fits.add(given)
    return found


def rule_problems(event: Event, scheme: Scheme) -> list[Problem]:
    """What is wrong with ``event``'s rule and the values it gives under it: a rule the scheme does
    not have (with the nearest), or a value its kind refuses. The interactive add asks again on these."""
    rule = scheme.rule(event.rule or "")
    if rule is None:
        close = difflib.get_close_matches(event.rule or "", [r.id for r in scheme.rules], n=1)
        if not close:  # a name mistyped: the nearest names, each with its id
            close = ["、".join(f"{r.id}({r.name})" for r in rules.close(scheme, event.rule or ""))]
        return [Problem(event.at("rule"), "event.unknown-rule", {"rule": event.rule, "scheme": scheme.id, "close": close[0]})]
    wrong = rules.check(rule, event)
    if wrong is None:
        return []
    field = next((f for f in ("points", "level", "measure", "count") if getattr(event, f) is not None), "rule")
    return [Problem(event.at(field), wrong[0], wrong[1])]


OUTSIDE = ("event.not-member-then", "event.not-member-in-period")  # a record of someone not in the branch then


def _stranded(spine: Spine, leave: Event, context: Context) -> list[Problem]:
    """A leave dated before a record already made of its member (a score, a status, an evaluation of a
    later period …), which the log as a whole would then find outside the branch (``OUTSIDE``): the
    leave is refused, placed on its date."""
    member = context.members.get(leave.subject or "")
    if member is None:
        return []
    later = [e for e in (*spine.events, *spine.about(member.id)) if e.subject == member.id
             and e.kind not in ("join", "leave") and any(p.code in OUTSIDE for p in _problems(e, context))]
    if not later:
        return []
    first = min(later, key=lambda e: (e.date, e.id))
    return [Problem(leave.at("date"), "event.leave-before-records",
                    {"subject": member.id, "name": member.name, "date": leave.date, "id": first.id, "then": first.date})]


def _roster_problems(events: Iterable[Event]) -> list[Problem]:
    """Joins of someone already in, and leaves of someone not in, replayed in date order."""
    problems: list[Problem] = []
    inside: dict[str, bool] = {}
    for event in sorted((e for e in events if e.kind in ("join", "leave")), key=lambda e: e.order):
        subject = event.subject or ""
        if event.kind == "join" and inside.get(subject):
            problems.append(Problem(event.source, "event.already-member", {"subject": subject, "name": event.name}))
        inside[subject] = event.kind == "join"
    return problems


def _first_joins(ledger: Ledger) -> dict[str, Event]:
    """Each subject's first join: where a warning about the subject as a whole is placed."""
    joins: dict[str, Event] = {}
    for event in ledger.events:
        if event.kind == "join" and event.subject:
            joins.setdefault(event.subject, event)
    return joins


def unevaluated_problems(ledger: Ledger, standings: Standings) -> list[Problem]:
    """A warning for each subject and year a panel the scheme reads has not evaluated yet (未评: no
    grade or flag until it has), in the years the log holds evaluations for (before the first one,
    evaluating has not begun); placed on the subject's first join, else the header."""
    if not standings.scheme.panels or not ledger.events:
        return []
    years = sorted({Period.parse(e.period).year if e.period else e.date.year for e in ledger.events if e.kind == "eval"})
    joins, header = _first_joins(ledger), ledger.header or ledger.events[0]
    problems = []
    for year in years:
        for score in standings.unevaluated(Period(year, "year", 1)):
            where = joins.get(score.subject, header).source
            problems.append(Problem(where, "event.unevaluated", {
                "subject": f"{standings.members[score.subject].name}({score.subject})", "year": year, "panels": ", ".join(score.missing)}, severity="warning"))
    return problems
