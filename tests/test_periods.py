import datetime as dt

import pytest

from jifen.core.periods import Period


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2023-02", "2023-02-01", "2023-02-28"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2023Q4", "2023-10-01", "2023-12-31"),
        ("2023q2", "2023-04-01", "2023-06-30"),
        ("2023", "2023-01-01", "2023-12-31"),
    ],
)
def test_parse_and_bounds(text, start, end):
    period = Period.parse(text)
    assert period.start == dt.date.fromisoformat(start)
    assert period.end == dt.date.fromisoformat(end)
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize("text", ["2023-13", "2023Q5", "23Q1", "2023-1-1", "", "Q1"])
def test_parse_refuses(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_parts_and_of():
    year = Period.parse("2023")
    assert [str(p) for p in year.parts("quarter")] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert [str(p) for p in Period.parse("2023Q3").parts("month")] == ["2023-07", "2023-08", "2023-09"]
    assert Period.of(dt.date(2023, 8, 15), "quarter") == Period.parse("2023Q3")
    with pytest.raises(ValueError):
        Period.parse("2023-01").parts("quarter")


def test_is_within():
    assert Period.parse("2023-01").is_within("quarter")
    assert Period.parse("2023Q1").is_within("quarter")
    assert not Period.parse("2023").is_within("quarter")
    assert not Period.parse("2023Q1").is_within("month")


def test_year_0_is_not_a_period():
    for text in ("0000", "0000-01", "0000Q1"):
        with pytest.raises(ValueError):
            Period.parse(text)
