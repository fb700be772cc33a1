"""The ranked table of a month, quarter or year (月度登记表 / 季度公示), with its workflow state."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from jifen.core import categories, corrections, engine, workflow
from jifen.core.model import Event, Ledger
from jifen.core.numbers import shown
from jifen.core.periods import Period
from jifen.reports.base import (
    Column,
    Report,
    category_column,
    exempt_rows,
    flat,
    lead_columns,
    missing_column,
    name_of,
    of_group,
    people,
    people_columns,
    reasons,
    unevaluated_rows,
    who,
)
from jifen.reports.events import events_report


def period_report(ledger: Ledger, standings: engine.Standings, period: Period, detail: bool = False,
                  explain: bool = True, group: str | None = None,
                  flow: tuple[Sequence[Event], corrections.Resolution] | None = None) -> Report:
    """The ranked table of one month, quarter or year (月度登记表 / 季度公示); with ``detail``, the
    events behind it too; with ``explain``, each row's reasons (what a table leaves out); with
    ``group``, only the rows of that group's members, ranked as in the whole branch. ``flow``: the
    events the period's workflow looks through and what they came to (``Book.workflow``), where the
    caller has them without the whole log."""
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
                **people(standings, place.subject, period),
                "score": place.shown,
                "rank": place.rank,
                "categories": {c.id: shown(score.categories[c.id], scheme.precision) for c in scored},
                "bonus": shown(bonus, scheme.precision),
                "veto": score.veto,
                "reasons": reasons(standings, place.subject, period) if explain else [],
            }
        )
    if scheme.exemption:
        rows += exempt_rows(standings, period, {"categories": {}, "bonus": None, "veto": False, "reasons": []})
    for row in unevaluated_rows(standings, period):
        score = standings.score(row["member_id"], period)
        known = {c.id: None if set(c.panels) & set(score.missing) else shown(score.categories[c.id], scheme.precision)
                 for c in scored}  # what is in so far; a category still waiting for a panel shows nothing
        bonus = sum((score.categories[c.id] for c in bonuses), Decimal(0))
        rows.append({**row, "categories": known, "bonus": shown(bonus, scheme.precision),
                     "reasons": reasons(standings, row["member_id"], period) if explain else []})
    rows = of_group(rows, standings, group, period)
    columns = [
        *lead_columns(ledger),
        *people_columns(standings),
        *(category_column(c) for c in scored),
        *([Column("bonus", "label.bonus")] if bonuses else []),
        Column("score", "label.score"),
        Column("veto", "label.veto"),
        *([Column("exempt", "label.exempt")] if scheme.exemption else []),
        *missing_column(rows),
    ]
    flow_events, resolution = flow if flow is not None else (standings.events, standings.resolution)
    state = workflow.state(tuple(flow_events), resolution, period)
    data = {"branch": ledger.name, "scheme": scheme.id, "period": str(period), "rows": rows,
            "subjects": ledger.subjects, "scheme_period": scheme.period, **_above(ledger),
            **_workflow_data(state, standings)}
    title = ("title.report.branches" if ledger.subjects == "branches" else "title.report",
             {"branch": ledger.name, "period": str(period), "scheme": scheme.id})
    notes = _workflow_notes(state, standings) + (() if rows else (("cli.no-rows", {}),))
    if group is not None:
        notes += (("note.group", {"group": group}),)
        data["group"] = group
    return Report(title, tuple(columns), tuple(flat(r) for r in rows), data, notes, form="register",
                  detail=events_report(standings, period) if detail else None)


def _workflow_data(flow: workflow.State, standings: engine.Standings) -> dict[str, Any]:
    """The notice, open appeals, pending declarations, late corrections and closing of a period, as JSON."""
    scheme = standings.scheme
    return {
        "notice": [
            {"period": n.period, "from": n.date.isoformat(), "to": workflow.notice_end(n).isoformat(), "note": n.note}
            for n in flow.notices
        ],
        "appeals": [
            {"id": a.id, "target": a.target, "member_id": a.subject, "member": who(standings, a.subject),
             "name": name_of(standings, a.subject),
             "date": a.date.isoformat(), "reason": a.reason}
            for a in flow.appeals
        ],
        "pending": [
            {"id": d.id, "member_id": d.subject, "member": who(standings, d.subject), "date": d.date.isoformat(),
             "name": name_of(standings, d.subject), "rule": d.rule, "rule_name": _rule_name(scheme, d.rule), "points": engine.raw_value(scheme, d), "note": d.note}
            for d in flow.pending
        ],
        "late": [{"id": e.id, "kind": e.kind, "date": e.date.isoformat(), "reason": e.late} for e in flow.late],
        "closed": [{"period": c.period, "date": c.date.isoformat()} for c in flow.closed],
    }


def _above(ledger: Ledger) -> dict[str, str]:
    """The organisation above the branch, for the notice's issuing body, if the ledger names one."""
    return {"above": ledger.above} if ledger.above else {}


def _rule_name(scheme, rule: str | None) -> str:
    found = scheme.rule(rule or "")
    return found.name if found else (rule or "")


def _workflow_notes(flow: workflow.State, standings: engine.Standings) -> tuple[tuple[str, dict[str, Any]], ...]:
    notes: list[tuple[str, dict[str, Any]]] = []
    for n in flow.notices:
        notes.append(("note.notice", {"period": n.period, "from": n.date.isoformat(),
                                      "to": workflow.notice_end(n).isoformat(), "note": n.note or ""}))
    for a in flow.appeals:
        notes.append(("note.appeal", {"id": a.id, "target": a.target, "who": who(standings, a.subject),
                                      "reason": a.reason}))
    for d in flow.pending:
        notes.append(("note.pending", {"id": d.id, "who": who(standings, d.subject), "rule": d.rule,
                                       "date": d.date.isoformat()}))
    for e in flow.late:
        notes.append(("note.late", {"id": e.id, "reason": e.late}))
    for c in flow.closed:
        notes.append(("note.closed", {"period": c.period, "date": c.date.isoformat()}))
    return tuple(notes)
