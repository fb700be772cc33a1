"""A scheme's handbook of rules, and the list of schemes."""

from __future__ import annotations

from jifen.core import categories, rules
from jifen.core.model import Scheme
from jifen.core.numbers import plain
from jifen.messages import Word
from jifen.reports.base import (
    Column,
    Report,
    category_label,
    quota_text,
)


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
                    "category_name": category_label(category),
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
                    "category_name": category_label(category),
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
        "grades": [{"name": b.name, "min": b.min, "max": b.max, "quota": quota_text(b.quota)} for b in scheme.grades],
        "stars": [{"name": b.name, "min": b.min} for b in scheme.stars],
        "rules": rows,
    }
    notes: tuple = ()
    if scheme.exchange is not None:
        data["exchange"] = exchange_data(scheme)
        notes += (exchange_note(scheme),)
    if scheme.example_values:
        notes += (("note.example-values", {}),)
    return Report(("title.scheme", {"scheme": scheme.id, "name": scheme.name}), columns, table_rows, data, notes)


def exchange_data(scheme: Scheme) -> dict:
    """The scheme's points exchange as JSON: what it spends, when it opens, its prizes and prices."""
    found = scheme.exchange
    assert found is not None
    return {"spends": list(found.spends), "every": found.every, "days": found.days,
            "prizes": [{"id": p.id, "name": p.name, "price": p.price} for p in found.prizes]}


def exchange_note(scheme: Scheme) -> tuple[str, dict]:
    """The scheme's points exchange in a line: when it opens, and each prize with its id and price."""
    found = scheme.exchange
    assert found is not None
    prizes = "、".join(f"{p.name}({p.id}) {plain(p.price)}" for p in found.prizes)
    return ("note.exchange-catalogue", {"every": Word(f"word.{found.every}"), "days": found.days, "prizes": prizes,
                                        "spends": "、".join(scheme.category(c).name for c in found.spends)})


def schemes_report(schemes: list[tuple[str, str, str]]) -> Report:
    """The schemes found: id, name, file."""
    rows = tuple({"scheme": i, "name": n, "path": p} for i, n, p in schemes)
    columns = (Column("scheme", "label.id"), Column("name", "label.name"), Column("path", "label.path"))
    return Report(("title.scheme", {"scheme": "", "name": ""}), columns, rows, list(rows))
