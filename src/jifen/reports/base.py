"""What every report is made of: ``Report`` (a title, columns, rows, the JSON document, notes) and
the columns and cells the ranked tables share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jifen.core import engine
from jifen.core.kinds import MEMBER_STATUSES
from jifen.core.model import Category, Ledger
from jifen.core.numbers import plain
from jifen.core.periods import Period


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # a catalogue code ("label.rank"), or literal text when ``literal``
    literal: bool = False
    words: str = ""  # if set, a cell's value is shown as the catalogue entry words + value
    # a narrow terminal may shorten this column's header to ``short`` (literal text) or fold it into
    # one compact column, listing the cells that differ from ``full`` (a category's marks)
    short: str = ""
    full: Any = None
    # a terminal too narrow for every column leaves out those with a ``spare`` rank (1 first, then 2 …)
    # before it cuts any cell short
    spare: int = 0


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
    # the columns a printed form (the HTML page, the Excel sheet) shows, where they differ from the table's
    printed: tuple[Column, ...] | None = None


def lead_columns(ledger: Ledger) -> tuple[Column, ...]:
    """Rank, id and name: how every ranked table starts."""
    return (Column("rank", "label.rank"), Column("member_id", "label.member_id"), Column("member", subject_label(ledger)))


def subject_label(ledger: Ledger) -> str:
    return "label.branch-subject" if ledger.subjects == "branches" else "label.member"


def category_column(category: Category) -> Column:
    """A category's column: its name and marks, shortened to the name on a narrow terminal."""
    return Column(f"categories.{category.id}", category_label(category), literal=True, short=category.name,
                  full=category.max)


def category_label(category: Category) -> str:
    label = category.name
    if category.max is not None:
        label += f"({plain(category.max)})"
    if category.weight != 1:
        label += f"×{plain(category.weight)}"
    return label


def exempt_rows(standings: engine.Standings, period: Period, extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows for the subjects exempt in ``period``: listed, not scored; ``extra``: the other keys the
    report's scored rows have, with what they are for someone not scored (a row's shape never varies)."""
    extra = extra or {}
    return [
        {"member_id": s, "member": standings.members[s].name, **people(standings, s, period), "score": None,
         "rank": None, "exempt": True, **extra}
        for s in standings.subjects(period)
        if standings.is_exempt(s, period)
    ]


def unevaluated_rows(standings: engine.Standings, period: Period,
                     extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows for the subjects a panel has not evaluated in ``period`` yet (未评): listed with the panels
    still ``missing``, with no score or rank; ``extra`` as for ``exempt_rows``."""
    return [
        {"member_id": score.subject, "member": standings.members[score.subject].name,
         **people(standings, score.subject, period), "score": None, "rank": None,
         **(extra or {}), "veto": score.veto, "missing": list(score.missing)}
        for score in standings.unevaluated(period)
    ]


def missing_column(rows: list[dict[str, Any]]) -> tuple[Column, ...]:
    """The 未评 column, naming the panels still missing, when some row waits for an evaluation."""
    return (Column("missing", "label.missing", words="panel."),) if any(r.get("missing") for r in rows) else ()


def reasons(standings: engine.Standings, subject: str, period: Period) -> list[dict[str, Any]]:
    """Why ``subject``'s points moved in ``period``: each rule's counted value and how many times, in
    the order first booked, then any veto; the rule's name from the scheme. Plain data for the
    notice (``缺席三会一课 −1×2``), so an objection can name what it objects to."""
    scheme = standings.scheme
    grouped: dict[tuple, dict[str, Any]] = {}
    for booked in standings.entries(subject):
        event = booked.event
        if not period.contains(event.date):
            continue
        rule = scheme.rule(event.rule or "")
        shared = event.subject if event.subject != subject else None
        key = (event.rule, booked.value, shared)
        if key not in grouped:
            grouped[key] = {"rule": event.rule, "name": rule.name if rule else (event.rule or ""),
                            "points": booked.value, "count": 0, "ids": []}
            if shared:
                member = standings.members.get(shared)
                grouped[key]["shared_from"] = member.name if member else shared
        grouped[key]["count"] += 1
        grouped[key]["ids"].append(event.id)
    found = list(grouped.values())
    for veto in standings.vetoes.get(subject, ()):
        if period.contains(veto.date):
            found.append({"veto": veto.reason or "", "ids": [veto.id]})
    return found


def name_of(standings: engine.Standings, subject: str | None) -> str:
    member = standings.members.get(subject or "")
    return member.name if member else (subject or "")


def who(standings: engine.Standings, subject: str | None) -> str:
    member = standings.members.get(subject or "")
    return f"{member.name}({member.id})" if member else (subject or "")


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with nested mappings spread into ``outer.inner`` keys, for tables."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def people(standings: engine.Standings, subject: str, period: Period) -> dict[str, Any]:
    """A row's status (where the scheme scores more than party members, or ranks statuses apart) and
    groups (where the branch has groups): nothing where neither applies, so a row's shape is as before."""
    found: dict[str, Any] = {}
    if _shows_status(standings):
        found["status"] = standings.status(subject, period)
    member = standings.members.get(subject)
    if member is not None and standings.grouped:
        found["groups"] = "、".join(member.groups_between(period.start, period.end))
    return found


def people_columns(standings: engine.Standings) -> tuple[Column, ...]:
    """The status and group columns ``people`` fills, where it fills them."""
    return ((*([Column("status", "label.standing", words="status.")] if _shows_status(standings) else []),
             *([Column("groups", "label.group")] if standings.grouped else [])))


def _shows_status(standings: engine.Standings) -> bool:
    scheme = standings.scheme
    return scheme.statuses_apart or set(scheme.statuses) != set(MEMBER_STATUSES)


def of_group(rows: list[dict[str, Any]], standings: engine.Standings, group: str | None,
             period: Period) -> list[dict[str, Any]]:
    """The rows of the members who were in ``group`` at some time in ``period`` (all rows if None); their
    ranks stay the branch's."""
    if group is None:
        return rows
    kept = {m.id for m in standings.members.values() if group in m.groups_between(period.start, period.end)}
    return [r for r in rows if r["member_id"] in kept]


def quota_text(value) -> str | None:
    return None if value is None else str(value)
