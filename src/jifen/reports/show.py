"""One subject's statement: every event about them, what it counted, running scores."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from jifen.core import corrections, engine, exchange, outcomes
from jifen.core.model import IN_ORDER, Event, Ledger
from jifen.core.numbers import plain, shown
from jifen.core.periods import Period
from jifen.core.roster import Member
from jifen.reports.base import (
    Column,
    Report,
)

SCORED_KINDS = ("score", "declare", "veto", "eval", "amend", "ruling")  # the kinds a statement gives running scores


def show_report(
    ledger: Ledger, standings: engine.Standings, subject: str, year: int | None = None,
    standings_of: Callable[[int], engine.Standings] | None = None,
    about: Sequence[Event] | None = None, resolution: corrections.Resolution | None = None,
) -> Report:
    """One subject's statement: every event about them, what it counted, running scores.
    ``standings_of(year)``, where versions of the scheme govern different years
    (``Book.standings_for``): each year's events and scores under its own version. ``about``: the
    events to look through (the subject's and every correction, in file order; ``Book.about``) and
    ``resolution`` what they came to, where the caller has them without the whole log."""
    of = standings_of or (lambda _year: standings)
    member = standings.members[subject]
    every = ledger.events if about is None else about
    resolution = standings.resolution if resolution is None else resolution
    counts = resolution.standing_for
    replays = [standings] if standings_of is None else list(
        {id(r): r for r in map(of, sorted({e.date.year for e in every}))}.values())
    counted = {b.event.id: b.value for r in replays for b in r.entries(subject)}  # each version books its own years
    rows = [
        counts.get(e.id, e) if e.kind in ("amend", "ruling") else e
        for e in sorted(every, key=IN_ORDER)
        if (e.subject == subject and e.kind != "appeal") or (e.id in counted and e.kind in ("amend", "ruling"))
    ]
    by_id: dict[int, Event] = {}
    for e in every:
        by_id.setdefault(e.id, e)  # the first recorded under an id, as the statement always showed
    rows = [(e, by_id[e.id]) for e in rows if year is None or e.date.year == year]
    years = sorted({e.date.year for e, _ in rows} | ({year} if year is not None else set()))
    scheme = of(years[-1] if years else _first_year(ledger)).scheme  # the columns: the latest version shown
    # the running scores of the scoring period and of the month, up to each counted row, in one pass a version
    running_at = {}
    for here in replays:
        running_at.update({
            e.id: [shown(s.total, here.scheme.precision) for s in scores]
            for e, scores in here.running(
                subject,
                (shown_as for shown_as, event in rows
                 if event.kind in SCORED_KINDS and event.id in counts and of(shown_as.date.year) is here),
                (here.scheme.period, "month"),
            )
        })
    events = []
    for shown_as, event in rows:
        points = counted.get(event.id)
        if points is None and shown_as.kind in ("score", "declare"):
            points = engine.raw_value(of(shown_as.date.year).scheme, shown_as)
        scored = event.kind in SCORED_KINDS
        running, running_month = running_at.get(event.id, (None, None)) if scored else (None, None)
        status = resolution.status(event)
        events.append(
            {
                "id": event.id,
                "date": shown_as.date.isoformat(),
                "kind": event.kind,
                "rule": shown_as.rule,
                "rule_name": _rule_name(of(shown_as.date.year).scheme, shown_as.rule),
                "points": points,
                "note": _note(event, scheme),
                **({"aspects": engine.form(event.aspects)} if event.kind == "eval" and event.aspects else {}),
                "by": event.by,
                "revoked": scored and status.removed,
                "running": running,
                "running_month": running_month,
                "late": event.late,
            }
        )
    periods: dict[str, Any] = {}
    missing: dict[str, list[str]] = {}  # a period some panel has not evaluated yet: no score (未评), as on reports
    booked_years = [b.event.date.year for r in replays for b in r.entries(subject)]
    for period in _periods_of(member, booked_years, year, of):
        here = of(period.year)
        score = here.score(subject, period)
        periods[str(period)] = None if score.missing else shown(score.total, here.scheme.precision)
        if score.missing:
            missing[str(period)] = list(score.missing)
    running = [
        *([Column("running_month", "label.running-month", spare=2)] if scheme.period != "month" else []),
        Column("running", f"label.running-{scheme.period}", spare=3),  # the scoring period's: 本季累计, 本年累计 …
    ]
    columns = (
        Column("id", "label.id"),
        Column("date", "label.date"),
        Column("kind", "label.kind", words="kind."),
        Column("rule", "label.rule"),
        Column("points", "label.points"),
        *running,
        Column("note", "label.note", spare=4),
        Column("by", "label.by", spare=1),  # a narrow terminal shows what happened before who wrote it down
        Column("revoked", "label.revoked"),
    )
    printed = (  # the card on paper: rule names, not ids
        Column("id", "label.id"),
        Column("date", "label.date"),
        Column("kind", "label.kind", words="kind."),
        Column("rule_name", "label.rule"),
        Column("points", "label.points"),
        *running,
        Column("note", "label.note"),
        Column("revoked", "label.revoked"),
    )
    data = {"member_id": subject, "member": member.name, "events": events, "periods": periods,
            "branch": ledger.name, "subjects": ledger.subjects, "scheme_period": scheme.period}
    if missing:
        data["missing"] = missing
    notes = tuple(("note.period", {"period": p, "score": v}) if v is not None else
                  ("note.period-missing", {"period": p, "panels": ", ".join(missing[p])}) for p, v in periods.items())
    graded = [int(p) for p in periods if p.isdigit()]
    if graded:
        grade, rank = outcomes.placed(of(max(graded)), max(graded), subject) or (None, None)
        data["grade"] = {"year": max(graded), "grade": grade, "rank": rank}
        if grade:
            notes = notes + (("note.grade", {"year": max(graded), "grade": grade, "rank": rank}),)
    if scheme.exchange is not None:  # the points exchange: earned, spent, left (at the year's end, or now)
        found = exchange.balance(standings, subject, day=Period(year, "year", 1).end if year is not None else None)
        data["balance"] = {"earned": found.earned, "spent": found.spent, "left": found.left}
        notes = notes + (("note.balance", data["balance"]),)
    title = ("title.show", {"member": member.name, "member_id": subject})
    return Report(title, columns, tuple(events), data, notes, form="card", printed=printed)


def _note(event: Event, scheme) -> str | None:
    """The note column: an evaluation form's aspects and their sum (95 = 理想信念 9 + 宗旨意识 10 + …), or
    the prize a redeem spent points on and its price (一卷抽纸 −5), before its note; else the note, the
    reason or the name."""
    if event.kind == "redeem":
        prize = scheme.exchange.prize(event.item or "") if scheme.exchange is not None else None
        spent = f"{prize.name if prize else event.item} −{plain(event.points or 0)}"
        return f"{spent} {event.note}" if event.note else spent
    if event.kind == "eval" and event.aspects:
        given = engine.form(event.aspects)
        form = f"{plain(sum(given.values()))} = " + " + ".join(f"{n} {plain(v)}" for n, v in given.items())
        return f"{form} {event.note}" if event.note else form
    return event.note or event.reason or event.name


def _rule_name(scheme, rule: str | None) -> str | None:
    found = scheme.rule(rule or "") if rule else None
    return found.name if found else rule


def _first_year(ledger: Ledger) -> int:
    """The year of the log's first event (a statement with no events of its own)."""
    return ledger.events[0].date.year if ledger.events else 2000


def _periods_of(member: Member, booked_years: list[int], year: int | None,
                of: Callable[[int], engine.Standings]) -> list[Period]:
    years = sorted({s.year for s, _ in member.spells} | {e.year for _, e in member.spells if e})
    if year is not None:
        years = [year]
    elif member.active and years:
        latest = max(booked_years or [years[-1]])
        years = list(range(years[0], max(years[-1], latest) + 1))
    periods: list[Period] = []
    for y in years:
        whole = Period(y, "year", 1)
        periods += [p for p in whole.parts(of(y).scheme.period) if member.in_span(p.start, p.end)]
        if member.in_span(whole.start, whole.end):
            periods.append(whole)
    return periods
