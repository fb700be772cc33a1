"""The branch's recording handbook (日常记录手册): every rule of its scheme, by category, with the
points it is worth and what to give when recording it."""

from __future__ import annotations

from typing import Any

from jifen.core import categories, rules
from jifen.core.model import Ledger, Scheme
from jifen.core.numbers import plain
from jifen.reports.base import Column, Report, category_label


def _evaluate(category, panels: str) -> str:
    """What to type to record an evaluation of ``category``: its form aspect by aspect where it has aspects."""
    if category.aspects:
        first = next(iter(category.aspects))
        return f"jifen eval --kind {panels} --aspect {first}=N …"
    return f"jifen eval --kind {panels} --score N"


def handbook_report(ledger: Ledger | None, scheme: Scheme) -> Report:
    """The handbook a member can keep: for each category (its name and marks once, on its first
    row), each rule's name, id, points (``rules.describe``) and what ``jifen add`` needs
    (``rules.gives``); an evaluated category says how it is evaluated instead."""
    rows: list[dict[str, Any]] = []
    groups = []
    for category in scheme.categories:
        entries: list[dict[str, Any]] = []
        if categories.of(category).evaluated:
            panels = "|".join(category.panels)
            entries.append({"name": category.name, "rule": None, "kind": "evaluation",
                            "value": categories.Evaluation.describe(category),
                            "give": _evaluate(category, panels)})
        for rule in category.rules:
            item = category.item(rule.item) if rule.item else None
            entries.append({"name": f"{item.name}·{rule.name}" if item else rule.name, "rule": rule.id,
                            "kind": rule.kind, "value": rules.describe(rule), "give": rules.gives(rule)})
        label = category_label(category)
        for at, entry in enumerate(entries):
            rows.append({"category_name": label if at == 0 else None, **entry})
        groups.append({"category": category.id, "name": category.name, "max": category.max,
                       "weight": category.weight, "rules": entries})
    columns = (
        Column("category_name", "label.category"),
        Column("name", "label.rule"),
        Column("rule", "label.id"),
        Column("value", "label.value"),
        Column("give", "label.give"),
    )
    branch = ledger.name if ledger is not None else scheme.name
    data = {"branch": branch, "scheme": scheme.id, "name": scheme.name, "categories": groups,
            "grades": [{"name": b.name, "min": b.min} for b in scheme.grades]}
    notes: list[tuple[str, dict[str, Any]]] = [("note.handbook-give", {})]
    if scheme.grades:
        notes.append(("note.handbook-grades", {"grades": "、".join(
            f"{b.name} ≥{plain(b.min)}" if b.min is not None else b.name for b in scheme.grades)}))
    if scheme.exchange is not None:
        from jifen.reports.schemes import exchange_note

        notes.append(exchange_note(scheme))
    if scheme.example_values:
        notes.append(("note.example-values", {}))
    return Report(("title.handbook", {"branch": branch, "scheme": scheme.id, "name": scheme.name}), columns,
                  tuple(rows), data, tuple(notes))
