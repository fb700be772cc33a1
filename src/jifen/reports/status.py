"""What is due for a branch on a day (``jifen status``): from the log and the scheme's calendar.

Items, most urgent first (``URGENCY``): open appeals; declarations waiting more than
``PENDING_DAYS`` days; quarters whose notice has ended but that are not closed;
quarters ended without a notice; last month's register (附件2), due by the 5th;
evaluations still missing (last year's: late; this year's: in December); then the
warnings (预警): members whose score so far this year falls in the scheme's lowest
grade, or under a flag's line (a talk, 谈话), in the year or this month.

Each item is a row (for JSON and CSV) and a sentence (``status.<item>``), in order.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jifen.core import engine, workflow
from jifen.core.kinds import PANEL_WORDS
from jifen.core.model import Ledger
from jifen.core.numbers import shown
from jifen.core.periods import Period
from jifen.reports.base import Column, Report, subject_label

URGENCY = ("appeal", "pending", "close", "notice", "register", "eval", "grade", "flag")
LEVEL_ORDER = ("overdue", "due", "warning")  # 逾期, then 待办, then 预警; within each, URGENCY
PENDING_DAYS = 7  # a declaration waiting longer than this is late (支委初评 within a week)
REGISTER_DAY = 5  # the month's register is due by this day of the next month
LEVELS = {"appeal": "due", "pending": "overdue", "close": "overdue", "notice": "overdue", "register": "due",
          "grade": "warning", "flag": "warning"}
_PANEL_NAMES = {panel: word for word, panel in reversed(PANEL_WORDS.items())}  # the first Chinese word of each


def status_report(ledger: Ledger, standings: engine.Standings, today: dt.date) -> Report:
    """What is due for the branch of ``ledger`` on ``today``, most urgent first: the log as it stood
    that day (events dated later are left out, and the rest replayed without them)."""
    items: list[dict[str, Any]] = []
    events = [e for e in standings.events if e.date <= today]
    if len(events) < len(standings.events):
        standings = engine.replay(tuple(events), standings.scheme)
    resolution = standings.resolution
    opened = ledger.header.date if ledger.header is not None else today
    members = standings.members

    def name(subject: str | None) -> str:
        member = members.get(subject or "")
        return member.name if member else (subject or "")

    for appeal in events:
        if appeal.kind == "appeal" and appeal.id not in resolution.rulings:
            items.append({"item": "appeal", "id": appeal.id, "target": appeal.target, "member_id": appeal.subject,
                          "member": name(appeal.subject), "date": appeal.date.isoformat()})
    for declared in events:
        waited = (today - declared.date).days
        if declared.kind == "declare" and declared.id not in resolution.decided and waited > PENDING_DAYS:
            rule = standings.scheme.rule(declared.rule or "")
            items.append({"item": "pending", "id": declared.id, "member_id": declared.subject,
                          "member": name(declared.subject), "rule": declared.rule,
                          "rule_name": rule.name if rule else declared.rule, "date": declared.date.isoformat(),
                          "days": waited})
    items += _quarters(events, opened, today)
    last_month = Period.of(today.replace(day=1) - dt.timedelta(days=1), "month")
    if today.day <= REGISTER_DAY and opened <= last_month.end:
        due = today.replace(day=REGISTER_DAY)
        items.append({"item": "register", "period": str(last_month), "due": due.isoformat(),
                      "days": (due - today).days})
    items += _evaluations(standings, opened, today, name)
    items += _warnings(standings, today, name)
    for item in items:
        item.setdefault("level", LEVELS.get(item["item"], "due"))
    # open appeals first (a member waits for the ruling while the notice runs), then what is late, what is
    # due, the warnings; within each, URGENCY
    items.sort(key=lambda i: (0 if i["item"] == "appeal" else 1 + LEVEL_ORDER.index(i["level"]), URGENCY.index(i["item"]),
                              i.get("date") or i.get("period") or "", i.get("member_id") or ""))
    rows = tuple({"order": n, **item} for n, item in enumerate(items, start=1))
    columns = (Column("order", "label.seq"), Column("level", "label.status-level", words="status.level."),
               Column("item", "label.status-item", words="status.item."), Column("period", "label.period"),
               Column("member", subject_label(ledger)), Column("id", "label.id"), Column("due", "label.due"))
    notes = tuple((f"status.{i['item']}" + ("-deductions" if i.get("deductions") else ""), _said(i))
                  for i in items) or (("status.none", {}),)
    data = {"branch": ledger.name, "scheme": standings.scheme.id, "today": today.isoformat(), "items": list(rows)}
    return Report(("title.status", {"branch": ledger.name, "today": today.isoformat()}), columns, rows, data,
                  notes, form="list")


def _said(item: dict[str, Any]) -> dict[str, Any]:
    """The arguments of an item's sentence: its fields, its level in words."""
    from jifen.messages import Word

    return {**{k: "" if v is None else v for k, v in item.items()}, "level": Word(f"status.level.{item['level']}")}


def _quarters(events: list, opened: dt.date, today: dt.date) -> list[dict[str, Any]]:
    """The quarters ended since the ledger was opened that are not closed: without a notice, or with one ended."""
    notices = {e.period: e for e in events if e.kind == "notice"}
    closed = {e.period for e in events if e.kind == "close"}
    found = []
    quarter = Period.of(opened, "quarter")
    while quarter.end < today:
        key = str(quarter)
        notice = notices.get(key)
        if key not in closed and notice is None:
            found.append({"item": "notice", "period": key, "due": (quarter.end + dt.timedelta(days=1)).isoformat()})
        elif key not in closed and workflow.notice_end(notice) < today:
            found.append({"item": "close", "period": key, "due": workflow.notice_end(notice).isoformat()})
        quarter = Period.of(quarter.end + dt.timedelta(days=1), "quarter")
    return found


def _evaluations(standings: engine.Standings, opened: dt.date, today: dt.date, name) -> list[dict[str, Any]]:
    """Members a panel has not evaluated: last year (late), and this year in its last month."""
    found = []
    for year, level in ((today.year - 1, "overdue"), (today.year, "due")):
        if year < opened.year or (year == today.year and today.month < 12):
            continue
        for score in standings.unevaluated(Period(year, "year", 1)):
            panels = "、".join(_PANEL_NAMES.get(p, p) for p in score.missing)
            found.append({"item": "eval", "level": level, "period": str(year), "member_id": score.subject,
                          "member": name(score.subject), "panels": panels, "due": f"{year}-12-31"})
    return found


def _warnings(standings: engine.Standings, today: dt.date, name) -> list[dict[str, Any]]:
    """预警: members on the roll whose score so far this year is in the lowest grade, or under a flag's line
    (the year's score, or this month's for a monthly flag; a monthly flag on deductions, this month's)."""
    scheme = standings.scheme
    year, month = Period(today.year, "year", 1), Period.of(today, "month")
    bands = scheme.grades
    found: list[dict[str, Any]] = []
    for subject in standings.subjects(year):
        member = standings.members[subject]
        if not member.belongs(today) or standings.is_exempt(subject, year):
            continue
        whole = standings.score(subject, year)
        if whole.missing:
            continue
        # a one-vote veto decides the year whatever comes (its score as the scheme sets it, usually 0)
        total = shown(whole.total, scheme.precision) if whole.veto else _so_far(standings, subject, year, today)
        index = engine.band_index(total, bands)
        if len(bands) > 1 and index == len(bands) - 1 and bands[index - 1].min is not None:
            found.append({"item": "grade", "period": str(year), "member_id": subject, "member": name(subject),
                          "score": total, "grade": bands[index].name, "above": bands[index - 1].name,
                          "line": bands[index - 1].min})
        for rule in scheme.flags:
            if rule.role is not None and member.role != rule.role:
                continue
            if rule.per == "month":
                monthly = shown(standings.score(subject, month).total, scheme.precision)
                deducted = -standings.deductions(subject, month)
                if rule.below is not None and monthly < rule.below:
                    found.append(_flag(rule.flag, month, subject, name, monthly, rule.below))
                elif rule.deductions_over is not None and deducted > rule.deductions_over:
                    found.append({**_flag(rule.flag, month, subject, name, deducted, rule.deductions_over),
                                  "deductions": True})
            elif rule.below is not None and total < rule.below:
                found.append(_flag(rule.flag, year, subject, name, total, rule.below))
    return found


def _so_far(standings: engine.Standings, subject: str, year: Period, today: dt.date) -> Decimal:
    """``subject``'s score for ``year`` from its scoring periods begun by ``today`` alone (the year's
    score would count the periods to come at their full base): their weighted mean, or their sum,
    as the scheme makes the year of them."""
    scheme = standings.scheme
    if scheme.period == "year":
        return shown(standings.score(subject, year).total, scheme.precision)
    member = standings.members[subject]
    parts = [p for p in year.parts(scheme.period) if p.start <= today and member.in_span(p.start, p.end)]
    totals = [standings.score(subject, p).total for p in parts]
    if scheme.annual_on_shown:
        totals = [shown(t, scheme.precision) for t in totals]
    if scheme.annual_method == "sum":
        return shown(sum(totals, Decimal(0)), scheme.precision)
    weights = [scheme.weights.get(p.index, Decimal(1)) for p in parts]
    weighted = sum((w * t for w, t in zip(weights, totals)), Decimal(0))
    return shown(weighted / sum(weights, Decimal(0)), scheme.precision) if parts else Decimal(0)


def _flag(flag: str, period: Period, subject: str, name, value: Decimal, line: Decimal) -> dict[str, Any]:
    return {"item": "flag", "period": str(period), "member_id": subject, "member": name(subject), "flag": flag,
            "score": value, "line": line, "deductions": False}
