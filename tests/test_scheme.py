"""Schemes: the shipped S1 encodes the seed; broken schemes report every problem with its place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jifen.store import scheme as scheme_io
from tests.conftest import SCHEMES, write

S1_RULES = {
    "study.absent": -1, "study.notes": -1, "study.report": -1, "study.quality": None,
    "service.complaint": -2, "service.dress": -1, "service.deadline": -1, "service.activity": -1,
    "service.criticized": -2, "service.other": None,
    "duty.speech": -10, "duty.execution": -2, "duty.life": -2, "duty.dues": -2, "duty.harm": -2,
    "duty.morals": -1, "duty.other": None,
    "work.key": -15, "work.daily": -10, "work.temporary": -5, "work.other": None,
    "integrity.rating": -1, "integrity.complaints": -6, "integrity.absent": -2, "integrity.other": None,
    "pledge.late": -1, "pledge.broken": -1, "pledge.other": None,
    "honor.national": 8, "honor.provincial": 5, "honor.city": 3, "honor.company": 1,
}


def test_s1_has_every_rule_of_the_seed(s1):
    assert s1.id == "quantified-2023"
    assert {r.id for r in s1.rules} == set(S1_RULES)
    for rule in s1.rules:
        expected = S1_RULES[rule.id]
        if expected is None:
            assert rule.kind == "range" and rule.params["max"] == Decimal("-0.5")
            assert rule.params["min"] == -s1.category(rule.category).max
        else:
            assert rule.kind == "fixed" and rule.params["points"] == expected


def test_s1_categories_caps_grades(s1):
    maxima = {c.id: c.max for c in s1.categories if c.type == "deduct"}
    assert maxima == {"study": 10, "service": 20, "duty": 20, "work": 30, "integrity": 10, "pledge": 10}
    bonus = s1.category("bonus")
    assert bonus.caps == {"quarter": 20, "year": 20} and bonus.dedupe == "ref-highest"
    assert [(b.name, b.min) for b in s1.grades] == [("优秀", 98), ("良好", 95), ("合格", 92), ("不合格", None)]
    assert s1.period == "quarter" and s1.precision == 2 and s1.veto_effect == "zero-period-and-year"


def test_every_shipped_scheme_loads_clean():
    paths = scheme_io.available([SCHEMES])
    assert paths
    for path in paths:
        loaded, problems = scheme_io.load(path)
        assert loaded is not None, path
        if path.stem == "juwei-2019":  # the seed's own bands leave 60 <= s < 61 without a grade
            assert [(p.code, p.severity) for p in problems] == [("scheme.band-gap", "warning")]
        else:
            assert problems == [], path


MINIMAL = """
scheme: t
name: 测试
period: quarter
total: 10
categories:
  - id: a
    name: 甲
    type: deduct
    max: 10
    rules:
      - {id: a.x, name: x, kind: fixed, points: -1}
grades:
  - {name: 好, min: 90}
  - {name: 差}
"""


def load(tmp_path, text):
    return scheme_io.load(write(tmp_path / "s.yaml", text))


def test_minimal_scheme_defaults(tmp_path):
    loaded, problems = load(tmp_path, MINIMAL)
    assert problems == []
    assert loaded.precision == 2 and loaded.annual_method == "mean" and len(loaded.weights) == 4


@pytest.mark.parametrize(
    "old, new, code, line",
    [
        ("total: 10", "total: 100", "scheme.total-mismatch", 4),
        ("  - {name: 差}", "  - {name: 差, min: 50, max: 80}", "scheme.band-gap", 14),
        ("  - {name: 差}", "  - {name: 差, max: 95}", "scheme.band-overlap", 14),
        ("  - {name: 差}", "  - {name: 差, min: 95}", "scheme.band-order", 14),
        ("kind: fixed, points: -1", "kind: fixed, points: 0", "rule.zero-points", 11),
        ("kind: fixed, points: -1", "kind: magic", "yaml.want-choice", 11),
        ("kind: fixed, points: -1", "kind: range, min: 0, max: -1", "rule.range-inverted", 11),
        ("    max: 10\n", "", "scheme.category-needs", 6),
        ("period: quarter", "period: week", "yaml.want-choice", 3),
        ("name: 测试", "name: 测试\nbogus: 1", "yaml.unknown-key", 3),
    ],
)
def test_each_problem_is_found_with_its_line(tmp_path, old, new, code, line):
    assert old in MINIMAL
    loaded, problems = load(tmp_path, MINIMAL.replace(old, new))
    assert (code, line) in [(p.code, p.source.line) for p in problems]
    found = next(p for p in problems if p.code == code)
    assert (loaded is None) == found.is_error  # a warning (a band gap) does not stop the scheme


def test_duplicate_rule_id_and_all_problems_together(tmp_path):
    text = MINIMAL.replace(
        "      - {id: a.x, name: x, kind: fixed, points: -1}",
        "      - {id: a.x, name: x, kind: fixed, points: -1}\n      - {id: a.x, name: y, kind: fixed, points: -2}",
    ).replace("total: 10", "total: 11")
    _, problems = load(tmp_path, text)
    assert {p.code for p in problems} == {"scheme.duplicate-id", "scheme.total-mismatch"}


def test_find_by_id_and_by_path(tmp_path):
    path = write(tmp_path / "mine.yaml", MINIMAL)
    assert scheme_io.find("quantified-2023", [SCHEMES]).name == "quantified-2023.yaml"
    assert scheme_io.find("mine.yaml", [], base=tmp_path) == path
    with pytest.raises(Exception) as info:
        scheme_io.find("nope", [SCHEMES])
    assert "quantified-2023" in info.value.args_["known"]


def test_huge_sparse_scheme_file_is_refused_by_size_before_it_is_read(tmp_path):
    import os

    path = tmp_path / "huge.yaml"
    path.write_bytes(b"")
    os.truncate(path, 70 * 1024**3)
    loaded, problems = scheme_io.load(path)
    assert loaded is None and [p.code for p in problems] == ["scheme.too-big"]
