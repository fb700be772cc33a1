"""Numbers, dates and periods as people type them (jifen.core.typed): each form a case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jifen import messages
from jifen.core import typed
from jifen.errors import InvalidInput

TODAY = dt.date(2024, 6, 1)


@pytest.mark.parametrize(("text", "value"), [
    ("-0.5", "-0.5"), ("－０.５", "-0.5"), ("０.５", "0.5"), ("－1", "-1"), ("−1", "-1"), ("‒1", "-1"),
    ("–2", "-2"), ("0。5", "0.5"), ("0．5", "0.5"), ("+3", "3"), (" 2 ", "2"), (".5", "0.5"),
])
def test_number_forms(text, value):
    assert typed.number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["0，5", "1,5", "1,000"])
def test_a_comma_is_refused_not_guessed(text):
    with pytest.raises(InvalidInput) as caught:
        typed.number(text)
    assert caught.value.code == "typed.comma"


@pytest.mark.parametrize("text", ["", "abc", "1e3", "nan", "Infinity", "--1", "1.2.3"])
def test_not_numbers(text):
    with pytest.raises(InvalidInput) as caught:
        typed.number(text)
    assert caught.value.code == "cli.bad-number"


@pytest.mark.parametrize(("text", "value"), [("3", 3), ("３", 3), ("+1", 1)])
def test_whole_forms(text, value):
    assert typed.whole(text) == value


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "x", "1" * 19])
def test_not_whole(text):
    with pytest.raises(InvalidInput):
        typed.whole(text)


@pytest.mark.parametrize(("text", "day"), [
    ("2023-05-02", "2023-05-02"), ("2023-5-2", "2023-05-02"), ("2023/5/2", "2023-05-02"), ("2023.5.2", "2023-05-02"),
    ("2023年5月2日", "2023-05-02"), ("2023年5月2号", "2023-05-02"), ("5月2日", "2024-05-02"), ("20230502", "2023-05-02"),
    ("２０２３-05-02", "2023-05-02"), ("２０２３／５／２", "2023-05-02"), ("2023－05－02", "2023-05-02"),
    ("２０２３年５月２日", "2023-05-02"), ("2024-2-29", "2024-02-29"),
])
def test_date_forms(text, day):
    assert typed.date(text, TODAY) == dt.date.fromisoformat(day)


def test_a_wrong_date_says_what_is_wrong():
    with pytest.raises(InvalidInput) as caught:
        typed.date("2023-02-30", TODAY)
    error = caught.value
    assert error.code == "typed.no-such-day"
    assert "2月没有30日" in messages.text(error.code, "zh", **error.args_)
    assert "28" in messages.hint(error.code, "zh", **error.args_)
    with pytest.raises(InvalidInput) as caught:
        typed.date("2023-13-01", TODAY)
    assert caught.value.code == "typed.no-such-month"
    with pytest.raises(InvalidInput) as caught:
        typed.date("2023-02-29", TODAY)
    assert caught.value.code == "typed.no-such-day"


@pytest.mark.parametrize("text", ["", "yesterday", "2023", "5/2", "2023-05-02T00:00", "0000-01-01"])
def test_not_dates(text):
    with pytest.raises(InvalidInput):
        typed.date(text, TODAY)


@pytest.mark.parametrize(("text", "period"), [
    ("2023年第一季度", "2023Q1"), ("2023年一季度", "2023Q1"), ("2023年第3季度", "2023Q3"), ("2023年Q4", "2023Q4"),
    ("一季度", "2024Q1"), ("第四季度", "2024Q4"), ("2023Q1", "2023Q1"), ("2023q2", "2023Q2"), ("2023-Q2", "2023Q2"),
    ("２０２３Ｑ１", "2023Q1"), ("2023-03", "2023-03"), ("2023-3", "2023-03"), ("2023/03", "2023-03"),
    ("2023年3月", "2023-03"), ("2023年12月", "2023-12"), ("2023年十二月", "2023-12"), ("3月", "2024-03"),
    ("2023年", "2023"), ("2023", "2023"), ("2023年度", "2023"),
])
def test_period_forms(text, period):
    assert str(typed.period(text, TODAY)) == period


@pytest.mark.parametrize("text", ["", "2023Q5", "五季度", "2023-13", "2023年13月", "last year"])
def test_not_periods(text):
    with pytest.raises(InvalidInput):
        typed.period(text, TODAY)


def test_the_examples_in_the_docstrings_hold():
    import doctest

    assert doctest.testmod(typed).failed == 0
