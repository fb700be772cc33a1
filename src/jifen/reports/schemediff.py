"""What a proposed version of the scheme would change: each member's year before → after, and the rules."""

from __future__ import annotations

from typing import Any

from jifen.core import engine, outcomes, rules
from jifen.core.model import Ledger, Rule, Scheme
from jifen.core.numbers import plain
from jifen.reports.base import Column, Report, subject_label


def scheme_diff_report(ledger: Ledger, before: engine.Standings, after: engine.Standings, year: int) -> Report:
    """Every member scored in ``year`` under the scheme of ``before`` and under that of ``after`` (the
    same events replayed by each): score, grade and rank before → after, those whose grade changes
    first, then by the size of the change; and the rules added, removed or changed, in words."""
    old = {o.subject: o for o in outcomes.annual(before, year)}
    new = {o.subject: o for o in outcomes.annual(after, year)}
    rows = []
    for subject in dict.fromkeys([*old, *new]):
        was, now = old.get(subject), new.get(subject)
        member = before.members[subject]
        rows.append({
            "member_id": subject, "member": member.name,
            "score_before": was.shown if was else None, "score_after": now.shown if now else None,
            "change": now.shown - was.shown if was and now else None,
            "grade_before": was.grade if was else None, "grade_after": now.grade if now else None,
            "rank_before": was.rank if was else None, "rank_after": now.rank if now else None,
            "grade_changed": (was.grade if was else None) != (now.grade if now else None),
        })
    rows.sort(key=lambda r: (not r["grade_changed"], -abs(r["change"] or 0), r["rank_after"] or 0, r["member_id"]))
    changes = rule_changes(before.scheme, after.scheme)
    columns = (
        Column("member_id", "label.member_id"),
        Column("member", subject_label(ledger)),
        Column("score_before", "label.score-before"),
        Column("score_after", "label.score-after"),
        Column("change", "label.change"),
        Column("grade_before", "label.grade-before"),
        Column("grade_after", "label.grade-after"),
        Column("rank_before", "label.rank-before"),
        Column("rank_after", "label.rank-after"),
    )
    notes: list[tuple[str, dict[str, Any]]] = [
        ("note.grades-changed", {"count": sum(r["grade_changed"] for r in rows), "of": len(rows)})]
    notes += [(f"note.rule-{change['change']}", change) for change in changes]
    bands = grade_changes(before.scheme, after.scheme)
    notes += [("note.grades-lines", {"before": bands[0], "after": bands[1]})] if bands else []
    if not changes and not bands:
        notes.append(("note.rules-same", {}))
    data = {"branch": ledger.name, "year": year, "before": before.scheme.id, "after": after.scheme.id,
            "rows": rows, "rules": changes, **({"grades": {"before": bands[0], "after": bands[1]}} if bands else {})}
    title = ("title.scheme-diff", {"branch": ledger.name, "year": year, "before": before.scheme.id,
                                   "after": after.scheme.id})
    return Report(title, columns, tuple(rows), data, tuple(notes))


def grade_changes(before: Scheme, after: Scheme) -> tuple[str, str] | None:
    """The grade lines of ``before`` and ``after`` in words (优秀 ≥95、良好 ≥85 …, with a quota where there is
    one), if they differ: a change there moves members between grades with no rule changed."""
    def words(scheme: Scheme) -> str:
        return "、".join(f"{b.name}" + (f" ≥{plain(b.min)}" if b.min is not None else "")
                        + (f"（名额 {b.quota}）" if b.quota is not None else "") for b in scheme.grades)

    was, now = words(before), words(after)
    return (was, now) if was != now else None


def rule_changes(before: Scheme, after: Scheme) -> list[dict[str, str]]:
    """The rules ``after`` adds, removes or changes (points, kind, name or category) against ``before``,
    in the order of ``before`` then the added ones: ``change`` (added, removed, changed), the rule's
    id and name, and what it is worth before and after.

    A rule renamed (a new id) is one removed and one added: events recorded under its old id
    are not scored by ``after``."""
    found = []
    for rule in before.rules:
        other = after.rule(rule.id)
        if other is None:
            found.append(_change("removed", rule, before, None, after))
        elif (rule.kind, rule.params, rule.name, rule.category) != (other.kind, other.params, other.name, other.category):
            found.append(_change("changed", rule, before, other, after))
    found += [_change("added", rule, after, rule, after) for rule in after.rules if before.rule(rule.id) is None]
    return found


def _change(change: str, rule: Rule, scheme: Scheme, other: Rule | None, other_scheme: Scheme) -> dict[str, str]:
    was = "" if change == "added" else rules.describe(rule)
    now = rules.describe(other) if other is not None else ""
    shown = other if other is not None else rule
    category = (other_scheme if other is not None else scheme).category(shown.category).name
    return {"change": change, "rule": rule.id, "name": f"{category}·{shown.name}", "before": was, "after": now}
