"""Checking events against the scheme and the roster: problems as values.

``ledger_problems`` checks a whole log (``jifen check``); ``event_problems``
checks one event that is about to be appended (``jifen add`` and friends).
Both run the same per-event checks.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from jifen import roster, rules
from jifen.engine import eval_period as engine_period
from jifen.model import Event, Ledger, Problem, Scheme

REVOCABLE = ("score", "veto")


@dataclass(frozen=True)
class Context:
    scheme: Scheme
    members: dict[str, roster.Member]
    events: dict[int, Event]
    today: dt.date | None


def ledger_problems(ledger: Ledger, scheme: Scheme, today: dt.date | None = None) -> list[Problem]:
    """Every problem of the events of ``ledger`` under ``scheme``, in file order."""
    context = Context(scheme, roster.build(ledger.events), {e.id: e for e in ledger.events}, today)
    problems: list[Problem] = []
    revoked: dict[int, Event] = {}
    for event in ledger.events:
        problems += _problems(event, context)
        if event.kind == "revoke" and event.target is not None:
            if event.target in revoked:
                first = revoked[event.target]
                problems.append(Problem(event.source, "event.revoked-twice", {"target": event.target, "by": first.id}))
            revoked.setdefault(event.target, event)
    problems += _roster_problems(ledger)
    return problems


def event_problems(ledger: Ledger, scheme: Scheme, event: Event, today: dt.date | None) -> list[Problem]:
    """Problems of appending ``event`` to ``ledger``."""
    events = (*ledger.events, event)
    context = Context(scheme, roster.build(events), {e.id: e for e in events}, today)
    problems = _problems(event, context)
    if event.kind == "revoke":
        if any(e.kind == "revoke" and e.target == event.target for e in ledger.events):
            problems.append(Problem(event.source, "event.revoked-twice", {"target": event.target, "by": "?"}))
    if event.kind == "join":
        whole = Ledger(ledger.path, events)
        problems += [p for p in _roster_problems(whole) if p.source == event.source]
    return problems


def _problems(event: Event, context: Context) -> list[Problem]:
    problems: list[Problem] = []
    if context.today is not None and event.date > context.today:
        problems.append(Problem(event.at("date"), "event.future", {"date": event.date, "today": context.today}))
    if event.kind in ("score", "veto", "leave"):
        problems += _subject_problems(event, context)
    if event.kind == "score":
        problems += _rule_problems(event, context.scheme)
    if event.kind == "eval":
        problems += _eval_problems(event, context)
    if event.kind == "exempt":
        problems += _exempt_problems(event, context)
    if event.kind == "join" and event.role is not None and event.role not in context.scheme.roles:
        roles = ", ".join(context.scheme.roles) or "-"
        problems.append(Problem(event.at("role"), "event.unknown-role", {"role": event.role, "roles": roles}))
    if event.kind == "revoke":
        target = context.events.get(event.target or 0)
        if target is None or target.id >= event.id:
            problems.append(Problem(event.at("target"), "event.unknown-target", {"target": event.target}))
        elif target.kind not in REVOCABLE:
            problems.append(
                Problem(event.at("target"), "event.not-revocable", {"target": target.id, "kind": target.kind})
            )
    return problems


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
    if category is None:
        panels = ", ".join(scheme.panels) or "-"
        return [Problem(event.at("panel"), "event.unknown-panel", {"panel": event.panel, "panels": panels, "scheme": scheme.id})]
    if (event.score is None) == (event.rating is None):
        return [Problem(event.source, "event.score-or-rating", {"ratings": ", ".join(category.ratings) or "-"})]
    if event.rating is not None and event.rating not in category.ratings:
        ratings = ", ".join(category.ratings) or "-"
        return [Problem(event.at("rating"), "event.unknown-rating", {"rating": event.rating, "ratings": ratings})]
    if event.score is not None and not 0 <= event.score <= category.out_of:
        return [Problem(event.at("score"), "event.score-outside", {"score": event.score, "out_of": category.out_of})]
    period = engine_period(event, scheme)
    if period.kind != scheme.period:
        return [Problem(event.at("period"), "event.period-kind", {"period": period, "kind": scheme.period})]
    member = context.members.get(event.subject or "")
    if member is None:
        return _subject_problems(event, context)
    if not member.in_span(period.start, period.end):
        return [Problem(event.at("period"), "event.not-member-in-period", {"subject": member.id, "name": member.name, "period": period})]
    return []


def _exempt_problems(event: Event, context: Context) -> list[Problem]:
    if not context.scheme.exemption:
        return [Problem(event.source, "event.no-exemption", {"scheme": context.scheme.id})]
    return _subject_problems(event, context)


def _rule_problems(event: Event, scheme: Scheme) -> list[Problem]:
    rule = scheme.rule(event.rule or "")
    if rule is None:
        close = difflib.get_close_matches(event.rule or "", [r.id for r in scheme.rules], n=1)
        return [Problem(event.at("rule"), "event.unknown-rule", {"rule": event.rule, "scheme": scheme.id, "close": close[0] if close else ""})]
    wrong = rules.check(rule, event)
    field = next((f for f in ("points", "level", "measure", "count") if getattr(event, f) is not None), "rule")
    return [] if wrong is None else [Problem(event.at(field), wrong[0], wrong[1])]


def _roster_problems(ledger: Ledger) -> list[Problem]:
    """Joins of someone already in, and leaves of someone not in, replayed in date order."""
    problems: list[Problem] = []
    inside: dict[str, bool] = {}
    for event in sorted((e for e in ledger.events if e.kind in ("join", "leave")), key=lambda e: e.order):
        subject = event.subject or ""
        if event.kind == "join" and inside.get(subject):
            problems.append(Problem(event.source, "event.already-member", {"subject": subject, "name": event.name}))
        inside[subject] = event.kind == "join"
    return problems
