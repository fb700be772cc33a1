"""The year's grades (年度评定): scores, grades, ranks, stars, eligibility and flags."""

from __future__ import annotations

from typing import Any

from jifen.core import engine, outcomes
from jifen.core.model import Ledger
from jifen.core.numbers import shown
from jifen.core.periods import Period
from jifen.reports.base import (
    Column,
    Report,
    exempt_rows,
    flat,
    lead_columns,
    missing_column,
    of_group,
    people,
    people_columns,
    reasons,
    unevaluated_rows,
)
from jifen.reports.chart import chart_data
from jifen.reports.events import events_report


def grade_report(ledger: Ledger, standings: engine.Standings, year: int, detail: bool = False,
                 chart: bool = False, explain: bool = True, group: str | None = None) -> Report:
    """Annual scores, grades and ranks (年度评定), with stars, eligibility and flags where the scheme has
    them; with ``detail``, the events behind them; with ``chart``, what a chart of the year draws;
    with ``explain``, each row's reasons and why a period is blank (what a table leaves out); with
    ``group``, only the rows of that group's members, ranked and graded as in the whole branch."""
    scheme = standings.scheme
    period = Period(year, "year", 1)
    parts = [str(p) for p in period.parts(scheme.period)] if scheme.period != "year" else []
    show_eligible = outcomes.has_eligibility(standings)
    show_flags = (bool(scheme.flags) or any(b.quota for b in scheme.grades) or scheme.veto_effect == "disqualify"
                  or scheme.review is not None)
    reviewed = outcomes.reviews(standings, year)
    rows = []
    for result in outcomes.annual(standings, year):
        row: dict[str, Any] = {
            "member_id": result.subject,
            "member": standings.members[result.subject].name,
            **people(standings, result.subject, period),
            "score": result.shown,
            "rank": result.rank,
            "grade": result.grade,
            "veto": result.score.veto,
            "periods": {p: shown(v, scheme.precision) for p, v in result.score.parts.items()},
            "reasons": reasons(standings, result.subject, period) if explain else [],
        }
        absent = _absent(standings, result.subject, period) if explain else None
        if absent:
            row["absent"] = absent
        if scheme.review is not None:
            row["review"] = reviewed.get(result.subject)
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
        unscored: dict[str, Any] = {"grade": None, "veto": False, "periods": {}, "reasons": []}
        unscored.update({"review": None} if scheme.review is not None else {})
        unscored.update({"stars": None} if scheme.stars else {})
        unscored.update({"eligible": None} if show_eligible else {})
        unscored.update({"flags": []} if show_flags else {})
        rows += exempt_rows(standings, period, unscored)
    if scheme.panels:
        waiting: dict[str, Any] = {"grade": None, "periods": {}, "reasons": []}
        waiting.update({"stars": None} if scheme.stars else {})
        waiting.update({"eligible": None} if show_eligible else {})
        waiting.update({"flags": []} if show_flags else {})
        for row in unevaluated_rows(standings, period, waiting):  # not yet graded, but what moved is shown
            rows.append({**row, "reasons": reasons(standings, row["member_id"], period) if explain else []})
    rows = of_group(rows, standings, group, period)
    columns = [
        *lead_columns(ledger),
        *people_columns(standings),
        *(Column(f"periods.{p}", p, literal=True, short=p[4:].lstrip("-")) for p in parts),  # Q1, 03
        Column("score", "label.score"),
        *([Column("review", "label.review")] if scheme.review is not None else []),
        *([Column("grade", "label.grade")] if scheme.grades else []),
        *([Column("stars", "label.stars")] if scheme.stars else []),
        *([Column("eligible", "label.eligible", words="eligible.")] if show_eligible else []),
        *([Column("flags", "label.flags", words="flag.")] if show_flags else []),
        Column("veto", "label.veto"),
        *([Column("exempt", "label.exempt")] if scheme.exemption else []),
        *missing_column(rows),
    ]
    data = {"branch": ledger.name, "scheme": scheme.id, "year": year, "rows": rows, "subjects": ledger.subjects,
            "scheme_period": scheme.period, **({"above": ledger.above} if ledger.above else {})}
    title = ("title.grade.branches" if ledger.subjects == "branches" else "title.grade",
             {"branch": ledger.name, "year": year, "scheme": scheme.id})
    notes = _quota_notes(rows) + (() if rows else (("cli.no-rows", {}),))
    if group is not None:
        notes += (("note.group", {"group": group}),)
        data["group"] = group
    return Report(title, tuple(columns), tuple(flat(r) for r in rows), data, notes, form="summary",
                  detail=events_report(standings, period) if detail else None,
                  chart=chart_data(ledger, standings, year) if chart else None)


def _absent(standings: engine.Standings, subject: str, year: Period) -> dict[str, str]:
    """Why a scoring period of the year has no score: ``before`` the subject joined, ``after`` it left."""
    scheme = standings.scheme
    if scheme.period == "year":
        return {}
    member = standings.members[subject]
    found = {}
    for part in year.parts(scheme.period):
        if not member.in_span(part.start, part.end):
            joined = min((start for start, _ in member.spells), default=None)
            found[str(part)] = "before" if joined is not None and part.end < joined else "after"
    return found


def _quota_notes(rows: list[dict[str, Any]]) -> tuple[tuple[str, dict[str, Any]], ...]:
    """A line naming those kept out of a band by its quota, so the notice board says so."""
    cut = [f"{r['member']}({r['member_id']})" for r in rows if outcomes.QUOTA_FLAG in r.get("flags", ())]
    return (("note.quota", {"names": "、".join(cut)}),) if cut else ()
