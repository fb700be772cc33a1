"""The table of event kinds: complete, consistent, and what the reader and writer follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jifen import messages
from jifen.core import kinds
from jifen.store import ledger

SAMPLE = {  # one value of each field type, as a command would give it
    "int": 3, "date": dt.date(2023, 1, 2), "text": "张三", "count": 2, "decimal": Decimal("-0.5"),
    "period": "2023Q1", "subjects": "members", "decision": "upheld", "aspects": "理想信念=9 宗旨意识=10",
}


@pytest.mark.parametrize("name", list(kinds.KINDS))
def test_each_kind_has_fields_of_known_types_and_words_in_both_languages(name):
    kind = kinds.KINDS[name]
    assert kind.fields <= set(kinds.FIELDS), kind.fields - set(kinds.FIELDS)
    assert set(kind.targets) <= set(kinds.KINDS)
    for code in (f"kind.{name}", f"log.{name}"):
        assert messages.known(code), code
        assert all(messages.text(code, lang, **_anything()) for lang in messages.LANGS)


def _anything():
    return {k: "x" for k in ("id", "date", "who", "by", "late", "note", "reason", "rule", "rule_name", "value",
                             "target", "period", "panel", "given", "decision", "days", "name")}


@pytest.mark.parametrize("name", list(kinds.KINDS))
def test_an_event_of_each_kind_with_its_required_fields_reads_back_as_written(name):
    kind = kinds.KINDS[name]
    values = {field: SAMPLE[kinds.FIELDS[field]] for field in kind.needed if field not in ("id", "kind")}
    text = ledger.emit({"id": 1, "kind": name, **values})
    events = ledger._fast("l.yaml", text)
    assert events is not None and len(events) == 1
    assert {f: getattr(events[0], f) for f in values} == values


@pytest.mark.parametrize("name", list(kinds.KINDS))
def test_a_field_the_kind_does_not_take_is_refused_by_the_reader(name):
    kind = kinds.KINDS[name]
    stranger = next(f for f in kinds.FIELDS if f not in kind.fields)
    values = {field: SAMPLE[kinds.FIELDS[field]] for field in kind.needed if field not in ("id", "kind")}
    text = ledger.emit({"id": 1, "kind": name, **values, stranger: SAMPLE[kinds.FIELDS[stranger]]})
    book, problems = ledger.parse("l.yaml", text.encode("utf-8"))
    assert "yaml.unknown-key" in [p.code for p in problems]


def test_the_groups_split_the_kinds_as_the_spine_needs():
    assert kinds.BULK_KINDS == ("score", "declare", "eval", "veto")
    assert kinds.ROSTER_KINDS == ("join", "leave", "role", "unrole", "group", "ungroup", "status")
    assert kinds.COUNTED == ("score", "eval", "veto", "exempt")
    assert set(kinds.REWRITES) == {"revoke", "approve", "reject", "amend", "ruling"}
    assert kinds.DECIMAL_FIELDS == ("points", "measure", "score")
    assert kinds.FIELD_ORDER[:3] == ("id", "date", "kind") and kinds.FIELD_ORDER[-1] == "by"


def test_each_rule_kind_describes_its_own_value():
    from jifen.core import rules
    from jifen.core.model import Rule, Source

    def rule(kind, **params):
        return Rule("r", "规则", "c", kind, params, Source("s", 1))

    assert rules.describe(rule("fixed", points=Decimal("-1.0"))) == "-1"
    assert rules.describe(rule("range", min=Decimal(-2), max=Decimal(0))) == "-2 ~ 0"
    assert rules.describe(rule("progressive", points=Decimal(-5), step=Decimal(-5))) == "-5, -5…"
    assert rules.describe(rule("graded", levels={"较好": Decimal(5), "一般": Decimal(2)})) == "较好 5 / 一般 2"
    assert rules.describe(rule("lose-item")) == "0"
    assert rules.describe(rule("rate", threshold=Decimal(95), per_step=Decimal(-3))) == "< 95: -3 / 1"
    assert set(rules.KINDS) == {"fixed", "range", "progressive", "graded", "lose-item", "rate"}


@pytest.mark.parametrize(("text", "panel"), [("自评", "self"), ("互评", "peer"), ("群众", "masses"), ("peer", "peer"),
                                             ("民主评议", "democratic")])
def test_panels_are_taken_in_chinese(text, panel):
    assert kinds.panel(text) == panel


@pytest.mark.parametrize(("text", "decision"), [("支持", "upheld"), ("驳回", "rejected"), ("upheld", "upheld")])
def test_decisions_are_taken_in_chinese(text, decision):
    assert kinds.decision(text) == decision
