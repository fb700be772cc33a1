"""Reports as data: each function turns standings into a ``Report`` (no printing).

A report has a title, columns and rows for tables (table, CSV, markdown), and
``data``: the JSON document, whose shape is a contract (docs/commands.md).
Column labels are catalogue codes, or literal text from the scheme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jifen import categories, engine, outcomes, rules, workflow
from jifen.model import Category, Event, Ledger, Scheme
from jifen.numbers import plain, shown
from jifen.periods import Period
from jifen.roster import Member


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # a catalogue code ("label.rank"), or literal text when ``literal``
    literal: bool = False
    words: str = ""  # if set, a cell's value is shown as the catalogue entry words + value


@dataclass(frozen=True)
class Report:
    title: tuple[str, dict[str, Any]]
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    data: Any
    notes: tuple[tuple[str, dict[str, Any]], ...] = field(default_factory=tuple)
    form: str = ""  # the paper form it fills, for the Excel renderer: register, summary, card
    # made only when asked for (the Excel sheet, the HTML page): a table on the terminal needs neither
    detail: Report | None = None  # the events behind the numbers (a second sheet)
    chart: dict[str, Any] | None = None  # what a chart of it draws (``chart_data``)


def _lead_columns(ledger: Ledger) -> tuple[Column, ...]:
    """Rank, id and name: how every ranked table starts."""
    return (Column("rank", "label.rank"), Column("member_id", "label.member_id"), Column("member", _subject_label(ledger)))


def _subject_label(ledger: Ledger) -> str:
    return "label.branch-subject" if ledger.subjects == "branches" else "label.member"


def _category_label(category: Category) -> str:
    label = category.name
    if category.max is not None:
        label += f"({plain(category.max)})"
    if category.weight != 1:
        label += f"×{plain(category.weight)}"
    return label


def _exempt_rows(standings: engine.Standings, period: Period) -> list[dict[str, Any]]:
    return [
        {"member_id": s, "member": standings.members[s].name, "score": None, "rank": None, "exempt": True}
        for s in standings.subjects(period)
        if standings.is_exempt(s, period)
    ]


def period_report(ledger: Ledger, standings: engine.Standings, period: Period, detail: bool = False) -> Report:
    """The ranked table of one month, quarter or year (月度登记表 / 季度公示); with ``detail``, the
    events behind it too."""
    scheme = standings.scheme
    scored = [c for c in scheme.categories if not categories.of(c).apart]
    bonuses = [c for c in scheme.categories if categories.of(c).apart]
    rows = []
    for place in standings.ranked(period):
        score = place.score
        bonus = sum((score.categories[c.id] for c in bonuses), Decimal(0))
        rows.append(
            {
                "member_id": place.subject,
                "member": standings.members[place.subject].name,
                "score": place.shown,
                "rank": place.rank,
                "categories": {c.id: shown(score.categories[c.id], scheme.precision) for c in scored},
                "bonus": shown(bonus, scheme.precision),
                "veto": score.veto,
            }
        )
    if scheme.exemption:
        rows += _exempt_rows(standings, period)
    columns = [
        *_lead_columns(ledger),
        *(Column(f"categories.{c.id}", _category_label(c), literal=True) for c in scored),
        *([Column("bonus", "label.bonus")] if bonuses else []),
        Column("score", "label.score"),
        Column("veto", "label.veto"),
        *([Column("exempt", "label.exempt")] if scheme.exemption else []),
    ]
    flow = workflow.state(standings.events, standings.resolution, period)
    data = {"branch": ledger.name, "scheme": scheme.id, "period": str(period), "rows": rows,
            **_workflow_data(flow, standings)}
    title = ("title.report", {"branch": ledger.name, "period": str(period), "scheme": scheme.id})
    notes = _workflow_notes(flow, standings) + (() if rows else (("cli.no-rows", {}),))
    return Report(title, tuple(columns), tuple(_flat(r) for r in rows), data, notes, form="register",
                  detail=events_report(standings, period) if detail else None)


def _who(standings: engine.Standings, subject: str | None) -> str:
    member = standings.members.get(subject or "")
    return f"{member.name}({member.id})" if member else (subject or "")


def _workflow_data(flow: workflow.State, standings: engine.Standings) -> dict[str, Any]:
    """The notice, open appeals, pending declarations, late corrections and closing of a period, as JSON."""
    scheme = standings.scheme
    return {
        "notice": [
            {"period": n.period, "from": n.date.isoformat(), "to": workflow.notice_end(n).isoformat(), "note": n.note}
            for n in flow.notices
        ],
        "appeals": [
            {"id": a.id, "target": a.target, "member_id": a.subject, "member": _who(standings, a.subject),
             "date": a.date.isoformat(), "reason": a.reason}
            for a in flow.appeals
        ],
        "pending": [
            {"id": d.id, "member_id": d.subject, "member": _who(standings, d.subject), "date": d.date.isoformat(),
             "rule": d.rule, "points": engine.raw_value(scheme, d), "note": d.note}
            for d in flow.pending
        ],
        "late": [{"id": e.id, "kind": e.kind, "date": e.date.isoformat(), "reason": e.late} for e in flow.late],
        "closed": [{"period": c.period, "date": c.date.isoformat()} for c in flow.closed],
    }


def _workflow_notes(flow: workflow.State, standings: engine.Standings) -> tuple[tuple[str, dict[str, Any]], ...]:
    notes: list[tuple[str, dict[str, Any]]] = []
    for n in flow.notices:
        notes.append(("note.notice", {"period": n.period, "from": n.date.isoformat(),
                                      "to": workflow.notice_end(n).isoformat(), "note": n.note or ""}))
    for a in flow.appeals:
        notes.append(("note.appeal", {"id": a.id, "target": a.target, "who": _who(standings, a.subject),
                                      "reason": a.reason}))
    for d in flow.pending:
        notes.append(("note.pending", {"id": d.id, "who": _who(standings, d.subject), "rule": d.rule,
                                       "date": d.date.isoformat()}))
    for e in flow.late:
        notes.append(("note.late", {"id": e.id, "reason": e.late}))
    for c in flow.closed:
        notes.append(("note.closed", {"period": c.period, "date": c.date.isoformat()}))
    return tuple(notes)


def grade_report(ledger: Ledger, standings: engine.Standings, year: int, detail: bool = False,
                 chart: bool = False) -> Report:
    """Annual scores, grades and ranks (年度评定), with stars, eligibility and flags where the scheme has
    them; with ``detail``, the events behind them; with ``chart``, what a chart of the year draws."""
    scheme = standings.scheme
    period = Period(year, "year", 1)
    parts = [str(p) for p in period.parts(scheme.period)] if scheme.period != "year" else []
    show_eligible = outcomes.has_eligibility(standings)
    show_flags = bool(scheme.flags) or any(b.quota for b in scheme.grades) or scheme.veto_effect == "disqualify"
    rows = []
    for result in outcomes.annual(standings, year):
        row: dict[str, Any] = {
            "member_id": result.subject,
            "member": standings.members[result.subject].name,
            "score": result.shown,
            "rank": result.rank,
            "grade": result.grade,
            "veto": result.score.veto,
            "periods": {p: shown(v, scheme.precision) for p, v in result.score.parts.items()},
        }
        if scheme.stars:
            row["stars"] = result.stars
        if show_eligible:
            row["eligible"] = result.eligible
        if show_flags:
            row["flags"] = list(result.flags)
            if result.flag_months:
                row["flag_months"] = result.flag_months
        rows.append(row)
    if scheme.exemption:
        rows += _exempt_rows(standings, period)
    columns = [
        *_lead_columns(ledger),
        *(Column(f"periods.{p}", p, literal=True) for p in parts),
        Column("score", "label.score"),
        *([Column("grade", "label.grade")] if scheme.grades else []),
        *([Column("stars", "label.stars")] if scheme.stars else []),
        *([Column("eligible", "label.eligible", words="eligible.")] if show_eligible else []),
        *([Column("flags", "label.flags", words="flag.")] if show_flags else []),
        Column("veto", "label.veto"),
        *([Column("exempt", "label.exempt")] if scheme.exemption else []),
    ]
    data = {"branch": ledger.name, "scheme": scheme.id, "year": year, "rows": rows}
    title = ("title.grade", {"branch": ledger.name, "year": year, "scheme": scheme.id})
    notes = _quota_notes(rows) + (() if rows else (("cli.no-rows", {}),))
    return Report(title, tuple(columns), tuple(_flat(r) for r in rows), data, notes, form="summary",
                  detail=events_report(standings, period) if detail else None,
                  chart=chart_data(ledger, standings, year) if chart else None)


def _quota_notes(rows: list[dict[str, Any]]) -> tuple[tuple[str, dict[str, Any]], ...]:
    """A line naming those kept out of a band by its quota, so the notice board says so."""
    cut = [f"{r['member']}({r['member_id']})" for r in rows if outcomes.QUOTA_FLAG in r.get("flags", ())]
    return (("note.quota", {"names": "、".join(cut)}),) if cut else ()


SCORED_KINDS = ("score", "declare", "veto", "eval", "amend", "ruling")  # the kinds a statement gives running scores


def show_report(
    ledger: Ledger, standings: engine.Standings, subject: str, year: int | None = None
) -> Report:
    """One subject's statement: every event about them, what it counted, running scores."""
    scheme = standings.scheme
    member = standings.members[subject]
    counts = standings.resolution.standing_for
    counted = {b.event.id: b.value for b in standings.entries(subject)}
    decided = standings.resolution.decided
    rows = [
        counts.get(e.id, e) if e.kind in ("amend", "ruling") else e
        for e in sorted(ledger.events, key=lambda e: e.order)
        if (e.subject == subject and e.kind != "appeal") or (e.id in counted and e.kind in ("amend", "ruling"))
    ]
    by_id: dict[int, Event] = {}
    for e in ledger.events:
        by_id.setdefault(e.id, e)  # the first recorded under an id, as the statement always showed
    rows = [(e, by_id[e.id]) for e in rows if year is None or e.date.year == year]
    # the running scores of the scoring period and of the month, up to each counted row, in one pass
    running_at = {
        e.id: [shown(s.total, scheme.precision) for s in scores]
        for e, scores in standings.running(
            subject,
            (shown_as for shown_as, event in rows if event.kind in SCORED_KINDS and event.id in counts),
            (scheme.period, "month"),
        )
    }
    events = []
    for shown_as, event in rows:
        points = counted.get(event.id)
        if points is None and shown_as.kind in ("score", "declare"):
            points = engine.raw_value(scheme, shown_as)
        scored = event.kind in SCORED_KINDS
        running, running_month = running_at.get(event.id, (None, None)) if scored else (None, None)
        pending = event.kind == "declare" and event.id not in decided
        events.append(
            {
                "id": event.id,
                "date": shown_as.date.isoformat(),
                "kind": event.kind,
                "rule": shown_as.rule,
                "points": points,
                "note": event.note or event.reason or event.name,
                "by": event.by,
                "revoked": scored and event.id not in counts and not pending,
                "running": running,
                "running_month": running_month,
                "late": event.late,
            }
        )
    periods = {}
    for period in _periods_of(member, standings, year):
        periods[str(period)] = shown(standings.score(subject, period).total, scheme.precision)
    columns = (
        Column("id", "label.id"),
        Column("date", "label.date"),
        Column("kind", "label.kind", words="kind."),
        Column("rule", "label.rule"),
        Column("points", "label.points"),
        Column("running_month", "label.running-month"),
        Column("running", "label.running"),
        Column("note", "label.note"),
        Column("by", "label.by"),
        Column("revoked", "label.revoked"),
    )
    data = {"member_id": subject, "member": member.name, "events": events, "periods": periods}
    notes = tuple(("note.period", {"period": p, "score": v}) for p, v in periods.items())
    graded = [int(p) for p in periods if p.isdigit()]
    if graded:
        latest = outcomes.annual(standings, max(graded))
        mine = next((o for o in latest if o.subject == subject), None)
        data["grade"] = {"year": max(graded), "grade": mine.grade if mine else None, "rank": mine.rank if mine else None}
        if mine is not None and mine.grade:
            notes = notes + (("note.grade", {"year": max(graded), "grade": mine.grade, "rank": mine.rank}),)
    title = ("title.show", {"member": member.name, "member_id": subject})
    return Report(title, columns, tuple(events), data, notes, form="card")


def _periods_of(member: Member, standings: engine.Standings, year: int | None) -> list[Period]:
    years = sorted({s.year for s, _ in member.spells} | {e.year for _, e in member.spells if e})
    if year is not None:
        years = [year]
    elif member.active and years:
        latest = max([b.event.date.year for b in standings.entries(member.id)] or [years[-1]])
        years = list(range(years[0], max(years[-1], latest) + 1))
    periods: list[Period] = []
    for y in years:
        whole = Period(y, "year", 1)
        periods += [p for p in whole.parts(standings.scheme.period) if member.in_span(p.start, p.end)]
        if member.in_span(whole.start, whole.end):
            periods.append(whole)
    return periods


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
        Column("member", _subject_label(ledger)),
        Column("joined", "label.joined"),
        Column("left", "label.left"),
        Column("active", "label.status"),
    )
    return Report(("title.members", {"branch": ledger.name}), columns, tuple(rows), {"branch": ledger.name, "rows": rows})


def scheme_report(scheme: Scheme) -> Report:
    """A scheme's categories and rules, as a recorder looks them up."""
    rows = []
    values = []  # what each row's rule (or evaluation) is worth, in words: the table's, not the JSON's
    for category in scheme.categories:
        if categories.of(category).evaluated:
            values.append(categories.Evaluation.describe(category))
            rows.append(
                {
                    "category": category.id,
                    "category_name": _category_label(category),
                    "rule": None,
                    "item": None,
                    "name": None,
                    "kind": "evaluation",
                    "panels": list(category.panels),
                    "ratings": dict(category.ratings),
                    "out_of": category.out_of,
                    "aspects": dict(category.aspects),
                }
            )
        for rule in category.rules:
            item = category.item(rule.item) if rule.item else None
            values.append(rules.describe(rule))
            rows.append(
                {
                    "category": category.id,
                    "category_name": _category_label(category),
                    "item": f"{item.name}({plain(item.max)})" if item else None,
                    "rule": rule.id,
                    "name": rule.name,
                    "kind": rule.kind,
                    **{k: v for k, v in rule.params.items()},
                }
            )
    columns = (
        Column("category_name", "label.category"),
        Column("item", "label.item"),
        Column("rule", "label.rule"),
        Column("name", "label.name"),
        Column("value", "label.value"),
    )
    table_rows = tuple({**r, "value": v} for r, v in zip(rows, values))
    data = {
        "scheme": scheme.id,
        "name": scheme.name,
        "period": scheme.period,
        "precision": scheme.precision,
        "total": scheme.total,
        "example_values": scheme.example_values,
        "roles": dict(scheme.roles),
        "grades": [{"name": b.name, "min": b.min, "max": b.max, "quota": _quota(b.quota)} for b in scheme.grades],
        "stars": [{"name": b.name, "min": b.min} for b in scheme.stars],
        "rules": rows,
    }
    notes = (("note.example-values", {}),) if scheme.example_values else ()
    return Report(("title.scheme", {"scheme": scheme.id, "name": scheme.name}), columns, table_rows, data, notes)


def _quota(value) -> str | None:
    return None if value is None else str(value)


def schemes_report(schemes: list[tuple[str, str, str]]) -> Report:
    """The schemes found: id, name, file."""
    rows = tuple({"scheme": i, "name": n, "path": p} for i, n, p in schemes)
    columns = (Column("scheme", "label.id"), Column("name", "label.name"), Column("path", "label.path"))
    return Report(("title.scheme", {"scheme": "", "name": ""}), columns, rows, list(rows))


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with nested mappings spread into ``outer.inner`` keys, for tables."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def rollup_report(found, ranks: dict[str, int], year: int, errors: dict[str, str]) -> Report:
    """The committee view: each branch's members, average, grade counts and rank; failures by name."""
    grade_names: list[str] = []
    for summary in found:
        for name in summary.grades:
            if name not in grade_names:
                grade_names.append(name)
    rows = []
    for summary in sorted(found, key=lambda s: (ranks.get(s.path, 10**9), s.path)):
        rows.append(
            {
                "rank": ranks.get(summary.path),
                "branch": summary.branch,
                "path": summary.path,
                "scheme": summary.scheme,
                "members": summary.members,
                "average": summary.average,
                "grades": dict(summary.grades),
                "error": errors.get(summary.path),
            }
        )
    columns = (
        Column("rank", "label.rank"),
        Column("branch", "label.branch-subject"),
        Column("scheme", "label.scheme"),
        Column("members", "label.members"),
        Column("average", "label.average"),
        *(Column(f"grades.{g}", g, literal=True) for g in grade_names),
        Column("error", "label.error"),
        Column("path", "label.path"),
    )
    data = {"year": year, "branches": rows}
    return Report(("title.rollup", {"year": year, "count": len(rows)}), columns, tuple(_flat(r) for r in rows), data)


def events_report(standings: engine.Standings, period: Period) -> Report:
    """Every score, declaration, veto and evaluation dated in ``period``, with what it counted."""
    scheme = standings.scheme
    counted = {(b.event.id, s): b.value for s, entries in standings.booked.items() for b in entries}
    effective = standings.resolution.standing_for
    rows = []
    for event in sorted(standings.events, key=lambda e: e.order):
        if event.kind not in ("score", "declare", "veto", "eval") or not period.contains(event.date):
            continue
        rule = scheme.rule(event.rule or "") if event.rule else None
        rows.append(
            {
                "id": event.id,
                "date": event.date.isoformat(),
                "member_id": event.subject,
                "member": standings.members[event.subject].name if event.subject in standings.members else event.subject,
                "kind": event.kind,
                "rule": event.rule,
                "rule_name": rule.name if rule else None,
                "points": counted.get((event.id, event.subject)),
                "note": event.note or event.reason,
                "by": event.by,
                "counted": event.id in effective,
            }
        )
    columns = (
        Column("id", "label.id"), Column("date", "label.date"), Column("member_id", "label.member_id"),
        Column("member", "label.member"), Column("kind", "label.kind", words="kind."), Column("rule", "label.rule"),
        Column("rule_name", "label.name"), Column("points", "label.points"), Column("note", "label.note"),
        Column("by", "label.by"), Column("counted", "label.counted"),
    )
    return Report(("title.events", {"period": str(period)}), columns, tuple(rows), rows)


def chart_data(ledger: Ledger, standings: engine.Standings, year: int, subject: str | None = None) -> dict[str, Any]:
    """The numbers a chart draws: each scoring period's scores of the year, per subject (shown values)."""
    scheme = standings.scheme
    whole = Period(year, "year", 1)
    parts = whole.parts(scheme.period) if scheme.period != "year" else [whole]
    subjects = [subject] if subject else [s for s in standings.subjects(whole) if not standings.is_exempt(s, whole)]
    series = {}
    for who in subjects:
        member = standings.members[who]
        series[f"{member.name}({who})"] = [
            shown(standings.score(who, p).total, scheme.precision) if member.in_span(p.start, p.end) else None
            for p in parts
        ]
    return {"branch": ledger.name, "year": year, "periods": [str(p) for p in parts], "series": series,
            "member": subject}
